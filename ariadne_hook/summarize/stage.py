"""The summarize stage: FunctionChange list -> Summary list, same order.

offline provider: every function gets the deterministic offline summary (openai is never imported).
openai provider, per function: skipped changes are listed, never sent; an unchanged body that only moved or
was renamed needs no request; the cache answers what it can; the rest go through the bounded pool
(`pool.map_bounded`) with adaptive concurrency, retries and a deadline over the whole stage. Every failure
becomes the offline summary with status "fallback" and a short reason. Ctrl-C returns what is done, the
rest as fallback "interrupted", and sets `interrupted`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ariadne_hook.config import Settings
from ariadne_hook.models import CACHED, FALLBACK, SKIPPED, SUMMARIZED, FunctionChange, Summary
from ariadne_hook.summarize.cache import SummaryCache, cache_key
from ariadne_hook.summarize.offline import moved_summaries, offline_summary
from ariadne_hook.summarize.pool import INTERRUPTED, Outcome, map_bounded
from ariadne_hook.summarize.prompt import TRIMMED, BuiltPrompt, build_prompt
from ariadne_hook.summarize.provider import Provider, ProviderError, Requester
from ariadne_hook.summarize.ratelimit import AdaptiveLimiter

MOVED_REASON = "body unchanged (moved or renamed): no LLM call"

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


def resolve_provider(settings: Settings) -> str:
    """auto: openai when a key or a base URL is configured, else offline."""
    if settings.provider != "auto":
        return settings.provider
    return "openai" if settings.api_key or settings.base_url else "offline"


def summarize(
    changes: Sequence[FunctionChange],
    settings: Settings,
    cache_dir: Path | None,
    progress: Progress | None = None,
) -> SummarizeResult:
    end = time.monotonic() + settings.deadline
    if resolve_provider(settings) == "offline":
        return _offline(changes, progress)
    return _LLMRun(changes, settings, cache_dir, progress, end).run()


def _offline(changes: Sequence[FunctionChange], progress: Progress | None) -> SummarizeResult:
    moved = moved_summaries(changes)
    summaries = tuple(
        _skipped(c) if c.skip_reason else Summary(c, SUMMARIZED, moved.get(i) or _offline_text(c))
        for i, c in enumerate(changes)
    )
    if progress is not None:
        progress(len(summaries), len(summaries))
    return SummarizeResult(summaries, "offline", None)


def _skipped(change: FunctionChange) -> Summary:
    return Summary(change, SKIPPED, "", change.skip_reason)


def _offline_text(change: FunctionChange) -> str:
    try:
        return offline_summary(change)
    except Exception as exc:  # a summarizer bug must not lose the whole report
        return f"{change.change.capitalize()} {change.kind} {change.qualname} ({type(exc).__name__})."


def _fallback(change: FunctionChange, reason: str) -> Summary:
    return Summary(change, FALLBACK, _offline_text(change), reason)


@dataclass(frozen=True)
class _Job:
    index: int
    prompt: BuiltPrompt
    key: str


class _LLMRun:
    """State of one openai-provider run; each step fills `out` so Ctrl-C can return what is done."""

    def __init__(
        self,
        changes: Sequence[FunctionChange],
        settings: Settings,
        cache_dir: Path | None,
        progress: Progress | None,
        end: float,
    ) -> None:
        from ariadne_hook.summarize.openai_provider import DEFAULT_MODEL, provider_name

        self.changes = changes
        self.settings = settings
        self.model = settings.model or DEFAULT_MODEL
        self.provider_name = provider_name(settings.base_url, settings.azure_api_version)
        self.cache_dir = cache_dir
        self.progress = progress
        self.end = end
        self.out: list[Summary | None] = [None] * len(changes)
        self.notes: list[str] = []
        self.requests = 0
        self.fatal: str | None = None  # why the configuration cannot work, once known
        self.interrupted = False

    def run(self) -> SummarizeResult:
        cache: SummaryCache | None = None
        try:
            jobs = self._prepare()
            cache = self._open_cache()
            hits = cache.get_many([j.key for j in jobs]) if cache else {}
            self._warn_cache(cache)
            misses = [j for j in jobs if not self._from_cache(j, hits)]
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

    def _prepare(self) -> list[_Job]:
        """Skipped and moved entries are settled here; a job for each of the others."""
        moved = moved_summaries(self.changes)
        secrets = (self.settings.api_key,) if self.settings.api_key else ()
        jobs: list[_Job] = []
        for i, change in enumerate(self.changes):
            if change.skip_reason:
                self.out[i] = _skipped(change)
            elif i in moved:
                self.out[i] = Summary(change, SUMMARIZED, moved[i], MOVED_REASON)
            else:
                prompt = build_prompt(change, self.settings.max_prompt_chars, secrets)
                key = cache_key(self.provider_name, self.settings.base_url, self.model, prompt.text)
                jobs.append(_Job(i, prompt, key))
        return jobs

    def _open_cache(self) -> SummaryCache | None:
        if not self.settings.cache or self.cache_dir is None:
            return None
        return SummaryCache.open(self.cache_dir)

    def _warn_cache(self, cache: SummaryCache | None) -> None:
        if cache is not None and cache.warning and cache.warning not in self.notes:
            self.notes.append(cache.warning)

    def _from_cache(self, job: _Job, hits: dict[str, str]) -> bool:
        text = hits.get(job.key)
        if text is None:
            return False
        self.out[job.index] = Summary(self.changes[job.index], CACHED, text, _trim_reason(job.prompt))
        return True

    def _ask(self, jobs: list[_Job]) -> list[tuple[str, str]]:
        """Send the jobs; fill their summaries; the (cache key, text) pairs that succeeded."""
        # building the provider imports openai (~1 s; several on a busy machine): within the deadline too
        built = map_bounded(
            lambda _: self._provider(),
            [None],
            1,
            deadline=max(0.0, self.end - time.monotonic()),
            join_on_interrupt=False,
            join_at_deadline=False,
        )[0]
        if not built.ok or built.value is None:
            if isinstance(built.error, ProviderError):
                self.fatal = built.error.reason
            failed: Outcome[str] = Outcome(error=built.error, not_run=built.not_run)
            self._settle(jobs, [failed] * len(jobs))
            return []
        provider = built.value
        try:
            requester = Requester(provider, self.settings.timeout, self.end)
            limiter = AdaptiveLimiter(self.settings.max_workers, self.settings.retries)
            outcomes = map_bounded(
                lambda job: requester(job.prompt.text),
                jobs,
                self.settings.max_workers,
                deadline=max(0.0, self.end - time.monotonic()),
                limiter=limiter,
                progress=self._progress_from(len(self.changes) - len(jobs)),
                join_on_interrupt=False,  # Ctrl-C: write what is done now; the CLI then ends the process
                join_at_deadline=False,  # the same at the deadline, whatever the server does
            )
        finally:
            provider.close()
        self.requests, self.fatal = requester.requests, requester.broken
        if limiter.lowest < limiter.max_workers:
            self.notes.append(
                f"rate limited: concurrency lowered to {limiter.lowest} of {limiter.max_workers}"
            )
        return self._settle(jobs, outcomes)

    def _provider(self) -> Provider:
        from ariadne_hook.summarize.openai_provider import OpenAIProvider

        s = self.settings
        return OpenAIProvider(self.model, s.base_url, s.api_key, s.timeout, s.azure_api_version)

    def _progress_from(self, already: int) -> Progress | None:
        report = self.progress
        if report is None:
            return None
        total = len(self.changes)
        return lambda done, _: report(already + done, total)

    def _settle(self, jobs: list[_Job], outcomes: list[Outcome[str]]) -> list[tuple[str, str]]:
        fresh: list[tuple[str, str]] = []
        for job, outcome in zip(jobs, outcomes, strict=True):
            change = self.changes[job.index]
            if outcome.ok and outcome.value is not None:
                self.out[job.index] = Summary(change, SUMMARIZED, outcome.value, _trim_reason(job.prompt))
                fresh.append((job.key, outcome.value))
            else:
                self.out[job.index] = _fallback(change, _reason(outcome))
        self.interrupted = self.interrupted or any(o.not_run == INTERRUPTED for o in outcomes)
        return fresh

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
            tuple(self.notes + _run_notes(summaries, self.settings.deadline, self.fatal)),
            self.interrupted,
        )


def _trim_reason(prompt: BuiltPrompt) -> str | None:
    return TRIMMED if prompt.trimmed else None


def _reason(outcome: Outcome[str]) -> str:
    if outcome.not_run is not None:
        return outcome.not_run
    if isinstance(outcome.error, ProviderError):
        return outcome.error.reason
    return f"unexpected error ({type(outcome.error).__name__})"


def _run_notes(summaries: Sequence[Summary], deadline: float, fatal: str | None) -> list[str]:
    """Run-level warnings: the deadline, a configuration that cannot work, an interrupt."""
    notes: list[str] = []
    reasons = [s.reason for s in summaries if s.status == FALLBACK]
    late = reasons.count(DEADLINE_REASON)
    if late:
        notes.append(f"deadline of {deadline:g} s reached: {late} functions got offline summaries")
    if fatal is not None:
        notes.append(f"LLM configuration failed ({fatal}): the rest fell back")
    stopped = reasons.count(INTERRUPTED)
    if stopped:
        notes.append(f"interrupted: {stopped} functions got offline summaries")
    return notes
