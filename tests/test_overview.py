"""The overview at the top of the review and the references left behind, through the CLI on real repositories
(issue 13 items 1 and 2, offline part), and the overview's pure rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ariadne_hook.models import FunctionChange, FunctionFacts, Param, Reference, References, Summary
from ariadne_hook.render.markdown import GITHUB, LOCAL, render_markdown
from ariadne_hook.summarize.offline_overview import api_changes, is_public, overview_lines, references_line
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.runner import clean_env, run_main
from tests.test_render import report

LIB = "def old_api(x):\n    return x + 1\n\n\ndef keep(y):\n    return y\n"
USER = "from lib import old_api, keep\n\n\ndef use():\n"
USER += "    # old_api in a comment\n    return old_api(2) + keep(1)\n"
OTHER = 'import lib\n\nprint("old_api", lib.old_api(3))\n'
FIXED = "from lib import old_api\nold_api(5)\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


def review(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run_main(["--provider", "offline", "-o", "-", *args], repo, clean_env(), capsys)
    assert code == 0, err
    return out


def python_repo(repo: Path) -> None:
    """``old_api`` deleted (``new_pub`` added); d.py and e.py still use it, f.py was updated with it."""
    for path, text in {"lib.py": LIB, "d.py": USER, "e.py": OTHER, "f.py": FIXED}.items():
        write(repo, path, text)
    commit_all(repo)
    write(
        repo,
        "lib.py",
        LIB.replace("def old_api(x):\n    return x + 1\n\n\n", "") + "\n\ndef new_pub(z):\n    return z\n",
    )
    write(repo, "f.py", "from lib import keep\nkeep(5)\n")
    stage_all(repo)


def test_python_deleted_function_still_used_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    python_repo(repo)
    data = json.loads(review(repo, capsys, "--format", "json"))
    entry = next(e for e in data["functions"] if e["qualname"] == "old_api")
    assert entry["references"] == [
        {"path": "d.py", "line": 1, "text": "from lib import old_api, keep"},
        {"path": "d.py", "line": 6, "text": "return old_api(2) + keep(1)"},  # not line 5, a comment
        {"path": "e.py", "line": 3, "text": 'print("old_api", lib.old_api(3))'},
    ]  # f.py, updated by the same change, is not listed
    assert entry["references_total"] == 3 and entry["references_why"] == "deleted"
    others = [e for e in data["functions"] if e["qualname"] != "old_api"]
    assert all("references" not in e for e in others)  # additive keys, only where something was left
    assert data["overview"].split("\n") == [
        "Changed: 2 functions (1 added, 1 deleted), 2 module-level blocks (2 modified) in 2 files.",
        "Public API: added new_pub; removed old_api.",
        "⚠ old_api deleted — still used at d.py:1, d.py:6, e.py:3",
    ]
    assert data["walkthrough"] is None


def test_python_deleted_function_still_used_markdown(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    python_repo(repo)
    text = review(repo, capsys)
    warning = "⚠ `old_api` deleted — still used at `d.py:1`, `d.py:6`, `e.py:3`"
    overview, sections = text.split("### `f.py`")
    assert "### Overview" in overview and f"- {warning}" in overview
    assert (
        f"- **`old_api`** — deleted · was lines 1–2\n  Removed function (2 lines). Took (x).\n  {warning}"
        in sections
    )
    assert "f.py:" not in text


def test_go_deleted_function_still_called(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A tree-sitter language: an exported Go function deleted, still called in its package and through it."""
    write(repo, "go.mod", "module example.com/m\n")
    lib = "package store\n\n// Open opens it.\nfunc Open(path string) error {\n\treturn nil\n}\n\n"
    lib += "func Close() {}\n"
    write(repo, "store/store.go", lib)
    write(repo, "store/helper.go", 'package store\n\nfunc helper() {\n\t_ = Open("x") // Open again\n}\n')
    main = 'package main\n\nimport "example.com/m/store"\n\n'
    main += 'func main() {\n\t_ = store.Open("y")\n\tstore.Close()\n}\n'
    write(repo, "cmd/main.go", main)
    commit_all(repo)
    write(repo, "store/store.go", "package store\n\nfunc Close() {}\n")
    write(repo, "cmd/main.go", main.replace('\t_ = store.Open("y")\n', ""))  # updated: not listed
    stage_all(repo)
    data = json.loads(review(repo, capsys, "--format", "json"))
    entry = next(e for e in data["functions"] if e["qualname"] == "Open")
    assert [(r["path"], r["line"]) for r in entry["references"]] == [("store/helper.go", 4)]
    assert "Public API: removed Open." in data["overview"]
    text = review(repo, capsys)
    assert "⚠ `Open` deleted — still used at `store/helper.go:4`" in text


