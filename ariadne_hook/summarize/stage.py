"""The summarize stage: FunctionChange list -> Summary list, same order.

offline provider: every function gets the deterministic offline summary (openai is never imported), while
the run's deadline allows: past it the others are listed unsummarized (status "fallback", reason "deadline",
no text).
openai provider: skipped changes are listed, never sent; an unchanged body that only moved or was renamed,
a trivial change (comments, whitespace, imports) and a file no function parser reads need no request
(`route.py`); each other entry becomes a unit (`prompt.build_unit`, inside the deadline, in priority order);
the cache answers what it can, per unit; at most `max_llm_entries` of the rest are sent (by priority, the
others fall back with reason "budget"), packed into about `max_workers` requests (`pack.py`) that go through
the bounded pool (`pool.map_bounded`) with adaptive concurrency, retries and a deadline over the whole stage,
to the provider (`provider.open_provider`, or the one the caller passes to share what it learns about the
endpoint with the requests after this stage). A `pack.Rider` the caller passes (the walkthrough) rides in
the first round's smallest packed request; what the answer held for it is `SummarizeResult.ridden`. Every
answer, and every cached text, is judged
(`answers.judge`, `answers.Ledger`). A unit whose answer is no summary, or that a packed answer leaves out
(or gives invalid or not as JSON), is asked again alone, once (after an answer that was no summary: with
more room and a line saying why, `answers.reask`); a second failure keeps the offline summary with reason
"rejected: <why>" (a plain reason when the answer only lacked it). A packed request the endpoint's context
cannot hold is split in two; a single function too big for it falls back. Every failure becomes the offline
summary with status "fallback" and a short reason. Ctrl-C returns what is done, the rest as fallback
"interrupted", and sets `interrupted`.

Here the stage's entry points and the offline run; the model's run is `llm_run.py`, what the stage returns and
each entry's bookkeeping (fallbacks, reasons, the run's notes) `result.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ariadne_hook.config import Settings
from ariadne_hook.forked import map_shared
from ariadne_hook.models import FALLBACK, SUMMARIZED, FunctionChange, Summary
from ariadne_hook.summarize.moves import moved_summaries
from ariadne_hook.summarize.provider import Provider, open_provider, resolve_provider
from ariadne_hook.summarize.result import DEADLINE_REASON, Progress, SummarizeResult, offline_text, skipped
from ariadne_hook.words import plural

if TYPE_CHECKING:  # the model's run (packing, the pool, the rate limiter) is imported only for a model
    from ariadne_hook.summarize.llm_run import Prepared
    from ariadne_hook.summarize.pack import Rider

# entries to summarize offline (~0.5 ms each) before a forked helper (~30 ms to start) takes half of them
MIN_SHARED = 300


def summarize(
    changes: Sequence[FunctionChange],
    settings: Settings,
    cache_dir: Path | None,
    progress: Progress | None = None,
    deadline_at: float | None = None,
    provider: Provider | None = None,
    rider: Rider | None = None,
    prepared: Prepared | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> SummarizeResult:
    """``deadline_at``: the run's deadline, a ``time.monotonic()`` instant (default: ``settings.deadline``
    seconds from now).
    ``provider``: the run's provider (default: one for ``settings``, closed at the end). ``rider``: asked
    along with the first round (the walkthrough), when a packed request is sent and enough entries go to
    the model: its answer is `SummarizeResult.ridden`, for the caller to judge. ``prepared``: what
    :func:`prepare` made for these changes beforehand (else it is made here). ``meanwhile``: called once
    while the first requests' answers are awaited (what the caller needs after this stage, loaded early)."""
    deadline_at = time.monotonic() + settings.deadline if deadline_at is None else deadline_at
    if resolve_provider(settings) == "offline":
        return _offline(changes, progress, deadline_at, settings.deadline)
    from ariadne_hook.summarize.llm_run import LLMRun

    run = LLMRun(changes, settings, cache_dir, progress, deadline_at, provider, rider, prepared, meanwhile)
    return run.run()


def prepare(changes: Sequence[FunctionChange], settings: Settings, deadline_at: float) -> Prepared | None:
    """The model run's preparation for ``changes`` (`llm_run.prepare`: entries settled without a request,
    the prompt of each other, its cache key), which needs no SDK; None offline."""
    if resolve_provider(settings) == "offline":
        return None
    from ariadne_hook.summarize.llm_run import prepare as prepare_run

    provider = open_provider(settings)  # cheap: its name and model, for the cache keys
    return prepare_run(changes, settings, provider.name, provider.model, deadline_at)


def _offline(
    changes: Sequence[FunctionChange], progress: Progress | None, deadline_at: float, deadline: float
) -> SummarizeResult:
    """Offline summaries in entry order until ``deadline_at``; the rest unsummarized, reason "deadline"."""
    import ariadne_hook.summarize.offline  # noqa: F401  (loaded once here, not in each process sharing the work)

    moved = moved_summaries(changes)
    to_write = [c for i, c in enumerate(changes) if not c.skip_reason and not moved.get(i)]
    write = partial(_offline_texts, deadline_at=deadline_at)
    texts = iter(map_shared(write, to_write, [1] * len(to_write), MIN_SHARED))
    summaries: list[Summary] = []
    for i, c in enumerate(changes):
        if c.skip_reason:
            summaries.append(skipped(c))
        elif text := moved.get(i):
            summaries.append(Summary(c, SUMMARIZED, text))
        elif (written := next(texts)) is None:
            summaries.append(Summary(c, FALLBACK, "", DEADLINE_REASON))
        else:
            summaries.append(Summary(c, SUMMARIZED, written))
    if progress is not None:
        progress(len(summaries), len(summaries))
    late = sum(s.status == FALLBACK for s in summaries)
    were = "was" if late == 1 else "were"
    said = f"deadline of {deadline:g} s reached: {plural(late, 'entry')} {were} not summarized"
    notes = (said,) if late else ()
    return SummarizeResult(tuple(summaries), "offline", None, notes=notes)


def _offline_texts(changes: Sequence[FunctionChange], deadline_at: float) -> list[str | None]:
    """The offline summary of each change in order; None for those reached past ``deadline_at``."""
    return [None if time.monotonic() >= deadline_at else offline_text(c) for c in changes]


def dry_run(
    changes: Sequence[FunctionChange], settings: Settings, rider: Rider | None = None
) -> list[dict[str, Any]]:
    """The request bodies the first round would send for `changes` (after routing, redaction, exclusion,
    the entry budget and packing, with `rider`), without the cache, the SDK or the network. [] offline."""
    if resolve_provider(settings) == "offline":
        return []
    from ariadne_hook.summarize.llm_run import LLMRun

    deadline_at = time.monotonic() + settings.deadline
    return LLMRun(changes, settings, None, None, deadline_at, rider=rider).first_bodies()
