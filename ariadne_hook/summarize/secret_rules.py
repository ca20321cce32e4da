"""What a secret looks like, as data for `redact.py`: the names a secret is given, and two tables of rules.

- the vocabulary: `KEYWORD` (a secret-like name: password, pwd, psk, secret, token, credentials, api key,
  hmac / signing / aes key…), the words that make such a name describe the secret instead of holding it
  (`DESCRIBES`: ``token_url``, ``password_file``), values that are no secret (`NOT_VALUES`, `DUMMIES`,
  `placeholder`);
- `TOKEN_RULES`: vendor tokens by their prefix (AWS, GitHub, GitLab, Slack, Stripe, npm, Google, OpenAI,
  Anthropic, SendGrid, Twilio, Mailgun, Heroku, DigitalOcean, Hugging Face, PyPI, Shopify, Databricks,
  Discord, Telegram, Azure, Square, Vault, JWTs…), the password of a URL, ``Authorization:`` values, bearer
  tokens, ``curl -u user:pass``, ``-passout pass:…``;
- `FORM_RULES`: a secret in the form a file format or a command line gives it, whatever its value looks like:
  a ``Password=…;`` / ``Pwd=…;`` / ``&token=…`` pair of a connection string or a query string, an XML
  ``<password>…</password>`` element or ``<add key="ApiKey" value="…"/>`` attribute, a ``.netrc`` entry's
  ``password``, a registry login's ``-p`` / ``--password`` (docker, podman, helm…), mysql's ``-pPASS``,
  ``sshpass -p``, ``redis-cli -a``, ``mongo -p``, any ``--password`` / ``--token`` / ``--api-key`` option,
  redis ``requirepass`` / ``masterauth``, an IPsec ``PSK "…"``, and an ``.npmrc`` ``_auth=`` /
  ``_authToken=`` / ``_password=``.

Every pattern is bounded (no unbounded repetition; a lazy run is capped), so one match attempt costs a bounded
number of steps and a scan is linear; the engine runs a rule only on text holding one of its keywords.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Check = Callable[["re.Match[str]"], "str | None"]


@dataclass(frozen=True)
class Rule:
    """`pattern` runs on a piece of text only when one of `keywords` is in it (any case when the keyword is
    in lower case, else exactly); () = always.

    A match is a secret of `kind` unless `check` says otherwise (its kind, or None to keep the text). The
    marker replaces the group "value", "bare" or "braced" when the pattern has one set, else the whole match.
    """

    kind: str
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]
    check: Check | None = None
    anchored: bool = False  # matched only where a keyword starts (the pattern begins with the keyword)


# ------------------------------------------------------------------------------------------ vocabulary

KEYWORD = (
    r"password|passwd|passphrase|passcode|(?<=[_.-])pass|pwd|psk|secret|token|credentials?|apikey"
    r"|(?:api|auth|access|private|signing|sign|encryption|master|session|license|consumer|account|service"
    r"|hmac|aes|cipher|crypto|jwt|shared)[_-]?key"
)
KEYWORD_STARTS = (
    "pass", "pwd", "psk", "secret", "token", "cred", "api", "auth", "access", "private", "sign", "encryption",
    "master", "session", "license", "consumer", "account", "service", "hmac", "aes", "cipher", "crypto",
    "jwt", "shared",
)  # fmt: skip
DESCRIBES = {
    "url", "uri", "file", "path", "dir", "name", "type", "field", "env", "var", "len", "length", "prompt",
    "label", "help", "header", "param", "option", "count", "size", "ttl", "expiry", "expires", "timeout",
    "regex", "pattern", "class", "mode", "kind", "format", "prefix", "suffix", "endpoint", "required",
    "enabled", "min", "max", "policy", "location", "provider", "manager", "reset", "input", "hint", "text",
    "identity",
}  # fmt: skip
NOT_VALUES = {
    "str", "string", "bytes", "int", "bool", "none", "null", "nil", "true", "false", "undefined", "any",
    "secretstr", "optional", "required", "object", "char", "password", "secret", "token", "string?", "read",
    "write",
}  # fmt: skip
DUMMIES = {"pass", "password", "passwd", "pwd", "pw", "p", "secret", "x", "xxx", "xxxx", "****"}
WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
IDENTIFIER = re.compile(r"[A-Za-z_][\w.]*")
CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_SECRET_NAME = re.compile(rf"(?i:{KEYWORD})(?-i:(?![a-z]))")


def placeholder(value: str) -> bool:
    """A reference or a template, not a value: $VAR, ${x}, {x}, <your-key>, %s, ***, os.environ…"""
    return (
        value.startswith(("$", "{", "<", "%", "*", "@", "&", "#"))
        or "{{" in value
        or value.lower().startswith(("os.environ", "process.env", "getenv", "env("))
    )


def describes(name: str) -> bool:
    """A name such as ``token_url`` or ``passwordFile``: about the secret, not holding it."""
    return any(word.lower() in DESCRIBES for word in WORDS.findall(name))


def secret_name(name: str) -> str | None:
    """The kind of value a name holds ("password" or "secret") when it is secret-like and does not describe
    the secret; None otherwise. ``DbPassword`` → password, ``api_key`` → secret, ``token_url`` → None."""
    found = _SECRET_NAME.search(name[:200])
    if found is None or describes(name[found.end() :]):
        return None
    return "password" if found.group().lower().startswith(("pass", "pwd", "psk")) else "secret"


def value_of(match: re.Match[str]) -> str:
    """The text a rule's marker replaces: its "value", "bare" or "braced" group (the first one set)."""
    names = match.re.groupindex
    return next((match.group(g) for g in ("value", "bare", "braced") if g in names and match.group(g)), "")


