"""Exclude patterns: which paths match, and what an excluded change keeps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ariadne_hook.config import DEFAULT_EXCLUDE
from ariadne_hook.models import MODIFIED, RENAMED, FileChange, Hunk
from ariadne_hook.source.exclude import any_match, apply_excludes, matches


def change(path: str, old_path: str | None = None) -> FileChange:
    hunk = Hunk(1, 1, 1, 1, "", ("-SECRET=1", "+SECRET=2"))
    return FileChange(
        path=path,
        old_path=old_path,
        status=RENAMED if old_path else MODIFIED,
        old_text="SECRET=1\n",
        new_text="SECRET=2\n",
        hunks=(hunk,),
        removed_lines=frozenset({1}),
        added_lines=frozenset({1}),
    )


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("a/b/x.lock", "*.lock", True),
        ("x.lock", "*.lock", True),
        ("a/b/x.lock.py", "*.lock", False),
        ("app/.env", ".env", True),
        ("app/.env.local", ".env.*", True),
        ("app/env.py", ".env", False),
        ("vendor/x/y.js", "vendor/*", True),
        ("sub/vendor/x.js", "vendor/*", True),
        ("myvendor/x.js", "vendor/*", False),
        ("sub/vendor/x.js", "/vendor/*", False),
        ("vendor/x.js", "/vendor/*", True),
        ("src/gen/a_pb2.py", "*_pb2.py", True),
        ("docs/a.md", "docs/*.md", True),
        ("Docs/a.md", "docs/*.md", False),
    ],
)
def test_matches(path: str, pattern: str, expected: bool) -> None:
    assert matches(path, pattern) is expected


def test_excluded_change_keeps_no_content_but_keeps_counts() -> None:
    kept, dropped = apply_excludes([change("src/app.py"), change("deploy/.env")], DEFAULT_EXCLUDE)
    assert kept == change("src/app.py")
    assert dropped.skip_reason == "excluded by '.env'"
    assert (dropped.old_text, dropped.new_text, dropped.hunks) == (None, None, ())
    assert dropped.added_lines == {1} and dropped.removed_lines == {1}
    assert dropped.path == "deploy/.env" and dropped.status == MODIFIED


def test_rename_excluded_by_old_path_and_first_pattern_wins() -> None:
    [renamed] = apply_excludes([change("src/lib.js", old_path="vendor/lib.js")], ["*.md", "vendor/*", "*.js"])
    assert renamed.skip_reason == "excluded by 'vendor/*'"


def test_no_patterns_and_order_kept() -> None:
    changes = [change("b.py"), change("a.py")]
    assert apply_excludes(changes, []) == changes
    assert [c.path for c in apply_excludes(changes, ["a.py"])] == ["b.py", "a.py"]


CREDENTIAL_FILES = [
    ".npmrc", "web/.npmrc", ".yarnrc.yml", ".pypirc", ".netrc", "home/_netrc", ".git-credentials",
    ".dockercfg", "ci/.docker/config.json", ".kube/config", "deploy/.htpasswd", ".pgpass", ".my.cnf",
    ".aws/credentials", ".cargo/credentials.toml", ".gem/credentials", ".vault-token",
    "infra/terraform.tfstate", "keys/id_rsa", "keys/id_ed25519.pub", "certs/client.p12",
    "android/release.keystore", "vault.kdbx",
]  # fmt: skip
NOT_CREDENTIALS = ["src/npmrc.py", "docs/netrc.md", "docker/config.json", "kube/config.py",
                   "app/credentials.py", "src/id.rs", "keystore.py"]  # fmt: skip


@pytest.mark.parametrize("path", CREDENTIAL_FILES)
def test_credential_files_are_excluded_by_default(path: str) -> None:
    [dropped] = apply_excludes([change(path)], DEFAULT_EXCLUDE)
    assert dropped.skip_reason is not None and (dropped.old_text, dropped.new_text, dropped.hunks) == (
        None, None, ()
    ), path  # fmt: skip


@pytest.mark.parametrize("path", NOT_CREDENTIALS)
def test_code_named_like_a_credential_file_is_not_excluded(path: str) -> None:
    assert apply_excludes([change(path)], DEFAULT_EXCLUDE) == [change(path)]


# any_match: the compiled form of the patterns answers what matching them one by one answers ----------------
_PARTS = st.sampled_from(
    ["a", "b", "vendor", ".env", "x.lock", "id_rsa", "*", "?", "[ab]", "[!a]", ".", "-", "\n"]
)
_PATHS = st.lists(st.text(st.sampled_from("ab/.\n*?[]!-_"), max_size=6) | _PARTS, min_size=1, max_size=4).map(
    "/".join
)
_PATTERNS = st.lists(
    st.lists(_PARTS | st.text(st.sampled_from("ab*?/.[]!"), max_size=5), min_size=1, max_size=3).map("/".join)
    | st.sampled_from(["", "/", "/vendor/*", "vendor/*", "*", "**/x", "a/", "[/]"]),
    max_size=6,
)


@given(path=_PATHS, patterns=_PATTERNS)
@settings(max_examples=400, deadline=None)
def test_any_match_is_matching_pattern_by_pattern(path: str, patterns: list[str]) -> None:
    expected = any(matches(path, p) for p in patterns if p)
    assert any_match(tuple(patterns))(path) is expected


TRICKY = [
    "id_rsa_keys/app.py",
    "a.lock/b.py",
    "vendor",
    "x/vendor/",
    "src/vendor.py",
    "node_modules/x",
    "c.min.js",
]


@pytest.mark.parametrize("path", [*CREDENTIAL_FILES, *NOT_CREDENTIALS, *TRICKY])
def test_any_match_on_the_defaults(path: str) -> None:
    expected = any(matches(path, p) for p in DEFAULT_EXCLUDE)
    assert any_match(DEFAULT_EXCLUDE)(path) is expected
    reason = apply_excludes([change(path)], DEFAULT_EXCLUDE)[0].skip_reason
    first = next((p for p in DEFAULT_EXCLUDE if matches(path, p)), None)
    assert reason == (f"excluded by {first!r}" if first else None)
