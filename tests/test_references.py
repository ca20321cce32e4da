"""References left behind (locate/references.py), on real temporary git repositories."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ariadne_hook.locate import locate
from ariadne_hook.locate.references import ReferenceScan, find_references, targets
from ariadne_hook.models import FileChange, FunctionChange, SourceInfo
from ariadne_hook.source.git import from_patch_text, revision_range, staged
from tests.gitutil import commit_all, git, init_repo, stage_all, write

ROOT = Path(__file__).resolve().parent.parent


def review_staged(repo: Path, **options: object) -> tuple[list[FunctionChange], ReferenceScan]:
    info, files = staged(repo, 1_000_000)
    return _scan(repo, info, files, **options)


def review_range(repo: Path, spec: str, **options: object) -> tuple[list[FunctionChange], ReferenceScan]:
    info, files = revision_range(repo, spec, 1_000_000)
    return _scan(repo, info, files, **options)


def _scan(
    repo: Path, info: SourceInfo, files: list[FileChange], **options: object
) -> tuple[list[FunctionChange], ReferenceScan]:
    changes = locate(files)
    scan = find_references(repo, info, changes, files, budget_seconds=60.0, **options)  # type: ignore[arg-type]
    return changes, scan


def found(changes: list[FunctionChange], scan: ReferenceScan) -> dict[str, list[str]]:
    """qualname -> ["path:line", ...] of what each entry left behind."""
    return {changes[i].qualname: [f"{r.path}:{r.line}" for r in refs.items] for i, refs in scan.found.items()}


def why(changes: list[FunctionChange], scan: ReferenceScan) -> dict[str, str]:
    return {changes[i].qualname: refs.why for i, refs in scan.found.items()}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


# ---------------------------------------------------------------------------------------------- Python

UTIL = """\
def old_api(x):
    return x + 1


def keep(x):
    return x


def resize(image, width):
    return image


def render(text, verbose=False):
    return text
"""

USER = """\
from pkg.util import old_api, resize
from pkg import util


def main(obj):
    # old_api(1) in a comment does not count
    label = "old_api is gone"
    value = old_api(2)
    other = util.old_api(3)
    unrelated = obj.old_api(4)
    return value, other, unrelated, label


def shapes(img):
    a = resize(img, 10)
    b = resize(img, 10, 20)
    c = util.render("t", verbose=True)
    d = util.render("t")
    return a, b, c, d
