"""Is this answer a summary, and if not, why: the one classifier of what a model wrote.

Every answer goes through :func:`judge` before it is called "summarized": a function's summary, the
walkthrough and the proposed commit subject. It cleans the text (:func:`clean_answer`: markdown out,
identifiers kept) and names the first problem it finds, from a fixed vocabulary that goes into the JSON
``reason`` (prefixed by ``"rejected: "``, :func:`rejected`) and the run's notes:

- ``cut at max_tokens``: the server stopped it (``finish_reason: "length"``), mid-clause;
- ``echoes an id``: the answer is a request id (``f2``) or holds a ``[f2]`` label;
- ``fewer than three words`` (a subject: two): no sentence in it (a date, a number, "Updated.");
- ``code, not prose``: a code block or code lines, with no sentence about them;
- ``repeats a sentence``: the same sentence twice, or a phrase looping;
- ``copies the prompt``: the whole answer is text of the request (a header, a line of the code);
- ``too long``: no sentence end within :data:`MAX_ANSWER_CHARS`, so it could only be shown cut;
- ``same text as another entry``: :func:`duplicates` (across entries, so the caller asks);
- a subject only: ``longer than 72 characters`` and ``not imperative``;
- ``empty answer`` (its plain reason, without "rejected: "): nothing is left once markdown is gone (a lone
  ``#``, a comment line taken for a heading).

The caller re-asks once (alone: :func:`reask` gives the same `Ask` half again the room and a line saying
why, so the provider's one request builder makes the re-asked body too) and otherwise keeps the offline text
with the reason. The rules are deliberately plain: they catch what small and busy models produce,
never judge the prose's quality.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from ariadne_hook.models import REJECTED as REJECTED  # the reasons' prefix: one spelling
from ariadne_hook.summarize.provider import Ask

K = TypeVar("K", bound=Hashable)

SUMMARY, WALKTHROUGH, SUBJECT = "summary", "walkthrough", "subject"
MAX_ANSWER_CHARS = 600
SUBJECT_CHARS = 72

CUT = "cut at max_tokens"
ECHO = "echoes an id"
SHORT = "fewer than three words"
SHORT_SUBJECT = "fewer than two words"
CODE = "code, not prose"
REPEATS = "repeats a sentence"
COPY = "copies the prompt"
LONG = "too long"
SAME = "same text as another entry"
EMPTY = "empty answer"
SUBJECT_LONG = f"longer than {SUBJECT_CHARS} characters"
NOT_IMPERATIVE = "not imperative"


@dataclass(frozen=True)
class Judged:
    text: str  # the cleaned answer (a subject: its one line)
    problem: str | None  # why it is not a summary; None when it is one

    @property
    def ok(self) -> bool:
        return self.problem is None


def rejected(problem: str) -> str:
    """The reason recorded for an answer that was not a summary (JSON ``reason``, notes); an empty answer
    keeps its plain reason (there was nothing to reject)."""
    return problem if problem == EMPTY or problem.startswith(REJECTED) else REJECTED + problem


def is_rejection(reason: str | None) -> bool:
    return bool(reason) and str(reason).startswith(REJECTED)


def rejection_note(reasons: Iterable[str | None]) -> str | None:
    """The run's note on the entries whose answers were rejected (None when there is none)."""
    refused = Counter(r.removeprefix(REJECTED) for r in reasons if r and is_rejection(r))
    if not refused:
        return None
    why = ", ".join(f"{r} ×{n}" if n > 1 else r for r, n in refused.most_common())
    count = sum(refused.values())
    were = "answer was" if count == 1 else "answers were"
    return f"{count} model {were} no summary, even asked again ({why}): offline summaries"


def more_room(max_tokens: int) -> int:
    """The max_tokens of an answer asked again: half as much again as the first had (a summary that needs
    more than that is longer than :data:`MAX_ANSWER_CHARS` anyway; a model that loops only loops longer)."""
    return max_tokens * 3 // 2


def retry_hint(problem: str, kind: str = SUMMARY) -> str:
    """The line appended to a re-asked prompt: what was wrong, and what is wanted instead."""
    want = {
        SUMMARY: "1 to 3 short plain English sentences about what the change does",
        WALKTHROUGH: "2 to 4 short plain English sentences about the change as a whole",
        SUBJECT: f"one imperative line of at most {SUBJECT_CHARS} characters, such as 'Fix ...'",
    }[kind]
    return f"\n\n(The previous answer was not usable: {problem.removeprefix(REJECTED)}. Answer with {want}.)"


