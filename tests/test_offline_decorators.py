"""A call's arguments compared as a reader sees them, and a decorator whose arguments changed told as a change
of that decorator (tenacity's ``@functools.wraps(f)`` -> ``@functools.wraps(f, …)``, issue 21's samples), with
the words of a changed call: what it passes now. Real git repositories (tests.test_offline_facts.summary_of).
"""

from __future__ import annotations

from pathlib import Path

from tests.test_offline_facts import summary_of

# -------------------------------------------------------------- the arguments of a call in the body

LEVELS_OLD = """\
def pick(random, logging):
    level = random.choice((logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL))
    return level
"""
LEVELS_NEW = LEVELS_OLD.replace(
    "random.choice((logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL))",
    "random.choice(\n        (\n            logging.DEBUG,\n            logging.INFO,\n"
    "            logging.WARNING,\n            logging.ERROR,\n"
    "            logging.CRITICAL,\n        )\n    )",
)


def test_an_argument_rewrapped_with_a_trailing_comma_is_no_argument_change(tmp_path: Path) -> None:
    """tenacity's TestAfterLogFormat.setUp read ``Passes `( logging.DEBUG, …` instead of
    `(logging.DEBUG…``."""
    assert LEVELS_NEW.count("\n") == LEVELS_OLD.count("\n") + 8  # the replacement took
    text = summary_of(tmp_path, "m.py", LEVELS_OLD, LEVELS_NEW, "pick")
    assert "Passes" not in text, text
    assert text.startswith("Only the layout changed (`level = random.choice(…)` re-wrapped)."), text


def test_a_trailing_comma_that_makes_a_tuple_is_an_argument_change(tmp_path: Path) -> None:
    """``(x)`` is ``x``; re-wrapped with a trailing comma it is a one-element tuple: not layout, and told."""
    old = "def f(x):\n    return g((x), 1)\n"
    new = "def f(x):\n    return g(\n        (\n            x,\n        ),\n        1,\n    )\n"
    text = summary_of(tmp_path, "m.py", old, new, "f")
    assert text.startswith("Passes `( x, )` instead of `(x)` to `g`."), text


def test_a_long_argument_put_for_another_is_quoted_where_it_differs(tmp_path: Path) -> None:
    """quart's ``cast`` of an event: both sides cut at 40 characters read the same."""
    old = (
        "def send_body(send, cast, body):\n"
        '    send(cast(Event, {"type": "http.response.body", "body": body, "more_body": True}))\n'
    )
    new = old.replace('"more_body": True', '"more_body": False')
    text = summary_of(tmp_path, "m.py", old, new, "send_body")
    assert (
        'Passes `\u2026body, "more_body": False\u2026` instead of `\u2026body, "more_body": True\u2026`'
        in text
    ), text


# ------------------------------------------------------------------- a decorator whose arguments changed

WRAPS_OLD = """\
import functools


class BaseRetrying:
    def wraps(self, f):
        @functools.wraps(f)
        def wrapped_f(*args, **kw):
            return self(f, *args, **kw)

        return wrapped_f
"""
WRAPS_NEW = WRAPS_OLD.replace(
    "@functools.wraps(f)",
    "@functools.wraps(f, functools.WRAPPER_ASSIGNMENTS + ('__defaults__', '__kwdefaults__'))",
)


def test_a_decorator_whose_arguments_changed_is_told_once_by_what_it_passes(tmp_path: Path) -> None:
    """tenacity's BaseRetrying.wraps.wrapped_f read ``decorator @functools.wraps(f, …) added; decorator
    @functools.wraps(f) removed`` (about 230 characters for one argument)."""
    text = summary_of(tmp_path, "m.py", WRAPS_OLD, WRAPS_NEW, "BaseRetrying.wraps.wrapped_f")
    assert text == (
        "Signature: decorator @functools.wraps now passes `functools.WRAPPER_ASSIGNMENTS + ('__def\u2026`. "
        "Body unchanged. +1 \u22121 lines."
    ), text


def test_a_decorator_argument_changed_dropped_or_added_to_a_bare_one(tmp_path: Path) -> None:
    old = (
        "@retry(stop=stop_after_attempt(3), reraise=True)\ndef go(x):\n    return x\n\n\n"
        "@pytest.fixture\ndef client():\n    return 1\n\n\n@functools.lru_cache\ndef load():\n    return 2\n"
    )
    new = (
        old.replace("(3), reraise=True)", "(5))")
        .replace("@pytest.fixture\n", '@pytest.fixture(scope="module")\n')
        .replace("@functools.lru_cache\n", "@functools.lru_cache()\n")
    )
    assert summary_of(tmp_path / "a", "m.py", old, new, "go").startswith(
        "Signature: decorator @retry now passes `stop=stop_after_attempt(5)` instead of "
        "`stop=stop_after_attempt(3)` (and no longer `reraise=True`)."
    )
    assert summary_of(tmp_path / "b", "m.py", old, new, "client").startswith(
        "Signature: decorator @pytest.fixture now passes `scope='module'`."
    )
    assert summary_of(tmp_path / "c", "m.py", old, new, "load").startswith(
        "Signature: decorator @functools.lru_cache \u2192 @functools.lru_cache()."
    )