"""


def python_repo(repo: Path) -> Path:
    write(repo, "pkg/__init__.py", "")
    write(repo, "pkg/util.py", UTIL)
    write(repo, "app/user.py", USER)
    commit_all(repo)
    return repo


def test_python_deleted_function_still_called_is_listed(repo: Path) -> None:
    python_repo(repo)
    write(repo, "pkg/util.py", UTIL.replace("def old_api(x):\n    return x + 1\n\n\n", ""))
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert scan.complete and scan.note is None
    # the import, the bare call and util.old_api; not the comment, the string or obj.old_api
    assert found(changes, scan) == {"old_api": ["app/user.py:1", "app/user.py:8", "app/user.py:9"]}
    refs = next(iter(scan.found.values()))
    assert refs.why == "deleted" and refs.total == 3 and refs.name == "old_api"
    assert refs.items[1].text == "value = old_api(2)"


def test_python_signature_changes_list_old_shape_calls_only(repo: Path) -> None:
    python_repo(repo)
    changed = UTIL.replace("def resize(image, width):", "def resize(image, width, height):")
    changed = changed.replace("def render(text, verbose=False):", "def render(text):")
    write(repo, "pkg/util.py", changed)
    stage_all(repo)
    changes, scan = review_staged(repo)
    # resize(img, 10) misses the new required height; resize(img, 10, 20) is the new shape
    # render("t", verbose=True) passes a removed keyword; render("t") fits both
    assert found(changes, scan) == {"resize": ["app/user.py:15"], "render": ["app/user.py:17"]}
    assert set(why(changes, scan).values()) == {"signature changed"}


def test_compatible_signature_changes_are_not_looked_for(repo: Path) -> None:
    """click 8.1.4 gave argument() and option() a keyword-only cls=None: every old call still fits, so
    nothing is searched; overloads (typing.overload) of a changed function are not decided either."""
    python_repo(repo)
    changed = UTIL.replace(
        "def render(text, verbose=False):", "def render(text, verbose=False, *, cls=None):"
    )
    changed += "\n\n@overload\ndef keep(x: int) -> int: ...\n@overload\ndef keep(x: str) -> str: ...\n"
    write(repo, "pkg/util.py", changed.replace("def keep(x):", "def keep(x, y):"))
    stage_all(repo)
    info, files = staged(repo, 1_000_000)
    changes = locate(files)
    assert {c.qualname.split("#")[0] for c in changes} >= {"render", "keep"}  # "keep#1"...: overloads
    assert targets(changes, files) == []


def test_a_name_defined_twice_and_deleted_is_looked_for_by_its_name(repo: Path) -> None:
    """Both definitions of a conditionally defined function deleted: their entries are ``old_api#1`` and
    ``old_api#2`` (locate names duplicates so), the references are to ``old_api``."""
    twice = UTIL.replace(
        "def old_api(x):\n    return x + 1\n",
        "if DEBUG:\n    def old_api(x):\n        return x + 1\n"
        "else:\n    def old_api(x):\n        return x\n",
    )
    write(repo, "pkg/__init__.py", "")
    write(repo, "pkg/util.py", "DEBUG = False\n" + twice)
    write(repo, "app/user.py", USER)
    commit_all(repo)
    write(repo, "pkg/util.py", "DEBUG = False\n" + twice.split("\n\n\n", 1)[1])
    stage_all(repo)
    changes, scan = review_staged(repo)
    deleted = [c.qualname for c in changes if c.change == "deleted"]
    assert deleted == ["old_api#1", "old_api#2"]
    assert set(found(changes, scan)) <= set(deleted) and found(changes, scan)
    assert {refs.why for refs in scan.found.values()} == {"deleted"}
    assert ["app/user.py:1", "app/user.py:8", "app/user.py:9"] in found(changes, scan).values()


def test_python_rename_lists_the_old_name(repo: Path) -> None:
    python_repo(repo)
    write(repo, "pkg/util.py", UTIL.replace("def old_api(x):", "def new_api(x):"))
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {"old_api": ["app/user.py:1", "app/user.py:8", "app/user.py:9"]}
    assert why(changes, scan) == {"old_api": "renamed to new_api"}


def test_call_sites_updated_by_the_same_change_are_not_listed(repo: Path) -> None:
    python_repo(repo)
    write(repo, "pkg/util.py", UTIL.replace("def old_api(x):", "def new_api(x):"))
    fixed = USER.replace("import old_api,", "import new_api,").replace(
        "value = old_api(2)", "value = new_api(2)"
    )
    write(repo, "app/user.py", fixed)
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {"old_api": ["app/user.py:9"]}  # util.old_api(3) was left behind


def test_nothing_left_behind_gives_an_empty_complete_scan(repo: Path) -> None:
    python_repo(repo)
    write(repo, "pkg/util.py", UTIL.replace("return x + 1", "return x + 2"))
    stage_all(repo)
    _, scan = review_staged(repo)
    assert scan == ReferenceScan(scan.found, True, None, scan.files_read, scan.seconds) and not scan.found


def test_staged_mode_reads_the_index_not_the_work_tree(repo: Path) -> None:
    python_repo(repo)
    write(repo, "pkg/util.py", UTIL.replace("def old_api(x):\n    return x + 1\n\n\n", ""))
    stage_all(repo)
    # fixed in the work tree only: the index still has the old calls, and they are what gets committed
    write(repo, "app/user.py", USER.replace("old_api", "keep"))
    write(repo, "app/extra.py", "from pkg.util import old_api\nold_api(1)\n")  # untracked: not looked at
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {"old_api": ["app/user.py:1", "app/user.py:8", "app/user.py:9"]}


