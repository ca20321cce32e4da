"""ariadne-hook: tells a reviewer, function by function, what a change does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["LLMClient", "__version__"]

if TYPE_CHECKING:
    from ariadne_hook.summarize.client import LLMClient


def __getattr__(name: str) -> Any:
    """`LLMClient` is imported on first access, so `import ariadne_hook` stays light (no openai)."""
    if name == "LLMClient":
        from ariadne_hook.summarize.client import LLMClient

        return LLMClient
    raise AttributeError(f"module 'ariadne_hook' has no attribute {name!r}")