def password(match: re.Match[str]) -> str | None:
    """A password given on a command line or in a config form, unless it is a placeholder ($PASS, {pw},
    <password>), a number, a dummy or type name (pass, string), an all-capitals word (PASSWORD) or an
    option (-u)."""
    value = value_of(match)
    if not value or placeholder(value) or value.isdigit() or value.lower() in DUMMIES | NOT_VALUES:
        return None
    return None if value.startswith("-") or (value.isupper() and value.isalpha()) else "password"


# ---------------------------------------------------------------------------------------- token rules


def _openai(match: re.Match[str]) -> str | None:
    """sk-… with a digit: a key; sk-learn-compatible-estimators is kebab-case, not a key."""
    return "openai-key" if any(c.isdigit() for c in match.group(0)) else None


def _mixed(match: re.Match[str]) -> str | None:
    """A 40-char key in text that names AWS: upper case, lower case and digits (not hex, not a word)."""
    value = match.group(0)
    mixed = value.lower() != value and value.upper() != value and any(c.isdigit() for c in value)
    return "aws-secret" if mixed else None


_SCHEMES = {"basic", "bearer", "token", "digest", "negotiate", "apikey", "api-key", "ntlm", "hmac"}


def _auth_header(match: re.Match[str]) -> str | None:
    value, scheme = match.group("value"), (match.group("scheme") or "").lower()
    if placeholder(value) or scheme == "digest":  # digest: parameters and a hash, not the password
        return None
    if not scheme and (value.lower() in _SCHEMES or IDENTIFIER.fullmatch(value)):
        return None  # a variable holding the header, not its value
    return "bearer-token" if scheme == "bearer" else "authorization"


def _bearer(match: re.Match[str]) -> str | None:
    value = match.group("value")
    return None if placeholder(value) or value.isalpha() and value.islower() else "bearer-token"


def _url_password(match: re.Match[str]) -> str | None:
    """user:PASS@ in a URL: not a placeholder, a number or a dummy (user:pass@)."""
    value = match.group("value")
    return None if placeholder(value) or value.isdigit() or value.lower() in DUMMIES else "password"


_B = r"(?<![\w-])"  # a token starts where a run of word characters and dashes starts
_S = r"(?:(?<![\w-])|(?<=\\[nrt]))"  # a word starts there, or a line inside a string: "…\nrequirepass x"
# fmt: off
TOKEN_RULES: tuple[Rule, ...] = tuple(
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
         r"://[^\s:/?#@\"'`<>]{0,128}:(?P<value>[^\s/?#@\"'`<>]{1,256})@", 0, _url_password),
        ("password", ("@tcp(", "@unix(", "@udp("),
         r"(?<![\w.-])[\w.-]{1,64}:(?P<value>[^\s:@/\"'`]{1,128})@(?:tcp|unix|udp)\(", 0, _url_password),
        ("authorization", ("authorization",),
         r"authorization[\"'`]?[ \t]{0,4}[:=,][ \t]{0,4}[\"'`]?[ \t]{0,4}"
         r"(?:(?P<scheme>basic|bearer|token|digest|negotiate|apikey|api-key|ntlm|hmac)\s{1,4})?"
         r"(?P<value>[^\s\"'`,;)}\]]{4,4096})", re.I, _auth_header),
        ("bearer-token", ("bearer",), _B + r"bearer\s{1,4}(?P<value>[\w.~+/=-]{12,4096})", re.I, _bearer),
        ("password", ("-u", "--user"),
         _B + r"(?:-u|--user)[ =]{1,4}[\"']?[^\s:\"']{1,128}:(?P<value>[^\s\"']{1,256})", 0, _url_password),
        ("password", ("pass:",), _B + r"-pass(?:in|out)?\s{1,4}pass:(?P<value>\S{1,256})", 0, _url_password),
    )
)
# fmt: on

