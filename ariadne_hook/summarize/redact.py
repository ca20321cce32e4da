"""Secrets out of text before it leaves the machine: each one becomes ``[REDACTED:<kind>]``.

Recognized (docs/SECRETS.md has the list, the measured misses and false positives):
- the configured API key and every string of `secrets`, anywhere;
- private keys: a BEGIN…END PRIVATE KEY block (to the end of the text when END is missing), an END line with
  the base64 lines above it, and a run of PEM body lines (2+ lines of 60-76 base64 chars) with no header;
- vendor tokens by their prefix (the `_RULES` table: AWS, GitHub, GitLab, Slack, Stripe, npm, Google,
  OpenAI, Anthropic, SendGrid, Twilio, Mailgun, Heroku, DigitalOcean, Hugging Face, PyPI, Shopify,
  Databricks, Discord, Telegram, Azure, Square, Vault, JWTs…);
- the password of a URL (``scheme://user:PASSWORD@host``), ``Authorization:`` header values, bearer tokens,
  ``curl -u user:pass`` and ``-passout pass:…``;
- the value given to a secret-like name (password, passphrase, secret, token, api key, access key, private
  key…) in code, .env, shell, YAML, JSON, TOML or INI form: a quoted value always, a bare value when it is a
  literal and not a reference to a variable (`_assigned`), unless the name describes the secret
  (``token_url``, ``password_file``, ``secret_name``…);
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

MIN_SECRET_LEN = 20  # a quoted literal
MIN_RUN_LEN = 32  # a bare run of base64 characters
ENTROPY_THRESHOLD = 3.5
WORDY_SHARE = 0.7  # a string whose letters are mostly in word-like segments (4+ letters) is a name, not a key
SURELY_RANDOM = 4.8  # bits per char no name or path reaches (long random base64 has 5.5-6)
WINDOW = 4096  # the most text any line pattern scans at once

Check = Callable[["re.Match[str]"], "str | None"]


@dataclass(frozen=True)
class Rule:
    """`pattern` runs on a piece of text only when one of `keywords` is in it (any case when the keyword is
    in lower case, else exactly); () = always.

    A match is a secret of `kind` unless `check` says otherwise (its kind, or None to keep the text). The
    marker replaces the group "value" or "bare" when the pattern has one, else the whole match.
    """

    kind: str
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]
    check: Check | None = None
    anchored: bool = False  # matched only where a keyword starts (the pattern begins with the keyword)


def _openai(match: re.Match[str]) -> str | None:
    """sk-… with a digit: a key; sk-learn-compatible-estimators is kebab-case, not a key."""
    return "openai-key" if any(c.isdigit() for c in match.group(0)) else None


def _mixed(match: re.Match[str]) -> str | None:
    """A 40-char key in text that names AWS: upper case, lower case and digits (not hex, not a word)."""
    value = match.group(0)
    mixed = value.lower() != value and value.upper() != value and any(c.isdigit() for c in value)
    return "aws-secret" if mixed else None


_SCHEMES = {"basic", "bearer", "token", "digest", "negotiate", "apikey", "api-key", "ntlm", "hmac"}


def _placeholder(value: str) -> bool:
    """A reference or a template, not a value: $VAR, ${x}, {x}, <your-key>, %s, ***, os.environ…"""
    return (
        value.startswith(("$", "{", "<", "%", "*", "@", "&", "#"))
        or "{{" in value
        or value.lower().startswith(("os.environ", "process.env", "getenv", "env("))
    )


def _auth_header(match: re.Match[str]) -> str | None:
    value, scheme = match.group("value"), (match.group("scheme") or "").lower()
    if _placeholder(value) or scheme == "digest":  # digest: parameters and a hash, not the password
        return None
    if not scheme and (value.lower() in _SCHEMES or _IDENTIFIER.fullmatch(value)):
        return None  # a variable holding the header, not its value
    return "bearer-token" if scheme == "bearer" else "authorization"


def _bearer(match: re.Match[str]) -> str | None:
    value = match.group("value")
    return None if _placeholder(value) or value.isalpha() and value.islower() else "bearer-token"


_DUMMIES = {"pass", "password", "passwd", "pwd", "pw", "p", "secret", "x", "xxx", "xxxx", "****"}


def _password(match: re.Match[str]) -> str | None:
    """A password in a URL or a command line, unless it is a placeholder (user:pass@, $PASS, {pw})."""
    value = match.group("value")
    return None if _placeholder(value) or value.isdigit() or value.lower() in _DUMMIES else "password"


_B = r"(?<![\w-])"  # a token starts where a run of word characters and dashes starts
# fmt: off
_RULES: tuple[Rule, ...] = tuple(
    Rule(kind, keywords, re.compile(pattern, flags), check)
    for kind, keywords, pattern, flags, check in (
        ("aws-key", ("akia", "asia", "abia", "acca", "a3t"),
         r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])", 0, None),
        ("aws-secret", ("aws",), r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])", 0, _mixed),
        ("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
         _B + r"(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_\w{22,255})", 0, None),
        ("gitlab-token", ("gl", "gr1348941"),
         _B + r"(?:gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas|ffct)-|GR1348941)[\w.-]{20,300}", 0, None),
        ("slack-token", ("xox", "xapp-"), _B + r"(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,300}", 0, None),
        ("slack-webhook", ("hooks.slack.com",),
         r"hooks\.slack\.com/(?:services|workflows|triggers)/[\w/+-]{10,300}", 0, None),
        ("stripe-key", ("sk_", "rk_", "whsec_"),
         _B + r"(?:[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,255}|whsec_[A-Za-z0-9+/=]{20,255})", 0, None),
        ("npm-token", ("npm_",), _B + r"npm_[A-Za-z0-9]{36,64}", 0, None),
        ("google-key", ("aiza", "gocspx-", "ya29."),
         _B + r"(?:AIza[\w-]{35}|GOCSPX-[\w-]{20,64}|ya29\.[\w-]{20,512})", 0, None),
        ("anthropic-key", ("sk-ant-",), _B + r"sk-ant-[\w-]{20,300}", 0, None),
        ("openai-key", ("sk-",), _B + r"sk-[\w-]{20,300}", 0, _openai),
        ("sendgrid-key", ("sg.",), r"(?<![\w.-])SG\.[\w-]{16,32}\.[\w-]{20,64}", 0, None),
        ("twilio-key", ("SK", "AC"), r"(?<![A-Za-z0-9])(?:SK|AC)[0-9a-fA-F]{32}(?![A-Za-z0-9])", 0, None),
        ("mailgun-key", ("key-",), _B + r"(?:pub)?key-[0-9a-f]{32}(?![A-Za-z0-9])", 0, None),
        ("heroku-key", ("hrku-",), _B + r"HRKU-[\w-]{20,80}", 0, None),
        ("digitalocean-token", ("_v1_",), _B + r"do[opr]_v1_[a-f0-9]{64}", 0, None),
        ("huggingface-token", ("hf_", "api_org_"),
         _B + r"(?:hf_|api_org_)[A-Za-z0-9]{30,40}(?![A-Za-z0-9])", 0, None),
        ("pypi-token", ("pypi-age",), _B + r"pypi-AgE[\w-]{50,1000}", 0, None),
        ("shopify-token", ("shp",), _B + r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", 0, None),
        ("databricks-token", ("dapi",), _B + r"dapi[a-f0-9]{32}(?:-\d)?(?![A-Za-z0-9])", 0, None),
        ("square-token", ("sq0",), _B + r"sq0(?:atp|csp)-[\w-]{22,60}", 0, None),
        ("vault-token", ("hvs.", "hvb."), _B + r"hv[sb]\.[\w-]{24,300}", 0, None),
        ("age-key", ("age-secret-key-1",), r"AGE-SECRET-KEY-1[0-9A-Z]{58}", 0, None),
        ("api-token", ("lin_api_", "pplx-", "rubygems_", "pnu_", "sntryu_", "dt0c01.", "pul-", "glsa_"),
         _B + r"(?:lin_api_[A-Za-z0-9]{40}|pplx-[A-Za-z0-9]{48}|rubygems_[a-f0-9]{48}|pnu_[A-Za-z0-9]{36}"
         r"|sntryu_[a-f0-9]{64}|dt0c01\.[\w.-]{60,120}|pul-[a-f0-9]{40}|glsa_[A-Za-z0-9_]{32,48})", 0, None),
        ("discord-webhook", ("discord",),
         r"discord(?:app)?\.com/api/webhooks/\d{5,30}/[\w-]{20,100}", 0, None),
        ("discord-token", (), r"[MNO](?<![\w-].)[\w-]{23,27}\.[\w-]{6}\.[\w-]{27,40}", 0, None),
        ("telegram-token", (":aa",), r"(?<![0-9])[0-9]{6,12}:AA[\w-]{30,40}", 0, None),
        ("azure-key", ("accountkey=", "sharedaccesskey=", "sig="),
         r"(?:(?:AccountKey|SharedAccessKey)=|[?&]sig=)(?P<value>[A-Za-z0-9%+/=]{20,300})", re.I, None),
        ("azure-secret", ("q~",), r"(?<![\w~.-])[\w~.]{3}\dQ~[\w~.-]{31,34}", 0, None),
        ("jwt", ("eyj",), _B + r"eyJ[\w-]{8,2048}\.eyJ[\w-]{8,8192}\.[\w-]{8,2048}", 0, None),
        ("password", ("://",),
         r"://[^\s:/?#@\"'`<>]{0,128}:(?P<value>[^\s/?#@\"'`<>]{1,256})@", 0, _password),
        ("password", ("@tcp(", "@unix(", "@udp("),
         r"(?<![\w.-])[\w.-]{1,64}:(?P<value>[^\s:@/\"'`]{1,128})@(?:tcp|unix|udp)\(", 0, _password),
        ("authorization", ("authorization",),
         r"authorization[\"'`]?\s{0,4}[:=,]\s{0,4}[\"'`]?\s{0,4}"
         r"(?:(?P<scheme>basic|bearer|token|digest|negotiate|apikey|api-key|ntlm|hmac)\s{1,4})?"
         r"(?P<value>[^\s\"'`,;)}\]]{4,4096})", re.I, _auth_header),
        ("bearer-token", ("bearer",), _B + r"bearer\s{1,4}(?P<value>[\w.~+/=-]{12,4096})", re.I, _bearer),
        ("password", ("-u", "--user"),
         _B + r"(?:-u|--user)[ =]{1,4}[\"']?[^\s:\"']{1,128}:(?P<value>[^\s\"']{1,256})", 0, _password),
        ("password", ("pass:",), _B + r"-pass(?:in|out)?\s{1,4}pass:(?P<value>\S{1,256})", 0, _password),
    )
)
# fmt: on

_KEYWORD = (
    r"password|passwd|passphrase|passcode|(?<=[_.-])pass|pwd|secret|token|credentials?|apikey"
    r"|(?:api|auth|access|private|signing|encryption|master|session|license|consumer|account|service)[_-]?key"
)
_ASSIGNED = re.compile(
    rf"""(?ix)
    (?P<key>{_KEYWORD})(?-i:(?![a-z]))          # not the start of a longer word: tokens, tokenize
    (?P<suffix>[\w.-]{{0,40}})(?=[^\w.-])       # rest of the name: _KEY, Hash, .value
    (?P<close>[\"'`\]]{{0,2}})\s{{0,8}}          # closing quote / bracket of a key
    (?::\s{{0,8}}[\w\[\]., |]{{1,40}}?\s{{0,8}}(?==))?   # a type annotation: name: str = value
    (?P<op>:=|=>|===?|!==?|\?=|[:=,])\s{{0,8}}
    (?:[rbuf]{{1,2}}(?=[\"'`]))?
    (?:(?P<q>[\"'`])(?P<value>[^\"'`\n]{{1,512}})(?P=q)|(?P<bare>[^\s\"'`,;()\[\]{{}}<>]{{1,512}}))
    """
)
_ASSIGNED_STARTS = (
    "pass", "pwd", "secret", "token", "cred", "api", "auth", "access", "private", "signing", "encryption",
    "master", "session", "license", "consumer", "account", "service",
)  # fmt: skip
_DESCRIBES = {
    "url", "uri", "file", "path", "dir", "name", "type", "field", "env", "var", "len", "length", "prompt",
    "label", "help", "header", "param", "option", "count", "size", "ttl", "expiry", "expires", "timeout",
    "regex", "pattern", "class", "mode", "kind", "format", "prefix", "suffix", "endpoint", "required",
    "enabled", "min", "max", "policy", "location", "provider", "manager", "reset", "input", "hint", "text",
}  # fmt: skip
_NOT_VALUES = {
    "str", "string", "bytes", "int", "bool", "none", "null", "nil", "true", "false", "undefined", "any",
    "secretstr", "optional", "required", "object", "char", "password", "secret", "token", "string?", "read",
    "write",
}  # fmt: skip
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9+/=_.~-]+")
_LONG_WORDS = re.compile(r"[A-Z]?[a-z]{4,}|[A-Z][a-z]{3}|[A-Z]{4,}(?![a-z])")  # word-like, 4+ letters
_LINE_START = re.compile(r"[+\- ]?(?P<indent>[ \t]*)(?:export\s+|-\s+)?[\"']?[\w.-]*")
_REST_OK = re.compile(r"\s*(?:;\s*)?(?:(?:#|//).*)?")
_IDENTIFIER = re.compile(r"[A-Za-z_][\w.]*")
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_VERSION = re.compile(r"[~^<>=v]{0,2}\d+(?:\.[\dx*]+)+[\w.+-]*")
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.\w+)+")
_NUMBER = re.compile(r"[+-]?[\d_.]+[a-z]{0,2}", re.I)


def _pair(match: re.Match[str], value: str) -> bool:
    """("NAME", "value") as the first arguments of a call, setdefault("API_KEY", "…"): the name quoted right
    after the opening parenthesis, the value one word of 4+ chars."""
    if not any(q in match.group("close") for q in "\"'`") or len(value) < 4:
        return False
    if any(c.isspace() or c == "\\" for c in value):
        return False
    before = match.string[max(0, match.start() - 64) : match.start()].rstrip(_NAME_CHARS)
    return before.endswith(('("', "('", "(`", '( "', "( '"))


def _assigned(match: re.Match[str]) -> str | None:
    """The kind of the value given to a secret-like name, or None when it is not a secret value."""
    key = match.group("key").lower()
    kind = "password" if key.startswith(("pass", "pwd")) else "secret"
    if any(word.lower() in _DESCRIBES for word in _WORDS.findall(match.group("suffix"))):
        return None
    quoted, op = match.group("value"), match.group("op")
    name = (match.group("key") + match.group("suffix")).lower()
    if quoted is not None:
        if _placeholder(quoted) or quoted != quoted.strip() or "://" in quoted or quoted.startswith("/"):
            return None
        if quoted.lower() == name or _CONSTANT.fullmatch(quoted) or _VERSION.fullmatch(quoted):
            return None  # the name itself, the name of an environment variable, a version
        if op == "," and not _pair(match, quoted):
            return None
        return kind if kind == "password" or not any(c.isspace() for c in quoted) else None
    bare = match.group("bare")
    text, line_start = match.string, match.string.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    rest = text[match.end() : line_end if line_end >= 0 else len(text)]
    if op not in ("=", ":", ":=", "=>", "?=") or not _REST_OK.fullmatch(rest):
        return None  # a comparison, an argument, or an expression that goes on
    if _placeholder(bare) or bare.lower() in _NOT_VALUES or _NUMBER.fullmatch(bare):
        return None
    head = _LINE_START.fullmatch(text, line_start, match.start())
    spaced = text[match.start("op") - 1 : match.start("op")].isspace()
    if head is not None and (op == ":" or (op == "=" and not spaced)):
        return kind  # .env, shell, YAML: a name at the start of a line
    if head is not None and op == "=" and len(head.group("indent")) <= 1 and not _DOTTED.fullmatch(bare):
        return kind  # INI, TOML: an unindented name (code inside a function is indented)
    return None if _IDENTIFIER.fullmatch(bare) else kind  # code: a name is a reference, not a value


_QUOTED = re.compile(rf"""(["'`])(?P<value>[^"'`\s]{{{MIN_SECRET_LEN},1024}})\1""")
_RUN = re.compile(
    rf"(?<![\w+/=.-])(?P<value>[\w+/-]{{{MIN_RUN_LEN},{WINDOW}}}={{0,2}})(?![\w+/=-])", re.ASCII
)
_LINE_RULES: tuple[Rule, ...] = (
    *_RULES,
    Rule("secret", _ASSIGNED_STARTS, _ASSIGNED, _assigned, anchored=True),
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
    total = len(value)
    bits = -sum(n / total * math.log2(n / total) for n in counts.values())
    if bits < ENTROPY_THRESHOLD:
        return False
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
    lower = _lower(piece)
    for rule in _LINE_RULES:
        if rule.anchored:
            piece = _sub_at_keywords(rule, piece)
        elif not rule.keywords or any(k in (lower if k.islower() else piece) for k in rule.keywords):
            piece = rule.pattern.sub(partial(_replace, rule), piece)
    return piece


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
    for group in ("value", "bare"):
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
