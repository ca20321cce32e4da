"""Issue 18.3: --help fits an 80-column terminal, has a flag column, and ends with three examples that
run as printed (every setting it lists is in the README: tests/test_readme.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ariadne_hook.arguments import settings_table
from ariadne_hook.config import OPTIONS
from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.runner import ROOT, clean_env


def help_text(columns: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-m", "ariadne_hook", "--help"], env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("columns", [None, "80", "200", "50"], ids=lambda c: f"COLUMNS={c}")
def test_help_fits_80_columns(columns: str | None) -> None:
    text = help_text(columns)
    too_wide = [line for line in text.splitlines() if len(line) > 80]
    assert not too_wide, too_wide


def test_the_settings_table_has_a_flag_column() -> None:
    lines = settings_table().splitlines()
    header = next(line for line in lines if line.strip().startswith("config key"))
    flag_at = header.index("flag")
    rows = {line.split()[0]: line for line in lines if line.startswith("  ") and line[2] != " "}
    for option in OPTIONS:
        key = "-" if option.name == "api_key" else option.key + ("*" if option.repo == "never" else "")
        row = rows[key]
        assert row[flag_at:].split()[0] == (option.flag or "-"), row
        assert (option.env or option.env_fallback or "-") in row


def examples() -> list[str]:
    text = help_text(None).rstrip("\n")
    tail = text[text.rindex("Examples:") :].splitlines()
    assert tail[0] == "Examples:" and len(tail) == 4, tail
    return [re.split(r"\s{2,}", line.strip())[0] for line in tail[1:]]


def test_help_ends_with_three_examples_that_run(tmp_path: Path) -> None:
    """Each example, as --help prints it, in a repository with a branch, a staged and an unstaged change."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "app.py", "def area(w, h):\n    return w * h\n")
    write(repo, "lib.py", "def staged_fn():\n    return 1\n")
    write(repo, "other.py", "def unstaged_fn():\n    return 1\n")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    write(
        repo, "app.py", "def area(w, h):\n    return abs(w * h)\n\n\ndef branch_fn(w, h):\n    return w + h\n"
    )
    commit_all(repo, "feature")
    write(repo, "lib.py", "def staged_fn():\n    return 2\n")
    stage_all(repo)
    write(repo, "other.py", "def unstaged_fn():\n    return 2\n")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "ariadne-hook").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ariadne_hook "$@"\n')
    (shim / "ariadne-hook").chmod(0o755)
    env = clean_env(PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    env["PATH"] = f"{shim}{os.pathsep}{env['PATH']}"
    expected = {"ariadne-hook": "staged_fn", "--range": "branch_fn", "--diff": "unstaged_fn"}
    commands = examples()
    assert ["--range" in commands[1], "--diff" in commands[2], commands[0] == "ariadne-hook"] == [True] * 3
    for command, (_, name) in zip(commands, expected.items(), strict=True):
        review = repo / ".ariadne" / "review.md"
        review.unlink(missing_ok=True)
        proc = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command], cwd=repo, env=env, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        assert proc.returncode == 0, (command, proc.stderr)
        text = proc.stdout if "-o -" in command else review.read_text(encoding="utf-8")
        assert f"`{name}`" in text, (command, text)