# ----------------------------------------------------------------------------------------- form rules

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.- ")
_NEXT_PAIR = re.compile(r"[ \t]{0,4}(?:[A-Za-z][\w .-]{0,40}=|[\"'`])")  # another pair, or the string's end
_PAIR_ENDS = ("", ";", "&", "\n", "\r", '"', "'", "`")


def _pair(match: re.Match[str]) -> str | None:
    """``Password=…`` as one pair of a list: a connection string (``Server=db;Pwd=…;``), a query string
    (``?user=me&password=…``), an ODBC braced value (``PWD={p;w}``); not a lone assignment in code."""
    text, start, end = match.string, match.start(), match.end()
    kind = secret_name(match.group("key") + match.group("suffix"))
    if kind is None:
        return None
    braced = match.group("braced")
    if braced is not None and (IDENTIFIER.fullmatch(braced) or braced.isdigit()):
        return None  # a format placeholder: "Password={password};"
    if braced is None and password(match) is None:
        return None
    after = text[end : end + 1]
    left = start
    while left > max(0, start - 40) and text[left - 1] in _NAME_CHARS:
        left -= 1  # the rest of the name before the keyword: "Db" of "DbPassword", "User " of "User Password"
    if left > 0 and text[left - 1] in ";&?" and after in _PAIR_ENDS:
        return kind
    return kind if after in (";", "&") and _NEXT_PAIR.match(text, end + 1) else None


def _xml_element(match: re.Match[str]) -> str | None:
    kind = secret_name(match.group("tag"))
    value = match.group("value").strip()
    if kind is None or not value or placeholder(value) or value.isdigit() or value.lower() in NOT_VALUES:
        return None
    return kind if kind == "password" or " " not in value else None


def _xml_attribute(match: re.Match[str]) -> str | None:
    kind = secret_name(match.group("name"))
    value = match.group("value")
    if kind is None or placeholder(value) or value.lower() in NOT_VALUES | DUMMIES:
        return None
    return kind if kind == "password" or " " not in value else None


def _option(match: re.Match[str]) -> str | None:
    """``--password VALUE`` / ``--api-key=VALUE`` of any command, a .netrc ``password VALUE``: not a usage
    line (``--token TOKEN``, ``--password string``), a placeholder or a describing word (``reset``)."""
    value = value_of(match)
    if password(match) is None or CONSTANT.fullmatch(value) or value.lower() in DESCRIBES:
        return None
    return "password"


def _npmrc(match: re.Match[str]) -> str | None:
    """``_auth=`` / ``_authToken=`` / ``_password=`` of an .npmrc: scoped (``//registry/:_authToken=``) or
    as npm writes it (at a line start, no space around ``=``); not ``self._password = password`` in code."""
    text, at, value = match.string, match.start(), match.group("bare")
    if placeholder(value) or value.lower() in NOT_VALUES:
        return None
    scoped = text[at - 1 : at] == ":"
    tight = not match.group("sp") and not text[match.end("sp") + 1 : match.end("sp") + 2].isspace()
    line_start = text[at - 1 : at] in ("", "\n", '"', "'", "`") or text[at - 2 : at] == "\\n"
    return "secret" if scoped or (tight and line_start) else None


