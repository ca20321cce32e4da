"""tree-sitter languages: names, spans and facts per language, and the locate stage on real git history."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ariadne_hook.languages import parser_for
from ariadne_hook.locate import locate
from ariadne_hook.locate.languages import ParseError
from ariadne_hook.models import FileChange, FunctionSpan
from ariadne_hook.source.patch import parse_patch
from tests.gitutil import commit_all, git, init_repo, write

# ----------------------------------------------------------------------------------------------- helpers


def names(language: str, source: str) -> list[tuple[str, str, int, int]]:
    parse = parser_for(language)
    assert parse is not None
    return [(s.qualname, s.kind, s.start, s.end) for s in parse(source)]


def span(language: str, source: str, qualname: str) -> FunctionSpan:
    parse = parser_for(language)
    assert parse is not None
    found = [s for s in parse(source) if s.qualname == qualname]
    assert len(found) == 1, [s.qualname for s in parse(source)]
    return found[0]


def history(tmp_path: Path, path: str, old: str, new: str) -> list[FileChange]:
    """Two commits of one file in a real repository, as the source stage hands them over."""
    repo = init_repo(tmp_path / "repo")
    write(repo, path, old)
    base = commit_all(repo, "old")
    write(repo, path, new)
    head = commit_all(repo, "new")
    changes = []
    for patch in parse_patch(git(repo, "diff", "--no-color", base, head)):
        rows = [row for hunk in patch.hunks for row in hunk.numbered()]
        changes.append(
            FileChange(
                path=patch.path,
                old_path=None,
                status=patch.status,
                old_text=git(repo, "show", f"{base}:{patch.path}"),
                new_text=git(repo, "show", f"{head}:{patch.path}"),
                hunks=patch.hunks,
                removed_lines=frozenset(r[1] for r in rows if r[0] == "-" and r[1] is not None),
                added_lines=frozenset(r[2] for r in rows if r[0] == "+" and r[2] is not None),
            )
        )
    return changes


def located(tmp_path: Path, path: str, old: str, new: str) -> set[tuple[str, str, str]]:
    """(qualname, kind, change) of the function entries; module-level lines are left out."""
    found = locate(history(tmp_path, path, old, new))
    assert {e.language for e in found} != {"text"}
    return {(e.qualname, e.kind, e.change) for e in found if e.kind in {"function", "method"}}


# ------------------------------------------------------------------- the locate stage, one case per language
# Each case: a body edit, an added and a deleted function, an edit inside an anonymous function (it belongs
# to the enclosing function) and an edit inside a nested function (the innermost one wins).

CASES: dict[str, tuple[str, str, str, set[tuple[str, str, str]]]] = {
    "javascript": (
        "app.js",
        """const helper = (x) => {
  return x + 1;
};

function removed() {
  return 0;
}

class Service {
  start(port) {
    this.items.forEach((item) => {
      log(item);
    });
  }
}

function outer() {
  function inner() {
    return 1;
  }
  return inner();
}
""",
        """const helper = (x) => {
  return x + 2;
};

class Service {
  start(port) {
    this.items.forEach((item) => {
      log(item, port);
    });
  }
}

function outer() {
  function inner() {
    return 2;
  }
  return inner();
}

export const added = { run() { return 1; } };
""",
        {
            ("helper", "function", "modified"),
            ("removed", "function", "deleted"),
            ("Service.start", "method", "modified"),
            ("outer.inner", "function", "modified"),
            ("added.run", "method", "added"),
        },
    ),
    "typescript": (
        "svc.ts",
        """interface Store {
  get(key: string): string;
}

export class Cache implements Store {
  @memo()
  get(key: string): string {
    return this.load(key, (k) => {
      return k.trim();
    });
  }

  drop(key: string): void {
    delete this.items[key];
  }
}
""",
        """interface Store {
  get(key: string): string | undefined;
}

