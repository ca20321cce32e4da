"""The ``trivial`` flag: only comments, blank lines, whitespace, or (module level) only imports changed.

Every case commits two versions of a file in a real git repository and runs the real source and locate
stages on the range.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ariadne_hook.locate import locate
from ariadne_hook.locate.trivial import lex
from ariadne_hook.models import FunctionChange
from ariadne_hook.source.git import revision_range
from tests.gitutil import commit_all, init_repo, write


def entries(tmp_path: Path, path: str, old: str, new: str) -> list[FunctionChange]:
    repo = init_repo(tmp_path / "repo")
    write(repo, path, textwrap.dedent(old).lstrip("\n"))
    commit_all(repo, "old")
    write(repo, path, textwrap.dedent(new).lstrip("\n"))
    commit_all(repo, "new")
    _, changes = revision_range(repo, "HEAD~1..HEAD", 1_000_000)
    return locate(changes)


def flags(found: list[FunctionChange]) -> dict[str, bool]:
    return {e.qualname: e.trivial for e in found}


PY = """
import os

LIMIT = 3  # the limit


def alpha(x):
    # add one
    return x + 1


def beta(items):
    total = 0
    for item in items:
        total += item
    return total


def gamma():
    \"\"\"Say hello.\"\"\"
    return "a # b"
"""


@pytest.mark.parametrize(
    ("old", "new", "name", "expected"),
    [
        ("    # add one\n", "    # add one, carefully\n", "alpha", True),  # comment text
        ("    return x + 1\n", "    return x + 1  # why\n", "alpha", True),  # trailing comment
        ("    return x + 1\n", "    return x+1\n", "alpha", True),  # whitespace in a line
        ("    total = 0\n", "    total = 0\n\n", "beta", True),  # blank line
        ("    return x + 1\n", "    return x + 2  # why\n", "alpha", False),  # code and comment
        ('"""Say hello."""', '"""Say goodbye."""', "gamma", False),  # a docstring is code
        ('"a # b"', '"a # c"', "gamma", False),  # a comment marker inside a string
        ('"a # b"', '"a  # b"', "gamma", False),  # whitespace inside a string is not whitespace
        ("    return total\n", "        return total\n", "beta", False),  # moved into the loop
    ],
)
def test_python_function_entries(tmp_path: Path, old: str, new: str, name: str, expected: bool) -> None:
    found = flags(entries(tmp_path, "m.py", PY, PY.replace(old, new, 1)))
    assert found[name] is expected
    assert len(found) == 1


def test_python_rewrapped_call_and_reindented_block_are_trivial(tmp_path: Path) -> None:
    old = "def f(a, b):\n    if a:\n        return g(a, b)\n    return 0\n"
    new = (
        "def f(a, b):\n    if a:\n          return g(\n              a,\n"
        "              b  # b too\n          )\n    return 0\n"
    )
    found = entries(tmp_path, "m.py", old, new)
    assert flags(found) == {"f": True}


def test_python_module_imports_only_is_trivial(tmp_path: Path) -> None:
    new = PY.replace("import os\n", "import os\nimport sys\nfrom typing import (\n    Any,\n    cast,\n)\n")
    assert flags(entries(tmp_path, "m.py", PY, new)) == {"<module>": True}


def test_python_module_imports_and_code_is_not_trivial(tmp_path: Path) -> None:
    new = PY.replace("import os\n", "import sys\n").replace("LIMIT = 3", "LIMIT = 4")
    assert flags(entries(tmp_path, "m.py", PY, new)) == {"<module>": False}


def test_python_imports_inside_a_function_are_code(tmp_path: Path) -> None:
    new = PY.replace("    # add one\n", "    import sys\n")
    assert flags(entries(tmp_path, "m.py", PY, new)) == {"alpha": False}


def test_python_comment_only_module_change_is_trivial(tmp_path: Path) -> None:
    new = PY.replace("LIMIT = 3  # the limit", "# limits\nLIMIT = 3  # the upper limit")
    assert flags(entries(tmp_path, "m.py", PY, new)) == {"<module>": True}


JS = """
import { a } from "./a.js";

/**
 * Add.
 * @param {number} x
 */
export function add(x) {
  // one
  return x + 1;
}

function greet() {
  return `hello  world`;
}
"""


def test_javascript(tmp_path: Path) -> None:
    found = flags(entries(tmp_path, "m.js", JS, JS.replace("// one", "// plus one")))
    assert found == {"add": True}
    found = flags(entries(tmp_path / "2", "m.js", JS, JS.replace(" * Add.", " * Add one.")))
    assert found == {"<module>": True}  # a doc comment's continuation line
    new = JS.replace(
        'import { a } from "./a.js";', 'import {\n  a,\n  b,\n} from "./a.js";\nconst c = require("c");'
    )
    assert flags(entries(tmp_path / "3", "m.js", JS, new)) == {"<module>": True}
    found = flags(entries(tmp_path / "4", "m.js", JS, JS.replace("hello  world", "hello world")))
    assert found == {"greet": False}  # inside a template literal
    found = flags(entries(tmp_path / "5", "m.js", JS, JS.replace("x + 1;", "x  +  1; /* same */")))
    assert found == {"add": True}
    found = flags(entries(tmp_path / "6", "m.js", JS, JS.replace("x + 1;", "x - 1;")))
    assert found == {"add": False}


GO = """
package main

