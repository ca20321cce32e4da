"""A formatter's work told as such, with where (issue 21, ninth blind sample: tenacity, platformdirs; eighth:
quart): parentheses put around a whole expression, a decorator re-wrapped over a body that only moved, a
message split into adjacent literals (its changed words quoted, the split no edit), comments edited in place
(each pair quoted where it differs). What changes the program never reads as layout. Real git repositories,
the real locator and summarizer."""

from __future__ import annotations

from pathlib import Path

from tests.test_offline_facts import summary_of

# ---------------------------------------------------- parentheses around a whole expression (tenacity-16)

ETALON_OLD = """\
class T:
    def check(self):
        handler = make()
        etalon_re = r"^Retrying .* in 0\\.01 seconds as it raised " r"(IO|OS)Error: Hi there, I'm an IOE\\.$"
        self.assertEqual(len(handler.records), 2)
        return etalon_re
"""
ETALON_NEW = ETALON_OLD.replace(
    ' = r"^Retrying .* in 0\\.01 seconds as it raised " r"(IO|OS)',
    ' = (\n            r"^Retrying .* in 0\\.01 seconds as it raised "\n            r"(IO|OS)',
).replace('IOE\\.$"\n', 'IOE\\.$"\n        )\n')


def test_parentheses_put_around_a_split_string_are_layout(tmp_path: Path) -> None:
    assert ETALON_NEW.count("\n") == ETALON_OLD.count("\n") + 3  # the replacements took
    text = summary_of(tmp_path, "m.py", ETALON_OLD, ETALON_NEW, "T.check")
    assert text == "Only the layout changed (`etalon_re = (\u2026)` re-wrapped). +4 \u22121 lines.", text


def test_parentheses_that_change_the_order_of_operations_are_no_layout(tmp_path: Path) -> None:
    old = "def area(a, b, c):\n    total = (a + b) * c\n    return total\n"
    new = "def area(a, b, c):\n    total = (\n        a + b * c\n    )\n    return total\n"
    text = summary_of(tmp_path, "m.py", old, new, "area")
    assert "layout" not in text, text


def test_go_parentheses_are_not_read_as_layout(tmp_path: Path) -> None:
    """In Go a line break ends a statement: ``x := (a\\n- b)`` is no ``x := a\\n- b``; only Python's
    parentheses are known to be layout (by its ast)."""
    old = "package p\n\nfunc F(a, b int) int {\n\tx := a\n\t-b\n\treturn x\n}\n"
    new = "package p\n\nfunc F(a, b int) int {\n\tx := (a\n\t-b)\n\treturn x\n}\n"
    text = summary_of(tmp_path, "m.go", old, new, "F")
    assert "layout" not in text, text


def test_a_call_rewrapped_without_a_trailing_comma_says_where(tmp_path: Path) -> None:
    """tenacity's test_before_sleep_log_raises_with_exc_info read as 'Added …, … Removed …'."""
    old = (
        "def run(logger):\n    before = 1\n"
        "    _before_sleep = tenacity.before_sleep_log(logger, logging.INFO, exc_info=True)\n"
        "    return _before_sleep\n"
    )
    new = old.replace("(logger, logging", "(\n        logger, logging").replace("=True)", "=True\n    )")
    text = summary_of(tmp_path, "m.py", old, new, "run")
    assert text == (
        "Only the layout changed (`_before_sleep = tenacity.before_sleep_log(\u2026)` re-wrapped). "
        "+3 \u22121 lines."
    ), text


def test_a_call_rewrapped_under_a_docstring_is_no_docstring_rewrap(tmp_path: Path) -> None:
    """quart's delete_cookie: the docstring is the context line before the re-wrapped call; read as
    'Docstring re-wrapped, same words' once layout was checked before the lines were quoted."""
    old = (
        "def delete_cookie(self, key, path, domain):\n"
        '    """Delete a cookie (set to expire immediately)."""\n'
        "    self.set_cookie(server_name, key, expires=0, max_age=0, path=path, domain=domain)\n"
    )
    new = old.replace("(server_name, key", "(\n        server_name, key").replace(
        "domain)\n", "domain\n    )\n"
    )
    text = summary_of(tmp_path, "m.py", old, new, "delete_cookie")
    assert text == "Only the layout changed (`self.set_cookie(\u2026)` re-wrapped). +3 \u22121 lines.", text