export class Cache implements Store {
  @memo()
  get(key: string): string | undefined {
    return this.load(key, (k) => {
      return k.trim().toLowerCase();
    });
  }

  size = (): number => Object.keys(this.items).length;
}
""",
        {
            ("Cache.get", "method", "modified"),
            ("Cache.drop", "method", "deleted"),
            ("Cache.size", "method", "added"),
        },
    ),
    "tsx": (
        "view.tsx",
        """export function List({ items }: Props) {
  return <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;
}
""",
        """export function List({ items }: Props) {
  return <ul>{items.map((i) => <li key={i} className="row">{i}</li>)}</ul>;
}

export const Empty = () => <p>nothing</p>;
""",
        {("List", "function", "modified"), ("Empty", "function", "added")},
    ),
    "go": (
        "server.go",
        """package server

func (s *Server) Start() error {
	go func() {
		s.loop()
	}()
	return nil
}

func (l List[T]) Push(v T) {
	l.items = append(l.items, v)
}

func Old() {}
""",
        """package server

func (s *Server) Start() error {
	go func() {
		s.loop(context.Background())
	}()
	return nil
}

func (l List[T]) Push(v T) {
	l.items = append(l.items, v, v)
}

func New() *Server {
	return &Server{}
}
""",
        {
            ("Server.Start", "method", "modified"),
            ("List.Push", "method", "modified"),
            ("Old", "function", "deleted"),
            ("New", "function", "added"),
        },
    ),
    "rust": (
        "lib.rs",
        """mod net {
    pub fn connect() -> u8 {
        fn retry() -> u8 {
            1
        }
        retry()
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let show = |v: i32| v * 2;
        write!(f, "{}", show(self.x))
    }
}

fn gone() {}
""",
        """mod net {
    pub fn connect() -> u8 {
        fn retry() -> u8 {
            2
        }
        retry()
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let show = |v: i32| v * 3;
        write!(f, "{}", show(self.x))
    }
}

#[test]
fn fresh() {}
""",
        {
            ("net.connect.retry", "function", "modified"),
            ("Point.fmt", "method", "modified"),
            ("gone", "function", "deleted"),
            ("fresh", "function", "added"),
        },
    ),
    "java": (
        "Outer.java",
        """public class Outer {
    public Outer() {
        this.x = 1;
    }

    void schedule() {
        pool.submit(new Runnable() {
            public void run() {
                work();
            }
        });
    }

    static class Inner {
        int m() {
            return 1;
        }
    }
}
""",
        """public class Outer {
    void schedule() {
        pool.submit(new Runnable() {
            public void run() {
                work(2);
            }
        });
    }

    static class Inner {
        int m() {
            return 2;
        }

        Inner(int v) {
            this.v = v;
        }
    }
}
""",
        {
            ("Outer.Outer", "method", "deleted"),
            ("Outer.schedule", "method", "modified"),
            ("Outer.Inner.m", "method", "modified"),
            ("Outer.Inner.Inner", "method", "added"),
        },
    ),
    "c": (
        "util.c",
        """#include <stdio.h>

static int twice(int x) {
    return x * 2;
}

int prototype(int);

void old_one(void) {
    puts("old");
}
""",
        """#include <stdio.h>

static int twice(int x) {
    return x + x;
}

int prototype(int);

char *new_one(const char *s) {
    return strdup(s);
}
""",
        {
            ("twice", "function", "modified"),
            ("old_one", "function", "deleted"),
            ("new_one", "function", "added"),
        },
    ),
    "cpp": (
        "widget.cpp",
        """namespace ui {
class Widget {
 public:
  int size() const { return 1; }
};
}

void ui::Widget::draw(Canvas& c) {
  std::for_each(items.begin(), items.end(), [&](Item& i) {
    c.paint(i);
  });
}
""",
        """namespace ui {
class Widget {
 public:
  int size() const { return 2; }
  ~Widget() {}
};
}

