"""What the summarize stage returns (`SummarizeResult`) and the bookkeeping of its entries: the summary of an
entry that gets no answer (skipped, the offline text as a fallback with its reason), the one wording of a
failed request, and the run-level notes (the deadline, a slow local server, a configuration that cannot work,
an interrupt, rejected answers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ariadne_hook.config import Settings
from ariadne_hook.endpoints import is_loopback
from ariadne_hook.models import FALLBACK, SKIPPED, FunctionChange, Summary
from ariadne_hook.summarize.provider import ProviderError
from ariadne_hook.words import plural

if TYPE_CHECKING:  # an offline run never imports the model's run (pack, pool...)
    from ariadne_hook.summarize import pack
    from ariadne_hook.summarize.pool import Outcome

MOVED_REASON = "body unchanged (moved or renamed): no LLM call"
TIMEOUT_REASON = "timeout"

Progress = Callable[[int, int], None]
DEADLINE_REASON = "deadline"


@dataclass(frozen=True)
class SummarizeResult:
    summaries: tuple[Summary, ...]
    provider: str  # "offline" | "openai"
    model: str | None
    requests: int = 0
    notes: tuple[str, ...] = ()
    interrupted: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    ridden: pack.RiderAnswer | None = None  # what the answer held for the rider, when one was asked


def skipped(change: FunctionChange) -> Summary:
    return Summary(change, SKIPPED, "", change.skip_reason)


def offline_text(change: FunctionChange) -> str:
    from ariadne_hook.summarize.offline import offline_summary  # a model run loads it when it first needs it

    try:
        return offline_summary(change)
    except Exception as exc:  # a summarizer bug must not lose the whole report
        return f"{change.change.capitalize()} {change.kind} {change.qualname} ({type(exc).__name__})."


def fallback(change: FunctionChange, reason: str) -> Summary:
    return Summary(change, FALLBACK, offline_text(change), reason)


def slow_hint(timeout: float) -> str:
    """What to do when a local server answers more slowly than the timeout (a CPU server under load)."""
    return (
        f"the endpoint took > {timeout:g} s per request: raise --timeout (and --deadline), "
        "or lower --max-workers to the server's parallel slots"
    )


def trim_reason(unit: pack.Unit) -> str | None:
    from ariadne_hook.summarize.prompt import TRIMMED

    return TRIMMED if unit.trimmed else None


def outcome_reason(outcome: Outcome[Any]) -> str:
    """The one wording of a failed outcome (the stage's and the walkthrough's)."""
    if outcome.not_run is not None:
        return outcome.not_run
    if isinstance(outcome.error, ProviderError):
        return outcome.error.reason
    return f"unexpected error ({type(outcome.error).__name__})"


def run_notes(summaries: Sequence[Summary], settings: Settings, fatal: str | None) -> list[str]:
    """Run-level warnings: the deadline, a local server slower than the timeout, a configuration that cannot
    work, an interrupt."""
    from ariadne_hook.summarize import answers
    from ariadne_hook.summarize.pool import INTERRUPTED

    notes: list[str] = []
    reasons = [s.reason for s in summaries if s.status == FALLBACK]
    late = reasons.count(DEADLINE_REASON)
    if late:
        notes.append(
            f"deadline of {settings.deadline:g} s reached: {plural(late, 'function')} got offline summaries"
        )
    slow = reasons.count(TIMEOUT_REASON)
    if slow and settings.base_url and is_loopback(settings.base_url):
        notes.append(slow_hint(settings.timeout) + f" ({plural(slow, 'function')} timed out)")
    if fatal is not None:
        notes.append(f"LLM configuration failed ({fatal}): the rest fell back")
    stopped = reasons.count(INTERRUPTED)
    if stopped:
        notes.append(f"interrupted: {plural(stopped, 'function')} got offline summaries")
    refused = answers.rejection_note(reasons)
    return [*notes, refused] if refused else notes
