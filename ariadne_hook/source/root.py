"""Which working tree a path is in: a walk up the directory tree, no subprocess (the no-op path needs it).

Kept apart from :mod:`ariadne_hook.source.git` so that finding the root imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def git_dirs(root: Path) -> tuple[Path, Path] | None:
    """(git dir, common git dir) of the working tree at ``root``, read from ``.git`` without a subprocess.

    ``.git`` is the git dir itself, or a file ``gitdir: PATH`` (a linked worktree, a submodule; PATH may be
    relative to ``root``). A linked worktree's git dir names the shared one in its ``commondir`` file.
    None when ``.git`` cannot be read.
    """
    dot_git = root / ".git"
    try:
        if dot_git.is_dir():
            git_dir = dot_git
        else:
            text = dot_git.read_text(encoding="utf-8").strip()
            if not text.startswith("gitdir:"):
                return None
            git_dir = (root / text[len("gitdir:") :].strip()).resolve()
        common = git_dir
        commondir = git_dir / "commondir"
        if commondir.is_file():
            common = (git_dir / commondir.read_text(encoding="utf-8").strip()).resolve()
    except (OSError, UnicodeDecodeError):
        return None
    return (git_dir, common) if (common / "HEAD").is_file() or (git_dir / "HEAD").is_file() else None


def user_cache_home(environ: Mapping[str, str]) -> Path | None:
    """``$XDG_CACHE_HOME/ariadne-hook`` (default ``~/.cache/ariadne-hook``); None without a home."""
    from ariadne_hook.config_sources import xdg_dir

    return xdg_dir(environ, "XDG_CACHE_HOME", ".cache")


def cache_dir(root: Path | None, environ: Mapping[str, str]) -> Path | None:
    """Where the summary cache lives: ``<common git dir>/ariadne`` (shared by linked worktrees), or the user's
    cache folder outside a repository. Never a folder of the working tree: a file that git could track (and a
    pull request could forge) is never read as cache. None when no such folder can be made."""
    dirs = git_dirs(root) if root is not None else None
    folder = dirs[1] / "ariadne" if dirs is not None else user_cache_home(environ)
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        resolved = folder.resolve()
    except OSError:
        return None
    if root is not None:
        top = root.resolve()
        if _below(resolved, top) and not _below(resolved, top / ".git"):
            return None  # a folder git could track: never trusted as cache
    return folder


def _below(path: Path, top: Path) -> bool:
    return path == top or top in path.parents