void ui::Widget::draw(Canvas& c) {
  std::for_each(items.begin(), items.end(), [&](Item& i) {
    c.paint(i, 1);
  });
}
""",
        {
            ("ui.Widget.size", "method", "modified"),
            ("ui.Widget.~Widget", "method", "added"),
            ("ui.Widget.draw", "method", "modified"),
        },
    ),
    "ruby": (
        "report.rb",
        """module Reports
  class Daily
    def build(rows)
      rows.each do |row|
        emit(row)
      end
    end

    def self.old
      nil
    end
  end
end
""",
        """module Reports
  class Daily
    def build(rows)
      rows.each do |row|
        emit(row, :csv)
      end
    end

    class << self
      def fresh
        new
      end
    end
  end
end
""",
        {
            ("Reports.Daily.build", "method", "modified"),
            ("Reports.Daily.old", "method", "deleted"),
            ("Reports.Daily.fresh", "method", "added"),
        },
    ),
}
EXTENSIONS = {"javascript": "js", "typescript": "ts", "tsx": "tsx", "go": "go", "rust": "rs"}
EXTENSIONS |= {"java": "java", "c": "c", "cpp": "cpp", "ruby": "rb"}


@pytest.mark.parametrize("language", sorted(CASES))
def test_locate_on_real_history(tmp_path: Path, language: str) -> None:
    path, old, new, expected = CASES[language]
    assert located(tmp_path, path, old, new) == expected


BROKEN = {
    "javascript": "function ok() {}\nfunction bad( {\n",
    "typescript": "let x: number = ;\n",
    "tsx": "const v = <div>;\n",
    "go": "package p\n\nfunc f( {\n}\n",
    "rust": "fn ok() {}\nfn bad( {}\n",
    "java": "class A {\n  void m() { int x = ; }\n}\n",
    "c": "int ok(void) { return 0; }\nint bad( { }\n",
    "cpp": "class A {\n  void m() { return 1 }\n",
    "ruby": "def ok\nend\n\ndef bad(\n",
}


@pytest.mark.parametrize("language", sorted(BROKEN))
def test_syntax_error_raises_with_a_line(language: str) -> None:
    parse = parser_for(language)
    assert parse is not None
    with pytest.raises(ParseError) as caught:
        parse(BROKEN[language])
    assert str(caught.value).startswith(f"line {caught.value.line}: syntax error")
    assert caught.value.line is not None and caught.value.line >= 1


@pytest.mark.parametrize("language", ["go", "ruby"])
def test_syntax_error_falls_back_to_hunks(tmp_path: Path, language: str) -> None:
    path, old, _, _ = CASES[language]
    broken = old + BROKEN[language].split("\n", 1)[-1 if language == "go" else 0]
    found = locate(history(tmp_path, path, old, broken))
    assert found and all(e.kind == "hunk" for e in found)
    assert all(e.note is not None and "syntax error on the new side, line" in e.note for e in found)


# ---------------------------------------------------------------------------------------- naming per language


def test_javascript_names() -> None:
    source = """class A {
  @dec
  m() {}
  get x() { return 1; }
  set x(v) {}
  #p = () => 1;
}
const f = () => {}, g = function () {};
let h = function named() {};
obj.handler = function () {};
module.exports.x = async (y) => y;
Foo.prototype.bar = function () {};
const api = { get() {}, put: () => {}, "del": function () {}, nested: { deep() {} } };
describe("x", () => {
  it("y", function () {});
});
export default function () {}
function* gen() { yield 1; }
"""
    assert names("javascript", source) == [
        ("A.m", "method", 2, 3),
        ("A.x", "method", 4, 4),
        ("A.x", "method", 5, 5),
        ("A.#p", "method", 6, 6),
        ("f", "function", 8, 8),
        ("g", "function", 8, 8),
        ("h", "function", 9, 9),
        ("obj.handler", "function", 10, 10),
        ("module.exports.x", "function", 11, 11),
        ("Foo.bar", "method", 12, 12),
        ("api.get", "method", 13, 13),
        ("api.put", "method", 13, 13),
        ("api.del", "method", 13, 13),
        ("api.nested.deep", "method", 13, 13),
        ("default", "function", 17, 17),
        ("gen", "function", 18, 18),
    ]


def test_typescript_signatures_are_not_functions() -> None:
    source = """interface I { m(): void }
