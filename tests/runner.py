"""Calling ``main([...])`` the way a hook or a user would: in a folder, with a clean environment."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

from ariadne_hook.cli import main


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment less anything that configures ariadne, openai, GitHub or GitLab CI."""
    prefixes = ("ARIADNE_", "OPENAI_", "GITHUB_", "GITLAB_", "CI_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(extra)
    return env


def run_main(
    argv: list[str], cwd: Path, env: dict[str, str], capsys: Any, stdin: bytes | None = None
) -> tuple[int, str, str]:
    """main(argv) in ``cwd`` with ``env`` and ``stdin``: (exit code, stdout, stderr)."""
    old_cwd, old_stdin = os.getcwd(), sys.stdin
    os.chdir(cwd)
    try:
        if stdin is not None:
            sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
        code = main(argv, env)
    finally:
        os.chdir(old_cwd)
        sys.stdin = old_stdin
    out, err = capsys.readouterr()
    return code, out, err


ROOT = Path(__file__).resolve().parents[1]


def fresh_python(script: str) -> str:
    """Run ``script`` in a fresh interpreter with this checkout importable; its stdout (stderr on failure)."""
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.stdout.strip() or proc.stderr
