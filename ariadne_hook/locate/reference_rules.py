"""The rules that decide whether an occurrence of a name refers to a target of ``references.py``: the
target's kind (function or method), its owner and modules, what its language's ``ReferenceRules`` say
(family, imports, implicit ``this``, names visible everywhere or package-wide), and for a signature change
whether the call fits the old signature and not the new one (docs/REFERENCES.md)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ariadne_hook.languages import ReferenceRules, language_for, language_named
from ariadne_hook.locate.callfit import fits, go_results, signature_key, without_receiver
from ariadne_hook.locate.refsites import BARE, DEFINITION, IMPORT, MEMBER, PROTOTYPE, FileSites, Site
from ariadne_hook.models import FileChange, FunctionFacts, Param, Reference, References

DELETED, SIGNATURE = "deleted", "signature changed"
MAX_TEXT = 100  # characters of a listed line

SELF = frozenset({"self", "this"})
# method names that library types define everywhere: a `.name` access is not evidence of this class's method
_COMMON = """get set put add remove delete pop push append extend insert update clear copy close open read
write flush run start stop send call apply bind next keys values items map filter reduce find join split
format
parse load dump dumps loads length size len count index contains has equals hashCode toString String Error
Close Read Write Len Less Swap then catch finally emit on off init reset new"""
COMMON_METHODS = frozenset(_COMMON.split())


@dataclass(frozen=True)
class Target:
    """One entry whose old name or old signature is looked for."""

    index: int  # in the changes list
    name: str  # the simple name searched
    qualname: str
    kind: str  # "function" | "method"
    path: str  # its file in the reviewed revision (the entry's path)
    language: str
    why: str  # DELETED, "renamed to X", SIGNATURE
    owner: str = ""  # methods: the class; dotted functions (``obj.f``, ``ns.f``): the qualifier
    modules: frozenset[str] = frozenset()  # names that can qualify a top-level function (file stem, package)
    old: FunctionFacts | None = None  # signature changes: both sides' facts
    new: FunctionFacts | None = None
    own: tuple[int, int] | None = None  # the new definition's lines (signature changes)


NO_RULES = ReferenceRules(lambda text, names, lines: None, "")


def rules(language: str) -> ReferenceRules:
    """The reference rules of ``language`` (none for a language without a parser: nothing is found)."""
    found = language_named(language)
    return NO_RULES if found is None else found.references


def family(language: str) -> str:
    return rules(language).family or language


# --------------------------------------------------------------------------------------------- the rules


def decide(
    wanted: Sequence[Target],
    parsed: Mapping[str, FileSites],
    texts: Mapping[str, str],
    by_path: Mapping[str, FileChange],
    overrides: Mapping[str, str],
    cap: int,
) -> dict[int, References]:
    out: dict[int, References] = {}
    for target in wanted:
        covered = _covered(target, wanted)
        places = sorted(set(_places(target, parsed, by_path, overrides, covered)))
        if places:
            items = tuple(Reference(p, n, _line_text(texts.get(p, ""), n)) for p, n in places[:cap])
            out[target.index] = References(target.name, target.why, items, len(places))
    return out


def _places(
    target: Target,
    parsed: Mapping[str, FileSites],
    by_path: Mapping[str, FileChange],
    overrides: Mapping[str, str],
    covered: Sequence[tuple[str, int, int]],
) -> Iterable[tuple[str, int]]:
    files = {
        path: fs
        for path, fs in parsed.items()
        if family(language_for(path, overrides)) == family(target.language)
    }
    definitions = [
        (path, s.receiver)
        for path, fs in files.items()
        for s in fs.sites
        if s.name == target.name and s.role == DEFINITION and not _within(covered, path, s.line)
    ]
    if any(path == target.path and owner in {target.owner, ""} for path, owner in definitions):
        return  # still defined where it was, or overloaded: which one a call reaches is not decidable
    if target.kind == "method" and any(path == target.path for path, _ in definitions):
        return  # another class of the same file has it: even self.name may be that one
    ambiguous = target.name in COMMON_METHODS or bool(definitions)
    for path, fs in files.items():
        touched = by_path[path].added_lines if path in by_path else frozenset()
        mine = [s for s in fs.sites if s.name == target.name]
        imported = any(s.role == IMPORT and _imports(target, s) for s in mine)
        for site in mine:
            if site.line in touched or not _refers(target, path, site, fs, imported, ambiguous, definitions):
                continue
            if target.why != SIGNATURE or _old_shape(target, site):
                yield path, site.line


def _covered(target: Target, wanted: Sequence[Target]) -> list[tuple[str, int, int]]:
    """The new definitions of the same name changed the same way as ``target`` (its own included): a call
    to any of them is judged alike, so they do not make the name ambiguous."""

    def transition(t: Target) -> tuple[object, ...]:
        old = t.old.params if t.old is not None else ()
        new = t.new.params if t.new is not None else ()
        binding = rules(t.language).binding
        return signature_key(old, binding), signature_key(new, binding), t.why

    return [
        (t.path, t.own[0], t.own[1])
        for t in wanted
        if t.own is not None and t.name == target.name and transition(t) == transition(target)
    ]


def _within(spans: Sequence[tuple[str, int, int]], path: str, line: int) -> bool:
    return any(p == path and first <= line <= last for p, first, last in spans)


def _imports(target: Target, site: Site) -> bool:
    """An import of the name from the target's module (``from pkg.mod import f``, ``import {f} from './mod'``,
    ``use crate::mod::f``)."""
    if target.kind != "function" or target.owner:
        return False
    return _module_leaf(site.receiver, target) in target.modules


def _refers(
    target: Target,
    path: str,
    site: Site,
    fs: FileSites,
    imported: bool,
    ambiguous: bool,
    definitions: Sequence[tuple[str, str]],
) -> bool:
    if site.role == DEFINITION:
        return False
    if site.role == IMPORT:
        return _imports(target, site)
    if site.role == PROTOTYPE:
        return target.kind == "function" and not target.owner
    if target.kind == "method":
        if site.receiver == target.owner:
            return site.role == MEMBER  # Class.method, Class::method
        return site.receiver not in fs.modules and _method_use(target, path, site, ambiguous)
    return _function_use(target, path, site, fs, imported, definitions)


def _method_use(target: Target, path: str, site: Site, ambiguous: bool) -> bool:
    if site.role == BARE:
        return path == target.path and rules(target.language).implicit_this
    if site.role != MEMBER:
        return False
    if site.receiver == target.owner:
        return True
    if site.scoped:
        return False  # Other::m, other_ns::m: another type's
    if ambiguous:
        return path == target.path and site.receiver in SELF
    return True


def _function_use(
    target: Target,
    path: str,
    site: Site,
    fs: FileSites,
    imported: bool,
    definitions: Sequence[tuple[str, str]],
) -> bool:
    same_file = path == target.path
    if target.owner:  # nested (Python), bound to an object (JS), in a module or namespace (Rust, C++)
        if site.role == BARE:
            return same_file
        return site.role == MEMBER and site.receiver == target.owner
    if site.role == BARE:
        if same_file or imported:
            return True
        if rules(target.language).package_folders:
            return posixpath.dirname(path) == posixpath.dirname(target.path)
        return rules(target.language).global_names and not any(p == path for p, _ in definitions)
    if site.role != MEMBER:
        return False
    if site.scoped:
        return site.receiver in target.modules
    module = fs.modules.get(site.receiver)
    if module is not None:
        return _module_leaf(module, target) in target.modules
    # import pkg.mod ... pkg.mod.f(): the receiver is a part of an imported dotted name
    return site.receiver in target.modules and any(site.receiver in m.split(".") for m in fs.modules.values())


def _module_leaf(module: str, target: Target) -> str:
    """``pkg.mod`` -> ``mod``; ``../lib/mod.js`` -> ``mod`` (a suffix the target's language writes in import
    paths); ``./lib/index`` -> ``lib``; ``a::b`` -> ``b``."""
    parts = [p for p in re.split(r"[./:]+", module) if p]
    if parts and parts[-1] in rules(target.language).import_suffixes:
        parts.pop()
    if len(parts) > 1 and parts[-1] == "index":
        parts.pop()
    return parts[-1] if parts else ""


def _old_shape(target: Target, site: Site) -> bool:
    """A call that fits the old signature and not the new one (undecidable: not reported)."""
    if site.call is None or target.old is None or target.new is None:
        return False
    known = rules(target.language)
    if known.result_count and site.call.targets is not None:
        old_n, new_n = go_results(target.old.returns), go_results(target.new.returns)
        if old_n != new_n and site.call.targets == old_n:
            return True
    old = _passed(target, target.old, site)
    new = _passed(target, target.new, site)
    if old is None or new is None:
        return False
    before, after = fits(old, site.call, known.binding), fits(new, site.call, known.binding)
    return before is True and after is False


def _passed(target: Target, facts: FunctionFacts, site: Site) -> tuple[Param, ...] | None:
    """The parameters a call at ``site`` fills (the receiver dropped for an instance call); None when it
    cannot be told (Python ``Class.method(obj, ...)``)."""
    params = tuple(facts.params)
    if target.kind != "method" or site.role != MEMBER:
        return params
    receiver = rules(target.language).receiver
    if receiver == "python":
        if "staticmethod" in facts.decorators:
            return params
        if "classmethod" in facts.decorators or site.receiver != target.owner:
            return without_receiver(params, receiver)
        return None
    if receiver == "rust" and not site.scoped:
        return without_receiver(params, receiver)
    return params


def _line_text(text: str, line: int) -> str:
    lines = text.split("\n")
    value = lines[line - 1].strip() if 1 <= line <= len(lines) else ""
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1].rstrip() + "\u2026"
