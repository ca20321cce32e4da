"""Which working tree a path is in: a walk up the directory tree, no subprocess (the no-op path needs it).

Kept apart from :mod:`ariadne_hook.source.git` so that finding the root imports nothing heavy.
"""

from __future__ import annotations

from pathlib import Path


def find_repo_root(path: Path) -> Path | None:
    """The working tree root that contains path (walks up looking for ``.git``); None outside a repository.

    ``.git`` is a directory with a ``HEAD`` (a repository) or a file (a linked worktree or a submodule's
    ``gitdir:`` pointer): the nearest one wins, as with git itself.
    """
    try:
        current = path.resolve()
    except OSError:
        return None
    for candidate in (current, *current.parents):
        dot_git = candidate / ".git"
        if dot_git.is_file() or (dot_git / "HEAD").is_file():
            return candidate
    return None
