"""The CLI end to end on real temporary repositories: main([...]) and the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.runner import clean_env, run_main

OLD = """import os


def keep(x):
    return x


def change_me(a, b=1):
    return a + b


class Shape:
    def area(self):
        return 0

    def gone(self):
        return None
"""

NEW = """import os
import json


def keep(x):
    return x


def change_me(a, b=2, *, strict=False):
    if strict:
        raise ValueError("strict")
    return json.dumps(a + b)


class Shape:
    def area(self):
        return 0

    def fresh(self, k):
        return k * 2
"""


def run(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    capsys: Any = None,
) -> tuple[int, str, str]:
    """main() in ``cwd`` with a clean ariadne environment (no key: offline)."""
    return run_main(args, cwd, clean_env(**(env or {})), capsys, stdin)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    r = init_repo(tmp_path / "project")
    write(r, "pkg/mod.py", OLD)
    write(r, "pkg/other.py", "def untouched():\n    return 1\n")
    commit_all(r, "base")
    return r


def test_staged_review_written_to_the_ignored_folder(repo: Path, capsys: Any) -> None:
    write(repo, "pkg/mod.py", NEW)
    stage_all(repo)
    before = git(repo, "diff", "--cached")
    code, out, err = run([], repo, capsys=capsys)
    assert code == 0
    review = (repo / ".ariadne" / "review.md").read_text()
    assert "change_me" in review and "Shape.fresh" in review and "Shape.gone" in review
    assert "`keep`" not in review
    assert err.strip().startswith("ariadne-hook: 3 functions, 1 module-level block in 1 file")
    assert err.count("\n") == 1
    assert ".ariadne/review.md" in err
    assert git(repo, "diff", "--cached") == before
    assert git(repo, "status", "--porcelain") == "M  pkg/mod.py\n"


def test_json_report_to_stdout(repo: Path, capsys: Any) -> None:
    write(repo, "pkg/mod.py", NEW)
    stage_all(repo)
    code, out, _ = run(["--format", "json", "--output", "-"], repo, capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == 1 and data["provider"] == "offline" and data["model"] is None
    assert data["source"]["kind"] == "staged"
    found = {(f["qualname"], f["change"], f["kind"]) for f in data["functions"]}
    assert found == {
        ("<module>", "modified", "module"),
        ("change_me", "modified", "function"),
        ("Shape.gone", "deleted", "method"),
        ("Shape.fresh", "added", "method"),
    }
    lines = [(f["path"], (f["new_lines"] or f["old_lines"])[0]) for f in data["functions"]]
    assert lines == sorted(lines)
    entry = next(f for f in data["functions"] if f["qualname"] == "change_me")
    assert entry["status"] == "summarized"
    assert "strict" in entry["summary"] and "ValueError" in entry["summary"]
    assert data["stats"]["functions"] == 4 and data["stats"]["requests"] == 0


def test_range_and_merge_base_range(repo: Path, capsys: Any) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "pkg/mod.py", NEW)
    head = commit_all(repo, "feature")
    git(repo, "checkout", "-q", "main")
    write(repo, "pkg/other.py", "def untouched():\n    return 2\n")
    commit_all(repo, "main moves on")
    code, out, _ = run(["--range", "main...feature", "--format", "json", "-o", "-"], repo, capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert data["source"] == {"kind": "range", "base": base, "head": head}
    assert {f["path"] for f in data["functions"]} == {"pkg/mod.py"}
    code, out, _ = run(["--range", "main..feature", "--format", "json", "-o", "-"], repo, capsys=capsys)
    two_dot = json.loads(out)
    assert {f["path"] for f in two_dot["functions"]} == {"pkg/mod.py", "pkg/other.py"}


def test_patch_from_stdin_inside_and_outside_a_repository(repo: Path, tmp_path: Path, capsys: Any) -> None:
    write(repo, "pkg/mod.py", NEW)
    patch = git(repo, "diff").encode()
    code, out, _ = run(["--diff", "-", "--format", "json", "-o", "-"], repo, stdin=patch, capsys=capsys)
    assert code == 0
    inside = json.loads(out)
    assert inside["source"]["kind"] == "patch"
    assert {f["qualname"] for f in inside["functions"]} >= {"change_me", "Shape.fresh", "Shape.gone"}
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code, out, err = run(["--diff", "-"], outside, stdin=patch, capsys=capsys)
    assert code == 0
    assert "ariadne-hook review" in out and "-> stdout" in err


def test_unicode_and_space_paths(repo: Path, capsys: Any) -> None:
    write(repo, "dir with space/naïve café.py", "def crème(x):\n    return x\n")
    stage_all(repo)
    code, out, _ = run(["--format", "json", "-o", "-"], repo, capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert [(f["path"], f["qualname"], f["change"]) for f in data["functions"]] == [
        ("dir with space/naïve café.py", "crème", "added")
    ]


def test_initial_commit_is_diffed_against_the_empty_tree(tmp_path: Path, capsys: Any) -> None:
    r = init_repo(tmp_path / "fresh")
    write(r, "a.py", "def first():\n    return 1\n")
    stage_all(r)
    code, out, _ = run(["--format", "json", "-o", "-"], r, capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert [(f["qualname"], f["change"]) for f in data["functions"]] == [("first", "added")]
    assert data["source"]["base"] is None


def test_nothing_staged_and_only_excluded(repo: Path, capsys: Any) -> None:
    code, out, err = run(["-o", "-"], repo, capsys=capsys)
    assert code == 0 and "No changed functions to review." in out and "0 functions" in err
    write(repo, "package-lock.json", "{}\n")
    stage_all(repo)
    code, out, err = run(["--format", "json", "-o", "-"], repo, capsys=capsys)
    data = json.loads(out)
    assert [(f["path"], f["status"]) for f in data["functions"]] == [("package-lock.json", "skipped")]
    assert "excluded" in data["functions"][0]["reason"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--bogus"],
        ["--max-workers", "0"],
        ["--deadline", "-1"],
        ["--format", "xml"],
        ["--range", "a", "--diff", "-"],
    ],
)
def test_usage_errors_exit_2(repo: Path, argv: list[str], capsys: Any) -> None:
    code, _, err = run(argv, repo, capsys=capsys)
    assert code == 2
    assert "Traceback" not in err


def test_bad_configuration_exits_2_with_one_line(repo: Path, capsys: Any) -> None:
    write(repo, "pyproject.toml", "[tool.ariadne]\nmax-workers = 'lots'\n")
    code, _, err = run([], repo, capsys=capsys)
    assert code == 2
    assert err.count("\n") == 1 and "max-workers = 'lots'" in err


def test_outside_a_repository_is_a_usage_error_by_hand_and_one_line_in_a_hook(
    tmp_path: Path, capsys: Any
) -> None:
    """Issue 18.4: by hand it is ``error: …`` and exit 2 like any usage error (it was exit 0)."""
    code, _, err = run([], tmp_path, capsys=capsys)
    assert code == 2 and err.startswith("ariadne-hook: error: not inside a git repository: ")
    assert err.count("\n") == 1 and "--diff PATH" in err
    code, _, err = run(["--hook"], tmp_path, capsys=capsys)
    assert code == 0 and err.startswith("ariadne-hook: not inside a git repository") and err.count("\n") == 1
    code, _, _ = run(["--hook", "--strict"], tmp_path, capsys=capsys)
    assert code == 1


def test_unknown_revision_is_one_line(repo: Path, capsys: Any) -> None:
    code, _, err = run(["--range", "nope..HEAD"], repo, capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "nope" in err and "Traceback" not in err
    code, _, err = run(["--hook", "--range", "nope..HEAD"], repo, capsys=capsys)
    assert code == 0 and err.count("\n") == 1 and "nope" in err


def test_internal_error_exit_0_without_traceback_unless_verbose(repo: Path, capsys: Any) -> None:
    write(repo, "pkg/mod.py", NEW)
    stage_all(repo)
    blocker = repo / "blocker"
    blocker.write_text("a file, not a folder")
    code, _, err = run(["--output", str(blocker / "review.md")], repo, capsys=capsys)
    assert code == 2 and err.count("\n") == 1  # a path that cannot be a file: known before the run
    # a name the file system takes, whose temporary sibling (".NAME.PID.RANDOM.tmp") it refuses: the
    # write fails after the run, an error nobody foresaw
    long_name = "r" * 240 + ".md"
    code, _, err = run(["--output", long_name], repo, capsys=capsys)
    assert code == 0 and "Traceback" not in err and err.count("\n") == 1
    assert "internal error (OSError)" in err
    code, _, err = run(["--output", long_name, "--verbose"], repo, capsys=capsys)
    assert code == 0 and "Traceback" in err
    code, _, _ = run(["--output", long_name, "--strict"], repo, capsys=capsys)
    assert code == 1


def test_strict_turns_llm_failures_into_exit_1(repo: Path, capsys: Any) -> None:
    import socket

    with socket.socket() as s:  # a port that is surely closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    write(repo, "pkg/mod.py", NEW)
    stage_all(repo)
    env = {"OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1", "OPENAI_API_KEY": "sk-test-not-real"}
    code, out, _ = run(["--format", "json", "-o", "-", "--no-cache"], repo, env=env, capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert data["provider"] == "openai"
    sent = [f for f in data["functions"] if "no LLM call" not in (f["reason"] or "")]  # not trivial
    assert sent and {f["status"] for f in sent} == {"fallback"}
    code, _, _ = run(["--strict", "--no-cache", "-o", "-"], repo, env=env, capsys=capsys)
    assert code == 1


def test_installed_console_script_and_module(repo: Path) -> None:
    write(repo, "pkg/mod.py", NEW)
    stage_all(repo)
    script = shutil.which("ariadne-hook", path=os.path.dirname(sys.executable))
    assert script, "the console script is installed beside the interpreter"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARIADNE_", "OPENAI_"))}
    proc = subprocess.run([script, "--output", "-"], cwd=repo, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "change_me" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "ariadne_hook", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("ariadne-hook ")


def test_a_renamed_function_with_the_same_body_says_so(repo: Path, capsys: Any) -> None:
    write(repo, "pkg/mod.py", OLD.replace("def change_me(a, b=1):", "def changed_name(a, b=1):"))
    stage_all(repo)
    code, out, _ = run(["--format", "json", "-o", "-"], repo, capsys=capsys)
    assert code == 0
    by_name = {f["qualname"]: f for f in json.loads(out)["functions"]}
    assert by_name["changed_name"]["change"] == "added"
    assert by_name["changed_name"]["summary"].startswith("Renamed from change_me; body unchanged.")
    assert by_name["change_me"]["summary"].startswith("Renamed to changed_name")


def test_a_pull_request_event_reviews_base_to_head_but_a_hook_reviews_the_index(
    repo: Path, tmp_path: Path, capsys: Any
) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "pkg/mod.py", NEW)
    head = commit_all(repo, "feature")
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps({"pull_request": {"number": 7, "base": {"sha": base}, "head": {"sha": head}}})
    )
    env = {"GITHUB_EVENT_PATH": str(event)}
    code, out, _ = run(["--format", "json", "-o", "-"], repo, env=env, capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert data["source"] == {"kind": "range", "base": base, "head": head}
    assert "change_me" in {f["qualname"] for f in data["functions"]}
    code, out, _ = run(["--format", "json", "-o", "-"], repo, env={**env, "PRE_COMMIT": "1"}, capsys=capsys)
    assert json.loads(out)["source"]["kind"] == "staged" and json.loads(out)["functions"] == []


def test_verbose_lists_notes_fallbacks_and_skips_without_the_key(repo: Path, capsys: Any) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    write(repo, "pkg/mod.py", NEW)
    write(repo, "yarn.lock", "lock\n")
    stage_all(repo)
    env = {"OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1", "OPENAI_API_KEY": "sk-verbose-secret-4242"}
    code, _, err = run(["--verbose", "--no-cache", "-o", "-"], repo, env=env, capsys=capsys)
    assert code == 0
    lines = err.splitlines()
    assert lines[0].startswith("ariadne-hook: 3 functions, 1 module-level block in 2 files")
    assert "ariadne-hook: fallback: pkg/mod.py: change_me: connection refused" in lines
    assert "ariadne-hook: skipped: yarn.lock: excluded by '*.lock'" in lines
    assert any(line.startswith("ariadne-hook: note: LLM configuration failed") for line in lines)
    assert "sk-verbose-secret-4242" not in err
