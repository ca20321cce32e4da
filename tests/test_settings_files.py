"""Issue 16 case 10: a settings file is read only when it is a regular file of sane size. A
``pyproject.toml`` symlinked to ``/dev/zero`` ended in ``MemoryError`` (after eating the memory), one that
is a FIFO blocked the commit forever — before the no-op fast path, so on every commit. Each run here is a
real process under a memory cap and a timeout, so that a regression fails instead of hurting the machine."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ariadne_hook.config import load_all
from ariadne_hook.settings_file import SETTINGS_FILE_LIMIT
from tests.gitutil import commit_all, init_repo, write
from tests.runner import ROOT, clean_env

MEMORY_CAP = 2 << 30  # bytes of address space for the child
TIMEOUT = 60


def _capped() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_hook(repo: Path, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ariadne_hook", *argv],
        cwd=repo,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_capped,
        check=False,
    )


def zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def fifo(path: Path) -> None:
    os.mkfifo(path)


def huge(path: Path) -> None:
    path.write_text("[tool.ariadne]\nmax-workers = 1\n" + "#" * SETTINGS_FILE_LIMIT + "\n")


def folder(path: Path) -> None:
    path.mkdir()


MAKERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "/dev/zero": (zero, "not a regular file (a character device): ignored"),
    "fifo": (fifo, "not a regular file (a FIFO): ignored"),
    "huge": (huge, "larger than 1 MiB: ignored"),
    "folder": (folder, "not a regular file (a folder): ignored"),
}


def clean_repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    write(repo, "app.py", "def f():\n    return 1\n")
    commit_all(repo)
    return repo


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero")
@pytest.mark.parametrize("kind", list(MAKERS))
@pytest.mark.parametrize("mode", ["hook", "by hand"])
def test_a_pyproject_that_is_no_regular_file_is_set_aside(tmp_path: Path, kind: str, mode: str) -> None:
    repo = clean_repo(tmp_path)
    make, why = MAKERS[kind]
    make(repo / "pyproject.toml")
    env = clean_env(HOME=str(tmp_path), **({"PRE_COMMIT": "1"} if mode == "hook" else {}))
    proc = run_hook(repo, env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    [warning] = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert warning == f"ariadne-hook: warning: pyproject.toml {why}", proc.stderr
    assert (repo / ".ariadne" / "review.md").is_file()  # the no-op review, with the defaults


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero")
@pytest.mark.parametrize("kind", list(MAKERS))
def test_the_users_config_that_is_no_regular_file_is_set_aside(tmp_path: Path, kind: str) -> None:
    repo = clean_repo(tmp_path)
    config = tmp_path / "xdg" / "ariadne-hook"
    config.mkdir(parents=True)
    make, why = MAKERS[kind]
    make(config / "config.toml")
    env = clean_env(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "xdg"), PRE_COMMIT="1")
    proc = run_hook(repo, env)
    assert proc.returncode == 0, proc.stderr
    [warning] = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert warning == f"ariadne-hook: warning: ~/xdg/ariadne-hook/config.toml {why}", proc.stderr


def test_a_symlinked_pyproject_to_a_regular_file_is_still_read(tmp_path: Path) -> None:
    """Monorepos link one pyproject.toml into packages: a link to a regular file is a regular file."""
    (tmp_path / "shared.toml").write_text("[tool.ariadne]\nmax-workers = 2\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").symlink_to(tmp_path / "shared.toml")
    loaded = load_all(tmp_path / "pkg", {}, {})
    assert loaded.settings.max_workers == 2 and loaded.warnings == () and loaded.problems == ()


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    text = "[tool.ariadne]\nmax-workers = 2\n"
    (tmp_path / "pyproject.toml").write_text(text + "#" * (SETTINGS_FILE_LIMIT - len(text) - 1) + "\n")
    assert (tmp_path / "pyproject.toml").stat().st_size == SETTINGS_FILE_LIMIT
    assert load_all(tmp_path, {}, {}).settings.max_workers == 2
