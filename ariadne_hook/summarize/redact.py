"""Secrets out of text before it leaves the machine: each one becomes ``[REDACTED:<kind>]``.

Recognized (docs/SECRETS.md has the list, the measured misses and false positives):
- the configured API key and every string of `secrets`, anywhere;
- private keys: a BEGIN…END PRIVATE KEY block (to the end of the text when END is missing), an END line with
  the base64 lines above it, and a run of PEM body lines (2+ lines of 60-76 base64 chars) with no header;
- what `secret_rules.TOKEN_RULES` and `secret_rules.FORM_RULES` describe: vendor tokens by their prefix, the
  password of a URL, ``Authorization:`` values, bearer tokens; a secret in a connection or query string, an
  XML element or attribute, a .netrc entry, a command line (registry logins, mysql, sshpass, redis-cli,
  mongo, ``--password``-like options), redis ``requirepass``, a PSK, an .npmrc ``_auth``;
- a token or a secret-like name's value written in pieces: ``"ghp_" + "…"``, ``("AKIA" "…")`` (`_joined`);
- the value given to a secret-like name (password, passphrase, psk, secret, token, api / access / private /
  signing / hmac key…) in code, .env, shell, YAML, JSON, TOML or INI form: a quoted value always (also on the
  next line, ``password=(⏎"…"⏎)``), key material through a call (``bytes.fromhex("…")``, ``[]byte("…")``),
  a bare value when it is a literal and not a reference to a variable (also on a line of a string written
  with ``\n`` escapes) (`_assigned`), unless the name describes the secret (``token_url``, ``password_file``,
  ``secret_name``…);
- random-looking strings: quoted literals of 20+ chars and bare runs of 32+ base64/base64url chars that mix
  upper case, lower case and digits, with Shannon entropy >= 3.5 bits per char and mostly no word-like
  segments. Pure hex (git SHAs, digests, UUIDs) is kept unless it is given to a secret-like name.

Linear time, whatever the input: every pattern is bounded or starts only where a run of its own characters
starts, and no pattern but the BEGIN…END block sees more than `WINDOW` chars: the text is scanned in pieces
of whole lines, and a line longer than `WINDOW` chars is scanned in `WINDOW`-char windows (cut after a
separator when the window's last quarter has one). A token cut by a window edge is still caught when each
part is caught on its own (a long random run is: every part is random); a name and its value split by the
edge of such a line (minified or generated code) are missed. `scrub` is the same for text meant for humans.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import partial

from ariadne_hook.summarize.secret_rules import (
    CONSTANT,
    FORM_RULES,
    IDENTIFIER,
    KEYWORD,
    KEYWORD_STARTS,
    NOT_VALUES,
    TOKEN_RULES,
    Rule,
    describes,
    placeholder,
    secret_name,
)

MIN_SECRET_LEN = 20  # a quoted literal
MIN_RUN_LEN = 32  # a bare run of base64 characters
ENTROPY_THRESHOLD = 3.5
WORDY_SHARE = 0.7  # a string whose letters are mostly in word-like segments (4+ letters) is a name, not a key
SURELY_RANDOM = 4.8  # bits per char no name or path reaches (long random base64 has 5.5-6)
SEQUENTIAL_SHARE = 0.5  # a string whose characters mostly follow their predecessor in the code table
WINDOW = 4096  # the most text any line pattern scans at once


_ASSIGNED = re.compile(
    rf"""(?ix)
    (?P<key>{KEYWORD})(?-i:(?![a-z]))          # not the start of a longer word: tokens, tokenize
    (?P<suffix>[\w.-]{{0,40}})(?=[^\w.-])       # rest of the name: _KEY, Hash, .value
    (?P<close>[\"'`\]]{{0,2}})[ \t]{{0,8}}          # closing quote / bracket of a key
    (?::[ \t]{{0,8}}[\w\[\]., |]{{1,40}}?[ \t]{{0,8}}(?==))?   # a type annotation: name: str = value
    (?P<op>:=|=>|===?|!==?|\?=|[:=,])[ \t]{{0,8}}
    (?P<wrap>(?:new[ \t]{{1,4}})?(?:\[\])?[A-Za-z_][\w.:!]{{0,60}}(?:\(\)\.[A-Za-z_][\w.:!]{{0,60}}){{0,2}}
      [ \t]{{0,4}}\(|[(\[]|\\)?   # a call (HexFormat.of().parseHex(), (, [, \\
    (?:[ \t]{{0,8}}\r?\n[+\-\ ]?)?[ \t]{{0,40}}   # the value on the next line (a diff mark, an indent)
    (?:[rbuf]{{1,2}}(?=[\"'`]))?
    (?:(?P<q>[\"'`])(?P<value>[^\"'`\n]{{1,512}})(?P=q)
      |(?P<bare>(?:[^\s\"'`,;()\[\]{{}}<>\\]|\\(?![nrt])){{1,512}}))   # up to an escaped line end too
    """
)
_ONLY_ITEM = re.compile(r"[ \t]{0,8}(?:\r?\n[+\- ]?[ \t]{0,40})?[)\]]")  # "(\n  'value'\n)": nothing else
_KEY_MATERIAL = re.compile(r"(?:0x)?[0-9a-fA-F]{16,512}")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9+/=_.~-]+")
_LONG_WORDS = re.compile(r"[A-Z]?[a-z]{4,}|[A-Z][a-z]{3}|[A-Z]{4,}(?![a-z])")  # word-like, 4+ letters
_LINE_START = re.compile(r"[+\- ]?(?P<indent>[ \t]*)(?:export\s+|-\s+)?[\"']?[\w.-]*")
_REST_OK = re.compile(r"\s*(?:;\s*)?(?:(?:#|//|\\[nr]).*)?")  # a comment, or the line's end inside a string
_VERSION = re.compile(r"[~^<>=v]{0,2}\d+(?:\.[\dx*]+)+[\w.+-]*")
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.\w+)+")
_NUMBER = re.compile(r"[+-]?[\d_.]+[a-z]{0,2}", re.I)


def _call_pair(match: re.Match[str], value: str) -> bool:
    """("NAME", "value") as the first arguments of a call, setdefault("API_KEY", "…"): the name quoted right
    after the opening parenthesis, the value one word of 4+ chars."""
    if not any(q in match.group("close") for q in "\"'`") or len(value) < 4:
        return False
    if any(c.isspace() or c == "\\" for c in value):
        return False
    before = match.string[max(0, match.start() - 64) : match.start()].rstrip(_NAME_CHARS)
    return before.endswith(('("', "('", "(`", '( "', "( '"))


def _quoted_kind(kind: str, value: str, name: str) -> str | None:
    """A quoted value given to a secret-like name: ``kind`` unless it is a placeholder, a URL or a path,
    the name itself, an environment variable's name, a version, or prose (spaces, for a non-password)."""
    if placeholder(value) or value != value.strip() or "://" in value or value.startswith("/"):
        return None
    if value.lower() == name.lower() or CONSTANT.fullmatch(value) or _VERSION.fullmatch(value):
        return None
    return kind if kind == "password" or not any(c.isspace() for c in value) else None


def _assigned(match: re.Match[str]) -> str | None:
    """The kind of the value given to a secret-like name, or None when it is not a secret value."""
    key = match.group("key").lower()
    kind = "password" if key.startswith(("pass", "pwd", "psk")) else "secret"
    if describes(match.group("suffix")):
        return None
    quoted, op, wrap = match.group("value"), match.group("op"), match.group("wrap")
    if wrap and quoted is None:
        return None  # a call of a name: get_token(user)
    if quoted is not None:
        if op == "," and not _call_pair(match, quoted):
            return None
        if wrap in ("(", "[") and not _ONLY_ITEM.match(match.string, match.end()):
            return None  # a tuple or list of values, or pieces joined (see _joined)
        if wrap and wrap not in ("(", "[", "\\"):  # bytes.fromhex("…"), []byte("…"): key material only
            return kind if _KEY_MATERIAL.fullmatch(quoted) or looks_random(quoted, 16) else None
        return _quoted_kind(kind, quoted, match.group("key") + match.group("suffix"))
    bare = match.group("bare")
    text, line_start = match.string, match.string.rfind("\n", 0, match.start()) + 1
    escaped = text.rfind("\\n", line_start, match.start())  # a line of text inside a string: "a=1\nkey=…"
    line_start = escaped + 2 if escaped >= 0 else line_start
    line_end = text.find("\n", match.end())
    rest = text[match.end() : line_end if line_end >= 0 else len(text)]
    if op not in ("=", ":", ":=", "=>", "?=") or not _REST_OK.fullmatch(rest):
        return None  # a comparison, an argument, or an expression that goes on
    if placeholder(bare) or bare.lower() in NOT_VALUES or _NUMBER.fullmatch(bare):
        return None
    head = _LINE_START.fullmatch(text, line_start, match.start())
    spaced = text[match.start("op") - 1 : match.start("op")].isspace()
    if head is not None and (op == ":" or (op == "=" and not spaced)):
        return kind  # .env, shell, YAML: a name at the start of a line
    if head is not None and op == "=" and len(head.group("indent")) <= 1 and not _DOTTED.fullmatch(bare):
        return kind  # INI, TOML: an unindented name (code inside a function is indented)
    return None if IDENTIFIER.fullmatch(bare) else kind  # code: a name is a reference, not a value


_QUOTED = re.compile(rf"""(["'`])(?P<value>[^"'`\s]{{{MIN_SECRET_LEN},1024}})\1""")
_RUN = re.compile(
    rf"(?<![\w+/=.-])(?P<value>[\w+/-]{{{MIN_RUN_LEN},{WINDOW}}}={{0,2}})(?![\w+/=-])", re.ASCII
)
LINE_RULES: tuple[Rule, ...] = (
    *TOKEN_RULES,
    *FORM_RULES,
    Rule("secret", KEYWORD_STARTS, _ASSIGNED, _assigned, anchored=True),
    Rule("high-entropy", (), _QUOTED, lambda m: "high-entropy" if looks_random(m.group("value")) else None),
    Rule(
        "high-entropy",
        (),
        _RUN,
        lambda m: "high-entropy" if looks_random(m.group("value"), MIN_RUN_LEN) else None,
    ),
)

_PEM_BLOCK = re.compile(
    r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----.*?"
    r"(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)
_PEM_END = re.compile(r"-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_LINE = re.compile(r"[+\- ]?[\s\"'`]{0,40}(?P<b64>[A-Za-z0-9+/]{8,100}={0,3})(?:\\n)?[\s\"'`,;+\\]{0,8}")
_LEAD = re.compile(r"[+\- ]?[ \t]{0,40}")
_PEM_WIDE = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{60}")
PEM_WIDTH = range(60, 77)  # PEM bodies are 64 chars a line, OpenSSH 70, some tools 76


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """text with every recognized secret, and every string of `secrets`, replaced by a marker."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[REDACTED:api-key]")
    text = _PEM_BLOCK.sub("[REDACTED:private-key]", text)
    text = _pem_bodies(text)
    return "".join(_redact_piece(piece) for piece in _pieces(text))


def scrub(text: str, secrets: Sequence[str]) -> str:
    """text for humans (a log line, a reason): known secrets and anything token-like removed."""
    return redact(text, secrets)


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())


def looks_random(value: str, min_len: int = MIN_SECRET_LEN) -> bool:
    """Long, mixed case and digits, high entropy, and not made of words (camelCase names, paths)."""
    if len(value) < min_len or "REDACTED" in value:
        return False
    if "://" in value or value.startswith(("/", "./", "~")):
        return False
    if not _TOKEN_CHARS.fullmatch(value):
        return False  # punctuation, escapes, brackets: a pattern or a format, not a key
    counts = Counter(value)
    if not (
        any(c.islower() for c in counts)
        and any(c.isupper() for c in counts)
        and any(c.isdigit() for c in counts)
    ):
        return False
    total, bits = len(value), entropy(value)
    if bits < ENTROPY_THRESHOLD:
        return False
    steps = sum(ord(b) - ord(a) == 1 for a, b in zip(value, value[1:], strict=False))
    if steps >= SEQUENTIAL_SHARE * total:
        return False  # an alphabet or a sequence ("ABC…xyz" "0123456789"): random pairs ascend 1 time in 64
    if bits >= SURELY_RANDOM:
        return True
    letters = sum(n for c, n in counts.items() if c.isalpha())
    wordy = sum(map(len, _LONG_WORDS.findall(value)))
    return wordy < WORDY_SHARE * letters


def _pieces(text: str) -> Iterator[str]:
    """text in pieces of at most WINDOW chars: whole lines, or windows of a longer line."""
    start, size = 0, len(text)
    while start < size:
        end = min(size, start + WINDOW)
        if end < size:
            newline = text.rfind("\n", start, end)
            if newline >= 0:
                end = newline + 1
            else:  # one line longer than WINDOW: cut after a separator near the end when there is one
                cut = max(text.rfind(c, end - WINDOW // 4, end) for c in " \t,;\"'()[]{}<>")
                end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end


def _redact_piece(piece: str) -> str:
    piece = _joined(piece)
    lower = _lower(piece)
    present = {k for k in _RULE_KEYWORDS if k in (lower if k.islower() else piece)}  # each looked for once
    for rule in LINE_RULES:
        if rule.anchored:
            piece = _sub_at_keywords(rule, piece)
        elif not rule.keywords or not present.isdisjoint(rule.keywords):
            piece = rule.pattern.sub(partial(_replace, rule), piece)
    return piece


_RULE_KEYWORDS = tuple(sorted({k for rule in LINE_RULES if not rule.anchored for k in rule.keywords}))


# a string literal (no escapes, one line), and what may join two of them into one value: nothing, spaces,
# a `+`, a line break (with a diff mark, an indent, a backslash continuation), a string prefix
_LITERAL = re.compile(r"""(?P<q>["'`])(?P<body>[^"'`\\\n]{0,256})(?P=q)""")
_GLUE = re.compile(r"[ \t]{0,8}\+?[ \t]{0,8}(?:\\?\r?\n[+\- ]?[ \t]{0,40}\+?[ \t]{0,8})?[rbufRBUF]{0,2}")
_NAME_OP = re.compile(
    rf"(?i:{KEYWORD})(?-i:(?![a-z]))(?P<suffix>[\w.-]{{0,40}})[\"'`\]]{{0,2}}[ \t]{{0,8}}(?::=|=>|=|:)"
    r"[ \t]{0,8}[(\\]?\s{0,60}"
)
MAX_JOINED = 32  # literals joined into one value at most
MIN_TOKEN_LEN = 15  # the shortest vendor token (xoxb- and 10 characters): a shorter joined value holds none


def _joined(piece: str) -> str:
    """A value written in pieces: ``"ghp_" + "…"``, ``("AKIA" "…")``, ``password = ("hun"\n "ter2")``. Each
    run of 2+ string literals joined by nothing, spaces, ``+`` or a line break is read as one value; when the
    value holds a token or is given to a secret-like name, the pieces that hold it become markers. Linear:
    each literal is in one run, a run is at most MAX_JOINED literals."""
    if sum(piece.count(q) for q in "\"'`") < 4:
        return piece
    runs: list[list[re.Match[str]]] = []
    run: list[re.Match[str]] = []
    for literal in _LITERAL.finditer(piece):
        if run and len(run) < MAX_JOINED and _GLUE.fullmatch(piece, run[-1].end(), literal.start()):
            run.append(literal)
            continue
        if len(run) >= 2:
            runs.append(run)
        run = [literal]
    if len(run) >= 2:
        runs.append(run)
    edits = [edit for run in runs for edit in _secret_pieces(piece, run)]
    if not edits:
        return piece
    out, done = [], 0
    for start, end, kind in edits:
        out += [piece[done:start], f"[REDACTED:{kind}]"]
        done = end
    return "".join(out) + piece[done:]


def _secret_pieces(piece: str, run: list[re.Match[str]]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the literal bodies of ``run`` that hold a secret of the joined value."""
    joined = "".join(literal.group("body") for literal in run)
    if "REDACTED:" in joined or not joined.strip():
        return []
    spans = [span for rule in _token_rules_for(joined) for span in _found(rule, joined)]
    kind = _name_before(piece, run[0].start())
    if kind is not None and _quoted_kind(kind, joined, "") is not None:
        spans.append((0, len(joined), kind))
    edits, at = [], 0
    for literal in run:
        size = len(literal.group("body"))
        hits = [k for start, end, k in spans if start < at + size and end > at]
        if hits and size:
            edits.append((literal.start("body"), literal.end("body"), hits[0]))
        at += size
    return edits


_KEYWORD_FINDER = re.compile(
    "(?=" + "|".join(re.escape(k) for k in sorted({k.lower() for r in TOKEN_RULES for k in r.keywords})) + ")"
)  # where a keyword of a token rule starts (every position, overlapping ones too)


def _token_rules_for(text: str) -> list[Rule]:
    """The token rules whose keyword is in ``text`` (one scan for all keywords), and those without one."""
    if len(text) < MIN_TOKEN_LEN:
        return []
    lower = _lower(text)
    starts = {m.start() for m in _KEYWORD_FINDER.finditer(lower)}
    found = {k for at in starts for k in _KEYWORDS_AT.get(lower[at : at + 2], ()) if lower.startswith(k, at)}
    return [r for r in TOKEN_RULES if not r.keywords or any(_keyword_in(k, found, text) for k in r.keywords)]


def _keyword_in(keyword: str, found: set[str], text: str) -> bool:
    return keyword in found if keyword.islower() else keyword.lower() in found and keyword in text


_KEYWORDS_AT: dict[str, tuple[str, ...]] = {}
for _keyword in sorted({k.lower() for r in TOKEN_RULES for k in r.keywords}):
    _KEYWORDS_AT[_keyword[:2]] = (*_KEYWORDS_AT.get(_keyword[:2], ()), _keyword)


def _found(rule: Rule, text: str) -> Iterator[tuple[int, int, str]]:
    """Where ``rule`` finds a secret in ``text``: the span of its value (or of the match), and the kind."""
    for match in rule.pattern.finditer(text):
        kind = rule.check(match) if rule.check is not None else rule.kind
        if kind is not None:
            group = "value" if "value" in match.re.groupindex and match.group("value") else 0
            yield match.start(group), match.end(group), kind


def _name_before(piece: str, start: int) -> str | None:
    """The kind of secret a name holds when the text just before ``start`` gives it a value:
    ``password = (`` / ``API_KEY =`` / ``"token":`` (then the value on this or the next line)."""
    window = piece[max(0, start - 120) : start]
    if "=" not in window and ":" not in window:
        return None
    lower = _lower(window)
    at = max(lower.rfind(keyword) for keyword in KEYWORD_STARTS)
    found = _NAME_OP.fullmatch(window, at) if at >= 0 else None
    if found is None:
        return None
    left = at
    while left > 0 and window[left - 1] in _NAME_CHARS:
        left -= 1
    return secret_name(window[left : found.end("suffix")])


def _lower(text: str) -> str:
    """text in lower case, char for char (str.lower may change the length of some non-ASCII text)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else text.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _sub_at_keywords(rule: Rule, piece: str) -> str:
    """rule.pattern matched only where one of its keywords starts (str.find, not a regex scan)."""
    lower = _lower(piece)
    starts: set[int] = set()
    for keyword in rule.keywords:
        at = lower.find(keyword)
        while at >= 0:
            starts.add(at)
            at = lower.find(keyword, at + 1)
    out: list[str] = []
    done = 0
    for at in sorted(starts):
        match = rule.pattern.match(piece, at) if at >= done else None
        if match is not None:
            out += (piece[done : match.start()], _replace(rule, match))
            done = match.end()
    return "".join(out) + piece[done:] if out else piece


def _replace(rule: Rule, match: re.Match[str]) -> str:
    whole = match.group(0)
    if "REDACTED:" in whole:
        return whole
    kind = rule.check(match) if rule.check is not None else rule.kind
    if kind is None:
        return whole
    names = match.re.groupindex
    for group in ("value", "bare", "braced"):
        if group in names and match.group(group) is not None:
            start, end = match.start(group) - match.start(), match.end(group) - match.start()
            return f"{whole[:start]}[REDACTED:{kind}]{whole[end:]}"
    return f"[REDACTED:{kind}]"


def _pem_bodies(text: str) -> str:
    """A private key's base64 body without its BEGIN line: the lines above an END line, or a run of 2+
    lines of PEM width (and the shorter line that ends it), each replaced by a marker line."""
    if "\n" not in text or ("-----END" not in text and not _PEM_WIDE.search(text)):
        return text
    lines = text.splitlines(keepends=True)
    cores = [_PEM_LINE.fullmatch(line.rstrip("\r\n")) if len(line) <= 200 else None for line in lines]
    marked = [False] * len(lines)
    for i, line in enumerate(lines):
        if "-----END" in line and _PEM_END.search(line) and "[REDACTED:" not in line:
            marked[i] = True
            j = i - 1
            while j >= 0 and cores[j] is not None:
                marked[j], j = True, j - 1
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and (core := cores[j]) is not None and len(core.group("b64")) in PEM_WIDTH:
            j += 1
        if j - i >= 2:
            end = j + 1 if j < len(lines) and cores[j] is not None else j
            for k in range(i, end):
                marked[k] = True
        i = max(j, i + 1)
    if not any(marked):
        return text
    return "".join(_pem_marker(line) if marked[n] else line for n, line in enumerate(lines))


def _pem_marker(line: str) -> str:
    """The line's diff mark, indentation and line ending around a marker."""
    body = line.rstrip("\r\n")
    lead = _LEAD.match(body)
    return f"{lead.group(0) if lead else ''}[REDACTED:private-key]{line[len(body) :]}"
