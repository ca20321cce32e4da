"""Packed requests: several functions in one chat request, the answer a JSON object with one string per id.

A request holds the instruction once, then its units, each under an `[id]` line (ids are `f1`, `f2`... within
the request; a unit's file line is written once for a run of units of the same file; the line names a
modified function by its name alone, as the instruction says, and anything else as the unit does). The answer
holds one string per id (the provider asks for that structure the strictest way the endpoint accepts:
`provider.Ask.ids`), so each summary is read back by its id and can never be attributed to another function.
A request of one unit is plain: the answer is the summary text.

A `Rider` is a part of the change's answer that is not a function's summary (the walkthrough): the stage
asks it along with the first round's function summaries, in the packed request that has the fewest units,
under its own id (`[overview]`, after the units), so the walkthrough costs no round trip of its own;
`rider_answer` reads it back for the caller to judge. `plan` keeps room for it in that request.

`plan` cuts the units (already in priority order, same-file units next to each other) into about as many
requests as there are workers, balanced by count, each within `max_per_request` and the prompt budget,
which keeps room for the answers: with the default budget a request fits a local server's 2k-token context
slot, prompt and answers together. When the budget needs more requests than there are workers, they come
in whole rounds of `workers` even requests.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ariadne_hook.summarize.answers import CUT, EMPTY, clean_answer, reask
from ariadne_hook.summarize.prompt import PACK_SYSTEM, UNIT_SYSTEM, USUAL
from ariadne_hook.summarize.provider import Answer, Ask

TOKENS_PER_SUMMARY = 160  # MAX_ANSWER_CHARS (600) is ~150 tokens; plus the id and JSON punctuation
TOKENS_BASE = 40
# Room kept in a request's prompt budget for each expected answer: a 1-3 sentence summary and its JSON key,
# ~66 tokens, counted as prompt characters at 2.7 characters per token (the densest prompt text measured:
# the economy bench's units with SmolLM2's tokenizer; real code is 3.6-3.9 characters per token).
ANSWER_CHARS = 180

# why a unit of a packed answer is asked again alone
MISSING, INVALID, NOT_JSON = "missing from answer", "invalid answer", "not JSON"
LACKS = (MISSING, INVALID, NOT_JSON)  # the answer lacked the unit: asked again without a line saying why


@dataclass(frozen=True)
class Unit:
    index: int  # position in the stage's change list
    path: str
    text: str  # "File: ...\n<change> <kind> <name>\n<view>": redacted and trimmed
    key: str  # cache key
    trimmed: bool
    tier: int = 0  # route.tier: 0 source, 1 tests (requests are planned per tier)


@dataclass(frozen=True)
class Rider:
    """A part of the change's answer asked along with function summaries (the walkthrough)."""

    ident: str  # its id in the answer ("overview"): never an `f<n>` of a unit
    text: str  # its section of the user message after `[ident] `: what to write, and from what
    answer_tokens: int  # room for its answer
    least: int = 1  # asked only when at least this many entries go to the model


@dataclass(frozen=True)
class RiderAnswer:
    """What a request's answer held for its rider, for the caller to judge."""

    text: str  # as the model wrote it ("" when the answer lacks it)
    cut: bool  # the server cut the answer at max_tokens
    lack: str | None  # why the answer holds nothing usable for it (`split_answer`), else None


@dataclass(frozen=True)
class Request:
    units: tuple[Unit, ...]
    structured: bool  # several units, the answer a JSON object by id; False: one unit, plain answer
    retry: str | None = None  # asked again after an answer that was no summary (why): `answers.reask`
    rider: Rider | None = None  # asked along (always structured then)

    @property
    def ids(self) -> list[str]:
        return [f"f{i + 1}" for i in range(len(self.units))]


def plan(
    units: Sequence[Unit],
    workers: int,
    max_per_request: int,
    budget: int,
    structured: bool = True,
    rider: Rider | None = None,
) -> list[Request]:
    """Contiguous groups of `units` (order kept), about `workers` of them, balanced by count; with a
    `rider`, the last packed group (the smallest) carries it and holds as many fewer units as its answer
    is worth summaries (`rider_slots`)."""
    if not units:
        return []
    if rider is not None:
        return _with_rider(units, workers, max_per_request, budget, rider)
    if not structured or max_per_request <= 1:
        return [Request((u,), False) for u in units]
    room = max(1, budget - len(PACK_SYSTEM))
    total = sum(_cost(u) for u in units)
    by_count = max(min(workers, len(units)), math.ceil(len(units) / max_per_request))
    count = max(by_count, math.ceil(total / room))
    if count > by_count and count > workers:
        # the budget needs more than one round: whole rounds of smaller requests end sooner than full
        # rounds and a last round of a few full requests (a round lasts as long as its longest answer)
        count = min(len(units), math.ceil(count / workers) * workers)
    requests: list[Request] = []
    group: list[Unit] = []
    size = 0
    for position, unit in enumerate(units):
        left = count - len(requests)
        target = math.ceil((len(units) - position + len(group)) / max(1, left))
        if group and (len(group) >= min(target, max_per_request) or size + _cost(unit) > room):
            requests.append(request(group))
            group, size = [], 0
        group.append(unit)
        size += _cost(unit)
    requests.append(request(group))
    return requests


