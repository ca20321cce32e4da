"""One run of the model's provider over a stage's entries (see stage.py): routing, units built inside the
deadline, the cache, the entry budget, packed requests through the bounded pool in rounds (a pack the
endpoint's context cannot hold split in two, a unit whose answer is no summary asked again alone), each
entry's summary or fallback recorded as it settles."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ariadne_hook.config import Settings
from ariadne_hook.models import CACHED, SUMMARIZED, FunctionChange, Summary
from ariadne_hook.summarize import answers, pack, route
from ariadne_hook.summarize.cache import SummaryCache, cache_key
from ariadne_hook.summarize.moves import moved_summaries
from ariadne_hook.summarize.pool import INTERRUPTED, Outcome, map_bounded
from ariadne_hook.summarize.prompt import build_unit
from ariadne_hook.summarize.provider import (
    TOO_BIG,
    Answer,
    Provider,
    ProviderError,
    Requester,
    open_provider,
)
from ariadne_hook.summarize.ratelimit import AdaptiveLimiter
from ariadne_hook.summarize.result import (
    DEADLINE_REASON,
    MOVED_REASON,
    Progress,
    SummarizeResult,
    fallback,
    offline_text,
    outcome_reason,
    run_notes,
    skipped,
    trim_reason,
)
from ariadne_hook.summarize.view import nested_entries
from ariadne_hook.words import plural

# packed requests, packs split for a small context (16 -> 8 -> 4 -> 2 -> 1), units asked again alone
MAX_ROUNDS = 8


@dataclass(frozen=True)
class Prepared:
    """What a run can settle and build before the SDK is needed (`prepare`)."""

    out: tuple[Summary | None, ...]  # per change: settled here (skipped, moved, no request), else None
    units: tuple[pack.Unit, ...]  # one per other change, in priority order
    notes: tuple[str, ...]
    keyed_for: tuple[str, str | None]  # the provider's name and model, in every unit's cache key


def prepare(
    changes: Sequence[FunctionChange],
    settings: Settings,
    provider: str,
    model: str | None,
    deadline_at: float,
) -> Prepared:
    """Entries that need no request are settled; a unit for each other, built in priority order while the
    deadline allows (the rest fall back with reason "deadline"). Needs no SDK: a model run makes it in the
    forked helper while the main process imports the SDK (`stage.prepare`)."""
    out: list[Summary | None] = [None] * len(changes)
    moved = moved_summaries(changes)
    wanted: list[int] = []
    for i, change in enumerate(changes):
        if change.skip_reason:
            out[i] = skipped(change)
        elif i in moved:
            out[i] = Summary(change, SUMMARIZED, moved[i], MOVED_REASON)
        elif reason := route.offline_reason(change, settings.llm_non_code, settings.code_languages):
            out[i] = Summary(change, SUMMARIZED, offline_text(change), reason)
        else:
            wanted.append(i)
    wanted.sort(key=lambda i: route.priority(changes[i]))
    by_path: dict[str, list[FunctionChange]] = {}
    for change in changes:
        by_path.setdefault(change.path, []).append(change)
    secrets = settings.secrets()
    units: list[pack.Unit] = []
    unbuilt = 0
    for i in wanted:
        change = changes[i]
        if time.monotonic() >= deadline_at:
            out[i] = fallback(change, DEADLINE_REASON)
            unbuilt += 1
            continue
        nested = nested_entries(change, by_path[change.path])
        built = build_unit(change, settings.max_prompt_chars, secrets, nested)
        key = cache_key(provider, settings.base_url, model, built.text)
        units.append(pack.Unit(i, change.path, built.text, key, built.trimmed, route.tier(change)))
    never = plural(unbuilt, "function")
    notes = (f"deadline reached while building prompts: {never} never sent",) if unbuilt else ()
    return Prepared(tuple(out), tuple(units), notes, (provider, model))


@dataclass(frozen=True)
class Answered:
    """A request's answer read and judged (`read`) in the worker that received it, while the others are
    still awaited: after the last answer only the ledger's bookkeeping is left."""

    answer: Answer
    parts: list[tuple[pack.Part, answers.Judged]]  # each unit's part of it, as `answers.judge` found it
    ridden: pack.RiderAnswer | None  # what it holds for the request's rider


