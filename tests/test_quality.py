"""The project's own rules, checked with every test run: ruff (lint and format) and mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint_is_clean() -> None:
    proc = tool("ruff", "check", "--output-format", "concise", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = tool("ruff", "format", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_the_package_is_clean() -> None:
    proc = tool("mypy", "--no-incremental")  # files and strictness come from pyproject.toml
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_asyncio_and_no_eager_openai_import_in_the_package() -> None:
    for path in (ROOT / "ariadne_hook").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            assert not stripped.startswith(("import asyncio", "from asyncio")), f"{path}:{number}"
            if line.startswith(("import openai", "from openai")):
                raise AssertionError(f"{path}:{number}: openai must be imported lazily")