def reask(ask: Ask, problem: str, kind: str = SUMMARY) -> Ask:
    """``ask`` asked again after an answer that was no ``kind`` because of ``problem``: the same request
    with :func:`more_room` and :func:`retry_hint` (the provider builds its body as it builds any other)."""
    return replace(ask, user=ask.user + retry_hint(problem, kind), answer_tokens=more_room(ask.answer_tokens))


# -------------------------------------------------------------------------------------------- cleaning
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s*#{1,6}(?:\s|$)")
_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*+•]\s+|\d+[.)]\s+|>\s*)+")
_RULE = re.compile(r"^\s*(?:[-*_=#>~`|+.]\s*)+$")  # a line of markdown punctuation only: no text
_LABEL = re.compile(r"^(?:summary|answer|walkthrough|subject)\s*:\s*", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# bold markers only at word boundaries: `**x**` where it is markup; `__x__` only around several words, so
# identifiers (`__init__`, `__slots__`, `snake_case`, `**kwargs`) are never touched. Single `*x*` / `_x_` stay
# as the model wrote them (`*args`, `a * b`; the renderers make them safe)
_STRONG = re.compile(r"(?<![\w*])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![\w*])")
_UNDERSCORES = re.compile(r"(?<![\w_])__(?=\S)([^_]*?\s[^_]*?)(?<=\S)__(?![\w_])")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def _emphasis_free(text: str) -> str:
    """``text`` without bold markers; code spans lose their backticks and keep their content."""
    out: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_strip_emphasis(text[last : span.start()]))
        out.append(span.group(2).strip())
        last = span.end()
    out.append(_strip_emphasis(text[last:]))
    return "".join(out)


def _strip_emphasis(text: str) -> str:
    return _UNDERSCORES.sub(r"\1", _STRONG.sub(r"\1", text))


def _lines(raw: str) -> tuple[list[str], list[str]]:
    """(prose lines, code lines): fenced blocks apart from the rest; a prose line that only introduces a
    block ("The code is:") goes with the block; headings dropped when other prose remains (a lone ``#``
    holds no text at all)."""
    prose: list[str] = []
    code: list[str] = []
    fenced = False
    for line in raw.splitlines():
        if _FENCE.match(line):
            if not fenced and prose and prose[-1].rstrip().endswith(":"):
                code.append(prose.pop())
            fenced = not fenced
        elif fenced:
            code.append(line)
        elif line.strip() and not _RULE.match(line):
            prose.append(line)
    texts = [line for line in prose if not _HEADING.match(line)]
    if any(_words(_LEAD.sub("", t)) for t in texts):
        prose = texts
    return [_LEAD.sub("", line).strip() for line in prose], [c for c in code if c.strip()]


def _cleaned(raw: str) -> tuple[str, list[str], bool]:
    """(plain text, the lines it came from, whether it had to be cut mid-sentence)."""
    prose, code = _lines(raw)
    lines = prose if any(_words(p) for p in prose) else [c.strip() for c in code] or prose
    lines = [line for line in (_emphasis_free(x).strip() for x in lines) if line]
    text = _LABEL.sub("", re.sub(r"\s+", " ", " ".join(lines)).strip()).strip()
    if len(text) <= MAX_ANSWER_CHARS:
        return text, lines, False
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, MAX_ANSWER_CHARS)]
    if ends and ends[-1] >= MAX_ANSWER_CHARS // 3:
        return text[: ends[-1]], lines, False
    return text[: MAX_ANSWER_CHARS - 1].rstrip() + "…", lines, True


def clean_answer(raw: str) -> str:
    """Plain sentences: no fences (a code block is dropped when prose remains), headings, bullets or
    emphasis markers; identifiers (``__init__``, ``snake_case``, ``*args``) and code spans' content kept; at
    most :data:`MAX_ANSWER_CHARS` (cut at a sentence end where there is one)."""
    return _cleaned(raw)[0]


