"""The source stage: what changed, as (SourceInfo, [FileChange]). GitPython is imported lazily.

The names below are loaded on first access, so that the hook's no-op path (``source.root``,
``source.noop``, ``source.exclude``) does not import the diff machinery.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from ariadne_hook.source.exclude import apply_excludes
    from ariadne_hook.source.git import SourceError, from_patch_text, revision_range, staged
    from ariadne_hook.source.patch import PatchError, PatchFile, parse_patch
    from ariadne_hook.source.root import find_repo_root

__all__ = [
    "PatchError",
    "PatchFile",
    "SourceError",
    "apply_excludes",
    "find_repo_root",
    "from_patch_text",
    "parse_patch",
    "revision_range",
    "staged",
]
_HOMES = {
    "apply_excludes": "exclude",
    "SourceError": "git",
    "from_patch_text": "git",
    "revision_range": "git",
    "staged": "git",
    "PatchError": "patch",
    "PatchFile": "patch",
    "parse_patch": "patch",
    "find_repo_root": "root",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ariadne_hook.source' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"ariadne_hook.source.{home}"), name)
