"""The language seam: every registered language provides every part, a language lacking one is rejected, and
the consumers that used to keep their own per-language tables agree through the registry."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ariadne_hook.languages import (
    MODULES,
    TEST_DIRS,
    TEST_NAME,
    Imports,
    Language,
    ReferenceRules,
    Words,
    checked,
    is_test_path,
    language_for,
    missing_parts,
    registry,
)
from ariadne_hook.locate.trivial import SLASH_COMMENTS, Lexer
from ariadne_hook.models import FunctionChange, Summary
from ariadne_hook.summarize.offline_overview import api_changes, is_public
from ariadne_hook.summarize.route import tier

NAMES = sorted(registry())


def test_the_registry_lists_every_language_module() -> None:
    assert (
        sorted(
            ["c", "cpp", "go", "java", "javascript", "kotlin", "python", "ruby", "rust", "tsx", "typescript"]
        )
        == NAMES
    )
    assert len(MODULES) == 10  # typescript's module holds TypeScript and TSX


@pytest.mark.parametrize("name", NAMES)
def test_every_registered_language_provides_every_part(name: str) -> None:
    language = registry()[name]
    assert language.name == name
    assert missing_parts(language) == []
    parse, scan = language.parser(), language.scanner()
    assert callable(parse) and callable(scan)
    assert language.lexer.lex("x = 1\n", 1) is not None
    for extension in language.extensions:
        assert language_for(f"src/file{extension}", {}) == name
    assert language.test_files and all(is_test_path(g.replace("*", "x")) for g in language.test_files)


def _kotlin() -> Language:
    return registry()["kotlin"]


@pytest.mark.parametrize(
    ("broken", "missing"),
    [
        (lambda lang: replace(lang, test_files=()), ["test_files"]),
        (lambda lang: replace(lang, lexer=None), ["lexer"]),
        (lambda lang: replace(lang, lexer=Lexer(None, SLASH_COMMENTS)), ["lexer"]),  # type: ignore[arg-type]
        (lambda lang: replace(lang, is_public=None), ["is_public"]),
        (lambda lang: replace(lang, scanner="not callable"), ["scanner"]),
        (lambda lang: replace(lang, extensions=(), filenames=()), ["extensions", "extensions or filenames"]),
        (lambda lang: replace(lang, words=Words(defines=())), ["words.defines"]),
        (lambda lang: replace(lang, imports=Imports(lang.imports.starts, None)), ["imports.names"]),  # type: ignore[arg-type]
        (lambda lang: replace(lang, references=ReferenceRules(None, "kotlin")), ["references.sites"]),  # type: ignore[arg-type]
    ],
)
def test_a_language_lacking_a_part_is_rejected(broken: object, missing: list[str]) -> None:
    language = broken(_kotlin())  # type: ignore[operator]
    assert missing_parts(language) == missing
    with pytest.raises(TypeError, match=f"language 'kotlin' lacks {missing[0]}"):
        checked(language)  # what the registry does with every module's LANGUAGE
    assert checked(_kotlin()) is _kotlin()
    assert missing_parts(_kotlin()) == []
    assert missing_parts("kotlin") == ["not a Language"]


def _public_entry(path: str, language: str, qualname: str, source: str) -> FunctionChange:
    return FunctionChange(
        path=path,
        old_path=None,
        qualname=qualname,
        kind="function",
        change="added",
        language=language,
        old_lines=None,
        new_lines=(1, 2),
        old_source=None,
        new_source=source,
        diff="@@ -0,0 +1,2 @@\n+x\n+y\n",
    )


# the four paths the two classifiers disagreed on (issue 19), then more of every language's conventions
TEST_FILES = [
    ("conftest.py", "python", "fixture", "def fixture(): pass"),
    ("e2e/login.ts", "typescript", "login", "export function login() {}"),
    ("lib/user_spec.rb", "ruby", "check", "def check\nend"),
    ("src/foo_test.rs", "rust", "checks", "pub fn checks() {}"),
    ("tests/conftest.py", "python", "db", "def db(): pass"),
    ("pkg/thing_test.go", "go", "TestThing", "func TestThing(t *testing.T) {}"),
    ("web/__tests__/menu.js", "javascript", "menu", "export function menu() {}"),
    ("web/menu.spec.tsx", "tsx", "menu", "export function menu() {}"),
    ("src/test/java/app/AccountTest.java", "java", "A.works", "public void works() {}"),
    ("app/src/test/kotlin/CartTest.kt", "kotlin", "cartWorks", "fun cartWorks() {}"),
    ("app/src/androidTest/kotlin/Screen.kt", "kotlin", "opens", "fun opens() {}"),
    ("spec/models/user_spec.rb", "ruby", "u", "def u\nend"),
    ("testing/helpers.c", "c", "helper", "int helper(void) {}"),
    ("src/parser_tests.cpp", "cpp", "parses", "void parses() {}"),
]
SOURCE_FILES = [
    ("src/app.py", "python", "run", "def run(): pass"),
    ("lib/user.rb", "ruby", "name", "def name\nend"),
    ("src/foo.rs", "rust", "foo", "pub fn foo() {}"),
    ("web/login.ts", "typescript", "login", "export function login() {}"),
    ("src/main/kotlin/Cart.kt", "kotlin", "total", "fun total() = 1"),
    ("contest.py", "python", "contest", "def contest(): pass"),
]


@pytest.mark.parametrize(("path", "language", "qualname", "source"), TEST_FILES + SOURCE_FILES)
def test_the_summaries_priority_and_the_public_api_agree_on_test_files(
    path: str, language: str, qualname: str, source: str
) -> None:
    change = _public_entry(path, language, qualname, source)
    assert is_public(change), "a public definition: only being in a test file may keep it out of the API"
    listed = api_changes([Summary(change, "offline", "", None)])["added"]
    is_test = (path, language, qualname, source) in TEST_FILES
    assert is_test_path(path) is is_test
    assert tier(change) == (1 if is_test else 0)  # the model's time: tests last
    assert listed == ([] if is_test else [qualname])  # the public API: tests left out


def test_test_globs_read_in_one_match_agree_with_each_glob() -> None:
    """is_test_path reads every language's test globs with two patterns; each path is a test exactly when
    one glob (fnmatch) says so: a name glob on the file name, a path glob on the path or after a folder."""
    from fnmatch import fnmatchcase

    globs = {g for lang in registry().values() for g in lang.test_files}
    assert any("/" in g for g in globs) and any("/" not in g for g in globs)
    names = [g.replace("*", "x") for g in globs] + ["a.py", "x.go", "Main.java", "test.py", "src/testing.c"]
    for path in [p for n in names for p in (n, f"pkg/{n}", f"a/b/{n}")] + ["src/tested/A.kt", "srcs/test/B"]:
        name = path.rsplit("/", 1)[-1]
        by_glob = any(
            fnmatchcase(path, g) or fnmatchcase(path, "*/" + g) if "/" in g else fnmatchcase(name, g)
            for g in globs
        )
        if by_glob:
            assert is_test_path(path), path
        elif not is_test_path(path):
            continue
        else:  # a test folder or a test name said so, not a glob
            parts = path.split("/")
            assert TEST_DIRS.intersection(parts[:-1]) or TEST_NAME.match(parts[-1]), path
