"""The progress line on a real terminal (a pseudo-terminal): done/total and the time left, cleared before
the result line; inside pre-commit (no terminal) one start line explains the wait instead."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.runner import ROOT, clean_env, run_main

FUNCS = 4


def _repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    write(repo, "m.py", "".join(f"def f{i}(x):\n    return x\n\n\n" for i in range(FUNCS)))
    commit_all(repo)
    write(repo, "m.py", "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(FUNCS)))
    stage_all(repo)
    return repo


def _on_a_terminal(repo: Path, env: dict[str, str], *argv: str) -> str:
    """The CLI with stderr on a pseudo-terminal: everything the terminal received."""
    master, slave = os.openpty()
    code = f"import sys; from ariadne_hook.cli import main; sys.exit(main({list(argv)!r}))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=repo,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_the_progress_line_is_cleared_before_the_result_line(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    plan = lambda index, prompt: "hang" if "function f3\n" in prompt else None  # noqa: E731 - one never answers
    with LLMServer(latency=0.05, plan=plan) as server:
        env = clean_env(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.base_url)
        env["ARIADNE_MAX_PER_REQUEST"] = "1"  # one request per function: progress function by function
        # the deadline counts from the start of the run: interpreter start and `import openai` come out of it
        seen = _on_a_terminal(repo, env, "--no-cache", "--max-workers", "1", "--deadline", "8")
    assert re.search(r"summarized [0-4]/4, \d+ s left", seen), seen
    assert "\r\x1b[K" in seen
    glued = re.search(r"summarized \d+/\d+[^\r\n]*ariadne-hook:", seen)
    assert glued is None, seen
    [result] = [line for line in seen.splitlines() if "functions in 1 file" in line]
    assert re.search(r"; deadline 8 s: [1-4] of 4 offline$", result), result  # however slow the machine


def test_a_hook_without_a_terminal_prints_one_start_line(tmp_path: Path, capsys: Any) -> None:
    repo = _repo(tmp_path)
    with LLMServer() as server:
        env = clean_env(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.base_url, PRE_COMMIT="1")
        code, _, err = run_main(["--no-cache"], repo, env, capsys)
    lines = err.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0] == "ariadne-hook: summarizing 4 functions with gpt-4o-mini (deadline 30 s)…"
    code, _, err = run_main([], repo, clean_env(PRE_COMMIT="1"), capsys)  # offline: nothing to wait for
    assert code == 0 and len(err.splitlines()) == 1


@pytest.mark.skipif(not hasattr(os, "openpty") or sys.platform != "linux", reason="needs a Linux pty")
def test_inside_pre_commit_the_start_line_reaches_the_terminal_while_the_hook_runs(tmp_path: Path) -> None:
    """pre-commit captures a hook's stdout and stderr and prints them only when the hook ends: the start line
    also goes to the controlling terminal (here a pseudo-terminal the child owns), so the wait is explained
    while it lasts."""
    import fcntl
    import termios

    repo = _repo(tmp_path)
    master, slave = os.openpty()
    slave_name = os.ttyname(slave)

    def own_terminal() -> None:  # a new session whose controlling terminal is the pty
        os.setsid()
        fd = os.open(slave_name, os.O_RDWR)
        fcntl.ioctl(fd, termios.TIOCSCTTY, 0)

    with LLMServer() as server:
        env = clean_env(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.base_url, PRE_COMMIT="1")
        code = "import sys; from ariadne_hook.cli import main; sys.exit(main(['--no-cache']))"
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=repo,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,  # what pre-commit would hold back
            preexec_fn=own_terminal,
        )
        _, err = proc.communicate(timeout=120)
    os.close(slave)
    os.set_blocking(master, False)
    try:
        seen = os.read(master, 65536).decode("utf-8", "replace")
    except BlockingIOError:
        seen = ""
    os.close(master)
    assert proc.returncode == 0
    start = "ariadne-hook: summarizing 4 functions with gpt-4o-mini (deadline 30 s)…"
    assert start in seen  # live, on the terminal
    assert start in err.decode()  # and in the hook's own output, as before