def rider_slots(rider: Rider) -> int:
    """How many units' worth of answer a rider is (the walkthrough: about two summaries)."""
    return max(1, math.ceil(rider.answer_tokens / TOKENS_PER_SUMMARY))


def _with_rider(
    units: Sequence[Unit], workers: int, max_per_request: int, budget: int, rider: Rider
) -> list[Request]:
    """`plan` with stand-ins for the rider at the end (its share of count and budget), taken out again; the
    last packed request carries the rider (none when every request is plain: it is asked after them)."""
    alone = plan(units, workers, max_per_request, budget)
    if not any(r.structured for r in alone):  # every request plain: the rider is asked after them
        return alone
    slots = rider_slots(rider)
    share = len(rider.text) // slots  # each stand-in costs this, its tag and one answer's room
    stand_ins = [Unit(-1, "", "x" * share, "", False) for _ in range(slots)]
    planned = plan([*units, *stand_ins], workers, max_per_request, budget)
    out = [request([u for u in r.units if u.index >= 0]) for r in planned]
    out = [r for r in out if r.units]
    packed = [i for i, r in enumerate(out) if r.structured]
    if not packed:
        return alone
    out[packed[-1]] = Request(out[packed[-1]].units, True, rider=rider)
    return out


def _cost(unit: Unit) -> int:
    """What a unit takes of a request's budget: its text, its `[id] ` tag, room for its answer."""
    return len(unit.text) + 8 + ANSWER_CHARS


def request(units: Sequence[Unit]) -> Request:
    """A request of `units`: packed when there are several, plain for one."""
    return Request(tuple(units), len(units) > 1)


def halves(whole: Request) -> list[Request]:
    """A packed request cut in two (in order), for an endpoint whose context cannot hold it; its rider is
    left out (the caller asks it on its own)."""
    if len(whole.units) == 1:
        return [request(whole.units)]
    middle = (len(whole.units) + 1) // 2
    return [request(whole.units[:middle]), request(whole.units[middle:])]


def user_text(request: Request) -> str:
    """The user message: the units, each file line written once per run of units of that file; the rider's
    section last."""
    if not request.structured:
        return request.units[0].text
    parts: list[str] = []
    current = None
    for ident, unit in zip(request.ids, request.units, strict=True):
        file_line, _, rest = unit.text.partition("\n")
        if file_line != current:
            parts.append(file_line)
            current = file_line
        parts.append(f"[{ident}] {rest.removeprefix(USUAL)}")
    if request.rider is not None:
        parts.append(f"[{request.rider.ident}] {request.rider.text}")
    return "\n".join(parts)


def max_tokens(units: int) -> int:
    return TOKENS_BASE + TOKENS_PER_SUMMARY * units


def ask(request: Request) -> Ask:
    """What a request asks the provider: the instruction, the units, room for the answers, and for a packed
    request the ids its answer must hold (its rider's too); a unit asked again after an answer that was no
    summary gets more room and a line saying why (`answers.reask`)."""
    system = PACK_SYSTEM if request.structured else UNIT_SYSTEM
    ids = tuple(request.ids) if request.structured else ()
    room = max_tokens(len(request.units))
    if request.rider is not None:
        ids, room = (*ids, request.rider.ident), room + request.rider.answer_tokens
    first = Ask(system, user_text(request), room, ids)
    return reask(first, request.retry) if request.retry else first


@dataclass(frozen=True)
class Part:
    """One unit's part of an answer, for `answers.judge`."""

    unit: Unit
    text: str  # as the model wrote it ("" when the answer lacks it)
    cut: bool  # the server cut this text at max_tokens
    lack: str | None  # why the answer holds nothing usable for the unit (`split_answer`), else None


def parts(request: Request, answer: Answer) -> list[Part]:
    """Each unit's part of `answer`. A packed answer cut at max_tokens lacks what it lacks for want of room
    (`answers.CUT`); a JSON string in it that parsed is whole. A plain answer is its one unit's text."""
    if not request.structured:
        return [Part(request.units[0], answer.text, answer.cut, None)]
    texts, lacks = split_answer(answer.text, request.ids)
    if answer.cut:
        lacks = dict.fromkeys(lacks, CUT)
    pairs = zip(request.ids, request.units, strict=True)
    return [Part(unit, texts.get(ident, ""), False, lacks.get(ident)) for ident, unit in pairs]


def rider_answer(request: Request, answer: Answer) -> RiderAnswer | None:
    """What `answer` holds for the request's rider (None without one): read as `parts` reads a unit's."""
    if request.rider is None:
        return None
    ident = request.rider.ident
    texts, lacks = split_answer(answer.text, [ident])
    lack = lacks.get(ident)
    return RiderAnswer(texts.get(ident, ""), answer.cut, CUT if lack and answer.cut else lack)


def split_answer(content: str, ids: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """A packed answer read by id: (id -> the answer as written, id -> why it is unusable); the caller judges
    each text (`answers.judge`).

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