abstract class B {
  abstract run(): void;
  constructor(private y: number) { super(); }
}
function over(a: string): void;
function over(a: unknown) {}
declare function ambient(): void;
namespace NS.Sub { export function f() {} }
export const C = <T,>(v: T): T => v;
"""
    assert names("typescript", source) == [
        ("B.constructor", "method", 4, 4),
        ("over", "function", 7, 7),
        ("NS.Sub.f", "function", 9, 9),
        ("C", "function", 10, 10),
    ]


def test_go_names() -> None:
    source = """package p

func (s *Server) Start() {}
func (s Server) Stop() {}
func (l *List[T]) Push(v T) { f := func() {}; f() }
func main() {}
func asm(x int) int
"""
    assert names("go", source) == [
        ("Server.Start", "method", 3, 3),
        ("Server.Stop", "method", 4, 4),
        ("List.Push", "method", 5, 5),
        ("main", "function", 6, 6),
    ]


def test_rust_names() -> None:
    source = """#[inline]
/// docs stay outside: comments are not part of a span
#[cfg(test)]
pub fn free() {}
impl<T> Stack<T> { fn push(&mut self) { let c = || 1; } }
trait Shape { fn area(&self) -> f64 { 0.0 } fn sides(&self) -> u8; }
mod a { mod b { fn deep() { fn inner() {} } } }
"""
    assert names("rust", source) == [
        ("free", "function", 1, 4),
        ("Stack.push", "method", 5, 5),
        ("Shape.area", "method", 6, 6),
        ("a.b.deep", "function", 7, 7),
        ("a.b.deep.inner", "function", 7, 7),
    ]


def test_java_names() -> None:
    source = """class A {
  @Override
  public String toString() { return ""; }
  A() { new Thread(() -> go()); }
  interface I { default void d() {} void abstractOne(); }
  enum E { X { void e() {} }; void f() {} }
  record R(int a) { R { } }
  void m() { class Local { void l() {} } }
  private final F field = new F() { public long measure() { return 1; } };
}
"""
    assert names("java", source) == [
        ("A.toString", "method", 2, 3),
        ("A.A", "method", 4, 4),
        ("A.I.d", "method", 5, 5),
        ("A.E.X.e", "method", 6, 6),
        ("A.E.f", "method", 6, 6),
        ("A.R.R", "method", 7, 7),
        ("A.m", "method", 8, 8),
        ("A.m.Local.l", "method", 8, 8),
        ("A.field.measure", "method", 9, 9),
    ]


def test_c_and_cpp_names() -> None:
    c_source = "static int *f(char **argv) { return 0; }\nint proto(void);\nvoid (*getfn(void))(int) { }\n"
    assert names("c", c_source) == [("f", "function", 1, 1), ("getfn", "function", 3, 3)]
    cpp_source = """namespace ns { namespace in {
template <typename T>
T Box<T>::get() const { return v; }
} }
void ns::Box::~Box() {}
struct K { K() {} bool operator==(const K& o) const { return true; } void decl(); };
namespace a::b { int f() { auto l = [] { return 1; }; return l(); } }
Foo::Foo() = default;
"""
    assert names("cpp", cpp_source) == [
        ("ns.in.Box.get", "method", 2, 3),
        ("ns.Box.~Box", "method", 5, 5),
        ("K.K", "method", 6, 6),
        ("K.operator==", "method", 6, 6),
        ("a.b.f", "function", 7, 7),
    ]


def test_ruby_names() -> None:
    source = """module M
  class K < Base
    def self.build; end
    class << self
      def fresh; end
    end
    private def hidden; end
  end
