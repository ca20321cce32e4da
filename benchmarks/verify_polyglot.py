"""Check the locate stage on real history in JavaScript, TypeScript, Go, Rust, Java, C, C++ and Ruby.

Usage: python benchmarks/verify_polyglot.py OLD NEW [OLD NEW ...]

Each OLD / NEW is an archive (``.tgz``, ``.tar.gz``, ``.tar.xz``, ``.zip``, ``.whl``, ``.deb``) or a folder,
optionally followed by ``::SUBDIR`` to take one folder inside it as the tree (e.g. a ``.deb`` of Go source:
``golang-gopkg-yaml.v2-dev_2.4.0-4_all.deb::usr/share/gocode/src/gopkg.in/yaml.v2``). Each pair is
committed as two revisions of a scratch repository, the tool is run on the range (``--range A..B --provider
offline --format json``), and its function entries are compared, language by language, with an independent
finder that shares no code with the tool (no tree-sitter):

- Go, Java, C, C++, Ruby: universal-ctags (``--fields=+neKZ``: names, scopes, first and last lines);
- JavaScript, TypeScript, Rust: this file's own finder: comments and strings blanked, braces matched, and the
  text before each ``{`` classified by regular expressions (class / namespace / impl / function / method /
  object literal / anonymous callback / plain block).

Changed lines come from ``git diff -U0`` and go to the innermost span on their side; a name found on one
side only is added / deleted, else modified. Files where the tool fell back to hunks (a parse failure) are
counted apart and not compared. Prints per language: the tool's entries, functions checked, missed, false
finds, parse failures, and lists every disagreement for a person to read against ``git diff``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

EXTENSIONS = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".hxx": "cpp",
    ".rb": "ruby",
}
CTAGS_LANG = {"go": "Go", "java": "Java", "c": "C", "cpp": "C++", "ruby": "Ruby"}
CTAGS_KINDS = {"func", "method", "function", "singletonMethod"}
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")

NO_NAME: tuple[str, ...] = ()
Span = tuple[str, int, int]  # qualname, first line, last line (1-based, inclusive)
Key = tuple[str, str, str]  # path, qualname, change


# ------------------------------------------------------------------------------------------ the scratch repo


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def extract(archive: Path, into: Path) -> None:
    name = archive.name
    if name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            z.extractall(into)
    elif name.endswith(".deb"):
        subprocess.run(["dpkg-deb", "-x", str(archive), str(into)], check=True)
    else:
        with tarfile.open(archive) as t:
            t.extractall(into, filter="data")


def unpack(spec: str, into: Path) -> None:
    """``PATH[::SUBDIR]`` as the whole work tree of ``into`` (an archive's single top folder is dropped)."""
    path_text, _, sub = spec.partition("::")
    path = Path(path_text)
    tmp = Path(tempfile.mkdtemp())
    if path.is_dir():
        top = path
    else:
        extract(path, tmp)
        entries = list(tmp.iterdir())
        top = entries[0] if len(entries) == 1 and entries[0].is_dir() and not sub else tmp
    top = top / sub if sub else top
    for child in into.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    for child in top.iterdir():
        target = into / child.name
        shutil.copytree(child, target, symlinks=True) if child.is_dir() else shutil.copy2(child, target)
    shutil.rmtree(tmp)


# ---------------------------------------------------------------------------------------- blanking the text


def blank(text: str) -> str:
    return "".join("\n" if c == "\n" else " " for c in text)


REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^")
REGEX_KEYWORDS = ("return", "typeof", "case", "in", "of", "delete", "void", "throw", "yield")


def _regex_allowed(code: list[str]) -> bool:
    tail = "".join(code[-12:]).rstrip()
    if not tail:
        return True
    return tail[-1] in REGEX_BEFORE or tail.endswith(REGEX_KEYWORDS)


def _end_of_quoted(text: str, i: int, quote: str) -> int:
    """Index just past the string opened at ``i`` (escapes honoured; JS/Rust strings end at a newline
    only for single-quoted JS strings, which we do not special-case)."""
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == quote:
            return j + 1
        j += 1
    return j


def _end_of_regex(text: str, i: int) -> int:
    j, in_class = i + 1, False
    while j < len(text) and text[j] != "\n":
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            return j + 1
        j += 1
    return i + 1  # not a regex after all: a lone slash


def _end_of_rust_quote(text: str, i: int) -> int:
    """A char literal ('a', '\\n', '\\u{1F600}') or a lifetime ('a): the end of what to blank."""
    m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'\n])'", text[i:])
    return i + m.end() if m else i + 1


def mask(text: str, lang: str) -> str:
    """``text`` with comments, strings, template literals and regex literals blanked (newlines kept)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c, pair = text[i], text[i : i + 2]
        end = i
        if pair == "//":
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif pair == "/*":
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
        elif (
            lang == "rust"
            and (m := re.match(r'b?r(#*)"', text[i : i + 40]))
            and (i == 0 or not text[i - 1].isalnum())
        ):
            close = '"' + m.group(1)
            stop = text.find(close, i + m.end())
            end = n if stop < 0 else stop + len(close)
        elif c == '"' or (c == "'" and lang != "rust") or (c == "`" and lang != "rust"):
            end = _end_of_quoted(text, i, c)
        elif c == "'" and lang == "rust":
            end = _end_of_rust_quote(text, i)
        elif c == "/" and lang != "rust" and _regex_allowed(out):
            end = _end_of_regex(text, i)
        if end > i + 1:
            out.append(blank(text[i:end]))
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out)


# ------------------------------------------------------------------------------ the brace finder (JS/TS/Rust)

IDENT = r"[A-Za-z_$][\w$]*"
JS_MODIFIERS = (
    r"(?:(?:static|async|public|private|protected|readonly|override|abstract|declare|get|set)\s+|\*\s*)*"
)
JS_CLASS = re.compile(
    rf"(?:^|[^\w$.])class(?:\s+({IDENT}))?(?:\s*<[^{{]*?>)?(?:\s+(?:extends|implements)\b[\s\S]*)?$"
)
JS_NAMESPACE = re.compile(r"^(?:export\s+)?(?:declare\s+)?(?:namespace|module)\s+([\w$.]+)$")
JS_TYPE = re.compile(r"(?:^|\s)(?:interface|enum|type)\s+[\w$]+")
JS_FUNCTION = re.compile(rf"\bfunction\b\s*\*?\s*({IDENT})?\s*(?:<[^(]*>)?\s*\(")
JS_METHOD = re.compile(
    rf"^\s*(?:@[\s\S]*?\s)?{JS_MODIFIERS}(#?{IDENT}|'[^']*'|\"[^\"]*\"|\[[^\]]*\])\s*\??\s*(?:<[^(]*>)?\s*\([\s\S]*\)"
    rf"\s*(?::[\s\S]*)?$"
)
JS_CONTROL = re.compile(r"^\s*(?:if|for|while|switch|catch|with|else|do|try|finally)\b")
JS_OBJECT_BEFORE = re.compile(r"(?:[=:(,\[?!|&]|\breturn|\bexport\s+default|=>\s*\()\s*$")
CONTINUE_AFTER = set("=+-*/%&|^!<?:,.([{")
CONTINUE_BEFORE = set(".?:+-*/%&|=,)]}{<>")

RUST_FN = re.compile(r"\bfn\s+(\w+)")
RUST_IMPL = re.compile(r"\bimpl\b\s*(?:<[\s\S]*?>\s*)?([\s\S]*)$")
RUST_NAMED = re.compile(r"\b(mod|trait)\s+(\w+)")
RUST_TYPE = re.compile(r"\b(struct|enum|union)\s+\w+")


@dataclass
class Frame:
    bracket: str  # "(", "[", "{" ("" for the file)
    role: str  # file | class | ns | object | func | anon | block | type | opaque
    name: tuple[str, ...] = ()
    seg: int = 0  # where the current statement / element starts
    start_line: int = 0
    arrows: list[tuple[str, int]] = field(default_factory=list)  # pending expression-bodied arrows


def line_of(code: str, pos: int) -> int:
    return code.count("\n", 0, pos) + 1


def first_code(code: str, start: int, end: int) -> int:
    while start < end and code[start].isspace():
        start += 1
    return start


def prefix_of(stack: list[Frame]) -> tuple[str, ...]:
    return tuple(part for frame in stack for part in frame.name)


def strip_decorators(head: str) -> str:
    return re.sub(r"^\s*(?:@[\w$.]+(?:\([^()]*(?:\([^()]*\)[^()]*)*\))?\s*)+", "", head)


def rust_type_name(text: str) -> str:
    text = text.split(" for ")[-1] if " for " in text else text
    text = re.sub(r"\bwhere\b[\s\S]*$", "", text)
    depth, kept = 0, []
    for c in text:
        depth += c == "<"
        if depth == 0:
            kept.append(c)
        depth -= c == ">" and depth > 0
    words = re.findall(r"[\w:]+", "".join(kept))
    return words[-1].split("::")[-1] if words else ""


def classify_rust(head: str, parent: Frame) -> tuple[str, tuple[str, ...]]:
    head = re.sub(r"#!?\[[^\]]*\]", " ", head)
    if re.search(r"\bmacro_rules!\s*\w+\s*$", head):
        return "opaque", ()
    if re.search(r"\|[^|]*\|\s*(?:->\s*[\w:<>]+\s*)?(?:move\s*)?$|\bmove\s*$|\basync\s*(?:move\s*)?$", head):
        return "anon", ()
    if m := RUST_FN.search(head):
        return "func", (m.group(1),)
    if re.search(r"\bimpl\b", head) and (m := RUST_IMPL.search(head)):
        return "class", (rust_type_name(m.group(1)),)
    if m := RUST_NAMED.search(head):
        return ("ns" if m.group(1) == "mod" else "class"), (m.group(2),)
    if RUST_TYPE.search(head):
        return "type", ()
    return "block", ()


def classify_js(head: str, parent: Frame) -> tuple[str, tuple[str, ...]]:
    head = strip_decorators(head).strip()
    in_args = parent.bracket in ("(", "[")
    if re.match(rf"(?:export\s+)?(?:declare\s+)?type\s+{IDENT}", head):
        return "type", ()
    if m := JS_NAMESPACE.search(head):
        return "ns", tuple(m.group(1).split("."))
    if m := JS_CLASS.search(head):
        if m.group(1):
            return "class", (m.group(1),)
        return "class", binding_before(head[: m.start() + 1], parent) or ()
    if JS_TYPE.search(head) and "=>" not in head and "function" not in head:
        return "type", ()
    if m := JS_FUNCTION.search(head):
        if in_args or head[: m.start()].rstrip().endswith(("(", ",")):
            return "anon", ()
        if m.group(1) and not re.search(r"[=:]\s*(?:async\s+)?$", head[: m.start()]):
            return "func", (m.group(1),)
        return "func" if (bound := binding_before(head[: m.start()], parent)) else "anon", bound or ()
    if head.rstrip().endswith("=>"):
        if in_args:
            return "anon", ()
        bound = binding_before(head, parent)
        return ("func", bound) if bound else ("anon", ())
    method = JS_METHOD.match(head) if parent.role in ("class", "object") and not in_args else None
    if method is not None and not JS_CONTROL.match(head):
        return "func", (method.group(1).strip("'\""),)
    if JS_CONTROL.match(head) or not head.strip():
        return ("object" if in_args or parent.role == "object" else "block"), ()
    if JS_OBJECT_BEFORE.search(head) or in_args:
        return "object", binding_before(head, parent) or ()
    return "block", ()


def without_params(head: str) -> str:
    """``head`` (which ended with ``=>``) without the arrow's parameters, return type, generics, ``async``."""
    h = re.sub(r"\)\s*:\s*[^()=]*$", ")", head.rstrip())
    if h.endswith(")"):
        depth = 0
        for i in range(len(h) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(h[i], 0)
            if depth == 0:
                h = h[:i]
                break
    else:
        h = re.sub(rf"{IDENT}$", "", h)
    h = re.sub(r"<[^<>]*>\s*$", "", h.rstrip())
    return re.sub(r"\basync\s*$", "", h.rstrip()).rstrip()


JS_KEY = r"(#?[\w$]+|'[^']*'|\"[^\"]*\"|\[[^\]]*\])"
JS_MEMBER = re.compile(rf"\s*{JS_MODIFIERS}{JS_KEY}\s*\??\s*(?::[^=]*)?[:=]")
JS_ASSIGN = re.compile(
    rf"\s*(?:export\s+(?:default\s+)?)?(?:(?:const|let|var)\s+)?({IDENT}(?:\s*\.\s*#?{IDENT})*)\s*"
    r"(?::(?:=>|[^=])*)?="
)


def binding_before(head: str, parent: Frame) -> tuple[str, ...] | None:
    """The name a function / object is bound to when it is the whole value: ``const x = ...``,
    ``obj.a.b = ...`` (``this.`` and ``.prototype`` dropped), ``key: ...`` in an object, ``field = ...`` in a
    class. ``head`` is the statement up to the ``function`` keyword, the ``{`` or including the ``=>``."""
    h = without_params(head[:-2]) if head.rstrip().endswith("=>") else head.rstrip()
    h = re.sub(r"\basync\s*$", "", h).rstrip()
    if parent.role in ("object", "class") and (m := JS_MEMBER.fullmatch(h)):
        return (m.group(1).strip("'\""),)
    if parent.bracket in ("(", "[") or not (m := JS_ASSIGN.fullmatch(h)):
        return None
    parts = [p.strip() for p in m.group(1).split(".") if p.strip() not in ("this", "prototype")]
    return tuple(parts) or None


def classify(lang: str, head: str, parent: Frame) -> tuple[str, tuple[str, ...]]:
    return classify_rust(head, parent) if lang == "rust" else classify_js(head, parent)


def statement_break(code: str, pos: int) -> bool:
    """Is the newline at ``pos`` the end of a statement (automatic semicolon insertion, roughly)?"""
    before = code[:pos].rstrip()
    after = code[pos:].lstrip()
    if not before or not after:
        return True
    if before[-1] in CONTINUE_AFTER or after[0] in CONTINUE_BEFORE or after.startswith(("where", "=>")):
        return False
    return not before.endswith(("extends", "implements", "->", "=>"))


def generic_open(code: str, i: int) -> bool:
    """A TypeScript / Rust ``<`` that opens type arguments (``Foo<T>``, ``f<T>(``), not a comparison."""
    return (
        i > 0
        and (code[i - 1].isalnum() or code[i - 1] in "_$")
        and code[i + 1 : i + 2] not in (" ", "=", "<")
    )


def brace_spans(text: str, lang: str) -> list[Span]:
    code = mask(text, lang)
    spans: list[Span] = []
    stack = [Frame("", "file")]
    closing = {")": "(", "]": "[", "}": "{"}

    def close_arrows(frame: Frame, pos: int) -> None:
        for name, start in frame.arrows:
            spans.append((name, start, line_of(code, pos)))
        frame.arrows.clear()

    i = 0
    while i < len(code):
        c = code[i]
        top = stack[-1]
        if c == "<" and lang != "javascript" and generic_open(code, i):
            stack.append(Frame("<", "type", (), i + 1))
        elif c == ">" and top.bracket == "<" and code[i - 1] not in "=-":
            stack.pop()
        elif c in "([{":
            role, name = "", NO_NAME
            start = first_code(code, top.seg, i)
            if c == "{":
                if top.role in ("opaque", "type") or top.bracket == "<":
                    role, name = top.role, ()
                else:
                    role, name = classify(lang, code[top.seg : i], top)
            stack.append(Frame(c, role or "args", name, i + 1, line_of(code, start)))
        elif c in closing and len(stack) > 1:
            frame = stack.pop()
            close_arrows(frame, i)
            if frame.role == "func":
                qual = prefix_of(stack) + frame.name
                spans.append((".".join(qual), frame.start_line, line_of(code, i)))
            if c == "}":
                stack[-1].seg = i + 1
        elif c in ";,":
            close_arrows(top, i)
            top.seg = i + 1
        elif c == "\n" and top.bracket in ("", "{") and statement_break(code, i):
            close_arrows(top, i - 1)
            top.seg = i + 1
        elif code.startswith("=>", i) and lang != "rust":
            after = first_code(code, i + 2, len(code))
            if after < len(code) and code[after] != "{" and top.bracket in ("", "{") and top.role != "type":
                role, name = classify(lang, code[top.seg : i + 2], top)
                if role == "func":
                    start = first_code(code, top.seg, i)
                    top.arrows.append((".".join(prefix_of(stack) + name), line_of(code, start)))
            i += 2
            continue
        i += 1
    close_arrows(stack[0], len(code) - 1)
    return spans


# --------------------------------------------------------------------------------------- ctags (the rest)


def ctags_spans(text: str, lang: str) -> list[Span]:
    with tempfile.NamedTemporaryFile("w", suffix=".src", delete=False, encoding="utf-8") as handle:
        handle.write(text)
    try:
        out = subprocess.run(
            [
                "ctags",
                f"--language-force={CTAGS_LANG[lang]}",
                "--output-format=json",
                "--fields=+neKZ",
                "--extras=-{anonymous}",
                "-o",
                "-",
                handle.name,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(handle.name).unlink()
    lines = text.splitlines()
    spans: list[Span] = []
    for row in out.splitlines():
        tag = json.loads(row)
        if tag.get("_type") != "tag" or tag["kind"] not in CTAGS_KINDS or "end" not in tag:
            continue
        scope = [p for p in re.split(r"::|\.", tag.get("scope", "")) if p]
        if lang == "go" and scope:
            scope = scope[1:]  # the package
        qual = ".".join([*scope, tag["name"]])
        spans.append((qual, widen(lines, tag["line"], lang), tag["end"]))
    return spans


def widen(lines: list[str], start: int, lang: str) -> int:
    """Move a ctags start line up over annotations / template heads / a C return type on its own line."""
    while start > 1:
        previous = lines[start - 2].strip()
        c_type = lang in ("c", "cpp") and bool(previous) and not previous.endswith((";", "}", "{", "*/", ":"))
        c_type = c_type and not previous.startswith(("#", "//", "/*", "*"))
        if previous.startswith("@") or previous.startswith("template") or c_type:
            start -= 1
        else:
            break
    return start


def rust_attributes(lines: list[str], spans: list[Span]) -> list[Span]:
    out = []
    for name, start, end in spans:
        while start > 1 and lines[start - 2].strip().startswith(("#[", "@")):
            start -= 1
        out.append((name, start, end))
    return out


def find_spans(text: str, lang: str, path: str = "") -> list[Span]:
    if re.search(r"\.d\.[cm]?ts$", path):
        return []  # declarations only: no function has a body
    if lang in CTAGS_LANG:
        return ctags_spans(text, lang)
    return rust_attributes(text.splitlines(), brace_spans(text, "typescript" if lang == "tsx" else lang))


# --------------------------------------------------------------------------------------------- comparison


Ident = tuple[str, int]  # qualname, occurrence among the spans with that qualname (source order)


def identities(spans: list[Span]) -> list[tuple[Ident, int, int]]:
    seen: dict[str, int] = defaultdict(int)
    out = []
    for name, start, end in sorted(spans, key=lambda s: (s[1], -s[2])):
        out.append(((name, seen[name]), start, end))
        seen[name] += 1
    return out


def innermost(line: int, spans: list[tuple[Ident, int, int]]) -> Ident | None:
    best: tuple[int, int, Ident] | None = None
    for ident, start, end in spans:
        if start <= line <= end and (best is None or (end - start, -start) < best[:2]):
            best = (end - start, -start, ident)
    return best[2] if best else None


def changed_lines(repo: Path, a: str, b: str, old: str, new: str) -> tuple[set[int], set[int]]:
    diff = git(repo, "diff", "-U0", "--no-color", "--no-ext-diff", "-M", a, b, "--", old, new)
    removed: set[int] = set()
    added: set[int] = set()
    for line in diff.splitlines():
        if m := HUNK.match(line):
            o, oc, n, nc = int(m[1]), int(m[2] or 1), int(m[3]), int(m[4] or 1)
            removed.update(range(o, o + oc))
            added.update(range(n, n + nc))
    return removed, added


def language(path: str) -> str | None:
    return EXTENSIONS.get(Path(path).suffix)


def canonical(lang: str | None) -> str | None:
    return "typescript" if lang == "tsx" else lang


def minified(text: str) -> bool:
    return any(len(line) > 1000 for line in text.splitlines())


def independent(repo: Path, a: str, b: str, skip: set[str], unchecked: set[str]) -> dict[str, set[Key]]:
    found: dict[str, set[Key]] = defaultdict(set)
    for row in git(repo, "diff", "--name-status", "-M", "--no-color", a, b).splitlines():
        parts = row.split("\t")
        status, old, new = parts[0], parts[1], parts[-1]
        lang = language(new) or language(old)
        path = old if status == "D" else new
        if lang is None or path in skip:
            continue
        old_text = "" if status == "A" else git(repo, "show", f"{a}:{old}")
        new_text = "" if status == "D" else git(repo, "show", f"{b}:{new}")
        if minified(old_text) or minified(new_text):
            print(f"  not compared (minified: lines map to no single function): {path}")
            unchecked.add(path)
            continue
        old_ids = identities(find_spans(old_text, lang, old) if old_text else [])
        new_ids = identities(find_spans(new_text, lang, new) if new_text else [])
        removed, added = changed_lines(repo, a, b, old, new)
        owners = {innermost(n, old_ids) for n in removed} | {innermost(n, new_ids) for n in added}
        old_set, new_set = {i[0] for i in old_ids}, {i[0] for i in new_ids}
        for ident in owners:
            if ident is not None:
                change = (
                    "added" if ident not in old_set else "deleted" if ident not in new_set else "modified"
                )
                found[canonical(lang) or ""].add((path, ident[0], change))
    return found


def tool(repo: Path, a: str, b: str) -> list[dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "ariadne_hook", "--range", f"{a}..{b}", "--provider", "offline"]
        + ["--format", "json", "--output", "-"],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    entries: list[dict[str, object]] = json.loads(proc.stdout)["functions"]
    return entries


@dataclass
class Tally:
    entries: int = 0
    checked: int = 0
    missed: int = 0
    false: int = 0
    fallback_files: set[str] = field(default_factory=set)


def compare(repo: Path, a: str, b: str, label: str, totals: dict[str, Tally]) -> None:
    entries = [e for e in tool(repo, a, b) if canonical(language(str(e["path"]))) is not None]
    fallback = {str(e["path"]) for e in entries if e["kind"] == "hunk"}
    unchecked: set[str] = set()
    expected = independent(repo, a, b, fallback, unchecked)
    got: dict[str, set[Key]] = defaultdict(set)
    for e in entries:
        lang = canonical(language(str(e["path"]))) or ""
        totals[lang].entries += 1
        if e["kind"] in ("function", "method") and e["path"] not in fallback | unchecked:
            name = re.sub(r"#\d+$", "", str(e["qualname"]))  # duplicates are "name#n" in the report
            got[lang].add((str(e["path"]), name, str(e["change"])))
    for path in fallback:
        totals[canonical(language(path)) or ""].fallback_files.add(f"{label}: {path}")
    for lang in sorted(set(expected) | set(got)):
        want, have = expected[lang], got[lang]
        missed, false = sorted(want - have), sorted(have - want)
        tally = totals[lang]
        tally.checked += len(want)
        tally.missed += len(missed)
        tally.false += len(false)
        print(f"{label} [{lang}]: {len(want)} checked, {len(missed)} missed, {len(false)} false finds")
        for item in missed:
            print("  missed:", item)
        for item in false:
            print("  false: ", item)


def main(specs: list[str]) -> int:
    if not specs or len(specs) % 2:
        print("usage: verify_polyglot.py OLD NEW [OLD NEW ...]  (archive or folder, optional ::SUBDIR)")
        return 2
    if shutil.which("ctags") is None:
        print("universal-ctags is needed (apt-get install universal-ctags)")
        return 2
    totals: dict[str, Tally] = defaultdict(Tally)
    for old, new in zip(specs[::2], specs[1::2], strict=True):
        repo = Path(tempfile.mkdtemp(prefix="ariadne-polyglot-"))
        git(repo, "init", "-q")
        revs = []
        for spec in (old, new):
            unpack(spec, repo)
            git(repo, "add", "-A")
            git(
                repo, "-c", "user.name=v", "-c", "user.email=v@v", "commit", "-q", "--allow-empty", "-m", spec
            )
            revs.append(git(repo, "rev-parse", "HEAD").strip())
        label = f"{Path(old.split('::')[0]).name} -> {Path(new.split('::')[0]).name}"
        compare(repo, revs[0], revs[1], label, totals)
        print(f"  (repo: {repo})")
    print("\nlanguage    entries  checked  missed  false  parse-failure files")
    for lang, t in sorted(totals.items()):
        print(
            f"{lang:<11} {t.entries:>7}  {t.checked:>7}  {t.missed:>6}  {t.false:>5}  {len(t.fallback_files)}"
        )
        for item in sorted(t.fallback_files):
            print("    falls back to hunks:", item)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