def test_a_patch_has_no_references(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    python_repo(repo)
    from tests.gitutil import git

    patch = git(repo, "diff", "--cached")
    code, out, err = run_main(
        ["--provider", "offline", "-o", "-", "--format", "json", "--diff", "-"],
        repo,
        clean_env(),
        capsys,
        stdin=patch.encode(),
    )
    assert code == 0, err
    assert all("references" not in e for e in json.loads(out)["functions"])


def test_skipped_files_and_references_in_the_overview_lines() -> None:
    many = References("old", "deleted", tuple(Reference(f"m{i}.py", i, "old()") for i in range(1, 8)), 12)
    rows = [
        Summary(_fn("a.py", "old", "deleted"), "summarized", "x", references=many),
        Summary(_fn("a.py", "_private", "added"), "summarized", "x"),
        Summary(_fn("b.bin", "<file>", "modified", kind="module", skip_reason="binary file"), "skipped", "",
                "binary file"),
    ]  # fmt: skip
    lines = overview_lines(report(*rows), str, str)
    assert lines == [
        "Changed: 2 functions (1 added, 1 deleted) in 1 file.",
        "Public API: removed old.",
        "⚠ old deleted — still used at m1.py:1, m2.py:2, m3.py:3, m4.py:4, m5.py:5 (+7 more)",
        "Skipped: b.bin (binary file).",
    ]
    assert 2 <= len(lines) <= 6
    for to in (GITHUB, LOCAL):
        first = render_markdown(report(*rows), to)
        assert first == render_markdown(report(*rows), to)  # deterministic


def test_at_most_six_lines_with_many_references() -> None:
    rows = [
        Summary(_fn("a.py", f"f{i}", "deleted"), "summarized", "x",
                references=References(f"f{i}", "deleted", (Reference("u.py", i, ""),), 1))
        for i in range(1, 6)
    ]  # fmt: skip
    lines = overview_lines(report(*rows), str, str)
    assert len(lines) == 5 and lines[-1] == "⚠ 3 more functions left references behind (see below)."


def test_renamed_and_signature_changed_warnings_name_through_the_destination() -> None:
    renamed = References("a`b", "renamed to <c>", (Reference("x`.py", 2, ""),), 1)
    assert (
        references_line(renamed, lambda s: f"[{s}]") == "⚠ [a`b] renamed to [<c>] — still used at [x`.py:2]"
    )
    changed = References("f", "signature changed", (Reference("u.py", 3, ""),), 1)
    assert references_line(changed, str) == "⚠ f signature changed — still called the old way at u.py:3"


def _fn(path: str, qualname: str, change: str, **kw: object) -> FunctionChange:
    values: dict[str, object] = {
        "path": path,
        "old_path": None,
        "qualname": qualname,
        "kind": "function",
        "change": change,
        "language": "python",
        "old_lines": None if change == "added" else (1, 2),
        "new_lines": None if change == "deleted" else (1, 2),
        "old_source": None,
        "new_source": None,
        "diff": "",
    }
    values.update(kw)
    return FunctionChange(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "qualname", "kind", "source", "public"),
    [
        ("python", "api", "function", "def api(): pass", True),
        ("python", "_helper", "function", "def _helper(): pass", False),
        ("python", "C.__init__", "method", "def __init__(self): pass", True),
        ("python", "C._m", "method", "def _m(self): pass", False),
        ("python", "outer.inner", "function", "def inner(): pass", False),
        ("go", "Open", "function", "func Open() {}", True),
        ("go", "open", "function", "func open() {}", False),
        ("go", "cache.Evict", "method", "func (c *cache) Evict() {}", False),
        ("java", "A.run", "method", "public void run() {}", True),
        ("java", "A.hide", "method", "private void hide() {}", False),
        ("typescript", "load", "function", "export function load(x: number) {}", True),
        ("javascript", "local", "function", "function local() {}", False),
        ("rust", "f", "function", "pub fn f() {}", True),
        ("c", "g", "function", "static int g(void) {}", False),
    ],
)
def test_what_is_public(language: str, qualname: str, kind: str, source: str, public: bool) -> None:
    change = _fn("pkg/x", qualname, "added", language=language, kind=kind, new_source=source)
    assert is_public(change) is public


