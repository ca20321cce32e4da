"""Secrets never leave the machine: each kind is replaced by a [REDACTED:<kind>] marker."""

from __future__ import annotations

import re

import pytest

from ariadne_hook.summarize.redact import entropy, looks_random, redact, scrub

CASES = [
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----", "private-key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA (cut by the diff)", "private-key"),
    ("key_id = AKIAIOSFODNN7EXAMPLE", "aws-key"),
    ("ghp_" + "A" * 36, "github-token"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv", "github-token"),
    ("xoxb-123456789012-abcdefghijkl", "slack-token"),
    ("sk-proj-abcdefghijklmnopqrstuvwxyz012345", "openai-key"),
    ("AIza" + "SyA1234567890abcdefghijklmnopqrstuv", "google-key"),
    ("headers = {'Authorization': 'Bearer abcdef0123456789xyz'}", "bearer-token"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", "jwt"),
    ('password = "hunter2"', "password"),
    ("DB_PASSWD: str = 'pa55'", "password"),
    ('config["client_secret"] = "abc123"', "secret"),
    ('{"api_key": "plain-value"}', "secret"),
    ("AUTH_TOKEN := 'zzz'", "secret"),
    ('blob = "Zq8Xv2Lk9Tb4Nw7Yr3Hm6Pd1"', "high-entropy"),
]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_each_kind_is_redacted(text: str, kind: str) -> None:
    out = redact(text)
    assert f"[REDACTED:{kind}]" in out
    if kind in ("password", "secret"):  # the value after the last = or : (the JSON case has no =)
        secret_part = re.split(r"[=:]", text)[-1].strip(" '\"}")
        assert secret_part and secret_part not in out


@pytest.mark.parametrize(
    "text",
    [
        'name = "the quick brown fox jumps over"',  # spaces: prose
        'path = "/usr/lib/python3.11/site-packages/x"',  # a path
        'url = "https://example.com/a/b/c?d=1234567"',  # a URL
        'ident = "some_long_snake_case_identifier"',  # one case, no digits
        'digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"',  # lowercase hex hash
        "token = os.environ['TOKEN']",  # not a literal
        'password = ""',  # empty
        'author = "Jane Doe"',
    ],
)
def test_ordinary_code_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_configured_secret_is_removed_everywhere() -> None:
    key = "my-very-own-key-1234"
    assert key not in redact(f"x = call({key!r}) # {key}", [key])
    assert scrub(f"failed with {key}", [key]) == "failed with [REDACTED:api-key]"


def test_entropy() -> None:
    assert entropy("") == 0.0
    assert entropy("aaaa") == 0.0
    assert entropy("abcd") == 2.0
    assert looks_random("Zq8Xv2Lk9Tb4Nw7Yr3Hm6Pd1") and not looks_random("Zq8Xv2")
