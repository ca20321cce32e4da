"""The old side scanned from the pieces the hunks touch (locate/old_side.py): the same answer as parsing the
whole old text, for a fraction of the parse."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ariadne_hook.locate import locate, old_side
from ariadne_hook.locate.languages import ParseError, Scan
from ariadne_hook.locate.old_side import scan_old
from ariadne_hook.locate.python import scan_python
from ariadne_hook.models import FunctionSpan
from ariadne_hook.source.git import staged
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.test_locate_python import make_hunks

NEW = textwrap.dedent(
    '''\
    """A module."""
    import os

    LIMIT = 3
    NAMES: list[str] = ["a", "b"]


    @decorator(1)
    def first(a, b=2):
        """Add."""
        if a:
            return a + b
        return os.sep


    class Box:
        size = 4

        def __init__(self, value):
            self.value = value

        @property
        def double(self):
            try:
                return self.value * 2
            except TypeError:
                raise ValueError("no") from None
            else:
                pass


    if os.name == "nt":
        def second():
            return 1
    else:
        def second():
            return 2


    def third(x):
        return [y for y in x if y]  # the end
    '''
)

# lines an edit may put into the old side: some close or open what the lines after them mean
HOSTILE = [
    '"""',
    "else:",
    "    else:",
    "except Exception:",
    "@decorator",
    "    x = 1",
    "x = (",
    ")",
    "y = 1 \\",
]
HOSTILE += [
    "# note",
    "",
    "def f():",
    "class C:",
    "    pass",
    "try:",
    "s = '''",
    "'''",
    "LIMIT = 4",
    "BOX = 1",
]
HOSTILE += [  # in a class's body, where it is cut too
    "    def g(self):",
    "        return 1",
    "    @property",
    "    class Inner:",
    "    # note",
    '    """',
    "\tz = 1",
    "  w = 2",
    "\f    v = 3",
    "class Box:",
    "    size = 5",
]


def assert_same(whole: Scan, pieces: Scan, text: str) -> None:
    assert list(pieces.spans) == list(whole.spans)
    assert list(pieces.classes) == list(whole.classes)
    assert [pieces.facts(i) for i in range(len(pieces.spans))] == [
        whole.facts(i) for i in range(len(whole.spans))
    ]
    assert whole.module_facts is not None and pieces.module_facts is not None
    for line in range(text.count("\n") + 3):
        chosen = frozenset((line, line + 1))
        assert pieces.module_facts(chosen) == whole.module_facts(chosen), line
    assert pieces.module_facts(frozenset()) == whole.module_facts(frozenset())


