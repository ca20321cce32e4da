"""The entries a reviewer wants (issue 11): class bodies belong to the class, tight module-level blocks,
duplicate names told apart, one entry per non-code file, honest counts, trivial entries folded, non-code
files last. Every case runs on a real git repository: real git, the real source, locate and render stages
(and the CLI for the rendered outputs)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from ariadne_hook.cli import main
from ariadne_hook.locate import locate
from ariadne_hook.models import FunctionChange
from ariadne_hook.source.git import revision_range
from tests.gitutil import commit_all, init_repo, write


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def history(tmp_path: Path, old: dict[str, str], new: dict[str, str]) -> Path:
    repo = init_repo(tmp_path / "repo")
    for path, text in old.items():
        write(repo, path, dedent(text))
    commit_all(repo, "old")
    for path, text in new.items():
        write(repo, path, dedent(text))
    commit_all(repo, "new")
    return repo


def entries(tmp_path: Path, path: str, old: str, new: str) -> list[FunctionChange]:
    repo = history(tmp_path, {path: old}, {path: new})
    _, changes = revision_range(repo, "HEAD~1..HEAD", 1_000_000)
    return locate(changes)


def brief(found: list[FunctionChange]) -> list[tuple[str, str, str]]:
    return [(e.qualname, e.kind, e.change) for e in found]


# ------------------------------------------------------------------------------------------ classes

CLASSES = {
    "python": (
        "m.py",
        """
        class Shape:
            sides = 3

            def area(self):
                return 0

            class Inner:
                depth = 1
        """,
        [("sides = 3", "sides = 4"), ("depth = 1", "depth = 2")],
        ["Shape", "Shape.Inner"],
    ),
    "javascript": (
        "m.js",
        """
        export class Shape {
          sides = 3;

          area() {
            return 0;
          }
        }
        """,
        [("sides = 3", "sides = 4")],
        ["Shape"],
    ),
    "typescript": (
        "m.ts",
        """
        export class Shape {
          sides: number = 3;

          area(): number {
            return 0;
          }
        }
        """,
        [("sides: number = 3", "sides: number = 4")],
        ["Shape"],
    ),
    "java": (
        "Shape.java",
        """
        public class Shape {
            int sides = 3;

            int area() {
                return 0;
            }

            static class Inner {
                int depth = 1;
            }
        }
        """,
        [("sides = 3", "sides = 4"), ("depth = 1", "depth = 2")],
        ["Shape", "Shape.Inner"],
    ),
    "cpp": (
        "shape.cpp",
        """
        namespace geo {
        class Shape {
            int sides = 3;

            int area() {
                return 0;
            }
        };
        }
        """,
        [("sides = 3", "sides = 4")],
        ["geo.Shape"],
    ),
    "ruby": (
        "shape.rb",
        """
        module Geo
          class Shape
            SIDES = 3

            def area
              0
            end
          end
        end
        """,
        [("SIDES = 3", "SIDES = 4")],
        ["Geo.Shape"],
    ),
    "go": (
        "shape.go",
        """
        package geo

        type Shape struct {
            Sides int
        }

        func (s *Shape) Area() int {
            return 0
        }
        """,
        [("Sides int", "Sides int64")],
        ["Shape"],
    ),
    "rust": (
        "shape.rs",
        """
        struct Shape {
            sides: u8,
        }

        impl Shape {
            const MAX: u8 = 3;

            fn area(&self) -> u8 {
                0
            }
        }
        """,
        [("sides: u8", "sides: u16"), ("MAX: u8 = 3", "MAX: u8 = 4")],
        ["Shape", "impl Shape"],
    ),
}


@pytest.mark.parametrize("language", sorted(CLASSES))
def test_class_body_changes_are_entries_of_the_class(tmp_path: Path, language: str) -> None:
    path, old, edits, expected = CLASSES[language]
    new = old
    for before, after in edits:
        new = new.replace(before, after)
    found = entries(tmp_path, path, old, new)
    assert brief(found) == [(name, "class", "modified") for name in expected]
    first = found[0]
    assert first.new_lines is not None and first.new_lines[0] == first.new_lines[1]  # the changed line only
    assert not first.trivial
    # the facts are those of the class-level statements holding the changed lines, never of a method
    assert first.old_facts is None or first.old_facts.params == ()


def test_methods_stay_methods_and_a_new_class_is_added(tmp_path: Path) -> None:
    old = "class Shape:\n    sides = 3\n\n    def area(self):\n        return 0\n"
    new = old.replace("return 0", "return 1") + '\n\nclass Circle:\n    """Round."""\n\n    radius = 1\n'
    found = entries(tmp_path, "m.py", old, new)
    assert brief(found) == [
        ("Shape.area", "method", "modified"),
        ("<module>", "module", "modified"),  # the blank lines before the new class
        ("Circle", "class", "added"),
    ]
    assert found[1].trivial and not found[2].trivial
    assert found[2].new_lines == (8, 11)  # class line to its last statement


# --------------------------------------------------------------------------------- module-level blocks

MODULE = """
import os