def test_range_mode_reads_the_head_revision(repo: Path) -> None:
    python_repo(repo)
    write(repo, "app/gone.py", "from pkg.util import old_api\n")
    base = commit_all(repo)
    write(repo, "pkg/util.py", UTIL.replace("def old_api(x):\n    return x + 1\n\n\n", ""))
    (repo / "app/gone.py").unlink()  # deleted by the range: not in the head
    # added by the range (not a rename of gone.py): its lines are the change's own
    write(repo, "app/late.py", "from pkg.util import old_api  # new\nprint(old_api)\n")
    commit_all(repo, "drop old_api")
    write(repo, "app/user.py", "")  # work tree and index differ from the head: not read
    stage_all(repo)
    changes, scan = review_range(repo, f"{base}..HEAD")
    assert found(changes, scan) == {"old_api": ["app/user.py:1", "app/user.py:8", "app/user.py:9"]}


def test_method_deleted_lists_member_calls(repo: Path) -> None:
    write(
        repo,
        "shop/cart.py",
        "class Cart:\n    def checkout_all(self):\n        return 1\n\n"
        "    def size(self):\n        return 0\n",
    )
    write(
        repo, "shop/view.py", "def show(cart):\n    # cart.checkout_all()\n    return cart.checkout_all()\n"
    )
    commit_all(repo)
    write(repo, "shop/cart.py", "class Cart:\n    def size(self):\n        return 0\n")
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {"Cart.checkout_all": ["shop/view.py:3"]}


def test_python_decorator_lines_are_read(repo: Path) -> None:
    """click 8.0 deleted conftest.check_symlink_impl; test_types.py still called it in a decorator, above the
    def line that ast gives as the function's line."""
    write(repo, "tests/conftest.py", "def check_symlink_impl():\n    return True\n")
    use = "import pytest\nfrom conftest import check_symlink_impl\n\n\n"
    use += "@pytest.mark.skipif(not check_symlink_impl(), reason='no')\ndef test_x():\n    pass\n"
    write(repo, "tests/test_types.py", use)
    commit_all(repo)
    write(repo, "tests/conftest.py", "import os\n")
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {"check_symlink_impl": ["tests/test_types.py:2", "tests/test_types.py:5"]}


def test_python_method_calls_are_matched_without_self(repo: Path) -> None:
    """A method that became a static method (click 8.1.4's BashComplete._check_version): self._check() fits
    both; a method that gained a required parameter: obj.area() is left behind, obj.area(2) is new."""
    shape = "class Shape:\n    def _check(self):\n        pass\n\n    def area(self):\n        return 1\n"
    write(repo, "shape.py", shape)
    write(repo, "use.py", "def go(s):\n    s._check()\n    s.area()\n    s.area(2)\n")
    commit_all(repo)
    changed = shape.replace("    def _check(self):", "    @staticmethod\n    def _check():")
    write(repo, "shape.py", changed.replace("def area(self):", "def area(self, scale):"))
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {"Shape.area": ["use.py:3"]}


def test_a_name_still_defined_elsewhere_is_not_claimed(repo: Path) -> None:
    """A deleted method whose name other classes define: only self-calls in its own file count."""
    write(
        repo,
        "a.py",
        "class A:\n    def flush_all(self):\n        pass\n\n    def go(self):\n        return 1\n",
    )
    write(
        repo,
        "b.py",
        "class B:\n    def flush_all(self):\n        pass\n\n\ndef use(x):\n    return x.flush_all()\n",
    )
    commit_all(repo)
    write(repo, "a.py", "class A:\n    def go(self):\n        return self.flush_all()\n")
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {}  # self.flush_all() was added by this change; x.flush_all() may be B's


def test_a_patch_has_no_revision_to_search(repo: Path) -> None:
    python_repo(repo)
    write(repo, "pkg/util.py", UTIL.replace("def old_api(x):\n    return x + 1\n\n\n", ""))
    patch = git(repo, "diff")
    info, files = from_patch_text(patch, repo, 1_000_000)
    _, scan = _scan(repo, info, files)
    assert scan.found == {} and scan.complete


