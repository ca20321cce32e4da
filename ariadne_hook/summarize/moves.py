"""The entries whose body did not change: they only moved or were renamed, and need no summary written and
no request (`moved_summaries`). The offline summarizer is imported only when such an entry is found: a model
run without one never loads it before its first request."""

from __future__ import annotations

from collections.abc import Sequence

from ariadne_hook.locate.align import rename_pairs
from ariadne_hook.models import FunctionChange


def rename_summary(old: FunctionChange, new: FunctionChange) -> str:
    """The summary of a deleted entry and an added entry with the same body, reported as one change."""
    text = (
        "Body unchanged." if old.qualname == new.qualname else f"Renamed from {old.qualname}; body unchanged."
    )
    if old.old_lines and new.new_lines:
        other_file = old.path != new.path
        source = f"{old.path}:{old.old_lines[0]}" if other_file else f"line {old.old_lines[0]}"
        target = f"{new.path}:{new.new_lines[0]}" if other_file else f"line {new.new_lines[0]}"
        text += f" Moved from {source} to {target}." if source != target else ""
    return text


def moved_summaries(changes: Sequence[FunctionChange]) -> dict[int, str]:
    """index -> summary for the entries whose body is unchanged: they only moved or were renamed.

    A modified entry with the same body on both sides, or a deleted entry and an added entry of the same file
    with the same body (name aside), paired as a rename. Such entries need no LLM call.
    """
    found: dict[int, str] = {}
    for i, c in enumerate(changes):
        old = c.old_facts.body_hash if c.old_facts else ""
        if c.change == "modified" and old and old == (c.new_facts.body_hash if c.new_facts else ""):
            from ariadne_hook.summarize.offline import offline_summary

            found[i] = offline_summary(c)
    for d, a in rename_pairs(changes).items():
        found[a] = rename_summary(changes[d], changes[a])
        found[d] = f"Renamed to {changes[a].qualname}; body unchanged (see there)."
    return found