end
def top; end
class A::B; def c; end; end
"""
    assert names("ruby", source) == [
        ("M.K.build", "method", 3, 3),
        ("M.K.fresh", "method", 5, 5),
        ("M.K.hidden", "method", 7, 7),
        ("top", "function", 10, 10),
        ("A.B.c", "method", 11, 11),
    ]
    assert span("ruby", source, "M.K.build").facts.decorators == ("singleton",)


# ------------------------------------------------------------------------------------------------------ facts


def test_typescript_facts() -> None:
    facts = span(
        "typescript",
        """class S {
  @retry(3)
  async save(id: number = 1, ...rest: string[]): Promise<void> {
    const done = items.map((i) => helper(i));
    if (!id) throw new TypeError("id");
    await this.store
      .put(id);
    return;
  }
}
""",
        "S.save",
    ).facts
    assert [(p.name, p.annotation, p.default, p.kind) for p in facts.params] == [
        ("id", "number", "1", "positional"),
        ("rest", "string[]", None, "var_positional"),
    ]
    assert facts.returns == "Promise<void>"
    assert facts.decorators == ("@retry(3)",)
    assert facts.calls == ("items.map", "helper", "new TypeError", "this.store.put")
    assert facts.raises == ("TypeError",)
    assert (facts.returns_count, facts.is_async) == (1, True)


def test_go_rust_ruby_raises_and_calls_skip_nested_entries() -> None:
    go = span("go", 'package p\nfunc f() error {\n\tpanic(errors.New("x"))\n\treturn nil\n}\n', "f").facts
    assert (go.raises, go.returns_count) == (('panic(errors.New("x"))',), 1)
    rust = span("rust", 'async fn f(x: u8) -> u8 {\n fn g() { h() }\n panic!("no"); return x\n}\n', "f").facts
    assert (rust.calls, rust.raises, rust.is_async, rust.returns_count) == ((), ("panic!",), True, 1)
    assert [(p.name, p.annotation) for p in rust.params] == [("x", "u8")]
    ruby = span(
        "ruby", "def f(a, b = 2, *c, d:, **e, &g)\n  raise ArgumentError, 'x' if a\n  log.warn(b)\nend\n", "f"
    )
    assert ruby.facts.raises == ("ArgumentError",) and ruby.facts.calls == ("log.warn",)
    kinds = [(p.name, p.default, p.kind) for p in ruby.facts.params]
    assert kinds == [
        ("a", None, "positional"),
        ("b", "2", "positional"),
        ("c", None, "var_positional"),
        ("d", None, "keyword"),
        ("e", None, "var_keyword"),
        ("&g", None, "positional"),
    ]


def test_java_and_cpp_facts() -> None:
    java = span(
        "java",
        "class A {\n  @Deprecated\n  int m(final int a, String... b) throws IOException {\n"
        "    if (a < 0) throw new IllegalStateException();\n    return helper.run(a);\n  }\n}\n",
        "A.m",
    ).facts
    assert [(p.name, p.annotation, p.kind) for p in java.params] == [
        ("a", "int", "positional"),
        ("b", "String...", "var_positional"),
    ]
    assert (java.returns, java.decorators, java.raises) == (
        "int",
        ("@Deprecated",),
        ("IllegalStateException",),
    )
    assert java.calls == ("new IllegalStateException", "helper.run")
    cpp = span("cpp", 'int* f(const char* s, int n = 3, ...) { throw std::runtime_error("x"); }', "f").facts
    assert [(p.name, p.annotation, p.default) for p in cpp.params] == [
        ("s", "const char*", None),
        ("n", "int", "3"),
        ("...", None, None),
    ]
    assert (cpp.returns, cpp.raises) == ("int *", ("std::runtime_error",))


@pytest.mark.parametrize(
    ("language", "before", "after", "old_name", "new_name"),
    [
        ("javascript", "function a(x) { return x; }", "\n\nfunction b(x) { return x; }", "a", "b"),
        ("go", "package p\nfunc a() int { return 1 }", "package p\n\n\nfunc b() int { return 1 }", "a", "b"),
        ("rust", "fn a() -> u8 { 1 }", "mod m {\n    fn b() -> u8 { 1 }\n}", "a", "m.b"),
        ("ruby", "def a\n  1\nend", "class K\n  def b\n    1\n  end\nend", "a", "K.b"),
    ],
)
def test_body_hash_survives_rename_and_move(
    language: str, before: str, after: str, old_name: str, new_name: str
) -> None:
    old, new = span(language, before, old_name), span(language, after, new_name)
    assert old.facts.body_hash == new.facts.body_hash != ""
    changed = span(language, before.replace("1", "2").replace("x; }", "x + 1; }"), old_name)
    assert changed.facts.body_hash != old.facts.body_hash


def test_grammars_load_lazily() -> None:
    """Importing every language module loads no grammar; parsing Go loads Go's only."""
    code = (
        "import sys\n"
        "from ariadne_hook.languages import MODULES, parser_for, registry\n"
        "assert registry() and all(f'ariadne_hook.languages.{m}' in sys.modules for m in MODULES)\n"
        "assert not [m for m in sys.modules if m.startswith('tree_sitter')], sys.modules\n"
        "parser_for('go')('package p\\nfunc f() {}\\n')\n"
        "print(sorted(m for m in sys.modules if m.startswith('tree_sitter')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (
        result.stdout.strip()
        == "['tree_sitter', 'tree_sitter._binding', 'tree_sitter_go', 'tree_sitter_go._binding']"
    )