def test_a_decorator_of_another_callee_is_added_and_removed(tmp_path: Path) -> None:
    old = "@retry(stop=3)\ndef go(x):\n    return x\n"
    new = old.replace("@retry(", "@backoff(")
    text = summary_of(tmp_path, "m.py", old, new, "go")
    assert text.startswith(
        "Signature: decorator @backoff(stop=3) added; decorator @retry(stop=3) removed."
    ), text


def test_a_repeated_decorator_is_never_paired(tmp_path: Path) -> None:
    """Two ``@mock.patch`` on a side: which old one became which new one is not known, so each is added or
    removed as before, even when only one of them changed."""
    old = '@mock.patch("a.load")\n@mock.patch("a.save")\ndef test_go(save, load):\n    assert go()\n'
    both = old.replace('"a.load"', '"b.load"').replace('"a.save"', '"b.save"')
    text = summary_of(tmp_path / "a", "m.py", old, both, "test_go")
    assert text.startswith(
        "Signature: decorator @mock.patch('b.load') added; decorator @mock.patch('b.save') added; "
        "decorator @mock.patch('a.load') removed; decorator @mock.patch('a.save') removed."
    ), text
    one = old.replace('"a.save"', '"b.save"')
    text = summary_of(tmp_path / "b", "m.py", old, one, "test_go")
    assert text.startswith(
        "Signature: decorator @mock.patch('b.save') added; decorator @mock.patch('a.save') removed."
    ), text


def test_two_parametrize_decorators_changed_are_left_to_the_test_cases(tmp_path: Path) -> None:
    """The cases sentence tells their rows; the decorators are neither paired nor dumped (unchanged)."""
    old = (
        "@pytest.mark.parametrize('a', [1, 2])\n@pytest.mark.parametrize('b', [3])\n"
        "def test_go(a, b):\n    assert go(a, b)\n"
    )
    new = old.replace("[1, 2]", "[1, 2, 5]").replace("[3]", "[3, 4]")
    text = summary_of(tmp_path, "m.py", old, new, "test_go")
    assert text == "Test cases: adds `5`, `4`. Body unchanged. +2 \u22122 lines.", text


def test_a_java_annotation_whose_arguments_changed(tmp_path: Path) -> None:
    old = (
        "class A {\n    @Override\n    @Retry(maxAttempts = 3)\n"
        "    int go(int x) {\n        return x;\n    }\n\n"
        "    @Deprecated\n    int stop(int x) {\n        return x;\n    }\n}\n"
    )
    new = old.replace("@Retry(maxAttempts = 3)", "@Retry(maxAttempts = 5, backoff = @Backoff(100))").replace(
        "    @Deprecated\n", '    @Deprecated(since = "2.0")\n'
    )
    go = summary_of(tmp_path / "a", "A.java", old, new, "A.go")
    assert go.startswith(
        "Signature: annotation @Retry now passes `backoff=@Backoff(100)` (and `maxAttempts=5` instead of "
        "`maxAttempts=3`)."
    ), go
    stop = summary_of(tmp_path / "b", "A.java", old, new, "A.stop")
    assert stop.startswith('Signature: annotation @Deprecated now passes `since="2.0"`.'), stop


def test_a_kotlin_annotation_and_a_rust_attribute_whose_arguments_changed(tmp_path: Path) -> None:
    old = 'class A {\n    @Deprecated("old")\n    fun go(x: Int): Int {\n        return x\n    }\n}\n'
    new = old.replace('("old")', '("old", level = DeprecationLevel.ERROR)')
    text = summary_of(tmp_path / "a", "A.kt", old, new, "A.go")
    assert text.startswith("Signature: annotation @Deprecated now passes `level=DeprecationLevel.ERROR`."), (
        text
    )
    old = (
        'class A {\n    @get:JvmName("oldName")\n    @JvmStatic\n'
        "    fun go(x: Int): Int {\n        return x\n    }\n}\n"
    )
    new = old.replace('"oldName"', '"newName"')  # a use-site target before the annotation's name
    text = summary_of(tmp_path / "c", "A.kt", old, new, "A.go")
    assert text.startswith(
        'Signature: annotation @get:JvmName now passes `"newName"` instead of `"oldName"`.'
    ), text
    old = "#[derive(Debug)]\n#[inline]\nfn go(x: i32) -> i32 {\n    x\n}\n"
    new = old.replace("#[inline]", "#[inline(always)]").replace("(Debug)", "(Debug, Clone)")
    text = summary_of(tmp_path / "b", "a.rs", old, new, "go")
    assert text.startswith(
        "Signature: attribute #[derive] now passes `Clone`; attribute #[inline] now passes `always`."
    ), text
