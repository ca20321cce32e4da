"""The languages ariadne-hook reads: one module each, holding one ``Language``, listed once in ``MODULES``.

A ``Language`` is everything the project knows about one language: the files that are in it
(extensions, well-known file names), its parser and lazy scanner (locate), its trivial-change lexer
(``locate/trivial.py``), its import statements (one reader for the lexer, the offline summaries and the
references), its reference rules (``locate/refsites.py``, ``references.py``, ``callfit.py``), the words of
its offline summaries (comment markers, definition keywords, what a decorator and a return type are
called), which of its functions are public API, and its test files. Every consumer asks this registry; no
other module keeps a table keyed by a language's name. ``missing_parts`` says which parts a ``Language``
lacks (a test holds every registered one to it). To add a language: one module with a ``LANGUAGE``, its
name in ``MODULES`` (docs/DESIGN.md).

The registry imports the language modules on first use; a module imports its grammar wheel only when its
parser is loaded (``Language.scanner()``), so a Python-only change loads no tree-sitter grammar.
"""

from __future__ import annotations

import importlib
import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from fnmatch import fnmatchcase, translate
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ariadne_hook.locate.languages import Parser, Scanner
    from ariadne_hook.locate.refsites import FileSites
    from ariadne_hook.locate.trivial import Lexer
    from ariadne_hook.models import FunctionChange

# language name -> its module (ariadne_hook/languages/<module>.py, attribute LANGUAGE or LANGUAGES)
MODULES = ("python", "javascript", "typescript", "go", "rust", "java", "kotlin", "c", "cpp", "ruby")

Sites = Callable[[str, Collection[str], Iterable[int]], "FileSites | None"]


@dataclass(frozen=True)
class Imports:
    """One language's import statements, read one way for every consumer."""

    starts: Callable[[Sequence[str]], bool]  # the tokens of a line (comments dropped): an import starts here
    names: Callable[[Iterable[str]], list[str]]  # what the lines import (one line at a time, no context)

    def line(self, text: str) -> bool:
        """Whether ``text`` is (the start of) an import statement of what it names."""
        return bool(self.names((text,)))


@dataclass(frozen=True)
class ReferenceRules:
    """How a name defined in this language is used from elsewhere (docs/REFERENCES.md)."""

    sites: Sites  # the occurrences of names on some lines of a file, as the file's parser sees them
    family: str  # languages whose files see each other's functions (typescript and tsx: "javascript")
    binding: str = "positional"  # how calls bind arguments: "python", "ruby" (by name too) or "positional"
    receiver: str = ""  # "python": the first parameter is self/cls; "rust": a `self` parameter; "": none
    global_names: bool = False  # a top-level function is visible from other files without an import (C, Ruby)
    implicit_this: bool = False  # a method is called without a receiver inside its class (Java, C++, Ruby)
    entry_points: tuple[str, ...] = ()  # functions the runtime calls: nobody calls them by name
    nested_local: bool = False  # a dotted function name is a function nested in a function: local to it
    package_folders: bool = False  # Go: a package is a folder, its files see each other's names
    result_count: bool = False  # Go: how many values a function returns is part of how it is called
    bare_calls: bool = False  # Ruby: a call needs no parentheses, so any line with the name may be one
    import_suffixes: frozenset[str] = frozenset()  # file extensions an import path may end with ("./m.js")


@dataclass(frozen=True)
class Words:
    """The words of the offline summaries for this language."""

    defines: tuple[str, ...]  # keywords before a name they define ("def", "class"; "fun", "object")
    decorator: str = "decorator"  # what a decorator is called ("annotation", "attribute")
    decorator_prefix: str = ""  # written before a decorator's text when the parser leaves it out ("@")
    returns: str = "return type"  # what a declared return is called ("return annotation")
    star_params: bool = False  # parameters written *args, **kwargs, with the / and * markers (Python)
    line_statements: bool = False  # a diff line is a statement: assignments and classes read (Python)
    # two sources of a function that are the same program, whatever their layout (Python: the same ast, so
    # grouping parentheses, implicit string joins and line breaks are layout); None: the lines tell it
    same_code: Callable[[str, str], bool] | None = None


@dataclass(frozen=True)
class Language:
    """Everything the project knows about one language (see the module docstring); every part is required
    (``missing_parts``)."""

    name: str
    extensions: tuple[str, ...]  # ".kt": lower case; a file's extension is matched as is, then lowered
    filenames: tuple[str, ...]  # well-known file names ("Rakefile"); may be empty when extensions are not
    parser: Callable[[], Parser]  # loads the parser (imports its grammar): ImportError when it cannot
    scanner: Callable[[], Scanner]  # the same, lazy form: spans first, facts only for what a diff touches
    lexer: Lexer  # tokens for the trivial-change check (locate/trivial.py)
    imports: Imports
    references: ReferenceRules
    words: Words
    is_public: Callable[[FunctionChange], bool]  # a function or method others can call (offline overview)
    test_files: tuple[str, ...]  # globs of its test files: "*_test.go"; with a "/", at any folder depth


OPTIONAL = frozenset({"filenames"})