def test_budget_and_file_cap_cut_the_scan_short(repo: Path) -> None:
    python_repo(repo)
    write(repo, "app/more.py", "from pkg.util import old_api\nold_api(5)\n")
    commit_all(repo)
    write(repo, "pkg/util.py", UTIL.replace("def old_api(x):\n    return x + 1\n\n\n", ""))
    stage_all(repo)
    changes, capped = review_staged(repo, max_files=1)
    assert not capped.complete and capped.files_read == 1
    assert capped.note == "references: 1 more file with the names not read"
    assert found(changes, capped) == {"old_api": ["app/more.py:1", "app/more.py:2"]}
    info, files = staged(repo, 1_000_000)
    late = find_references(repo, info, changes, files, budget_seconds=60.0, deadline_at=time.monotonic() - 1)
    assert not late.complete and late.found == {} and "cut short" in (late.note or "")
    short = find_references(repo, info, changes, files, budget_seconds=0.0)
    assert not short.complete and short.found == {}


def test_the_cap_keeps_the_total(repo: Path) -> None:
    python_repo(repo)
    write(repo, "app/many.py", "from pkg.util import old_api\n" + "old_api(1)\n" * 14)
    commit_all(repo)
    write(repo, "pkg/util.py", UTIL.replace("def old_api(x):\n    return x + 1\n\n\n", ""))
    stage_all(repo)
    changes, scan = review_staged(repo, cap=4)
    refs = next(iter(scan.found.values()))
    assert refs.total == 15 + 3 and len(refs.items) == 4
    assert [r.line for r in refs.items] == [1, 2, 3, 4] and refs.items[0].path == "app/many.py"


# ------------------------------------------------------------------------------------------------- Go

GO_LIB = """\
package store

// Open opens it.
func Open(path string) error {
\treturn nil
}

func Load(path string) int {
\treturn 1
}

func Count() int {
\treturn 1
}

type Cache struct{}

func (c *Cache) Evict(key string) {}
"""

GO_SAME = """\
package store

func helper() {
\t_ = Open("x") // Open again
\t_ = Load("p")
\tn := Count()
\t_ = n
}
"""

GO_MAIN = """\
package main

import (
\t"fmt"

\t"example.com/m/store"
)

func main() {
\tfmt.Println("store.Open is gone")
\t_ = store.Open("y")
\t_ = store.Load("a")
\t_ = store.Load("a", 2)
\tc := &store.Cache{}
\tc.Evict("k")
\tn := store.Count()
\t_ = n
}
"""


def go_repo(repo: Path) -> Path:
    write(repo, "go.mod", "module example.com/m\n")
    write(repo, "store/store.go", GO_LIB)
    write(repo, "store/helper.go", GO_SAME)
    write(repo, "cmd/main.go", GO_MAIN)
    commit_all(repo)
    return repo


def test_go_deleted_function_and_method(repo: Path) -> None:
    go_repo(repo)
    changed = GO_LIB.replace("// Open opens it.\nfunc Open(path string) error {\n\treturn nil\n}\n\n", "")
    write(repo, "store/store.go", changed.replace("func (c *Cache) Evict(key string) {}\n", ""))
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {
        "Open": ["cmd/main.go:11", "store/helper.go:4"],  # the same package (bare) and store.Open
        "Cache.Evict": ["cmd/main.go:15"],
    }


def test_go_signature_and_result_count_changes(repo: Path) -> None:
    go_repo(repo)
    changed = GO_LIB.replace("func Load(path string) int {", "func Load(path string, mode int) int {")
    write(
        repo,
        "store/store.go",
        changed.replace("func Count() int {\n\treturn 1", "func Count() (int, error) {\n\treturn 1, nil"),
    )
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {
        "Load": ["cmd/main.go:12", "store/helper.go:5"],  # Load("a", 2) already has the new shape
        "Count": ["cmd/main.go:16", "store/helper.go:6"],  # n := Count() for two results
    }