# one argument to the next on a command line, or in a list of arguments: "-p", "VALUE"
_ARG = r"(?:[ \t]{1,4}|[\"'`][ \t]{0,4},[ \t]{0,4}[\"'`])"
# a value: quoted (may hold spaces), or a bare word up to a space, quote, backslash or shell separator
_VAL = r"(?:(?P<q>[\"'])(?P<value>[^\"'\n]{1,256})(?P=q)|(?P<bare>[^\s\"'`\\;|&)]{1,256}))"
_ARGS = r"[^\n|;&]{0,200}?(?<=[\s\"'`,])"  # the arguments before the option: bounded, lazy
_SP = r"(?:[ \t]{1,40}|[ \t]{0,8}\r?\n[+\- ]?[ \t]{0,40})"  # spaces, or a line break (diff mark, indent)
_WORD = r"[^\s\"'`\\]{1,256}"
_PAIR_VALUE = (
    r"(?:\{(?P<braced>[^}\n]{1,256})\}|'(?P<value>[^'\n]{1,256})'|(?P<bare>[^;&\"'`\s<>{}()\[\],]{1,256}))"
)
_LOGIN = (
    r"(?<![\w-])(?:docker|podman|nerdctl|buildah|skopeo|helm|oras|crane|regctl)"
    rf"(?:{_ARG}registry)?{_ARG}login(?![\w-])"
)
_MYSQL = r"(?<![\w-])(?:mysql(?:dump|admin|import|show|check|pump)?|mariadb[\w-]{0,8})"
_MONGO = r"(?<![\w-])mongo(?:sh|dump|restore|export|import|stat|top)?(?![\w-])"
_OPTION = r"(?:password|passwd|pass|token|secret|api-key|apikey|access-key)"
# fmt: off
FORM_RULES: tuple[Rule, ...] = tuple(
    Rule(kind, keywords, re.compile(pattern), check, anchored)
    for kind, keywords, pattern, check, anchored in (
        ("password", KEYWORD_STARTS,
         rf"(?i)(?P<key>{KEYWORD})(?-i:(?![a-z]))(?P<suffix>[\w .-]{{0,40}}?)[ \t]{{0,4}}=[ \t]{{0,4}}"
         + _PAIR_VALUE,
         _pair, True),
        ("secret", ("pass", "pwd", "secret", "token", "key", "cred", "psk"),
         r"(?i)<(?P<tag>[\w:.-]{1,80})(?:[ \t][^<>\n]{0,200})?>(?P<value>[^<>\n]{1,512})</(?P=tag)>",
         _xml_element, False),
        ("secret", ("value",),
         r"(?i)(?<![\w-])(?:key|name)[ \t]{0,4}=[ \t]{0,4}\"(?P<name>[^\"<>\n]{1,80})\"[ \t]{1,8}"
         r"value[ \t]{0,4}=[ \t]{0,4}\"(?P<value>[^\"\n]{1,512})\"", _xml_attribute, False),
        ("password", ("machine", "default"),
         rf"{_S}(?:machine{_SP}{_WORD}|default(?={_SP}login))"
         rf"(?:{_SP}(?:login|account|port){_SP}{_WORD}){{0,3}}{_SP}password{_SP}(?P<bare>{_WORD})",
         _option, False),
        ("password", ("login",), rf"{_LOGIN}{_ARGS}(?:-p|--password)(?:=|{_ARG}){_VAL}", password, False),
        ("password", ("mysql", "mariadb"), rf"{_MYSQL}{_ARGS}(?:-p(?=[^\s\"'`,-])|--password=){_VAL}",
         password, False),
        ("password", ("sshpass",), rf"(?<![\w-])sshpass{_ARGS}-p(?:{_ARG})?{_VAL}", password, False),
        ("password", ("redis-cli",), rf"(?<![\w-])redis-cli{_ARGS}(?:-a|--pass){_ARG}{_VAL}", password,
         False),
        ("password", ("mongo",), rf"{_MONGO}{_ARGS}(?:-p|--password)(?:=|{_ARG}){_VAL}", password, False),
        ("password", ("password", "passwd", "--pass", "token", "secret", "api-key", "apikey", "access-key"),
         rf"(?<![\w-])--(?:[A-Za-z0-9]{{1,20}}-){{0,3}}{_OPTION}(?![\w-])(?:=|{_ARG}){_VAL}", _option, False),
        ("password", ("requirepass", "masterauth"),
         rf"(?i){_S}(?:--)?(?:requirepass|masterauth)(?:=|{_ARG}){_VAL}", password, False),
        ("password", ("PSK",), r"(?<![\w-])PSK[ \t]{1,8}(?P<q>[\"'])(?P<value>[^\"'\n]{1,256})(?P=q)",
         password, False),
        ("secret", ("_auth", "_password"),
         rf"{_S}_(?:auth|authToken|password)(?P<sp>[ \t]{{0,4}})=[ \t]{{0,4}}"
         r"(?P<bare>[^\s\"'`;\\]{1,1024})",
         _npmrc, False),
    )
)
# fmt: on
