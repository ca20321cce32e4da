"""The deadline bounds the whole run (issue 16, case 11): it counts from the start of ``main``; the locate
stage, the references and the offline summaries keep it; what is not done is listed with reason ``deadline``,
and the review is still written. And the per-file work the deadline cannot interrupt (one parse, one file's
mapping) grows linearly with the file: counted here in operations, never in seconds.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ariadne_hook.config import Settings
from ariadne_hook.languages import scanner_for
from ariadne_hook.locate import locate
from ariadne_hook.locate.align import paired_ids
from ariadne_hook.locate.core import locate_file
from ariadne_hook.locate.entries import module_blocks
from ariadne_hook.locate.parallel import locate_files
from ariadne_hook.locate.references import find_references, targets
from ariadne_hook.locate.sides import hunk_rows
from ariadne_hook.models import (
    ADDED,
    DEADLINE,
    FALLBACK,
    SKIPPED,
    FileChange,
    FunctionSpan,
    Hunk,
    Report,
    SourceInfo,
    Stats,
)
from ariadne_hook.render.markdown import LOCAL, render_markdown
from ariadne_hook.summarize.stage import summarize
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.runner import clean_env, run_main
from tests.test_locate_python import change_of

LATE = re.compile(rf"{DEADLINE}: (\d+) of (\d+) changed lines not reviewed")


def functions(count: int, body: str = "pass", prefix: str = "f") -> str:
    return "".join(f"def {prefix}{i}():\n    {body}\n\n\n" for i in range(count))


def added(path: str, text: str) -> FileChange:
    """A new file, as the source stage makes it: one hunk of added lines."""
    lines = text.split("\n")[:-1]
    hunk = Hunk(0, 0, 1, len(lines), "", tuple(f"+{line}" for line in lines))
    return FileChange(path, None, ADDED, None, text, (hunk,), added_lines=frozenset(range(1, len(lines) + 1)))


def changed_lines(diff: str) -> int:
    return sum(1 for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---")))


# ------------------------------------------------------------------------------------------ the CLI


def staged_repo(tmp_path: Path) -> Path:
    """Three Python files of 40 functions each, every function changed, and one new file of 40 more."""
    repo = init_repo(tmp_path / "project")
    for k in range(3):
        write(repo, f"pkg/m{k}.py", functions(40))
    commit_all(repo, "base")
    for k in range(3):
        write(repo, f"pkg/m{k}.py", functions(40, "return 1"))
    write(repo, "pkg/new.py", "".join(f"def g{i}(a, b):\n    return a * b + {i}\n" for i in range(40)))
    stage_all(repo)
    return repo


def test_a_deadline_passed_before_locate_still_writes_an_honest_review(tmp_path: Path, capsys: Any) -> None:
    """The deadline counts from the start of main: settings, git and locate are inside it. Before this, it
    started after locate, and all 160 functions were mapped and summarized whatever the deadline."""
    repo = staged_repo(tmp_path)
    argv = ["--deadline", "0.000001", "--format", "json"]
    code, _, err = run_main(argv, repo, clean_env(), capsys)
    assert code == 0
    data = json.loads((repo / ".ariadne" / "review.json").read_text())
    entries = data["functions"]
    assert {e["path"] for e in entries} == {"pkg/m0.py", "pkg/m1.py", "pkg/m2.py", "pkg/new.py"}
    assert [e for e in entries if e["kind"] == "function"] == []  # locate mapped none of the 160
    assert len(entries) == 4  # one entry per file, each saying what is left
    for entry in entries:
        assert entry["status"] == SKIPPED and entry["qualname"] == "<file>"
        left, total = map(int, LATE.fullmatch(entry["reason"]).groups())  # type: ignore[union-attr]
        assert left == total == 80  # 40 functions' changed lines: "-    pass", "+    return 1" / 2 added
    assert data["stats"]["skipped"] == 4
    assert any("deadline of 1e-06 s reached while mapping" in note for note in data["notes"])
    assert err.count("\n") == 1
    assert "deadline 1e-06 s: 4 files not reviewed in full" in err


def test_strict_counts_a_run_the_deadline_cut_short_as_a_failure(tmp_path: Path, capsys: Any) -> None:
    repo = staged_repo(tmp_path)
    code, _, _ = run_main(["--deadline", "0.000001", "--strict"], repo, clean_env(), capsys)
    assert code == 1
    review = (repo / ".ariadne" / "review.md").read_text()
    assert review.count("*skipped: deadline: ") == 4


def test_with_time_enough_nothing_is_cut(tmp_path: Path, capsys: Any) -> None:
    repo = staged_repo(tmp_path)
    code, _, err = run_main(["--format", "json"], repo, clean_env(), capsys)
    assert code == 0
    data = json.loads((repo / ".ariadne" / "review.json").read_text())
    assert len([e for e in data["functions"] if e["kind"] == "function"]) == 160
    assert "deadline" not in err and not any("deadline" in note for note in data["notes"])


# ---------------------------------------------------------------------------------------- locate


class Clock:
    """A clock that reads 0 for its first ``ticks`` readings, then 1: the deadline (0.5) passes at a known
    point of the work, whatever the machine's speed."""

    def __init__(self, ticks: int) -> None:
        self.left = ticks
        self.readings = 0

    def __call__(self) -> float:
        self.readings += 1
        self.left -= 1
        return 0.0 if self.left >= 0 else 1.0


