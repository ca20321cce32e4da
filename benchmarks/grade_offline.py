"""Pick entries of real history and print their offline summaries from two versions of the tool, side by side.

Usage: python benchmarks/grade_offline.py REPO RANGE BEFORE AFTER [--count N] [--diff]

REPO is a clone of the project under review (e.g. pallets/click), RANGE ``A..B`` (e.g. ``8.1.3..8.1.7``),
BEFORE and AFTER two source trees of ariadne-hook (e.g. ``git archive main | tar -x -C /tmp/before`` and
this worktree). Each version runs the CLI offline on the range (``--range A..B --provider offline --format
json``). The *code entries* of the BEFORE run (not hunk entries, not skipped files; any language with a
parser) are sorted by (path, first line) and every k-th one is picked (k = max(1, len // N), starting at
the first), so the pick is deterministic and spread over the whole range. The same entry (path, qualname,
kind, line ranges) is looked up in the AFTER run. With ``--diff`` the hunks of ``git diff A B -- path``
that touch the entry's lines are printed under it, for the reader who grades it: the grading (is the
summary true? does it say what a reviewer needs?) is a person's reading, written down in
docs/OFFLINE_GRADING.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
Entry = dict[str, Any]


def run_tool(tool: Path, repo: Path, revisions: str) -> list[Entry]:
    env = {**os.environ, "PYTHONPATH": str(tool)}
    command = [sys.executable, "-m", "ariadne_hook", "--repo", str(repo.resolve()), "--range", revisions]
    command += ["--provider", "offline", "--format", "json", "--no-cache", "-o", "-"]
    # run in the tool's folder: ``-m`` puts the working directory first on sys.path
    out = subprocess.run(command, cwd=tool, env=env, check=True, capture_output=True, text=True).stdout
    entries: list[Entry] = json.loads(out)["functions"]
    return entries


def key(entry: Entry) -> tuple[str, str, str, str, str]:
    return (
        entry["path"],
        entry["qualname"],
        entry["kind"],
        str(entry["old_lines"]),
        str(entry["new_lines"]),
    )


def is_code(entry: Entry) -> bool:
    return entry["kind"] not in ("hunk",) and entry["language"] != "text" and entry["qualname"] != "<file>"


def first_line(entry: Entry) -> int:
    lines = entry["new_lines"] or entry["old_lines"] or [0, 0]
    return int(lines[0])


def pick(entries: list[Entry], count: int) -> list[Entry]:
    code = sorted((e for e in entries if is_code(e)), key=lambda e: (e["path"], first_line(e), e["qualname"]))
    step = max(1, len(code) // count)
    return code[::step][:count]


def lines_of(repo: Path, revisions: str, entry: Entry, limit: int = 40) -> str:
    """The diff rows of ``git diff -U3 A B -- path`` that fall in the entry's line ranges (changed rows and
    the context rows inside the ranges), at most ``limit`` of them."""
    base, head = revisions.split("..")
    paths = [entry["path"]] if not entry.get("old_path") else [entry["old_path"], entry["path"]]
    diff = subprocess.run(
        ["git", "diff", "-M", base, head, "--", *paths], cwd=repo, check=True, capture_output=True, text=True
    ).stdout
    old, new = entry["old_lines"], entry["new_lines"]
    out: list[str] = []
    o = n = 0
    for line in diff.split("\n"):
        found = HUNK.match(line)
        if found:
            o, n = int(found.group(1)), int(found.group(3))
            continue
        if not o and not n or line.startswith(("+++", "---", "\\")) or not line:
            continue
        tag = line[0]
        in_old = bool(old) and old[0] <= o <= old[1] and tag != "+"
        in_new = bool(new) and new[0] <= n <= new[1] and tag != "-"
        if in_old or in_new:
            out.append(line)
        o += tag != "+"
        n += tag != "-"
    changed = [i for i, line in enumerate(out) if line[:1] in "+-"]
    if not changed:
        return ""
    keep = out[max(0, changed[0] - 3) : changed[-1] + 4]
    return "\n".join(keep[:limit] + ([f"... {len(keep) - limit} more rows"] if len(keep) > limit else []))


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def print_table(args: argparse.Namespace, chosen: list[Entry], after: dict[tuple[str, ...], Entry]) -> None:
    grades: dict[str, list[str]] = {}
    for line in args.table.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            label, old, new, *note = line.split(maxsplit=3)
            grades[label] = [old, new, " ".join(note)]
    totals = [0, 0, 0, 0]
    print("| entry | before | true | useful | after | true | useful | note |")
    print("|---|---|---|---|---|---|---|---|")
    for number, entry in enumerate(chosen, 1):
        label = f"{args.prefix}{number:02d}"
        old, new, note = grades.get(label, ["??", "??", "not graded"])
        other = after.get(key(entry))
        marks = [old[0], old[1], new[0], new[1]]
        totals = [t + (m == "Y") for t, m in zip(totals, marks, strict=True)]
        lines = entry["new_lines"] or entry["old_lines"]
        name = f"{label} `{entry['path']}:{lines[0]}` `{entry['qualname']}` ({entry['change']})"
        after_text = other["summary"] if other else "(not found)"
        row = [name, cell(entry["summary"]), *marks[:2], cell(after_text), *marks[2:], cell(note)]
        print("| " + " | ".join(row) + " |")
    count = len(chosen)
    before = f"before true {totals[0]}/{count}, useful {totals[1]}/{count}"
    after_totals = f"after true {totals[2]}/{count}, useful {totals[3]}/{count}"
    print(f"\n{args.prefix.rstrip('-')} totals: {before}; {after_totals}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("range")
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--diff", action="store_true", help="print the hunks that touch each entry")
    parser.add_argument("--prefix", default="", help="entry label prefix, e.g. 'click-'")
    parser.add_argument(
        "--table",
        type=Path,
        metavar="GRADES",
        help="print a markdown table instead, graded from GRADES: lines 'LABEL BEFORE AFTER [note]' where "
        "BEFORE and AFTER are two letters Y/N each (true? useful?), e.g. 'click-01 YN YY'",
    )
    args = parser.parse_args(argv)
    before = run_tool(args.before.resolve(), args.repo, args.range)
    after = {key(e): e for e in run_tool(args.after.resolve(), args.repo, args.range)}
    chosen = pick(before, args.count)
    if args.table is not None:
        print_table(args, chosen, after)
        return 0
    code = sum(is_code(e) for e in before)
    name = args.repo.name
    print(f"# {name} {args.range}: {len(before)} entries, {code} code entries, picked {len(chosen)}")
    for number, entry in enumerate(chosen, 1):
        other = after.get(key(entry))
        lines = entry["new_lines"] or entry["old_lines"]
        where = f"{entry['path']}:{lines[0]} {entry['qualname']}"
        print(f"\n## {args.prefix}{number:02d} {where} ({entry['change']})")
        print(f"BEFORE: {entry['summary']}")
        print(f"AFTER:  {other['summary'] if other else '(entry not found in the after run)'}")
        if args.diff:
            print(lines_of(args.repo, args.range, entry))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
