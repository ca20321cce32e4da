"""The source stage: what changed, as (SourceInfo, [FileChange]). GitPython is imported lazily."""

from ariadne_hook.source.exclude import apply_excludes
from ariadne_hook.source.git import SourceError, find_repo_root, from_patch_text, revision_range, staged
from ariadne_hook.source.patch import PatchError, PatchFile, parse_patch

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
