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
endpoint with the requests after this stage). Every answer, and every cached text, is judged
(`answers.judge`, `answers.Ledger`). A unit whose answer is no summary, or that a packed answer leaves out
(or gives invalid or not as JSON), is asked again alone, once (after an answer that was no summary: with
more room and a line saying why, `answers.reask`); a second failure keeps the offline summary with reason
"rejected: <why>" (a plain reason when the answer only lacked it). A packed request the endpoint's context
cannot hold is split in two; a single function too big for it falls back. Every failure becomes the offline
summary with status "fallback" and a short reason. Ctrl-C returns what is done, the rest as fallback
"interrupted", and sets `interrupted`.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ariadne_hook.config import Settings
from ariadne_hook.endpoints import is_loopback
from ariadne_hook.models import CACHED, FALLBACK, SKIPPED, SUMMARIZED, FunctionChange, Summary
from ariadne_hook.summarize import answers, pack, route
from ariadne_hook.summarize.cache import SummaryCache, cache_key
from ariadne_hook.summarize.offline import moved_summaries, offline_summary
from ariadne_hook.summarize.pool import INTERRUPTED, Outcome, map_bounded
from ariadne_hook.summarize.prompt import TRIMMED, build_unit
from ariadne_hook.summarize.provider import (
    TOO_BIG,
    Answer,
    Provider,
    ProviderError,
    Requester,
    open_provider,
    resolve_provider,
)
from ariadne_hook.summarize.ratelimit import AdaptiveLimiter
from ariadne_hook.summarize.view import nested_entries
from ariadne_hook.words import plural

MOVED_REASON = "body unchanged (moved or renamed): no LLM call"
TIMEOUT_REASON = "timeout"

Progress = Callable[[int, int], None]
DEADLINE_REASON = "deadline"
# packed requests, packs split for a small context (16 -> 8 -> 4 -> 2 -> 1), units asked again alone
MAX_ROUNDS = 8


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


def summarize(
    changes: Sequence[FunctionChange],
    settings: Settings,
    cache_dir: Path | None,
    progress: Progress | None = None,
    end: float | None = None,
    provider: Provider | None = None,
) -> SummarizeResult:
    """``end``: the run's deadline on the monotonic clock (default: ``settings.deadline`` from now).
    ``provider``: the run's provider (default: one for ``settings``, closed at the end)."""
    end = time.monotonic() + settings.deadline if end is None else end
    if resolve_provider(settings) == "offline":
        return _offline(changes, progress, end, settings.deadline)
    return _LLMRun(changes, settings, cache_dir, progress, end, provider).run()


def _offline(
    changes: Sequence[FunctionChange], progress: Progress | None, end: float, deadline: float
) -> SummarizeResult:
    """Offline summaries in entry order until ``end``; the rest unsummarized, reason "deadline"."""
    moved = moved_summaries(changes)
    summaries: list[Summary] = []
    for i, c in enumerate(changes):
        if c.skip_reason:
            summaries.append(_skipped(c))
        elif text := moved.get(i):
            summaries.append(Summary(c, SUMMARIZED, text))
        elif time.monotonic() >= end:
            summaries.append(Summary(c, FALLBACK, "", DEADLINE_REASON))
        else:
            summaries.append(Summary(c, SUMMARIZED, _offline_text(c)))
    if progress is not None:
        progress(len(summaries), len(summaries))
    late = sum(s.status == FALLBACK for s in summaries)
    were = "was" if late == 1 else "were"
    said = f"deadline of {deadline:g} s reached: {plural(late, 'entry')} {were} not summarized"
    notes = (said,) if late else ()
    return SummarizeResult(tuple(summaries), "offline", None, notes=notes)


def _skipped(change: FunctionChange) -> Summary:
    return Summary(change, SKIPPED, "", change.skip_reason)


def _offline_text(change: FunctionChange) -> str:
    try:
        return offline_summary(change)
    except Exception as exc:  # a summarizer bug must not lose the whole report
        return f"{change.change.capitalize()} {change.kind} {change.qualname} ({type(exc).__name__})."


def _fallback(change: FunctionChange, reason: str) -> Summary:
    return Summary(change, FALLBACK, _offline_text(change), reason)