def missing_parts(language: object) -> list[str]:
    """The parts a language lacks: a field that is None, empty, or not callable where a callable belongs.
    ``[]`` for a whole ``Language``."""
    if not isinstance(language, Language):
        return ["not a Language"]
    missing: list[str] = []
    for part in fields(Language):
        value = getattr(language, part.name)
        if part.name in OPTIONAL:
            continue
        empty = value is None or value == "" or value == ()
        if empty or (part.name in ("parser", "scanner", "is_public") and not callable(value)):
            missing.append(part.name)
    if not language.extensions and not language.filenames:
        missing.append("extensions or filenames")
    if "lexer" not in missing and not (
        callable(getattr(language.lexer, "lex", None)) and language.lexer.comments
    ):
        missing.append("lexer")
    for owner, names in (
        ("imports", ("starts", "names")),
        ("references", ("sites", "family")),
        ("words", ("defines",)),
    ):
        value = getattr(language, owner)
        missing += [f"{owner}.{n}" for n in names if value is not None and not getattr(value, n, None)]
    return missing


# ------------------------------------------------------------------------------------- helpers for modules


def declaration(change: FunctionChange) -> str:
    """The text of the definition up to its name's opening parenthesis (either side): where a language's
    modifiers (``public``, ``pub``, ``static``, ``export``, ``private``) are."""
    source = change.new_source if change.new_source is not None else change.old_source
    return (source or "").split("(", 1)[0]


def import_lines(pattern: str) -> Callable[[Iterable[str]], list[str]]:
    """``Imports.names`` from one regular expression: the first group that matched, for each line."""
    compiled = re.compile(pattern)

    def names(lines: Iterable[str]) -> list[str]:
        out = []
        for line in lines:
            if found := compiled.search(line):
                out.append(next(g for g in found.groups() if g))
        return out

    return names


# ------------------------------------------------------------------------------------------------ registry


@cache
def registry() -> dict[str, Language]:
    """Every registered language by name (the modules are imported on the first call)."""
    found: dict[str, Language] = {}
    for module_name in MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        for language in getattr(module, "LANGUAGES", None) or (module.LANGUAGE,):
            found[checked(language).name] = language
    return found


def checked(language: Language) -> Language:
    """``language`` when it has every part; a module that left one out fails here, loudly, on first use
    (never a silently missing lexer or test glob)."""
    missing = missing_parts(language)
    if missing:
        raise TypeError(f"language {getattr(language, 'name', language)!r} lacks {', '.join(missing)}")
    return language


def language_named(name: str) -> Language | None:
    return registry().get(name)


@cache
def _by_suffix() -> tuple[dict[str, str], dict[str, str]]:
    extensions = {ext: lang.name for lang in registry().values() for ext in lang.extensions}
    filenames = {name: lang.name for lang in registry().values() for name in lang.filenames}
    return extensions, filenames


NO_WORDS = Words(defines=())  # a language without a module: its summaries use the general words


def words_of(name: str) -> Words:
    """The offline words of the language ``name`` (the general ones when it has no module)."""
    found = language_named(name)
    return NO_WORDS if found is None else found.words


def language_for(path: str, overrides: Mapping[str, str]) -> str:
    """The language of ``path``: the first override glob that matches the path or its file name, else the
    extension (or a well-known file name), else ``"text"``."""
    name = posixpath.basename(path)
    for pattern, language in overrides.items():
        if fnmatchcase(path, pattern) or fnmatchcase(name, pattern):
            return language
    extensions, filenames = _by_suffix()
    if name in filenames:
        return filenames[name]
    ext = posixpath.splitext(name)[1]
    return extensions.get(ext) or extensions.get(ext.lower(), "text")


def path_globs(names: Collection[str]) -> list[str]:
    """git pathspec globs of the files of the named languages (their extensions and file names)."""
    chosen = [registry()[n] for n in sorted(names) if n in registry()]
    specs = [f"*{ext}" for lang in chosen for ext in lang.extensions]
    specs += [f"*/{name}" for lang in chosen for name in lang.filenames]
    return specs + [name for lang in chosen for name in lang.filenames]


def scanner_for(language: str) -> Scanner | None:
    """The lazy parser of ``language``, None when it has none; ImportError when it cannot be loaded."""
    found = language_named(language)
    return None if found is None else found.scanner()


def parser_for(language: str) -> Parser | None:
    """The parser of ``language``, None when it has none; ImportError when it cannot be loaded."""
    found = language_named(language)
    return None if found is None else found.parser()


def has_parser(language: str) -> bool:
    return language in registry()


# ------------------------------------------------------------------------------------------- test files

# folders whose files are tests whatever their language (fixtures and data too)
TEST_DIRS = frozenset({"test", "tests", "testing", "__tests__", "spec", "specs", "e2e", "testdata"})
# file names that are tests in any language's conventions: test_x.*, x_test.*, x.test.*, x.spec.*,
# x_spec.*, XTest.*, XTests.*
TEST_NAME = re.compile(r"^(?:test_.*|.*_test|.*_tests|.*\.test|.*\.spec|.*_spec|.*Tests?)\.[A-Za-z0-9+]+$")


def is_test_path(path: str) -> bool:
    """A test file: in a test folder, named like a test, or matching a language's own test globs. The one
    classifier: the summaries' priority and the public API both ask it."""
    parts = path.split("/")
    if TEST_DIRS.intersection(parts[:-1]) or TEST_NAME.match(parts[-1]):
        return True
    by_name, by_path = _test_globs()
    return bool(by_name.match(parts[-1]) or by_path.match(path))


@cache
def _test_globs() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every language's test globs as two patterns (one match each, not one ``fnmatch`` per glob): those
    without a ``/`` for the file name, the others for the path, anchored at its start or at a folder."""
    globs = dict.fromkeys(glob for lang in registry().values() for glob in lang.test_files)
    names = [translate(glob) for glob in globs if "/" not in glob]
    paths = [translate(p) for glob in globs if "/" in glob for p in (glob, "*/" + glob)]
    return re.compile("|".join(names) or "(?!)"), re.compile("|".join(paths) or "(?!)")