# ------------------------------------------------------------------------------------------- the rules
_WORD = re.compile(r"\w*[^\W\d_]\w*")  # a token with a letter in it
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ID = re.compile(r"(?<![\w\[])\[?f\d+\]?(?![\w\]])")
_LABELLED_ID = re.compile(r"(?<!\w)\[f\d+\]")
_CODE_LINE = re.compile(
    r"""^\s*(?:
      (?:def|class|async\s+def|fn|func|function|import|return|raise|yield|const|let|var|public|private
        |protected|static|package|using|namespace|typedef|struct|enum|interface|impl|pub)\b(?!\s*[,.]?$)
    | from\s+[\w.]+\s+import\b
    | (?:self|this)\.[\w.]+\s*(?:\(|\[|=|\+=|-=)
    | [@]\w | \#include\b
    | [{}()\[\];]+\s*$
    | .*[;{]\s*$
    | [\w.\[\]]+\s*(?:=|\+=|-=|\*=|/=|:=)\s*\S
    | [\w.]+\(.*\)\s*(?:\#.*|//.*)?$
    | (?:if|for|while|elif|else|try|except|with|switch|case)\b.*[:{]\s*$
    | [-+](?:\s{2,}|\t)\S
    )""",
    re.VERBOSE,
)
_CODE_CHARS = re.compile(r"[(){}\[\];=<>*/+|&^%$\\]")
_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n")
_PIECE = re.compile(r"(?<=[.:;])\s+(?=\S)")
_NON_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> list[str]:
    """Its words: tokens with a letter, and each CJK character (those scripts write no spaces)."""
    return _WORD.findall(_CJK.sub(" ", text)) + _CJK.findall(text)


def _norm(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def _is_code(lines: list[str], text: str) -> bool:
    """Most of it is code (lines, or pieces of a line between sentence breaks, that read as code), or its
    characters are mostly code punctuation."""
    total = sum(len(line) for line in lines) or 1
    coded = 0
    for line in lines:
        if _CODE_LINE.match(line):
            coded += len(line)
        else:  # "The code is: def add(self): ..." on one line: the pieces between sentence breaks
            pieces = _PIECE.split(line)
            coded += sum(len(p) + 1 for p in pieces if _CODE_LINE.match(p.rstrip(".:;")))
    if coded * 2 >= total:
        return True
    dense = [c for c in text if not c.isspace()]
    return bool(dense) and len(_CODE_CHARS.findall(text)) >= 0.2 * len(dense)


def _repeats(text: str) -> bool:
    """A sentence (three words or more) given twice, or a four-word phrase given three times."""
    sentences = [s for s in (_norm(x) for x in _SENTENCE.split(text)) if len(s.split()) >= 3]
    if len(sentences) != len(set(sentences)):
        return True
    words = _norm(text).split()
    grams = Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))
    return bool(grams) and max(grams.values()) >= 3


def _copies(text: str, prompt: str) -> bool:
    said = _norm(text)
    return len(said.split()) >= 3 and said in _norm(prompt)


def judge(raw: str, *, kind: str = SUMMARY, cut: bool = False, prompt: str = "") -> Judged:
    """``raw`` as the model wrote it: the cleaned text, and the first reason it is not a ``kind`` (a
    summary, a walkthrough, a commit subject), or None. ``cut``: the server said it stopped at max_tokens;
    ``prompt``: the text the model was given (an answer that only copies it is no summary)."""
    if kind == SUBJECT:
        return _subject(raw, cut)
    text, lines, too_long = _cleaned(raw)
    return Judged(text, _problem(text, lines, cut, prompt, too_long))


def _problem(text: str, lines: list[str], cut: bool, prompt: str, too_long: bool) -> str | None:
    if not text:
        return EMPTY
    if cut:  # the server's own word: whatever else is wrong with it follows from that
        return CUT
    if _LABELLED_ID.search(text) or not _words(_ID.sub(" ", text)):
        return ECHO if _ID.search(text) else SHORT
    if _is_code(lines, text):
        return CODE
    if len(_words(text)) < 3:
        return SHORT
    if _repeats(text):
        return REPEATS
    if prompt and _copies(text, prompt):
        return COPY
    return LONG if too_long else None


def duplicates(texts: Mapping[K, str], taken: Mapping[K, str] | None = None) -> set[K]:
    """The keys of ``texts`` whose text (compared without case, spacing or punctuation) is also the text of
    another key of ``texts`` or of ``taken`` (answers already accepted)."""
    seen = Counter(_norm(t) for t in texts.values())
    accepted = {_norm(t) for k, t in (taken or {}).items() if k not in texts}
    return {k for k, t in texts.items() if seen[_norm(t)] > 1 or _norm(t) in accepted}


@dataclass(frozen=True)
class Settled(Generic[K]):
    """A round's answers: the summaries, the entries to ask again alone (with the problem to say, None when
    their answer only lacked them), the entries given up (with their reason)."""

    accepted: dict[K, str]
    again: dict[K, str | None]
    failed: dict[K, str]