def test_a_file_cut_midway_keeps_its_entries_and_accounts_for_every_changed_line() -> None:
    change = change_of(functions(30), functions(30, "return 1"))
    clock = Clock(12)
    entries = locate_file(change, "python", deadline_at=0.5, clock=clock)
    late = [e for e in entries if e.skip_reason]
    done = [e for e in entries if not e.skip_reason]
    assert len(late) == 1 and late[0].qualname == "<file>"
    assert 0 < len(done) < 30 and all(e.kind == "function" for e in done)
    left, total = map(int, LATE.fullmatch(late[0].skip_reason or "").groups())  # type: ignore[union-attr]
    assert total == 60 == len(change.removed_lines) + len(change.added_lines)
    assert left + sum(changed_lines(e.diff) for e in done) == total
    assert clock.readings <= 12 + 1  # no work started once the clock read past the stop


def test_a_file_is_not_parsed_once_the_deadline_passed() -> None:
    change = change_of(functions(30), functions(30, "return 1"))
    [entry] = locate_file(change, "python", deadline_at=0.5, clock=Clock(0))
    assert entry.skip_reason == f"{DEADLINE}: 60 of 60 changed lines not reviewed"


def test_the_deadline_between_the_two_parses_of_a_file() -> None:
    change = change_of(functions(30), functions(30, "return 1"))
    [entry] = locate_file(
        change, "python", deadline_at=0.5, clock=Clock(1)
    )  # read before the first parse only
    assert entry.skip_reason == f"{DEADLINE}: 60 of 60 changed lines not reviewed"


def test_locate_past_the_deadline_lists_every_file() -> None:
    skipped = change_of("a\n", "b\n", path="blob.bin", skip_reason="binary file")
    files = [change_of(functions(5), functions(5, "return 1"), path=f"m{k}.py") for k in range(3)]
    entries = locate([*files, skipped], deadline_at=time.monotonic() - 1)
    assert [(e.path, e.qualname) for e in entries] == [
        ("blob.bin", "<file>"),
        ("m0.py", "<file>"),
        ("m1.py", "<file>"),
        ("m2.py", "<file>"),
    ]
    assert entries[0].skip_reason == "binary file"
    assert all(e.skip_reason == f"{DEADLINE}: 10 of 10 changed lines not reviewed" for e in entries[1:])


def test_the_helper_process_keeps_the_deadline_too() -> None:
    # over a megabyte of text: shared with a forked helper where there are two cores
    jobs = [(added(f"big{k}.py", functions(6000)), "python") for k in range(2)]
    mapped = locate_files(jobs, deadline_at=time.monotonic() - 1)
    assert [[e.skip_reason for e in entries] for entries in mapped] == [
        [f"{DEADLINE}: 24000 of 24000 changed lines not reviewed"]
    ] * 2


# ----------------------------------------------------------------------------- offline and references


