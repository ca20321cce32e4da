"""Work shared with one forked helper process (``forked.py``): same results, same order, the helper's share
inherited (never pickled), a failing helper only costs time."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import pytest

from ariadne_hook import forked

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the helper runs on Linux only")


@linux_only
def test_the_helper_maps_the_first_part_from_an_inherited_closure() -> None:
    offset = 10  # a closure: it cannot be pickled, so the helper must have inherited it

    def work(items: Sequence[int]) -> list[tuple[int, int]]:
        return [(os.getpid(), item + offset) for item in items]

    shared = forked.with_helper(work, [1, 2, 3], [4, 5])
    assert [value for _, value in shared] == [11, 12, 13, 14, 15]
    pids = [pid for pid, _ in shared]
    assert pids[3:] == [os.getpid()] * 2
    assert len(set(pids[:3])) == 1 and pids[0] != os.getpid()  # mapped by the helper


@linux_only
def test_a_helper_that_fails_leaves_its_share_to_this_process() -> None:
    parent = os.getpid()

    def work(items: Sequence[int]) -> list[int]:
        if os.getpid() != parent:
            os._exit(3)  # the helper dies: BrokenProcessPool
        return [item * 2 for item in items]

    assert forked.with_helper(work, [1, 2], [3]) == [2, 4, 6]


def test_map_shared_stays_in_process_below_the_size() -> None:
    def work(items: Sequence[int]) -> list[int]:
        return [os.getpid() for _ in items]

    assert forked.map_shared(work, [1, 2, 3], [1, 1, 1], 4) == [os.getpid()] * 3
    assert not forked.worth_a_helper([10], 0)  # one item: nothing to share


def test_halfway_splits_by_size() -> None:
    assert forked.halfway([1, 1, 1, 1]) == 2
    assert forked.halfway([10, 1, 1]) == 1
    assert forked.halfway([1, 1, 10]) == 2  # never everything on one side