def test_go_package_functions_are_not_methods(repo: Path) -> None:
    """cobra v1.0.0..v1.8.0 deleted Project.Create: os.Create(...) elsewhere is a package function."""
    write(repo, "go.mod", "module example.com/m\n")
    write(
        repo,
        "gen/project.go",
        "package gen\n\ntype Project struct{}\n\nfunc (p *Project) Create() error {\n\treturn nil\n}\n",
    )
    write(
        repo, "out.go", 'package main\n\nimport "os"\n\nfunc main() {\n\tf, _ := os.Create("x")\n\t_ = f\n}\n'
    )
    commit_all(repo)
    write(repo, "gen/project.go", "package gen\n\ntype Project struct{}\n")
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {}


def test_python_class_receiver_imported_by_name(repo: Path) -> None:
    """click 8.0: ParameterSource.validate (a classmethod) deleted; the tests still call it through the class
    they import with `from click.core import ParameterSource`."""
    source = "class ParameterSource:\n    @classmethod\n    def validate(cls, value):\n        return value\n"
    write(repo, "core.py", source + "\n\nclass Other:\n    pass\n")
    write(repo, "test_core.py", "from core import ParameterSource\n\nParameterSource.validate('x')\n")
    commit_all(repo)
    write(repo, "core.py", "class ParameterSource:\n    pass\n\n\nclass Other:\n    pass\n")
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {"ParameterSource.validate": ["test_core.py:3"]}


def test_an_override_deleted_leaves_the_base_method_alone(repo: Path) -> None:
    """click 8.0 deleted IntParamType.convert; ParamType.convert stays, and self.convert(...) in ParamType is
    that one."""
    base = "class ParamType:\n    def convert(self, v):\n        return v\n\n    def __call__(self, v):\n"
    base += "        return self.convert(v)\n\n\n"
    write(
        repo,
        "types.py",
        base + "class IntType(ParamType):\n    def convert(self, v):\n        return int(v)\n",
    )
    commit_all(repo)
    write(repo, "types.py", base + "class IntType(ParamType):\n    pass\n")
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert [c.qualname for c in changes if c.change == "deleted"] == ["IntType.convert"]
    assert found(changes, scan) == {}


def test_a_nested_function_is_not_looked_for(repo: Path) -> None:
    """click 8.0 deleted Parameter.__init__.shell_complete (nested); the module-level shell_complete that
    another function of the file imports and calls is another function."""
    outer = "def outer(x):\n    def shell_complete(a):\n        return a\n\n    return x\n\n\n"
    main = "def main():\n    from completion import shell_complete\n\n    return shell_complete(1, 2)\n"
    write(repo, "m.py", outer + main)
    commit_all(repo)
    write(repo, "m.py", "def outer(x):\n    return x\n\n\n" + main)
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert [c.qualname for c in changes if c.change == "deleted"] == ["outer.shell_complete"]
    assert found(changes, scan) == {}


# ---------------------------------------------------------------------------------------------- JS / TS

JS_UTIL = """\
export function formatDate(d) {
  return String(d);
}

export function pad(s, n) {
  return s;
}
"""

JS_APP = """\
import { formatDate, pad } from "./util.js";
import * as util from "./util.js";

// formatDate(now) in a comment
const label = "formatDate";
const a = formatDate(1);
const b = util.formatDate(2);
const c = other.formatDate(3);
const d = `${formatDate(4)} and formatDate`;
const e = pad("x");
const f = pad("x", 2, 3);
"""


def test_javascript_deleted_function(repo: Path) -> None:
    write(repo, "src/util.js", JS_UTIL)
    write(repo, "src/app.js", JS_APP)
    commit_all(repo)
    write(
        repo,
        "src/util.js",
        JS_UTIL.replace("export function formatDate(d) {\n  return String(d);\n}\n\n", ""),
    )
    stage_all(repo)
    changes, scan = review_staged(repo)
    # the import, the call, util.formatDate, the call inside a template; not the comment, the strings, other.
    assert found(changes, scan) == {
        "formatDate": ["src/app.js:1", "src/app.js:6", "src/app.js:7", "src/app.js:9"]
    }


TS_LIB = """\
export function scale(value: number, factor: number): number {
  return value * factor;
}
"""