def test_offline_summaries_stop_at_the_deadline_and_say_so() -> None:
    changes = locate([change_of(functions(5), functions(5, "return 1"))])
    result = summarize(changes, Settings(provider="offline"), None, deadline_at=time.monotonic() - 1)
    assert [(s.status, s.reason, s.text) for s in result.summaries] == [(FALLBACK, DEADLINE, "")] * 5
    assert result.notes == ("deadline of 30 s reached: 5 entries were not summarized",)
    report = Report(SourceInfo("staged"), "offline", None, result.summaries, Stats(functions=5, fallback=5))
    text = render_markdown(report, LOCAL)
    assert text.count("*not summarized: deadline*") == 5
    assert "LLM failed" not in text and "(no summary)" not in text


def test_references_keep_the_deadline(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    write(repo, "a.py", functions(5))
    write(repo, "b.py", "from a import f1\n\nf1()\n")
    commit_all(repo)
    files = [change_of(functions(5), "", path="a.py")]
    changes = locate(files)
    assert targets(changes, files, deadline_at=time.monotonic() - 1) is None
    assert len(targets(changes, files) or []) == 5
    scan = find_references(repo, SourceInfo("staged"), changes, files, deadline_at=time.monotonic() - 1)
    assert not scan.complete and scan.found == {}
    assert scan.note is not None and scan.note.startswith("references: cut short")


# --------------------------------------------------------------- per-file work grows linearly (counted)


class Counted(Sequence[Any]):
    """A sequence that counts how often it is read: by item and by full pass."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = list(items)
        self.reads = 0
        self.passes = 0

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: Any) -> Any:
        self.reads += 1
        return self.items[index]

    def __iter__(self) -> Iterator[Any]:
        self.passes += 1
        return iter(self.items)


def test_module_blocks_place_each_blank_line_without_scanning_every_block() -> None:
    lines = [line for i in range(300) for line in (f"+x{i} = {i}", "+", "+", "+", "+")]
    rows = Counted(hunk_rows([Hunk(0, 0, 1, len(lines), "", tuple(lines))]))
    blocks = module_blocks(rows, list(range(len(rows))))
    assert len(blocks) == 300 and sum(len(block) for block, _ in blocks) == len(rows)
    assert rows.reads < 20 * len(rows)  # before: every blank row measured its distance to all 300 blocks


class CountedSet(frozenset[int]):
    passes = 0

    def __iter__(self) -> Iterator[int]:
        CountedSet.passes += 1
        return super().__iter__()


def test_module_facts_look_up_the_changed_lines_instead_of_scanning_every_statement() -> None:
    for language, text in (
        ("python", "".join(f"x{i} = {i}\n" for i in range(500))),
        ("javascript", "".join(f"const x{i} = {i};\n" for i in range(500))),
    ):
        scanner = scanner_for(language)
        assert scanner is not None
        facts_of = scanner(text).module_facts
        assert facts_of is not None
        CountedSet.passes = 0
        facts = facts_of(CountedSet({250, 251}))
        assert facts.assigned == ("x249", "x250")
        assert CountedSet.passes <= 2, language  # before: one pass over the lines per statement (500)


class CountedSpan(FunctionSpan):
    reads = 0

    def __getattribute__(self, name: str) -> Any:
        if name in ("start", "end"):
            CountedSpan.reads += 1
        return super().__getattribute__(name)


def test_definitions_of_one_name_pair_without_comparing_each_with_each() -> None:
    count = 300
    spans = [CountedSpan("f", "function", 3 * i + 1, 3 * i + 2) for i in range(count)]
    ids = [("f", i) for i in range(count)]
    CountedSpan.reads = 0
    paired = paired_ids(spans, ids, spans, ids, lambda line: line)
    assert paired == ids
    assert CountedSpan.reads < 40 * count  # before: each old definition against every new one (count²)


def test_a_module_entry_carries_only_the_names_it_needs() -> None:
    old = "".join(f"x{i} = {i}\n" for i in range(300))
    entries = locate([change_of(old, old.replace("x150 = 150", "x150 = 151\ny = 2"))])
    [entry] = [e for e in entries if e.kind == "module"]
    assert entry.new_facts is not None and entry.old_facts is not None
    assert set(entry.new_facts.assigned) == {"x150", "y"}
    assert entry.new_facts.names == ("x150", "y") and entry.old_facts.names == ("x150",)


def test_deleting_many_functions_looks_for_moves_in_one_pass() -> None:
    files = [change_of(functions(200), "", path="a.py")]
    changes = Counted(locate(files))
    assert len(targets(changes, files) or []) == 200
    assert changes.passes < 10  # before: one pass over every entry per deleted function
