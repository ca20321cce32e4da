"""ariadne-hook: tells a reviewer, function by function, what a change does."""

from __future__ import annotations

__version__ = "0.2.0"
__all__ = ["LLMClient", "__version__"]

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy honours the name)
if TYPE_CHECKING:
    from typing import Any

    from ariadne_hook.summarize.client import LLMClient


def __getattr__(name: str) -> Any:
    """`LLMClient` is imported on first access, so `import ariadne_hook` stays light (no openai)."""
    if name == "LLMClient":
        from ariadne_hook.summarize.client import LLMClient

        return LLMClient
    raise AttributeError(f"module 'ariadne_hook' has no attribute {name!r}")