def pieces_of(old: str, new: str, context: int = 3) -> Scan | None:
    """scan_old's answer; None where it asks for the whole parse (or a piece does not parse alone)."""
    try:
        return scan_old(scan_python, old, new, scan_python(new), make_hunks(old, new, context))
    except ParseError:
        return None


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 45), st.integers(0, 3), st.lists(st.sampled_from(HOSTILE), max_size=3)),
        min_size=1,
        max_size=3,
    ),
    context=st.sampled_from([0, 3]),
)
def test_pieces_answer_what_the_whole_parse_answers(
    edits: list[tuple[int, int, list[str]]], context: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(old_side, "MOST", 1.01)  # every edit through the pieces, however much it touches
    lines = NEW.split("\n")
    for at, dropped, inserted in edits:
        lines[at : at + dropped] = inserted
    old = "\n".join(lines)
    pieces = pieces_of(old, NEW, context)
    if pieces is None:
        return
    try:
        whole = scan_python(old)
    except ParseError:
        pytest.fail("the pieces parse where the whole old text does not")
    assert_same(whole, pieces, old)


@pytest.mark.parametrize(
    "edit",
    [
        ("    if a:\n", '    """\n    if a:\n'),  # an opened string in the old text swallows what follows...
        ("        return 2\n", '        return 2\n"""\n'),  # ...and is closed further down
        ("    pass\n\n\nif os.name", "    pass\n    if os.name"),  # the if was inside the method
        ("else:\n    def second():\n        return 2\n", ""),  # the else clause did not exist
        ("LIMIT = 3\n", "LIMIT = (3,\n"),  # a bracket left open: the old text does not parse
    ],
)
def test_hostile_old_sides_match_or_ask_for_the_whole(edit: tuple[str, str]) -> None:
    new_text, old_text = edit
    old = NEW.replace(new_text, old_text, 1)
    assert old != NEW
    matches_or_asks_for_the_whole(old, NEW)


def matches_or_asks_for_the_whole(old: str, new: str) -> None:
    """The old side by pieces is the whole parse, or None (the caller parses the whole): always None when the
    old text does not parse."""
    pieces = pieces_of(old, new)
    try:
        whole = scan_python(old)
    except ParseError:
        assert pieces is None
        return
    if pieces is not None:
        assert_same(whole, pieces, old)


def by_pieces(old: str, new: str) -> tuple[Scan | None, list[str]]:
    """``scan_old`` of ``old`` (the new side ``new``), and the texts it gave the parser."""
    given: list[str] = []

    def scanner(text: str) -> Scan:
        given.append(text)
        return scan_python(text)

    return scan_old(scanner, old, new, scan_python(new), make_hunks(old, new)), given


def test_only_the_touched_statements_are_parsed() -> None:
    functions = [f"def f{i}(x):\n    y = x + {i}\n    return y\n" for i in range(40)]
    new = "import os\n\n\n" + "\n\n".join(functions)
    old = new.replace("return y\n", "return y * 2\n", 1).replace("x + 30", "x - 30")
    pieces, given = by_pieces(old, new)
    assert pieces is not None
    assert given == [
        "def f0(x):\n    y = x + 0\n    return y * 2\n\n",  # to where the next statement starts
        "def f30(x):\n    y = x - 30\n    return y\n\n",
    ]
    assert_same(scan_python(old), pieces, old)


def test_a_lone_carriage_return_or_a_bom_parses_the_whole_old_text() -> None:
    new = "def f():\n    return 1\n\n\ndef g():\n    return 2\n"
    for old in (new.replace("return 2", "return 3\r# x"), "\ufeff" + new.replace("return 2", "return 3")):
        assert pieces_of(old, new) is None


def test_the_review_is_the_same_with_and_without_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real repository: the entries (facts, sources, names, moves) and the syntax-error note of the old
    side (its line in the whole file, not in a piece) are those of parsing the whole old text."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "pkg/box.py", NEW)
    write(
        repo,
        "pkg/broken.py",
        "def ok():\n    return 1\n\n\ndef bad(:\n    pass\n\n\ndef last():\n    return 3\n",
    )
    commit_all(repo)
    write(repo, "pkg/box.py", NEW.replace("return a + b", "return a - b").replace("size = 4", "size = 5"))
    write(
        repo,
        "pkg/broken.py",
        "def ok():\n    return 1\n\n\ndef bad():\n    pass\n\n\ndef last():\n    return 3\n",
    )
    stage_all(repo)
    _, changes = staged(repo, 1_000_000)
    with_pieces = locate(changes)
    monkeypatch.setattr(old_side, "MOST", 0.0)  # past 0 % of the lines: always the whole old text
    assert locate(changes) == with_pieces
    notes = [c.note for c in with_pieces if c.path == "pkg/broken.py"]
    assert notes and all(n is not None and "syntax error on the old side, line 5" in n for n in notes), notes
    assert {c.qualname for c in with_pieces if c.path == "pkg/box.py"} == {"first", "Box"}


def test_a_class_is_cut_between_the_statements_of_its_body() -> None:
    """Only the touched methods are parsed, each under a copy of its class's header (so that its name is
    ``Box.m3``, a method); the class keeps its old end, which the edit of its last method moved."""
    methods = [f"    def m{i}(self, x):\n        return x + {i}\n" for i in range(10)]
    new = "import os\n\n\n@dataclass\nclass Box(Base):\n    size = 4\n\n" + "\n".join(methods)
    new += "\n\ndef after():\n    return 1\n"
    old = new.replace("x + 3\n", "x - 3\n").replace("return x + 9\n", "y = x + 9\n        return y\n")
    pieces, given = by_pieces(old, new)
    assert pieces is not None
    assert given == [
        "class Box:\n    def m3(self, x):\n        return x - 3\n",
        "class Box:\n    def m9(self, x):\n        y = x + 9\n        return y\n\n",
    ]
    whole = scan_python(old)
    assert [c for c in pieces.classes if c.qualname == "Box"] == [FunctionSpan("Box", "class", 4, 37)]
    assert_same(whole, pieces, old)


BOX = "class Box:\n    def m0(self):\n        return 0\n\n    def m1(self):\n        return 1\n\n\nz = 3\n"
M1 = "    def m1(self):\n        return 1\n"
FIVE = BOX.replace("    ", "     ")  # a body indented by five spaces


@pytest.mark.parametrize(
    ("new", "old"),
    [
        (BOX, BOX.replace(M1, "    def m1(self):\n        return 1\nx = 2\n")),  # the lines leave the body
        (BOX, BOX.replace(M1, "        y = 1\n" + M1)),  # a cut in the middle of a method's body
        (BOX, BOX.replace(M1, "\tdef m1(self):\n\t\treturn 1\n")),  # a tab where the body has spaces
        (FIVE, FIVE.replace("     def m1", "\f    def m1")),  # a form feed: its column is 4, not 5
    ],
)
def test_a_class_body_cut_that_does_not_hold_asks_for_the_whole_parse(new: str, old: str) -> None:
    assert old != new
    matches_or_asks_for_the_whole(old, new)


@pytest.mark.parametrize(
    "added",
    [
        "    def m9(self, x):\n        return x\n\n",  # a method added in a class's body
        "def g(x):\n    return x\n\n\n",  # a function added between two
    ],
)
@pytest.mark.parametrize("where", ["middle", "end"])
def test_added_statements_leave_the_rest_to_the_pieces(added: str, where: str) -> None:
    """A statement only the new side has is no piece of the old side (its old lines are none): the others
    still are, and only what changed around it is parsed."""
    methods = "".join(f"    def m{i}(self, x):\n        return x + {i}\n\n" for i in range(4))
    old = f"import os\n\n\nclass Box:\n{methods}\ndef f(x):\n    return x\n"
    if added.startswith("def"):
        new = (
            old.replace("def f", added + "def f") if where == "middle" else old + "\n\n" + added.rstrip("\n")
        )
    else:
        new = (
            old.replace("    def m3", added + "    def m3")
            if where == "middle"
            else old.replace("\ndef f", added.rstrip("\n") + "\n\n\ndef f")
        )
    old = old.replace("x + 1", "x - 1")
    pieces = pieces_of(old, new)
    assert pieces is not None
    assert_same(scan_python(old), pieces, old)