# ------------------------------------------------------------------- found on real history (verify_polyglot)
# psutil 5.9.5 -> 5.9.8: CPython extensions release the GIL with ``Py_BEGIN_ALLOW_THREADS`` /
# ``Py_END_ALLOW_THREADS`` (macros with no semicolon); the C grammar read each as a declaration that never
# ends, and 5 of the 25 changed C files fell back to hunks for nothing else.

GIL_OLD = """static PyObject *
disk_usage(PyObject *self, PyObject *args) {
    int ret;
    Py_BEGIN_ALLOW_THREADS
    ret = statvfs(path, &st);
    Py_END_ALLOW_THREADS
    if (ret != 0)
        return NULL;
    return Py_BuildValue("i", ret);
}

typedef struct {
    PyObject_HEAD
    int fd;
} Handle;

int other(void) { return 1; }
"""


def test_c_statement_macros_parse(tmp_path: Path) -> None:
    assert names("c", GIL_OLD) == [("disk_usage", "function", 1, 10), ("other", "function", 17, 17)]
    new = GIL_OLD.replace("    if (ret != 0)", "    // checked below\n    if (ret != 0)")
    assert located(tmp_path, "psutil/disk.c", GIL_OLD, new) == {("disk_usage", "function", "modified")}


def test_c_statement_macro_blanking_keeps_lines_and_expressions() -> None:
    from ariadne_hook.languages.c import blank_macro_lines

    source = "void f(void) {\n    x = g(a,\n    SOME_ARG);\n    Py_END_ALLOW_THREADS\n}\nMY_TYPE\n"
    blanked = blank_macro_lines(source)
    assert len(blanked) == len(source) and blanked.count("\n") == source.count("\n")
    assert blanked.split("\n")[3].strip() == ""  # the macro line went...
    assert blanked.split("\n")[2] == "    SOME_ARG);"  # ...a wrapped argument did not
    assert "Py_END_ALLOW_THREADS" not in blanked and blanked.endswith("MY_TYPE\n")  # column 0 kept
    # facts still come from the real text around the blank
    found = span("c", GIL_OLD, "disk_usage")
    assert found.facts.calls == ("statvfs", "Py_BuildValue")
    # and a file where nothing is a macro is left byte for byte
    plain = "int twice(int x) { return 2 * x; }\n"
    assert blank_macro_lines(plain) == plain
