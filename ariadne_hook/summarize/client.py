"""`LLMClient`: the seed's small public API, on the same engine as the summarize stage (`pool.map_bounded`).

    with LLMClient("gpt-4o-mini") as client:
        client.generate_summary("def f(): ...")
        client.batch_generate_summaries([{"code": "...", "context": "..."}], concurrent_limit=5)

No executor or thread outlives a call: each batch runs in its own bounded pool, joined before it returns.
The client holds only its provider (built by the registry like the pipeline's) with the SDK's HTTP client,
created on first use and released by `close()`; what the provider learns about the endpoint (a reasoning
model that refuses `temperature`...) holds for the client's life.

Settings come from the same loader as the command's (the user's config file, then the environment:
ARIADNE_* and OPENAI_* variables), the constructor's arguments taking precedence; its trust rules hold too
(a key is never sent over plain http to another host). The client never reads the environment itself.

Time: the client has no deadline of its own — every item gets its answer or "N/A". What bounds a call is
each request's TOTAL time (`timeout`, connection to last byte, whatever the server does: `bounded_http`),
and the retries (`retries`; a 429 spends none while the concurrency can still be lowered), each after a
backoff of at most 8 s or a Retry-After of at most 30 s (a server asking for longer gets no retry). So the
pool's workers always end by themselves, and are joined. `batch_generate_summaries` never raises for an
item's failure (nor for an SDK or engine error): that item is "N/A" and a warning is logged.

Answers are judged as the pipeline's are (`answers.judge`: cut at max_tokens, code, a loop, too short...):
one that is no summary is asked again once with more room and a line saying why (`answers.reask`); a second
is the item's failure, "rejected: <why>".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from ariadne_hook.config import load_all
from ariadne_hook.summarize import answers
from ariadne_hook.summarize.pack import ANSWER_CHARS
from ariadne_hook.summarize.pool import INTERRUPTED, Outcome, map_bounded
from ariadne_hook.summarize.prompt import SYSTEM_PROMPT, code_prompt
from ariadne_hook.summarize.provider import Answer, Ask, Provider, ProviderError, Requester, open_provider
from ariadne_hook.summarize.ratelimit import AdaptiveLimiter
from ariadne_hook.summarize.redact import scrub

log = logging.getLogger("ariadne_hook.llm")
NOT_AVAILABLE = "N/A"
ANSWER_TOKENS = 200  # a few plain sentences


class LLMError(Exception):
    """A summary could not be produced; the message is a short reason that holds no secret."""


class LLMClient:
    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
    ) -> None:
        """Arguments left out (None) come from the settings: config file, environment, defaults."""
        flags = dict(model=model, base_url=base_url, api_key=api_key, timeout=timeout, retries=retries)
        loaded = load_all(None, flags, lenient=True)
        for line in (*loaded.problems, *loaded.warnings):
            log.warning("%s", line)
        self.settings = replace(loaded.settings, provider="openai")  # no key: each call says so
        self._provider: Provider = open_provider(self.settings)
        self.model = self._provider.model
        self.base_url = self.settings.base_url
        self.timeout = self.settings.timeout
        self.retries = self.settings.retries

    def __repr__(self) -> str:  # never the key
        return f"LLMClient(model={self.model!r}, base_url={self.base_url!r})"

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the HTTP client; the next call opens a new one."""
        self._provider.close()

    def generate_summary(self, code: str, context: str | None = None) -> str:
        """A few plain sentences about `code`; raises LLMError with a short reason on failure."""
        outcome = self._run([{"code": code, "context": context}], 1)[0]
        if not outcome.ok or outcome.value is None:
            raise LLMError(self._reason(outcome))
        return outcome.value

    def batch_generate_summaries(
        self, items: Sequence[Mapping[str, Any]], concurrent_limit: int = 5
    ) -> list[str]:
        """One summary per item ({"code": str, "context": str | None}), in order; "N/A" for a failed item."""
        if not items:
            return []
        if concurrent_limit < 1:
            raise ValueError("concurrent_limit must be at least 1")
        results: list[str] = []
        for i, outcome in enumerate(self._run(items, concurrent_limit)):
            if outcome.ok and outcome.value is not None:
                results.append(outcome.value)
            else:
                log.warning("summary %d of %d failed: %s", i + 1, len(items), self._reason(outcome))
                results.append(NOT_AVAILABLE)
        return results

    def _run(self, items: Sequence[Mapping[str, Any]], workers: int) -> list[Outcome[str]]:
        provider = self._provider
        try:
            provider.connect()
        except Exception as exc:  # a ProviderError, or whatever building the SDK's client raised
            return [Outcome(error=exc)] * len(items)
        requester = Requester(self.timeout)
        secrets = self.settings.secrets()
        budget = self.settings.max_prompt_chars - len(SYSTEM_PROMPT) - ANSWER_CHARS  # as a packed request

        def complete(ask: Ask, timeout: float) -> Answer:
            return provider.complete(ask, timeout=timeout)

        def one(item: Mapping[str, Any]) -> str:
            code, context = item.get("code") if isinstance(item, Mapping) else None, None
            if isinstance(item, Mapping) and isinstance(item.get("context"), str):
                context = item["context"]
            if not isinstance(code, str):
                raise ProviderError("item has no 'code' string")
            first = Ask(SYSTEM_PROMPT, code_prompt(code, context, budget, secrets).text, ANSWER_TOKENS)
            ask, problem = first, answers.EMPTY
            for _ in range(2):  # an answer that is no summary is asked again once, with more room and why
                answer = requester.send(partial(complete, ask))
                judged = answers.judge(answer.text, cut=answer.cut, prompt=first.user)
                if judged.ok:
                    return judged.text
                problem = judged.problem or answers.EMPTY
                ask = answers.reask(first, problem)
            raise ProviderError(answers.rejected(problem))

        try:
            outcomes = map_bounded(one, items, workers, limiter=AdaptiveLimiter(workers, self.retries))
        except Exception as exc:  # the engine keeps each failure to its item; this guard keeps the promise
            return [Outcome(error=exc)] * len(items)
        if any(o.not_run == INTERRUPTED for o in outcomes):
            raise KeyboardInterrupt
        return outcomes

    def _reason(self, outcome: Outcome[str]) -> str:
        if outcome.not_run is not None:
            return outcome.not_run
        error = outcome.error
        if isinstance(error, ProviderError):
            text = error.reason
        else:
            text = f"unexpected error ({type(error).__name__})"
        return scrub(text, self.settings.secrets())