def test_resignatured_public_functions() -> None:
    old = FunctionFacts(params=(Param("x"),))
    new = FunctionFacts(params=(Param("x"), Param("y", default="1")))
    rows = [
        Summary(_fn("a.py", "grow", "modified", old_facts=old, new_facts=new), "summarized", ""),
        Summary(_fn("a.py", "same", "modified", old_facts=old, new_facts=old), "summarized", ""),
    ]
    assert api_changes(rows) == {"added": [], "removed": [], "re-signatured": ["grow"]}


def test_api_line_leaves_out_tests_annotations_and_occurrence_numbers() -> None:
    typed = FunctionFacts(params=(Param("x", annotation="int"),), returns="int")
    plain = FunctionFacts(params=(Param("x"),))
    rows = [
        Summary(_fn("tests/test_a.py", "test_new", "added"), "summarized", ""),
        Summary(_fn("pkg/a_test.go", "TestNew", "added", language="go"), "summarized", ""),
        Summary(_fn("a.py", "f#1", "added"), "summarized", ""),
        Summary(_fn("a.py", "f#2", "added"), "summarized", ""),
        Summary(_fn("a.py", "typed", "modified", old_facts=plain, new_facts=typed), "summarized", ""),
    ]
    assert api_changes(rows) == {"added": ["f"], "removed": [], "re-signatured": []}


def test_a_failing_reference_scan_costs_only_a_note(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ariadne_hook.locate import references

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(references, "find_references", broken)
    python_repo(repo)
    data = json.loads(review(repo, capsys, "--format", "json"))
    assert "references: not searched (RuntimeError)" in data["notes"]
    assert any(e["qualname"] == "old_api" for e in data["functions"])


def test_typescript_signature_changed_through_the_cli(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A tree-sitter language and a signature change: the old-shape call is listed, the updated one is not."""
    write(repo, "lib.ts", "export function load(path: string): number {\n  return 1;\n}\n")
    write(repo, "user.ts", 'import { load } from "./lib";\nload("a");\n// load("in a comment")\n')
    write(repo, "other.ts", 'import { load } from "./lib";\nload("b");\n')
    commit_all(repo)
    write(repo, "lib.ts", "export function load(path: string, mode: number): number {\n  return mode;\n}\n")
    write(repo, "other.ts", 'import { load } from "./lib";\nload("b", 1);\n')  # updated by the change
    stage_all(repo)
    text = review(repo, capsys)
    warning = "⚠ `load` signature changed — still called the old way at `user.ts:2`"
    assert text.count(warning) == 2  # in the overview and under the entry
    assert "- Public API: re-signatured `load`." in text
    entry = next(
        e for e in json.loads(review(repo, capsys, "--format", "json"))["functions"] if "references" in e
    )
    assert entry["references"] == [{"path": "user.ts", "line": 2, "text": 'load("a");'}]
    assert entry["references_why"] == "signature changed"


def test_a_private_python_module_is_no_api() -> None:
    assert not is_public(_fn("click/_compat.py", "get_best_encoding", "added"))
    assert is_public(_fn("click/__init__.py", "echo", "added"))