def read(request: pack.Request, answer: Answer) -> Answered:
    """`answer` split into its units' parts (`pack.parts`), each judged against its unit's prompt."""
    parts = [
        (part, answers.judge(part.text, cut=part.cut, prompt=part.unit.text))
        for part in pack.parts(request, answer)
    ]
    return Answered(answer, parts, pack.rider_answer(request, answer))


class LLMRun:
    """State of one openai-provider run; each step fills `out` so Ctrl-C can return what is done."""

    def __init__(
        self,
        changes: Sequence[FunctionChange],
        settings: Settings,
        cache_dir: Path | None,
        progress: Progress | None,
        deadline_at: float,
        provider: Provider | None = None,
        rider: pack.Rider | None = None,
        prepared: Prepared | None = None,
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        self.changes = changes
        self.rider = rider
        self.prepared = prepared
        self.meanwhile = meanwhile  # run while the first round's answers are awaited
        self.ridden: pack.RiderAnswer | None = None
        self.settings = settings
        self.provider = provider or open_provider(settings)
        self.owned = provider is None  # closed at the end of the stage, else by the caller
        self.model = self.provider.model
        self.provider_name = self.provider.name
        self.cache_dir = cache_dir
        self.progress = progress
        self.deadline_at = deadline_at
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
            rider = self.rider if self.rider is not None and len(units) >= self.rider.least else None
            fresh = self._ask(misses, rider) if misses else []
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
        rider = self.rider if self.rider is not None and len(units) >= self.rider.least else None
        return [self.provider.body(pack.ask(r)) for r in self._plan(units, rider)]

    # ------------------------------------------------------------------------------------- preparation
    def _prepare(self) -> list[pack.Unit]:
        """The preparation (`prepare`): the one the caller made beforehand when it was made for this
        provider and model (the cache keys name them), else made here."""
        made = self.prepared
        if made is None or made.keyed_for != (self.provider_name, self.model):
            made = prepare(self.changes, self.settings, self.provider_name, self.model, self.deadline_at)
        self.out = list(made.out)
        self.notes += made.notes
        self.done = sum(s is not None for s in self.out)
        return list(made.units)

    def _within_budget(self, units: list[pack.Unit]) -> list[pack.Unit]:
        """At most `max_llm_entries` units (already in priority order); the others fall back ("budget")."""
        cap = self.settings.max_llm_entries
        for unit in units[cap:]:
            self.out[unit.index] = fallback(self.changes[unit.index], route.BUDGET)
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
        self.out[unit.index] = Summary(self.changes[unit.index], CACHED, text, trim_reason(unit))
        self.ledger.accepted[unit.index] = text
        self.done += 1
        return True

    def _plan(self, units: Sequence[pack.Unit], rider: pack.Rider | None = None) -> list[pack.Request]:
        """Requests for `units` (in priority order): same-file units together within a tier (source,
        tests); the requests ordered by tier, then the largest changes first; the first tier's smallest
        packed request carries `rider`."""

        def position(unit: pack.Unit) -> tuple[int, str, int]:
            return unit.tier, unit.path, self.changes[unit.index].first_line

        ordered = sorted(units, key=position)
        requests: list[pack.Request] = []
        s = self.settings
        budget = s.max_prompt_chars
        for tier in sorted({position(u)[0] for u in ordered}):
            group = [u for u in ordered if position(u)[0] == tier]
            workers = max(1, math.ceil(s.max_workers * len(group) / len(ordered)))
            requests += pack.plan(group, workers, s.max_per_request, budget, rider=rider)
            rider = None

        def weight(request: pack.Request) -> tuple[int, int]:
            lines = sum(route.changed_lines(self.changes[u.index]) for u in request.units)
            return request.units[0].tier, -lines

        return sorted(requests, key=weight)

    # ---------------------------------------------------------------------------------------- requests
    def _ask(self, units: list[pack.Unit], rider: pack.Rider | None) -> list[tuple[str, str]]:
        """Send the units (`rider` along with the first round); fill their summaries; the (cache key, text)
        pairs that succeeded."""
        # connecting imports the SDK (~1 s; several on a busy machine): within the deadline too
        provider = self.provider
        learned = len(provider.learned())
        built = map_bounded(
            lambda _: provider.connect(),
            [None],
            1,
            deadline=max(0.0, self.deadline_at - time.monotonic()),
            join_on_interrupt=False,
            join_at_deadline=False,
        )[0]
        if not built.ok:
            if isinstance(built.error, ProviderError):
                self.fatal = built.error.reason
            for unit in units:
                self.out[unit.index] = fallback(self.changes[unit.index], outcome_reason(built))
            self.interrupted = self.interrupted or built.not_run == INTERRUPTED
            if self.owned:
                provider.close()
            return []
        fresh: list[tuple[str, str]] = []
        try:
            requester = Requester(self.settings.timeout, self.deadline_at)
            limiter = AdaptiveLimiter(self.settings.max_workers, self.settings.retries)
            pending = self._plan(units, rider)
            for _ in range(MAX_ROUNDS):
                if not pending or self.interrupted:
                    break
                outcomes = self._round(pending, provider, requester, limiter)
                pending = self._settle(pending, outcomes, fresh)
            for request in [] if self.interrupted else pending:  # after MAX_ROUNDS: not expected
                for unit in request.units:
                    self.out[unit.index] = fallback(self.changes[unit.index], "no answer")
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
    ) -> list[Outcome[Answered]]:
        def attempt(request: pack.Request) -> Answered:
            ask = pack.ask(request)
            answer = requester.send(lambda timeout: provider.complete(ask, timeout=timeout))
            return read(request, answer)

        meanwhile, self.meanwhile = self.meanwhile, None  # the first round's wait only
        return map_bounded(
            attempt,
            requests,
            self.settings.max_workers,
            deadline=max(0.0, self.deadline_at - time.monotonic()),
            limiter=limiter,
            progress=self._progress_of(requests),
            join_on_interrupt=False,  # Ctrl-C: write what is done now; the CLI then ends the process
            join_at_deadline=False,  # the same at the deadline, whatever the server does
            meanwhile=meanwhile,
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
        outcomes: list[Outcome[Answered]],
        fresh: list[tuple[str, str]],
    ) -> list[pack.Request]:
        """Record a round's answers; the requests of the next round."""
        again: list[pack.Request] = []
        alone: list[tuple[pack.Unit, str | None]] = []  # (unit, why its answer was no summary)
        for request, outcome in zip(requests, outcomes, strict=True):
            if outcome.ok and outcome.value is not None:
                self._count(outcome.value.answer)
                self.ridden = outcome.value.ridden or self.ridden
                for part, judged in outcome.value.parts:
                    self.ledger.record(part.unit.index, judged, part.lack)
                continue
            reason = outcome_reason(outcome)
            if reason == TOO_BIG and request.structured:  # the endpoint's context is smaller: halve it
                self.split += 1
                again += pack.halves(request)
            elif request.structured and reason == pack.NOT_JSON:
                alone += [(u, None) for u in request.units]
            else:
                for unit in request.units:
                    self.out[unit.index] = fallback(self.changes[unit.index], reason)
        units = {u.index: u for r in requests for u in r.units}
        settled = self.ledger.settle()
        for index, text in settled.accepted.items():
            self.out[index] = Summary(self.changes[index], SUMMARIZED, text, trim_reason(units[index]))
            fresh.append((units[index].key, text))
        for index, reason in settled.failed.items():
            self.out[index] = fallback(self.changes[index], reason)
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
            s if s is not None else fallback(c, INTERRUPTED)
            for s, c in zip(self.out, self.changes, strict=True)
        )
        return SummarizeResult(
            summaries,
            self.provider_name,
            self.model,
            self.requests,
            tuple(self.notes + run_notes(summaries, self.settings, self.fatal)),
            self.interrupted,
            self.tokens[0],
            self.tokens[1],
            self.ridden,
        )
