"""Packed requests: several functions in one chat request, the answer constrained to JSON by a strict schema.

A request holds the instruction once, then its units, each under an `[id]` line (ids are `f1`, `f2`...
within the request; a unit's file line is written once for a run of units of the same file). The answer's
schema has one required string property per id, so each summary is read back by its id and can never be
attributed to another function. A request of one unit is plain: the answer is the summary text.

`plan` cuts the units (already in priority order, same-file units next to each other) into about as many
requests as there are workers, balanced by count, each within the prompt budget and `max_per_request`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ariadne_hook.summarize.answers import clean_answer, more_room, retry_hint
from ariadne_hook.summarize.prompt import PACK_SYSTEM, UNIT_SYSTEM

TEMPERATURE = 0.2
TOKENS_PER_SUMMARY = 160  # MAX_ANSWER_CHARS (600) is ~150 tokens; plus the id and JSON punctuation
TOKENS_BASE = 40
SCHEMA_NAME = "summaries"

# why a unit of a packed answer is asked again alone
MISSING, EMPTY, INVALID, NOT_JSON = "missing from answer", "empty answer", "invalid answer", "not JSON"
# a 400 to a request: to its response_format (then one plain request per unit), or to temperature/max_tokens
FORMAT_REJECTED = "structured outputs rejected (HTTP 400)"
TUNING_REJECTED = "temperature or max_tokens rejected (HTTP 400)"


@dataclass(frozen=True)
class Answer:
    """One chat completion: its text and the tokens the API says it used (0 when it does not say)."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cut: bool = False  # the server stopped it at max_tokens (finish_reason "length")


@dataclass(frozen=True)
class Unit:
    index: int  # position in the stage's change list
    path: str
    text: str  # "File: ...\n<change> <kind> <name>\n<view>": redacted and trimmed
    key: str  # cache key
    trimmed: bool


@dataclass(frozen=True)
class Request:
    units: tuple[Unit, ...]
    structured: bool  # several units and a JSON schema; False: one unit, plain answer
    retry: str | None = None  # asked again after this problem: more room, and a line saying why

    @property
    def ids(self) -> list[str]:
        return [f"f{i + 1}" for i in range(len(self.units))]


def plan(
    units: Sequence[Unit], workers: int, max_per_request: int, budget: int, structured: bool = True
) -> list[Request]:
    """Contiguous groups of `units` (order kept), about `workers` of them, balanced by count."""
    if not units:
        return []
    if not structured or max_per_request <= 1:
        return [Request((u,), False) for u in units]
    room = max(1, budget - len(PACK_SYSTEM))
    total = sum(len(u.text) for u in units)
    count = max(min(workers, len(units)), math.ceil(len(units) / max_per_request), math.ceil(total / room))
    requests: list[Request] = []
    group: list[Unit] = []
    size = 0
    for position, unit in enumerate(units):
        left = count - len(requests)
        target = math.ceil((len(units) - position + len(group)) / max(1, left))
        if group and (len(group) >= min(target, max_per_request) or size + len(unit.text) > room):
            requests.append(_request(group))
            group, size = [], 0
        group.append(unit)
        size += len(unit.text) + 8
    requests.append(_request(group))
    return requests


def _request(units: Sequence[Unit]) -> Request:
    return Request(tuple(units), len(units) > 1)


def user_text(request: Request) -> str:
    """The user message: the units, each file line written once per run of units of that file (a re-asked
    unit: and the line saying why)."""
    if not request.structured:
        return request.units[0].text + (retry_hint(request.retry) if request.retry else "")
    parts: list[str] = []
    current = None
    for ident, unit in zip(request.ids, request.units, strict=True):
        file_line, _, rest = unit.text.partition("\n")
        if file_line != current:
            parts.append(file_line)
            current = file_line
        parts.append(f"[{ident}] {rest}")
    return "\n".join(parts)


def schema(ids: Sequence[str]) -> dict[str, Any]:
    """response_format for a packed request: one required string per id, nothing else."""
    return {
        "type": "json_schema",
        "json_schema": {
            "name": SCHEMA_NAME,
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {ident: {"type": "string"} for ident in ids},
                "required": list(ids),
                "additionalProperties": False,
            },
        },
    }


def max_tokens(units: int, retry: bool = False) -> int:
    """The answer's room (more for a unit asked again)."""
    room = TOKENS_BASE + TOKENS_PER_SUMMARY * units
    return more_room(room) if retry else room


def body(model: str, request: Request, *, tuned: bool = True) -> dict[str, Any]:
    """The chat-completions body of a request (exactly what is sent; `--dry-run` prints it)."""
    system = PACK_SYSTEM if request.structured else UNIT_SYSTEM
    out: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user_text(request)}],
    }
    if tuned:
        out["temperature"] = TEMPERATURE
        out["max_tokens"] = max_tokens(len(request.units), request.retry is not None)
    if request.structured:
        out["response_format"] = schema(request.ids)
    return out


def split_answer(content: str, ids: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """A packed answer read by id: (id -> the answer as written, id -> why it is unusable).

    Not JSON, or not an object: every id is unusable (an object inside a code fence or after a sentence,
    as models without strict mode write it, is read). An id given twice is unusable (which one is meant
    cannot be known); keys that are not ids of the request are ignored.
    """
    data, twice = _json_object(content)
    if not isinstance(data, dict):
        return {}, dict.fromkeys(ids, NOT_JSON)
    texts: dict[str, str] = {}
    bad: dict[str, str] = {}
    for ident in ids:
        value = data.get(ident)
        if ident not in data:
            bad[ident] = MISSING
        elif not isinstance(value, str) or ident in twice:
            bad[ident] = INVALID
        elif not clean_answer(value):
            bad[ident] = EMPTY
        else:
            texts[ident] = value
    return texts, bad


def _json_object(content: str) -> tuple[Any, set[str]]:
    """The JSON value of `content`, else of its span from the first "{" to the last "}" (None if neither),
    and the keys given more than once in an object of it."""
    start, end = content.find("{"), content.rfind("}")
    for text in (content, content[start : end + 1] if 0 <= start < end else ""):
        twice: set[str] = set()

        def pairs(items: list[tuple[str, Any]], twice: set[str] = twice) -> dict[str, Any]:
            once: set[str] = set()
            for key, _ in items:
                (twice if key in once else once).add(key)
            return dict(items)

        try:
            return json.loads(text, object_pairs_hook=pairs), twice
        except ValueError:
            continue
    return None, set()