TS_USE = """\
import { scale } from "./lib";

const a = scale(1, 2);
const b = scale(1, 2, 3);
const c = scale(1);
"""


def test_typescript_required_parameter_added(repo: Path) -> None:
    write(repo, "src/lib.ts", TS_LIB)
    write(repo, "src/use.ts", TS_USE)
    commit_all(repo)
    write(repo, "src/lib.ts", TS_LIB.replace("factor: number)", "factor: number, offset: number)"))
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {"scale": ["src/use.ts:3"]}  # scale(1) never fit; scale(1, 2, 3) is new


def test_typescript_optional_parameter_added_breaks_nothing(repo: Path) -> None:
    write(repo, "src/lib.ts", TS_LIB)
    write(repo, "src/use.ts", TS_USE)
    commit_all(repo)
    write(repo, "src/lib.ts", TS_LIB.replace("factor: number)", "factor: number, offset?: number)"))
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {}


# ------------------------------------------------------------------------------------------------ Java

JAVA_A = """\
package app;

public class Account {
    public void deposit(int amount) {
    }

    public void close() {
    }

    void audit() {
        deposit(1); // deposit(2)
    }
}
"""

JAVA_B = """\
package app;

class Teller {
    void work(Account account) {
        String s = "account.deposit(5)";
        account.deposit(10);
        account.deposit(10, "EUR");
    }
}
"""


def test_java_method_deleted(repo: Path) -> None:
    write(repo, "src/app/Account.java", JAVA_A)
    write(repo, "src/app/Teller.java", JAVA_B)
    commit_all(repo)
    write(
        repo, "src/app/Account.java", JAVA_A.replace("    public void deposit(int amount) {\n    }\n\n", "")
    )
    stage_all(repo)
    changes, scan = review_staged(repo)
    # the implicit-this call in its own class and both member calls; not the comment or the string
    assert found(changes, scan) == {
        "Account.deposit": ["src/app/Account.java:8", "src/app/Teller.java:6", "src/app/Teller.java:7"]
    }


def test_java_signature_changed(repo: Path) -> None:
    write(repo, "src/app/Account.java", JAVA_A)
    write(repo, "src/app/Teller.java", JAVA_B)
    commit_all(repo)
    write(
        repo,
        "src/app/Account.java",
        JAVA_A.replace("deposit(int amount)", "deposit(int amount, String currency)"),
    )
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert found(changes, scan) == {"Account.deposit": ["src/app/Account.java:11", "src/app/Teller.java:6"]}


def test_java_renamed_method(repo: Path) -> None:
    write(repo, "src/app/Account.java", JAVA_A)
    write(repo, "src/app/Teller.java", JAVA_B)
    commit_all(repo)
    write(repo, "src/app/Account.java", JAVA_A.replace("public void deposit(", "public void credit("))
    stage_all(repo)
    changes, scan = review_staged(repo)
    assert why(changes, scan) == {"Account.deposit": "renamed to Account.credit"}
    assert found(changes, scan)["Account.deposit"] == [
        "src/app/Account.java:11",
        "src/app/Teller.java:6",
        "src/app/Teller.java:7",
    ]


# -------------------------------------------------------------------------------------------- imports


def test_a_python_only_change_loads_no_tree_sitter(repo: Path) -> None:
    python_repo(repo)
    write(repo, "web/app.js", "old_api(1);\n")  # a hit in another language is not read
    commit_all(repo)
    write(repo, "pkg/util.py", UTIL.replace("def old_api(x):\n    return x + 1\n\n\n", ""))
    stage_all(repo)
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from ariadne_hook.source.git import staged\n"
        "from ariadne_hook.locate import locate\n"
        "from ariadne_hook.locate.references import find_references\n"
        "info, files = staged(Path('.'), 1_000_000)\n"
        "scan = find_references(Path('.'), info, locate(files), files, budget_seconds=60)\n"
        "print(json.dumps([len(scan.found), sorted(m for m in sys.modules if 'tree_sitter' in m)]))\n"
    )
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [1, []]
