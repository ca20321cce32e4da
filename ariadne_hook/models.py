"""Plain frozen dataclasses that the pipeline stages hand to each other.

source -> FileChange; locate -> FunctionChange; summarize -> Summary; render <- Report.
"""

from __future__ import annotations

from dataclasses import dataclass

# FileChange.status
ADDED, MODIFIED, DELETED, RENAMED, COPIED = "added", "modified", "deleted", "renamed", "copied"

# Summary.status
SUMMARIZED, CACHED, FALLBACK, SKIPPED = "summarized", "cached", "fallback", "skipped"
# the start of Summary.reason of a fallback whose model answer was no summary ("rejected: echoes an id")
REJECTED = "rejected: "
# the reason given (or that starts the reason) for what the run's deadline left undone
DEADLINE = "deadline"


@dataclass(frozen=True)
class SourceInfo:
    """What was reviewed."""

    kind: str  # "staged" | "range" | "patch"
    base: str | None = None  # full commit id of the old side, when known
    head: str | None = None  # full commit id of the new side, when known
    label: str = ""  # human text for the report header, e.g. "staged changes", "1a2b3c4...5d6e7f8"


@dataclass(frozen=True)
class Hunk:
    """One ``@@`` hunk of a unified diff."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    header: str  # the text after the closing "@@" (git's function context), stripped; "" when none
    lines: tuple[str, ...]  # body lines, each starting with " ", "-", "+" or "\\" (no newline chars)

    def numbered(self) -> list[tuple[str, int | None, int | None, str]]:
        """(tag, old line number, new line number, text) for each body line; "\\" lines are dropped."""
        out: list[tuple[str, int | None, int | None, str]] = []
        old, new = self.old_start, self.new_start
        for line in self.lines:
            tag, text = line[:1], line[1:]
            if tag == "-":
                out.append((tag, old, None, text))
                old += 1
            elif tag == "+":
                out.append((tag, None, new, text))
                new += 1
            elif tag == "\\":
                continue
            else:
                out.append((" ", old, new, text))
                old += 1
                new += 1
        return out


@dataclass(frozen=True)
class FileChange:
    """One file of the diff, with both sides' text where it could be read."""

    path: str  # new path; for a deleted file, the old path
    old_path: str | None  # set when renamed or copied
    status: str  # added | modified | deleted | renamed | copied
    old_text: str | None  # None when added, binary, undecodable, skipped or unknown (hunk-only patch)
    new_text: str | None  # None when deleted, binary, undecodable, skipped or unknown
    hunks: tuple[Hunk, ...] = ()
    removed_lines: frozenset[int] = frozenset()  # old-side line numbers the diff removes
    added_lines: frozenset[int] = frozenset()  # new-side line numbers the diff adds
    skip_reason: str | None = None  # "binary file", "file over 1000000 bytes", "excluded by 'x'"...


@dataclass(frozen=True)
class Param:
    name: str
    annotation: str | None = None
    default: str | None = None
    kind: str = "positional"  # positional | keyword | var_positional | var_keyword | positional_only


Block = tuple[str, str, str, str, bool, str]  # see FunctionFacts.blocks


@dataclass(frozen=True)
class FunctionFacts:
    """What a language parser learns of one function; feeds the offline summarizer."""

    params: tuple[Param, ...] = ()
    returns: str | None = None  # return annotation / declared return type, as source text
    decorators: tuple[str, ...] = ()  # decorator / attribute / annotation texts
    calls: tuple[str, ...] = ()  # callee names as written ("self.save", "os.path.join"), repeats kept
    raises: tuple[str, ...] = ()  # raised / thrown expressions ("ValueError", "errors.New")
    returns_count: int = 0  # number of return statements / expressions
    is_async: bool = False
    body_hash: str = ""  # hash of the body text with the name removed (detects pure moves/renames)
    # what the body does, for the offline summary (in source order, repeats kept, nested entries excluded)
    flow: tuple[str, ...] = ()  # control-flow statements: "if", "for", "while", "try", "return", "defer"...
    # (keyword, head, first statement of its body, first statement of its else, whether its body ends by
    # leaving: return / raise / break / continue, what it checks if its head holds more: a Go ``if``'s
    # condition without its init statement) of each if / elif / while / for / with / switch / match /
    # assert / ternary, texts on one line each ("" where there is none, or where the head is all it checks)
    blocks: tuple[Block, ...] = ()
    literals: tuple[tuple[str, str], ...] = ()  # (name it is bound or passed to, or ""; literal text)
    assigned: tuple[str, ...] = ()  # names (and attributes) assigned in the body, once each
    names: tuple[str, ...] = ()  # names and dotted names read (callees and assigned targets aside), once each
    docstring: str = ""  # the function's docstring (Python), one line
    cases: tuple[str, ...] = ()  # the rows of a test's table of cases, and its t.Run("name") subtests


