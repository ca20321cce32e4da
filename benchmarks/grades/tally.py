"""Join a blind grader's file with its packet's key: true and useful per repository, before and after.

    python benchmarks/grades/tally.py benchmarks/grades/graded/fresh-2026-12.txt \
        benchmarks/grades/keys/fresh-2026-12.json

A grade line reads ``requests-01 A:YY B:YN note`` (true then useful, for the summaries labelled A and B); the
key says which of A and B is BEFORE. Prints one line per (repository prefix, side), then every AFTER item
graded N on either count.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

GRADE = re.compile(r"\s*([a-z][a-z-]*)-(\d+)\s+A:([YN])([YN])\s+B:([YN])([YN])")


Counts = dict[tuple[str, str], Counter[str]]


def tally(grades: str, key: dict[str, dict[str, str]]) -> tuple[Counts, list[str]]:
    counts: Counts = defaultdict(Counter)
    misses: list[str] = []
    for line in grades.splitlines():
        match = GRADE.match(line)
        if match is None:
            continue
        item = f"{match[1]}-{match[2]}"
        for label, true, useful in (("A", match[3], match[4]), ("B", match[5], match[6])):
            side = key[item][label]
            for repo in (match[1], "ALL"):
                counts[(repo, side)].update(n=1, true=true == "Y", useful=useful == "Y")
            if side == "after" and "N" in true + useful:
                misses.append(f"{item} {true}{useful}")
    return counts, misses


def main(argv: list[str]) -> int:
    grades, key_path = argv
    counts, misses = tally(Path(grades).read_text(encoding="utf-8"), json.loads(Path(key_path).read_text()))
    for (repo, side), c in sorted(counts.items()):
        print(f"{repo:10} {side:6} true {c['true']}/{c['n']}  useful {c['useful']}/{c['n']}")
    print("after, graded N:", ", ".join(misses) or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