class Ledger(Generic[K]):
    """The answers per entry over a run: an entry is answered at most twice (a second time only after its
    first answer was no summary), and a text that another entry was given is no summary.

    ``plain``: the failures that are not a rejected answer (a packed answer that left an entry out or was no
    JSON): the entry is asked again without a line saying why, and its reason keeps no ``rejected:``."""

    def __init__(self, plain: Iterable[str] = ()) -> None:
        self.plain = frozenset(plain)
        self.answered: Counter[K] = Counter()  # answers received per entry
        self.accepted: dict[K, str] = {}  # the entries' summaries so far (from the model or a cache)
        self._given: dict[K, str] = {}  # this round: entry -> a text that passed `judge`
        self._problems: dict[K, str] = {}  # this round: entry -> why its answer is none

    def record(self, key: K, judged: Judged, lack: str | None = None) -> None:
        """One entry's answer this round, as `judge` found it; ``lack``: why the answer holds none for it."""
        self.answered[key] += 1
        if lack is None and judged.ok:
            self._given[key] = judged.text
        else:
            self._problems[key] = lack or judged.problem or EMPTY

    def settle(self) -> Settled[K]:
        """The round recorded since the last call, with the texts given to two entries taken out."""
        given, problems = self._given, self._problems
        self._given, self._problems = {}, {}
        same = duplicates(given, self.accepted)
        accepted = {k: text for k, text in given.items() if k not in same}
        self.accepted.update(accepted)
        problems.update(dict.fromkeys(same, SAME))
        again = {k: None if p in self.plain else p for k, p in problems.items() if self.answered[k] < 2}
        failed = {k: p if p in self.plain else rejected(p) for k, p in problems.items() if k not in again}
        return Settled(accepted, again, failed)


# ---------------------------------------------------------------------------------------- the subject
_QUOTES = "\"'`“”‘’"
_NOT_VERBS = {
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "we", "i", "you", "he", "she", "they",
    "here", "there", "commit", "subject", "summary", "changes", "change:", "title",
}  # fmt: skip
_VERBS = {
    "add", "fix", "update", "remove", "change", "refactor", "make", "improve", "introduce", "rename", "move",
    "replace", "use", "handle", "return", "implement", "create", "delete", "allow", "ensure", "convert",
    "support", "prevent", "drop", "clean", "document", "test", "simplify", "validate", "raise", "check",
    "clamp", "round", "parse", "format", "load", "skip", "split", "merge", "bump", "guard", "accept",
    "reject", "extend", "limit", "track", "store", "read", "write", "log", "show", "set", "reset", "enable",
    "disable", "adjust", "correct", "modify", "revert", "restore", "optimize", "cache", "count", "compute",
}  # fmt: skip


def _subject(raw: str, cut: bool) -> Judged:
    plain = [_LEAD.sub("", x).strip() for x in raw.splitlines() if not _FENCE.match(x) and not _RULE.match(x)]
    first = next((x for x in plain if _words(x)), "")
    line = _LABEL.sub("", _emphasis_free(first).strip().strip(_QUOTES).strip()).strip().strip(_QUOTES)
    line = line.rstrip(".").strip()
    words = _words(_ID.sub(" ", line))
    problem: str | None = None
    if not line:
        problem = EMPTY
    elif cut:
        problem = CUT
    elif _LABELLED_ID.search(line) or not words:
        problem = ECHO if _ID.search(line) else SHORT_SUBJECT
    elif _is_code([line], line):
        problem = CODE
    elif len(_words(line)) < 2:
        problem = SHORT_SUBJECT
    elif len(line) > SUBJECT_CHARS:
        problem = SUBJECT_LONG
    elif not _imperative(line):
        problem = NOT_IMPERATIVE
    return Judged(line, problem)


def _imperative(line: str) -> bool:
    """The subject starts with a verb in the imperative: not "This ...", "Added ...", "Fixes ...",
    "Adding ...", and it is not a lead-in ending with a colon."""
    if line.endswith(":"):
        return False
    first = _words(line)[0].casefold()
    if first in _NOT_VERBS:
        return False
    for ending in ("ing", "ed", "d", "es", "s"):
        stem = first.removesuffix(ending)
        if stem != first and (stem in _VERBS or stem + "e" in _VERBS or stem[:-1] in _VERBS):
            return False
    return True
