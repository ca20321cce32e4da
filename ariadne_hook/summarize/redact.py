"""Secrets out of text before it leaves the machine: each one becomes ``[REDACTED:<kind>]``.

Recognized: private-key blocks, AWS access key ids, GitHub / Slack / OpenAI / Google tokens, bearer tokens,
JWTs, string literals assigned to password/secret/token/api_key-like names, and high-entropy string literals
(Shannon entropy >= 3.5 bits per char over >= 20 chars, no spaces, upper and lower case and digits,
not a URL or path). `scrub` removes
a known secret (the configured API key) from any text meant for humans.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

MIN_SECRET_LEN = 20
ENTROPY_THRESHOLD = 3.5

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "private-key",
        re.compile(
            r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----.*?"
            r"(?:-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\Z)",
            re.DOTALL,
        ),
    ),
    ("aws-key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b")),
    ("github-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}|https://hooks\.slack\.com/services/[\w/]+")),
    ("openai-key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}")),
    ("google-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
)
_BEARER = re.compile(r"(?i)(\bbearer\s+)([A-Za-z0-9._~+/=-]{12,})")
_ASSIGNED = re.compile(
    r"""(?ix)
    (\b[\w.-]*?(?P<name>password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)
        [\w.-]*["']?\]?                      # rest of the name, closing quote / bracket of a key
    (?:\s*:\s*[\w\[\]., |]+?)?                # optional type annotation
    \s*(?:=|:=|=>|:|==)\s*                    # assignment or mapping
    [rbuf]?)(?P<q>["'])(?P<value>[^"'\n]+)(?P=q)
    """
)
_LITERAL = re.compile(rf"""(["'`])([^"'`\s]{{{MIN_SECRET_LEN},}})\1""")


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """text with every recognized secret, and every string of `secrets`, replaced by a marker."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[REDACTED:api-key]")
    for kind, pattern in _PATTERNS:
        text = pattern.sub(f"[REDACTED:{kind}]", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)}[REDACTED:bearer-token]", text)
    text = _ASSIGNED.sub(_assigned, text)
    return _LITERAL.sub(_literal, text)


def scrub(text: str, secrets: Sequence[str]) -> str:
    """text for humans (a log line, a reason): known secrets and anything token-like removed."""
    return redact(text, secrets)


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())


def looks_random(value: str) -> bool:
    if len(value) < MIN_SECRET_LEN or "REDACTED" in value:
        return False
    if "://" in value or value.startswith(("/", "./", "~")):
        return False
    mixed = any(c.islower() for c in value) and any(c.isupper() for c in value)
    return mixed and any(c.isdigit() for c in value) and entropy(value) >= ENTROPY_THRESHOLD


def _assigned(match: re.Match[str]) -> str:
    value = match.group("value")
    if "REDACTED" in value or not value.strip():
        return match.group(0)
    kind = "password" if match.group("name").lower() in ("password", "passwd", "pwd") else "secret"
    quote = match.group("q")
    return f"{match.group(1)}{quote}[REDACTED:{kind}]{quote}"


def _literal(match: re.Match[str]) -> str:
    quote, value = match.group(1), match.group(2)
    if not looks_random(value):
        return match.group(0)
    return f"{quote}[REDACTED:high-entropy]{quote}"
