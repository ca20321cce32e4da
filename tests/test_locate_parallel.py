"""The locate stage shared with a forked helper process: same entries, same order, as in one process."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ariadne_hook import forked
from ariadne_hook.locate import locate, parallel
from ariadne_hook.source.git import staged
from tests.gitutil import commit_all, init_repo, stage_all, write

MAX = 1_000_000


def module(index: int, edited: bool) -> str:
    body = "x * 3" if edited else "x * 2"
    funcs = "".join(f"def f{k}(x):\n    return {body if k == index % 4 else 'x'}\n\n\n" for k in range(4))
    return funcs + f"class C{index}:\n    def m(self):\n        return {index + (1 if edited else 0)}\n"


@pytest.fixture
def jobs(tmp_path: Path) -> list[parallel.Job]:
    repo = init_repo(tmp_path / "repo")
    for i in range(9):
        write(repo, f"m{i}.py", module(i, False))
    write(repo, "notes.txt", "one\n")
    commit_all(repo)
    for i in range(9):
        write(repo, f"m{i}.py", module(i, True))
    write(repo, "notes.txt", "two\n")
    stage_all(repo)
    _, files = staged(repo, MAX)
    return [(f, "text" if f.path.endswith(".txt") else "python") for f in files]


def test_helper_gives_the_same_entries_in_the_same_order(jobs: list[parallel.Job]) -> None:
    alone = parallel.locate_many(jobs)
    cuts = forked.runs([parallel.size(job) for job in jobs], forked.RUNS)
    assert len(cuts) == len(jobs)  # ten files, 64 runs at most: one each
    if not sys.platform.startswith("linux"):
        pytest.skip("the helper process is used on Linux only")
    shared = forked.claimed(parallel.locate_many, jobs, cuts)
    assert shared == alone
    assert sum(len(entries) for entries in alone) == 9 * 2 + 1  # f<k> and C<i>.m in each module, notes.txt


def test_locate_with_the_helper_matches_locate_without(
    jobs: list[parallel.Job], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [change for change, _ in jobs]
    expected = locate(files)
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)  # any diff is "large": the helper path when it can run
    assert locate(files) == expected
    assert [e.qualname for e in expected if e.path == "m1.py"] == ["f1", "C1.m"]


def test_small_diffs_and_single_jobs_stay_in_process(jobs: list[parallel.Job]) -> None:
    sizes = [parallel.size(job) for job in jobs]
    assert not forked.worth_a_helper(sizes, parallel.MIN_CHARS)  # a few kilobytes
    assert not forked.worth_a_helper(sizes[:1], 0)


def test_runs_are_of_about_the_same_amount_of_text(jobs: list[parallel.Job]) -> None:
    sizes = [parallel.size(job) for job in jobs]
    cuts = forked.runs(sizes, 3)
    assert [start for start, _ in cuts] == [0, *(stop for _, stop in cuts[:-1])] and cuts[-1][1] == len(jobs)
    amounts = [sum(sizes[start:stop]) for start, stop in cuts]
    assert len(cuts) == 3 and max(amounts) - min(amounts) <= max(sizes)  # even, to one file
