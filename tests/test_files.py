"""Atomic writes and the self-ignoring .ariadne/ folder."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from ariadne_hook.publish.files import atomic_write, review_target, write_review
from tests.gitutil import commit_all, git, init_repo, write


def test_ariadne_dir_ignores_itself_without_touching_the_users_gitignore(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    write(repo, ".gitignore", "build/\n")
    commit_all(repo)
    target = review_target(repo, None, None, "markdown")
    assert target is not None and target.path == repo.resolve() / ".ariadne" / "review.md"
    write_review(target, "x")
    folder = target.path.parent
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (repo / ".gitignore").read_text() == "build/\n"
    assert git(repo, "status", "--porcelain") == ""


def test_atomic_write_leaves_no_temporary_files_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out" / "review.md"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["review.md"]


def test_concurrent_writers_leave_one_complete_file(tmp_path: Path) -> None:
    target = tmp_path / "review.md"
    texts = [str(i) * 100_000 for i in range(8)]
    threads = [threading.Thread(target=atomic_write, args=(target, t)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert target.read_text() in texts
    assert [p.name for p in tmp_path.iterdir()] == ["review.md"]


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "review.md"
    atomic_write(target, "old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(target, "new \udcff")  # a lone surrogate cannot be encoded
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["review.md"]


@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_a_committed_ariadne_symlink_or_file_is_never_written_through(tmp_path: Path, kind: str) -> None:
    """A repository that commits ``.ariadne`` as a symlink cannot make the hook write outside it."""
    from ariadne_hook.cli import main

    outside = tmp_path / "outside"
    outside.mkdir()
    repo = init_repo(tmp_path / "r")
    if kind == "symlink":
        (repo / ".ariadne").symlink_to(outside, target_is_directory=True)
    else:
        write(repo, ".ariadne", "not a folder\n")
    write(repo, "app.py", "def f(x):\n    return x\n")
    commit_all(repo, "first")
    write(repo, "app.py", "def f(x):\n    return x + 1\n")
    git(repo, "add", "app.py")
    env = {"HOME": str(tmp_path), "PATH": os.environ["PATH"], "PRE_COMMIT": "1"}
    assert main(["--repo", str(repo)], environ=env) == 0  # never blocks the commit
    assert list(outside.iterdir()) == []
    assert main(["--repo", str(repo), "--strict"], environ=env) == 1
    assert list(outside.iterdir()) == []