LIMIT = 10


def alpha():
    return 1


def beta():
    return 2


DEBUG = False
"""


def test_module_changes_far_apart_are_separate_tight_entries(tmp_path: Path) -> None:
    new = MODULE.replace("import os", "import os\nimport sys").replace("DEBUG = False", "DEBUG = True")
    found = entries(tmp_path, "m.py", MODULE, new)
    assert [(e.qualname, e.old_lines, e.new_lines) for e in found] == [
        ("<module>", None, (2, 2)),
        ("<module:15>", (14, 14), (15, 15)),
    ]
    assert found[0].trivial and not found[1].trivial  # an added import; a changed constant
    assert found[1].new_source == "DEBUG = True"


def test_module_changes_a_few_lines_apart_are_one_entry(tmp_path: Path) -> None:
    new = MODULE.replace("import os", "import sys").replace("LIMIT = 10", "LIMIT = 11")
    found = entries(tmp_path, "m.py", MODULE, new)
    assert [(e.qualname, e.old_lines, e.new_lines) for e in found] == [("<module>", (1, 3), (1, 3))]


def test_blank_lines_join_the_nearest_block_without_widening_it(tmp_path: Path) -> None:
    new = MODULE.replace("LIMIT = 10\n", "LIMIT = 11\n\n").replace("    return 2\n", "    return 2\n\n")
    found = entries(tmp_path, "m.py", MODULE, new)
    assert [(e.qualname, e.new_lines) for e in found] == [("<module>", (3, 3))]
    assert found[0].diff.count("\n+\n") + found[0].diff.endswith("\n+") >= 1


# ------------------------------------------------------------------------------------ duplicate names


def test_duplicate_python_names_get_a_stable_suffix(tmp_path: Path) -> None:
    old = """
    import typing as t


    @t.overload
    def command(name: str) -> int: ...
    @t.overload
    def command(name: None) -> str: ...
    def command(name):
        return name
    """
    new = old.replace("-> str: ...", "-> bytes: ...").replace("return name", "return name or 1")
    found = entries(tmp_path, "m.py", old, new)
    assert [(e.qualname, e.change, e.new_lines) for e in found] == [
        ("command#2", "modified", (6, 7)),
        ("command#3", "modified", (8, 9)),
    ]
    stub = "    @t.overload\n    def command(name: int) -> int: ...\n"
    inserted = old.replace("    def command(name):", stub + "    def command(name):")
    found = entries(tmp_path / "2", "m.py", old, inserted)
    assert [(e.qualname, e.change) for e in found] == [("command#4", "added")]  # the others did not change


def test_java_overloads_and_go_duplicates_are_told_apart(tmp_path: Path) -> None:
    old = """
    class A {
        int m(int x) {
            return x;
        }

        int m(String s) {
            return 0;
        }
    }
    """
    new = old.replace("return x;", "return x + 1;").replace("return 0;", "return 1;")
    found = entries(tmp_path, "A.java", old, new)
    assert [e.qualname for e in found] == ["A.m#1", "A.m#2"]
    names = [e.qualname for e in found]
    assert len(set(names)) == len(names)


# ------------------------------------------------------------------------------------- non-code files


def test_a_non_code_file_is_one_entry_and_a_broken_code_file_keeps_hunks(tmp_path: Path) -> None:
    changes = "\n".join(f"- change {i}" for i in range(40)) + "\n"
    new_changes = changes.replace("- change 2\n", "- change 2\n- new\n").replace(
        "- change 35", "- changed 35"
    )
    broken = "def f(:\n" + "\n" * 20 + "x = 1\n"
    repo = history(
        tmp_path,
        {"CHANGES.rst": changes, "ci.yml": "a: 1\n", "bad.py": broken},
        {
            "CHANGES.rst": new_changes,
            "ci.yml": "a: 2\n",
            "bad.py": broken.replace("def f(:", "def f(:  # x").replace("x = 1", "x = 2"),
        },
    )
    _, found_changes = revision_range(repo, "HEAD~1..HEAD", 1_000_000)
    found = locate(found_changes)
    assert [(e.path, e.qualname.split(":")[0], e.kind) for e in found] == [
        ("CHANGES.rst", "<file>", "file"),
        ("bad.py", "hunk at line 1", "hunk"),
        ("bad.py", "hunk at line 19", "hunk"),
        ("ci.yml", "<file>", "file"),
    ]
    log = found[0]
    assert log.diff.count("\n@@") + log.diff.startswith("@@") == 2
    assert (log.old_lines, log.new_lines) == ((36, 36), (4, 37))
    assert found[1].note is not None and "syntax error" in found[1].note


# ------------------------------------------------------------------------------------ rendered outputs


def review(tmp_path: Path) -> tuple[str, dict[str, object], str]:
    """A range with code, comment-only, import-only, class-body and non-code changes, rendered by the CLI
    (markdown and JSON)."""
    code = MODULE + "\n\nclass Box:\n    size = 1\n"
    new = (
        code.replace("import os", "import os\nimport sys")
        .replace("    return 1", "    return 1  # one")
        .replace("    return 2", "    return 3")
        .replace("size = 1", "size = 2")
    )
    repo = history(
        tmp_path,
        {"CHANGES.rst": "v1\n", "a_docs.md": "old\n", "pkg/m.py": code},
        {"CHANGES.rst": "v1\nv2\n", "a_docs.md": "new\n", "pkg/m.py": new},
    )
    out = {}
    for fmt in ("markdown", "json"):
        target = tmp_path / f"review.{fmt}"
        args = ["--repo", str(repo), "--range", "HEAD~1..HEAD", "--provider", "offline", "--no-cache"]
        assert main([*args, "--format", fmt, "-o", str(target)], environ={}) == 0
        out[fmt] = target.read_text()
    return out["markdown"], json.loads(out["json"]), str(repo)


def test_rendered_counts_folding_and_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    markdown, data, _ = review(tmp_path)
    err = capsys.readouterr().err
    assert "ariadne-hook: 2 functions, 1 class, 1 module-level block, 2 non-code files in 3 files" in err
    assert "**2 functions**, 1 class, 1 module-level block, 2 non-code files in **3 files**" in markdown
    # the code file first, then the non-code files (path order among them)
    sections = re.findall(r"^### `([^`]+)`", markdown, flags=re.MULTILINE)
    assert sections == ["pkg/m.py", "CHANGES.rst", "a_docs.md"]
    code = markdown[markdown.index("### `pkg/m.py`") : markdown.index("### `CHANGES.rst`")]
    assert "- **`beta`**" in code and "- **`Box`** — modified · line 19 · class body" in code
    assert code.rstrip().endswith(
        "- *also touched (comments, whitespace or imports only):* `<module>`, `alpha`"
    )
    assert "- **modified** — +1 \u22120 in 1 hunk" in markdown
    functions = data["functions"]
    assert isinstance(functions, list)
    assert [(f["path"], f["qualname"], f["kind"], f["trivial"]) for f in functions] == [
        ("CHANGES.rst", "<file>", "file", False),
        ("a_docs.md", "<file>", "file", False),
        ("pkg/m.py", "<module>", "module", True),
        ("pkg/m.py", "alpha", "function", True),
        ("pkg/m.py", "beta", "function", False),
        ("pkg/m.py", "Box", "class", False),
    ]
    stats = data["stats"]
    assert isinstance(stats, dict)
    assert stats["functions"] == 6  # schema 1: the number of entries
    assert stats["by_kind"] == {
        "functions": 2,
        "classes": 1,
        "modules": 1,
        "files": 2,
        "hunks": 0,
        "skipped": 0,
    }


def test_module_block_names_never_repeat(tmp_path: Path) -> None:
    """A block that only removes lines is named by its old line (``<module:was N>``): here it would
    otherwise share ``<module:50>`` with the block that adds new line 50."""
    consts = "".join(f"X{i} = {i}\n" for i in range(10))
    functions = [
        "".join(f"def f{i}{j}():\n    return {j}\n\n" for j in range(n)) for i, n in ((1, 13), (2, 3))
    ]
    old = consts + functions[0] + "GONE = 1\n" + functions[1] + "KEEP = 1\n" + "def tail():\n    return 0\n"
    new = functions[0] + functions[1] + "KEEP = 1\nADDED = 2\n" + "def tail():\n    return 0\n"
    found = entries(tmp_path, "m.py", old, new)
    assert [(e.qualname, e.old_lines, e.new_lines) for e in found] == [
        ("<module>", (1, 10), None),
        ("<module:50>", None, (50, 50)),
        ("<module:was 50>", (50, 50), None),
    ]


def test_blank_lines_alone_make_tight_blocks(tmp_path: Path) -> None:
    new = MODULE.replace("    return 1\n", "    return 1\n\n").replace("DEBUG = False\n", "DEBUG = False\n\n")
    found = entries(tmp_path, "m.py", MODULE, new)
    assert [(e.qualname, e.new_lines, e.trivial) for e in found] == [
        ("<module>", (10, 10), True),  # git puts the new blank line last among the blank lines
        ("<module:16>", (16, 16), True),
    ]
