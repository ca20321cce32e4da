"""Issue 18.8: a reader that goes away (``ariadne-hook ... | head -1``) is not an error: exit 0, no
traceback, no "internal error", no "Exception ignored" from the interpreter's flush at exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.runner import ROOT, clean_env

MANY = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(2000))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = init_repo(tmp_path / "repo")
    write(r, "app.py", "x = 1\n")
    commit_all(r, "base")
    write(r, "app.py", MANY)  # a review of about 300 KB: far more than a pipe holds
    stage_all(r)
    return r


def into_closed_pipe(repo: Path, *argv: str, stderr_too: bool = False) -> subprocess.CompletedProcess[str]:
    """The CLI with its stdout (and maybe stderr) on a pipe whose reader is already gone: every write fails
    with EPIPE, the way ``| head -1`` makes the writes after its first line fail, without the race."""
    read, write_end = os.pipe()
    os.close(read)
    env = clean_env(PYTHONPATH=str(ROOT))
    try:
        return subprocess.run(
            [sys.executable, "-c", "from ariadne_hook.cli import main_entry; main_entry()", *argv],
            cwd=repo, env=env, stdout=write_end, stderr=write_end if stderr_too else subprocess.PIPE,
            text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "argv",
    [["--output", "-"], ["--format", "json", "--output", "-"], ["--help"], ["--dry-run", "--base-url",
     "http://127.0.0.1:9/v1"], ["--output", "-", "--strict"]],
    ids=["markdown", "json", "help", "dry-run", "strict"],
)  # fmt: skip
def test_a_closed_stdout_is_exit_0_and_silent(repo: Path, argv: list[str]) -> None:
    proc = into_closed_pipe(repo, *argv)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
    assert "BrokenPipe" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr


def test_closed_stdout_and_stderr(repo: Path) -> None:
    proc = into_closed_pipe(repo, "--output", "-", stderr_too=True)
    assert proc.returncode == 0


def test_head_1_through_a_shell(repo: Path) -> None:
    """As a user types it: the first line arrives, the exit status of ariadne-hook is 0. (A smoke test: here
    the one large write of the review is taken whole by the pipe or cut short without an error, so the old
    code passed it too; the closed-pipe tests above are the regression tests.)"""
    shim = repo.parent / "ariadne-hook"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ariadne_hook "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = clean_env(PYTHONPATH=str(ROOT))
    for command in (f"{shim} --output - | head -1", f"{shim} --help | head -1"):
        proc = subprocess.run(
            ["bash", "-c", f"{command}; exit ${{PIPESTATUS[0]}}"],
            cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, (command, proc.stderr)
        assert len(proc.stdout.splitlines()) == 1
        assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
        assert "internal error" not in proc.stderr, proc.stderr


def test_what_the_run_leaves_alive_is_frozen_before_the_interpreter_ends(repo: Path) -> None:
    """The interpreter's last collection would walk everything the run left alive (~0.1 s after a large
    review) and find nothing to free: the entry point freezes it first (atexit runs before that pass)."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: sys.stderr.write(f'frozen={gc.get_freeze_count()}\\n'))\n"
        "from ariadne_hook.cli import main_entry\n"
        "main_entry()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "--provider", "offline", "--output", "review.md"],
        cwd=repo, env=clean_env(PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "f1999" in (repo / "review.md").read_text(encoding="utf-8")
    frozen = int(proc.stderr.rsplit("frozen=", 1)[1].split()[0])
    assert frozen > 10_000, proc.stderr  # the modules, the report and its entries