NO_FACTS = FunctionFacts()  # what a span says before its facts are read: one instance for all


@dataclass(frozen=True)
class FunctionSpan:
    """A function found by a language parser in one version of a file."""

    qualname: str  # dotted: "Class.method", "outer.inner"
    kind: str  # "function" | "method"
    start: int  # 1-based, inclusive, decorators included
    end: int  # 1-based, inclusive
    facts: FunctionFacts = NO_FACTS


@dataclass(frozen=True)
class FunctionChange:
    """One reviewed unit: a function, a file's module-level lines, a hunk, or a skipped file."""

    path: str
    old_path: str | None
    qualname: str  # "Class.method", "outer.inner", "<module>", a hunk name, or "<file>" when skipped
    kind: str  # "function" | "method" | "module" | "hunk"
    change: str  # "added" | "modified" | "deleted"
    language: str  # "python", "javascript", ..., "text"
    old_lines: tuple[int, int] | None
    new_lines: tuple[int, int] | None
    old_source: str | None
    new_source: str | None
    diff: str  # this unit's hunks, unified format (@@ headers + body lines)
    old_facts: FunctionFacts | None = None
    new_facts: FunctionFacts | None = None
    note: str | None = None  # e.g. "syntax error on the new side, line 3: per-hunk entries"
    skip_reason: str | None = None  # set for skipped files: they are listed, never summarized or sent
    trivial: bool = False  # only comments, blank lines, whitespace, or (module level) only imports changed
    # (added, removed) lines inside a function's line range that belong to a function nested in it (whose
    # own entry has them): the function's diff leaves them out, its line counts do not
    nested: tuple[int, int] = (0, 0)

    @property
    def first_line(self) -> int:
        """Sort key within a file: new side's first line, the old side's for deleted ones."""
        if self.new_lines is not None:
            return self.new_lines[0]
        if self.old_lines is not None:
            return self.old_lines[0]
        return 0


@dataclass(frozen=True)
class Reference:
    """A place at the reviewed revision that still uses an old name or an old call shape."""

    path: str
    line: int  # 1-based, in the reviewed revision (the index for staged changes, the head of a range)
    text: str  # the line, stripped and shortened


@dataclass(frozen=True)
class References:
    """What one deleted, renamed or re-signatured function left behind (see locate/references.py)."""

    name: str  # the old name looked for
    why: str  # "deleted" | "renamed to X" | "signature changed"
    items: tuple[Reference, ...]  # sorted by (path, line), at most the cap
    total: int  # all that were found, listed or not


@dataclass(frozen=True)
class Summary:
    change: FunctionChange
    status: str  # summarized | cached | fallback | skipped
    text: str
    reason: str | None = None  # why fallback / skipped (or a note such as "trimmed to budget")
    references: References | None = None  # what a deleted/renamed/re-signatured function left behind


@dataclass(frozen=True)
class Stats:
    functions: int = 0
    summarized: int = 0
    cached: int = 0
    fallback: int = 0
    skipped: int = 0
    requests: int = 0
    rejected: int = 0  # of the fallbacks: the model answered, but not with a summary ("rejected: ...")
    seconds: float = 0.0
    prompt_tokens: int = 0  # as the API reports them (0 offline)
    completion_tokens: int = 0


@dataclass(frozen=True)
class Report:
    source: SourceInfo
    provider: str
    model: str | None
    summaries: tuple[Summary, ...]
    stats: Stats
    notes: tuple[str, ...] = ()  # run-level warnings shown in the header (cache disabled, deadline hit...)
    walkthrough: str | None = None  # the model's few sentences on the change as a whole (None: offline)