class _LLMRun:
    """State of one openai-provider run; each step fills `out` so Ctrl-C can return what is done."""

    def __init__(
        self,
        changes: Sequence[FunctionChange],
        settings: Settings,
        cache_dir: Path | None,
        progress: Progress | None,
        end: float,
        provider: Provider | None = None,
    ) -> None:
        self.changes = changes
        self.settings = settings
        self.provider = provider or open_provider(settings)
        self.owned = provider is None  # closed at the end of the stage, else by the caller
        self.model = self.provider.model
        self.provider_name = self.provider.name
        self.cache_dir = cache_dir
        self.progress = progress
        self.end = end
        self.out: list[Summary | None] = [None] * len(changes)
        self.notes: list[str] = []
        self.requests = 0
        self.tokens = [0, 0]  # prompt, completion
        self.fatal: str | None = None  # why the configuration cannot work, once known
        self.interrupted = False
        self.split = 0  # packed requests the endpoint's context could not hold
        self.done = 0  # entries settled, for progress
        self.ledger: answers.Ledger[int] = answers.Ledger(pack.LACKS)  # per unit index

    def run(self) -> SummarizeResult:
        cache: SummaryCache | None = None
        try:
            units = self._prepare()
            cache = self._open_cache()
            hits = cache.get_many([u.key for u in units]) if cache else {}
            self._warn_cache(cache)
            misses = self._within_budget([u for u in units if not self._from_cache(u, hits)])
            fresh = self._ask(misses) if misses else []
            if cache is not None:
                cache.put_many(fresh)
                self._warn_cache(cache)
        except KeyboardInterrupt:
            self.interrupted = True
        finally:
            if cache is not None:
                cache.close()
        return self._result()

    def first_bodies(self) -> list[dict[str, Any]]:
        """The bodies of the first round of requests, as they would be sent (no cache, nothing sent)."""
        units = self._within_budget(self._prepare())
        return [self.provider.body(pack.ask(r)) for r in self._plan(units)]

    # ------------------------------------------------------------------------------------- preparation
    def _prepare(self) -> list[pack.Unit]:
        """Entries that need no request are settled here; a unit for each other, built in priority order
        while the deadline allows (the rest fall back with reason "deadline")."""
        moved = moved_summaries(self.changes)
        wanted: list[int] = []
        for i, change in enumerate(self.changes):
            if change.skip_reason:
                self.out[i] = _skipped(change)
            elif i in moved:
                self.out[i] = Summary(change, SUMMARIZED, moved[i], MOVED_REASON)
            elif reason := route.offline_reason(
                change, self.settings.llm_non_code, self.settings.code_languages
            ):
                self.out[i] = Summary(change, SUMMARIZED, _offline_text(change), reason)
            else:
                wanted.append(i)
        wanted.sort(key=lambda i: route.priority(self.changes[i]))
        by_path: dict[str, list[FunctionChange]] = {}
        for change in self.changes:
            by_path.setdefault(change.path, []).append(change)
        secrets = (self.settings.api_key,) if self.settings.api_key else ()
        units: list[pack.Unit] = []
        unbuilt = 0
        for i in wanted:
            change = self.changes[i]
            if time.monotonic() >= self.end:
                self.out[i] = _fallback(change, DEADLINE_REASON)
                unbuilt += 1
                continue
            nested = nested_entries(change, by_path[change.path])
            built = build_unit(change, self.settings.max_prompt_chars, secrets, nested)
            key = cache_key(self.provider_name, self.settings.base_url, self.model, built.text)
            units.append(pack.Unit(i, change.path, built.text, key, built.trimmed))
        if unbuilt:
            never = plural(unbuilt, "function")
            self.notes.append(f"deadline reached while building prompts: {never} never sent")
        self.done = sum(s is not None for s in self.out)
        return units

    def _within_budget(self, units: list[pack.Unit]) -> list[pack.Unit]:
        """At most `max_llm_entries` units (already in priority order); the others fall back ("budget")."""
        cap = self.settings.max_llm_entries
        for unit in units[cap:]:
            self.out[unit.index] = _fallback(self.changes[unit.index], route.BUDGET)
        if len(units) > cap:
            self.notes.append(
                f"entry budget of {cap} reached: {plural(len(units) - cap, 'entry')} got offline summaries"
            )
        return units[:cap]

    def _open_cache(self) -> SummaryCache | None:
        if not self.settings.cache or self.cache_dir is None:
            return None
        return SummaryCache.open(self.cache_dir)

    def _warn_cache(self, cache: SummaryCache | None) -> None:
        if cache is not None and cache.warning and cache.warning not in self.notes:
            self.notes.append(cache.warning)

    def _from_cache(self, unit: pack.Unit, hits: dict[str, str]) -> bool:
        text = hits.get(unit.key)
        if text is None or not answers.judge(text, prompt=unit.text).ok:  # an older version's garble: ask
            return False
        self.out[unit.index] = Summary(self.changes[unit.index], CACHED, text, _trim_reason(unit))
        self.ledger.accepted[unit.index] = text
        self.done += 1
        return True

    def _plan(self, units: Sequence[pack.Unit]) -> list[pack.Request]:
        """Requests for `units` (in priority order): same-file units together within a tier (source,
        tests); the requests ordered by tier, then the largest changes first."""

        def position(unit: pack.Unit) -> tuple[int, str, int]:
            change = self.changes[unit.index]
            return route.tier(change), unit.path, change.first_line

        ordered = sorted(units, key=position)
        requests: list[pack.Request] = []
        s = self.settings
        budget = s.max_prompt_chars
        for tier in sorted({position(u)[0] for u in ordered}):
            group = [u for u in ordered if position(u)[0] == tier]
            workers = max(1, math.ceil(s.max_workers * len(group) / len(ordered)))
            requests += pack.plan(group, workers, s.max_per_request, budget)

        def weight(request: pack.Request) -> tuple[int, int]:
            changes = [self.changes[u.index] for u in request.units]
            return route.tier(changes[0]), -sum(route.changed_lines(c) for c in changes)

        return sorted(requests, key=weight)

    # ---------------------------------------------------------------------------------------- requests
    def _ask(self, units: list[pack.Unit]) -> list[tuple[str, str]]:
        """Send the units; fill their summaries; the (cache key, text) pairs that succeeded."""
        # connecting imports the SDK (~1 s; several on a busy machine): within the deadline too
        provider = self.provider
        learned = len(provider.learned())
        built = map_bounded(
            lambda _: provider.connect(),
            [None],
            1,
            deadline=max(0.0, self.end - time.monotonic()),
            join_on_interrupt=False,
            join_at_deadline=False,
        )[0]
        if not built.ok:
            if isinstance(built.error, ProviderError):
                self.fatal = built.error.reason
            for unit in units:
                self.out[unit.index] = _fallback(self.changes[unit.index], outcome_reason(built))
            self.interrupted = self.interrupted or built.not_run == INTERRUPTED
            if self.owned:
                provider.close()
            return []
        fresh: list[tuple[str, str]] = []
        try:
            requester = Requester(self.settings.timeout, self.end)
            limiter = AdaptiveLimiter(self.settings.max_workers, self.settings.retries)
            pending = self._plan(units)
            for _ in range(MAX_ROUNDS):
                if not pending or self.interrupted:
                    break
                outcomes = self._round(pending, provider, requester, limiter)
                pending = self._settle(pending, outcomes, fresh)
            for request in [] if self.interrupted else pending:  # after MAX_ROUNDS: not expected
                for unit in request.units:
                    self.out[unit.index] = _fallback(self.changes[unit.index], "no answer")
        finally:
            if self.owned:
                provider.close()
        self.requests, self.fatal = requester.requests, requester.broken
        self.notes += provider.learned()[learned:]
        self._size_notes()
        if limiter.lowest < limiter.max_workers:
            self.notes.append(
                f"rate limited: concurrency lowered to {limiter.lowest} of {limiter.max_workers}"
            )
        return fresh

    def _round(
        self,
        requests: list[pack.Request],
        provider: Provider,
        requester: Requester,
        limiter: AdaptiveLimiter,
    ) -> list[Outcome[Answer]]:
        def attempt(request: pack.Request) -> Answer:
            ask = pack.ask(request)
            return requester.send(lambda timeout: provider.complete(ask, timeout=timeout))

        return map_bounded(
            attempt,
            requests,
            self.settings.max_workers,
            deadline=max(0.0, self.end - time.monotonic()),
            limiter=limiter,
            progress=self._progress_of(requests),
            join_on_interrupt=False,  # Ctrl-C: write what is done now; the CLI then ends the process
            join_at_deadline=False,  # the same at the deadline, whatever the server does
        )

    def _progress_of(self, requests: list[pack.Request]) -> Progress | None:
        report = self.progress
        if report is None:
            return None
        total, already = len(self.changes), self.done
        units = sum(len(r.units) for r in requests)
        return lambda done, count: report(min(total, already + units * done // max(1, count)), total)

    def _settle(
        self,
        requests: list[pack.Request],
        outcomes: list[Outcome[Answer]],
        fresh: list[tuple[str, str]],
    ) -> list[pack.Request]:
        """Record a round's answers; the requests of the next round."""
        again: list[pack.Request] = []
        alone: list[tuple[pack.Unit, str | None]] = []  # (unit, why its answer was no summary)
        for request, outcome in zip(requests, outcomes, strict=True):
            if outcome.ok and outcome.value is not None:
                self._count(outcome.value)
                for part in pack.parts(request, outcome.value):
                    unit = part.unit
                    self.ledger.record(unit.index, part.text, cut=part.cut, prompt=unit.text, lack=part.lack)
                continue
            reason = outcome_reason(outcome)
            if reason == TOO_BIG and request.structured:  # the endpoint's context is smaller: halve it
                self.split += 1
                again += pack.halves(request)
            elif request.structured and reason == pack.NOT_JSON:
                alone += [(u, None) for u in request.units]
            else:
                for unit in request.units:
                    self.out[unit.index] = _fallback(self.changes[unit.index], reason)
        units = {u.index: u for r in requests for u in r.units}
        settled = self.ledger.settle()
        for index, text in settled.accepted.items():
            self.out[index] = Summary(self.changes[index], SUMMARIZED, text, _trim_reason(units[index]))
            fresh.append((units[index].key, text))
        for index, reason in settled.failed.items():
            self.out[index] = _fallback(self.changes[index], reason)
        alone += [(units[i], problem) for i, problem in settled.again.items()]
        self.interrupted = self.interrupted or any(o.not_run == INTERRUPTED for o in outcomes)
        alone.sort(key=lambda pair: route.priority(self.changes[pair[0].index]))
        self.done = sum(s is not None for s in self.out)
        return again + [pack.Request((u,), False, problem) for u, problem in alone]

    def _count(self, answer: Answer) -> None:
        self.tokens[0] += answer.prompt_tokens
        self.tokens[1] += answer.completion_tokens

    def _size_notes(self) -> None:
        """What the endpoint's context size cost: packs split, functions too big on their own."""
        alone = sum(1 for s in self.out if s is not None and s.reason == TOO_BIG)
        if self.split:
            self.notes.append(
                f"the endpoint's context could not hold {self.split} packed requests: each was split in two "
                "and sent again (ARIADNE_MAX_PROMPT_CHARS sets the size of a request)"
            )
        if alone:
            self.notes.append(
                f"{alone} functions too big for the endpoint's context on their own got offline summaries "
                "(a lower ARIADNE_MAX_PROMPT_CHARS trims them)"
            )

    def _result(self) -> SummarizeResult:
        summaries = tuple(
            s if s is not None else _fallback(c, INTERRUPTED)
            for s, c in zip(self.out, self.changes, strict=True)
        )
        return SummarizeResult(
            summaries,
            self.provider_name,
            self.model,
            self.requests,
            tuple(self.notes + _run_notes(summaries, self.settings, self.fatal)),
            self.interrupted,
            self.tokens[0],
            self.tokens[1],
        )


def dry_run(changes: Sequence[FunctionChange], settings: Settings) -> list[dict[str, Any]]:
    """The request bodies the first round would send for `changes` (after routing, redaction, exclusion,
    the entry budget and packing), without the cache, the SDK or the network. [] offline."""
    if resolve_provider(settings) == "offline":
        return []
    return _LLMRun(changes, settings, None, None, time.monotonic() + settings.deadline).first_bodies()


def start_sdk_import(settings: Settings) -> threading.Thread | None:
    """When the model will be asked, import the openai SDK (~0.5-0.9 s) in a short-lived thread while git
    and locate work; the caller joins it before summarizing. None (nothing started) offline."""
    if resolve_provider(settings) == "offline":
        return None

    def load() -> None:
        with contextlib.suppress(Exception):  # a failure is reported when the provider is built
            import openai  # noqa: F401

    thread = threading.Thread(target=load, name="ariadne-sdk-import", daemon=True)
    thread.start()
    return thread


def slow_hint(timeout: float) -> str:
    """What to do when a local server answers more slowly than the timeout (a CPU server under load)."""
    return (
        f"the endpoint took > {timeout:g} s per request: raise --timeout (and --deadline), "
        "or lower --max-workers to the server's parallel slots"
    )


def _trim_reason(unit: pack.Unit) -> str | None:
    return TRIMMED if unit.trimmed else None


def outcome_reason(outcome: Outcome[Any]) -> str:
    """The one wording of a failed outcome (the stage's and the walkthrough's)."""
    if outcome.not_run is not None:
        return outcome.not_run
    if isinstance(outcome.error, ProviderError):
        return outcome.error.reason
    return f"unexpected error ({type(outcome.error).__name__})"


def _run_notes(summaries: Sequence[Summary], settings: Settings, fatal: str | None) -> list[str]:
    """Run-level warnings: the deadline, a local server slower than the timeout, a configuration that cannot
    work, an interrupt."""
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
