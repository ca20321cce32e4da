"""The render stage: a Report as text for one destination (pure functions, no I/O).

The formats of the review file (and of stdout) are named once, in :data:`FORMATS`: ``--format``'s choices,
the review file's default name and the function that renders it come from there. To add a format: one
module here with a function ``(report) -> str`` (the local form: text as is, terminal-safe), and its entry.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's fast path
if TYPE_CHECKING:
    from ariadne_hook.models import Report

# --format value -> (the review file's default name, "module:function" rendering a Report for it)
FORMATS: dict[str, tuple[str, str]] = {
    "markdown": ("review.md", "ariadne_hook.render.markdown:render_local"),
    "json": ("review.json", "ariadne_hook.render.json:render_json"),
}


def render(report: Report, fmt: str) -> str:
    """The review file's (or stdout's) text in format ``fmt`` (a key of :data:`FORMATS`); the renderer's
    module is imported here, only for the format asked."""
    import importlib

    module, _, function = FORMATS[fmt][1].partition(":")
    text: str = getattr(importlib.import_module(module), function)(report)
    return text