import (
	"fmt"
)

// Run runs.
func Run() {
	fmt.Println("a // b") // say it
}
"""


def test_go(tmp_path: Path) -> None:
    found = flags(entries(tmp_path, "m.go", GO, GO.replace("// say it", "// print it")))
    assert found == {"Run": True}
    found = flags(entries(tmp_path / "2", "m.go", GO, GO.replace('\t"fmt"\n', '\t"fmt"\n\t"os"\n')))
    assert found == {"<module>": True}
    found = flags(entries(tmp_path / "3", "m.go", GO, GO.replace('"a // b"', '"a // c"')))
    assert found == {"Run": False}
    new = GO.replace("// Run runs.", "// Run runs it.\n// More.")
    assert flags(entries(tmp_path / "4", "m.go", GO, new)) == {"<module>": True}


JAVA = """
package p;

import java.util.List;

public class A {
    /**
     * Size.
     */
    public int size(List<String> xs) {
        return xs.size(); // count
    }
}
"""


def test_java(tmp_path: Path) -> None:
    new = JAVA.replace("import java.util.List;", "import java.util.List;\nimport java.util.Map;")
    assert flags(entries(tmp_path, "A.java", JAVA, new)) == {"<module>": True}
    found = flags(entries(tmp_path / "2", "A.java", JAVA, JAVA.replace("// count", "// how many")))
    assert found == {"A.size": True}
    found = flags(entries(tmp_path / "3", "A.java", JAVA, JAVA.replace("xs.size();", "xs.size() + 1;")))
    assert found == {"A.size": False}


def test_rust_ruby_c_comments(tmp_path: Path) -> None:
    rust = "use std::fmt;\n\nfn f<'a>(x: &'a str) -> &'a str {\n    x // same\n}\n"
    found = flags(entries(tmp_path, "m.rs", rust, rust.replace("// same", "// the same")))
    assert found == {"f": True}
    found = flags(entries(tmp_path / "2", "m.rs", rust, rust.replace("use std::fmt;", "pub use std::fmt;")))
    assert found == {"<module>": False}  # a re-export changes the crate's API
    ruby = "require 'json'\n\ndef f(x)\n  x + 1 # one\nend\n"
    found = flags(entries(tmp_path / "3", "m.rb", ruby, ruby.replace("# one", "# plus one")))
    assert found == {"f": True}
    c = "#include <stdio.h>\n\nint f(int x) {\n    return x; /* x */\n}\n"
    new = c.replace("#include <stdio.h>", "#include <stdio.h>\n#include <stdlib.h>")
    assert flags(entries(tmp_path / "4", "m.c", c, new)) == {"<module>": True}


def test_unparseable_file_hunks_get_the_flag_too(tmp_path: Path) -> None:
    old = "def f(:\n    return 1  # one\n"
    found = entries(tmp_path, "m.py", old, old.replace("# one", "# uno"))
    assert [(e.kind, e.trivial) for e in found] == [("hunk", False)]  # does not tokenize: never trivial
    old = "function f( {\n  return 1; // one\n}\n"
    found = entries(tmp_path / "2", "m.js", old, old.replace("// one", "// uno"))
    assert [(e.kind, e.trivial) for e in found] == [("hunk", True)]


def test_lexer_keeps_strings_and_drops_comments() -> None:
    lexed = lex('a = "x // y"; // z\n/* w\n * v */ b\n', "javascript")
    assert lexed is not None
    assert list(lexed.tokens) == ["a", "=", '"x // y"', ";", "\n", "b", "\n"]
    assert lex("def f(x)\n", "python") is not None  # tokenize accepts what ast rejects
    assert lex('x = """\n', "python") is None
    assert lex("anything", "markdown") is None


CLASS = """
class A:
    \"\"\"Doc.\"\"\"

    limit = 1  # one

    def m(self):
        if self.limit:
            return 1  # yes
        return 0

    def n(self):
        return 2
"""


def test_python_methods_and_class_bodies_are_lexed_in_their_own_windows(tmp_path: Path) -> None:
    new = CLASS.replace("# yes", "# yes!").replace("# one", "# uno")
    assert flags(entries(tmp_path, "m.py", CLASS, new)) == {"A": True, "A.m": True}
    new = CLASS.replace("# yes\n", "# yes\n            return 3\n")
    assert flags(entries(tmp_path / "2", "m.py", CLASS, new)) == {"A.m": False}
    new = CLASS.replace("        if self.limit:\n            return 1", "        return 1")  # out of the `if`
    assert flags(entries(tmp_path / "3", "m.py", CLASS, new)) == {"A.m": False}
    new = CLASS.replace("Doc.", "Docs.")
    assert flags(entries(tmp_path / "4", "m.py", CLASS, new)) == {"A": False}