def test_a_signature_rewrapped_over_a_docstring_is_no_docstring_rewrap(tmp_path: Path) -> None:
    """tenacity's Future.construct: the signature was re-wrapped, the docstring under it untouched; it read
    'Docstring re-wrapped, same words: `Construct a new Future object.`'."""
    old = (
        "class Future:\n    @classmethod\n"
        '    def construct(cls, attempt_number: int, value: t.Any, has_exception: bool) -> "Future":\n'
        '        """Construct a new Future object."""\n'
        "        fut = cls(attempt_number)\n        return fut\n"
    )
    new = old.replace("(cls, attempt_number", "(\n        cls, attempt_number").replace(
        'bool) -> "Future":', 'bool\n    ) -> "Future":'
    )
    text = summary_of(tmp_path, "m.py", old, new, "Future.construct")
    assert text == "Only the layout changed (`def construct(\u2026)` re-wrapped). +3 \u22121 lines.", text


def test_a_chained_call_rewrapped_is_named_by_the_call_it_opens(tmp_path: Path) -> None:
    old = (
        "class W:\n    def __init__(self, scheme, path, query_string, headers, root_path):\n"
        '        super().__init__("GET", scheme, path, query_string, headers, root_path, http_version)\n'
    )
    new = old.replace('__init__("GET"', '__init__(\n            "GET"').replace(
        "http_version)\n", "http_version\n        )\n"
    )
    text = summary_of(tmp_path, "m.py", old, new, "W.__init__")
    assert text.startswith("Only the layout changed (`super().__init__(\u2026)` re-wrapped)."), text


# ------------------------------------------------ a decorator re-wrapped, the body moved (tenacity-12)

DECORATED_OLD = """\
def first(thing):
    return thing.go()


@retry(retry=tenacity.retry_if_not_exception_message(message=NoCustomErrorAfterCount.derived_message))
def deco(thing):
    return thing.go()
"""
DECORATED_NEW = DECORATED_OLD.replace(
    "def first(thing):\n", "def first(thing):\n    thing.prepare()\n    thing.check()\n"
).replace(
    "@retry(retry=tenacity.retry_if_not_exception_message(message=NoCustomErrorAfterCount.derived_message))",
    "@retry(\n    retry=tenacity.retry_if_not_exception_message(\n"
    "        message=NoCustomErrorAfterCount.derived_message\n    )\n)",
)


def test_a_decorator_rewrapped_over_a_moved_body_is_layout(tmp_path: Path) -> None:
    text = summary_of(tmp_path, "m.py", DECORATED_OLD, DECORATED_NEW, "deco")
    assert text == (
        "Only the layout changed (decorator `@retry(\u2026)` re-wrapped); moved from line 5 to 7. "
        "+5 \u22121 lines."
    ), text


def test_a_decorator_with_other_tokens_is_a_changed_decorator(tmp_path: Path) -> None:
    new = DECORATED_NEW.replace("message=NoCustom", "match=NoCustom")
    text = summary_of(tmp_path, "m.py", DECORATED_OLD, new, "deco")
    assert "layout" not in text, text
    assert text.startswith(
        "Signature: decorator @retry now passes `\u2026retry_if_not_exception_message(match=N\u2026` "
        "instead of `\u2026retry_if_not_exception_message(message\u2026`."
    ), text


def test_a_function_that_only_moved_is_no_layout_change(tmp_path: Path) -> None:
    """Its lines removed at one place and added at another, as they were: nothing was re-wrapped."""
    old = "def go(thing):\n    return thing.go()\n\n\ndef stay(thing):\n    x = 1\n    return thing.go()\n"
    new = "def stay(thing):\n    x = 1\n    return thing.go()\n\n\ndef go(thing):\n    return thing.go()\n"
    text = summary_of(tmp_path, "m.py", old, new, "go")
    assert text.startswith("Body unchanged; moved from line 1 to 6."), text


