"""Atomic writes and the self-ignoring .ariadne/ folder."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ariadne_hook.publish.files import ariadne_dir, atomic_write
from tests.gitutil import commit_all, git, init_repo, write


def test_ariadne_dir_ignores_itself_without_touching_the_users_gitignore(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    write(repo, ".gitignore", "build/\n")
    commit_all(repo)
    folder = ariadne_dir(repo)
    atomic_write(folder / "review.md", "x")
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