# ------------------------------------------ a message split into adjacent literals (quart, eighth sample)

MESSAGE_OLD = """\
def find(app_name, module):
    if not module:
        raise NoAppException(f"Failed to parse {app_name!r} as an attribute name or function call.")
    return module
"""
MESSAGE_SPLIT = """\
def find(app_name, module):
    if not module:
        raise NoAppException(
            f"Failed to parse {app_name!r} as an"
            " attribute name or function call."
        )
    return module
"""


def test_a_message_split_into_adjacent_literals_with_its_words_kept_is_layout(tmp_path: Path) -> None:
    text = summary_of(tmp_path, "m.py", MESSAGE_OLD, MESSAGE_SPLIT, "find")
    assert text == "Only the layout changed (`raise NoAppException(\u2026)` re-wrapped). +4 \u22121 lines.", (
        text
    )


def test_a_message_split_and_reworded_is_quoted_by_its_changed_words(tmp_path: Path) -> None:
    new = MESSAGE_SPLIT.replace(" attribute name or function", " attribute or a function")
    text = summary_of(tmp_path, "m.py", MESSAGE_OLD, new, "find")
    assert text == (
        "Text changed: `\u2026an attribute name or function call\u2026` \u2192 "
        "`\u2026an attribute or a function call\u2026`. +4 \u22121 lines."
    ), text


def test_an_f_string_split_on_one_line_is_compared_as_one(tmp_path: Path) -> None:
    """tenacity's before_sleep_log: ``f"Retrying {fn} " f"in {s}…"`` on one line became two lines with
    ``sec_format %`` added: it read 'Text changed: adds `sec_format %`' (good), not with the ``" f"`` of the
    split quoted as words."""
    head = "def log_it(fn, retry_state, verb, value):\n    log(\n        "
    tail = "\n    )\n    return fn\n"
    old = (
        head + 'f"Retrying {fn} " f"in {retry_state.next_action.sleep} seconds as it {verb} {value}.",' + tail
    )
    new = (
        head
        + (
            'f"Retrying {fn} "\n'
            '        f"in {sec_format % retry_state.next_action.sleep} seconds as it {verb} {value}.",'
        )
        + tail
    )
    text = summary_of(tmp_path, "m.py", old, new, "log_it")
    assert text.startswith("Text changed: adds `sec_format %`; now reads sec_format."), text


# ------------------------------------------------------- comments edited in place (platformdirs 4.11)


def test_comments_edited_in_place_are_told_as_pairs(tmp_path: Path) -> None:
    old = (
        "def main(dirs):\n    for prop in PROPS:\n        print(prop)  # noqa: T201\n"
        "    print(dirs)  # noqa: T201\n    return 0\n"
    )
    new = old.replace("# noqa: T201", "# ruff:ignore[print]")
    text = summary_of(tmp_path, "m.py", old, new, "main")
    assert text == (
        "Only the layout and comments changed: the same code; comment `# noqa: T201` \u2192 "
        "`# ruff:ignore[print]` \u00d72. +2 \u22122 lines."
    ), text


def test_long_comments_are_never_cut_to_the_same_words(tmp_path: Path) -> None:
    reason = "# the loader needs this import here, it is slow to load at start: "
    old = f"def load(x):\n    import heavy  {reason}PLC0415\n    import slow  {reason}PLC0415\n    return x\n"
    new = old.replace("PLC0415", "import-outside-top-level")
    text = summary_of(tmp_path, "m.py", old, new, "load")
    assert text.startswith("Only the layout and comments changed: the same code; comment `"), text
    before, after = text.split(" \u2192 ")[0].split("`")[-2], text.split(" \u2192 ")[1].split("`")[1]
    assert before != after and "PLC0415" in before and "import-outside" in after, text
