"""A blind grading packet of offline summaries: modified functions of real history, two summaries each.

Usage:
    python benchmarks/offline_packet.py OUT KEY BEFORE AFTER NAME=CLONE[@RANGE] ... [--per-repo 16] [--list]

NAME is how the repository is shown (``psf/requests``), CLONE a local clone of it, RANGE ``A..B``. BEFORE
and AFTER are two source trees of ariadne-hook (e.g. ``git worktree add /tmp/old 4350ce6`` and this one).

The draw (fixed before any summary is read, and independent of both summarizers' text):

1. the range: RANGE when given; otherwise the release tags of the clone (``vX.Y.Z`` or ``X.Y.Z``, sorted
   as versions) from the newest back: ``T(n-1)..T(n)``, then ``T(n-2)..T(n)``... the first range whose
   BEFORE run (``--range R --provider offline --format json``) has at least 3 x PER_REPO modified
   functions or methods;
2. the *modified function and method entries* of that run (tests included; not module-level code, not
   added or deleted functions, not hunks), sorted by (path, first line, name);
3. PER_REPO of them evenly spaced: indices ``floor(i * count / PER_REPO)``.

For each item the packet (one markdown file per repository in OUT) shows the repository, the range's
commits, the path, the function, the diff rows inside the function's lines (``git diff -M A B -- path``,
at most 80 rows) and two summaries labelled A and B: which one is BEFORE is decided by a hash of the item's
label, and written only to KEY (a JSON file the grader does not open). ``--list`` prints the draw only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grade_offline import Entry, first_line, key, lines_of, run_tool  # noqa: E402

TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")


def release_tags(repo: Path) -> list[str]:
    """The release tags, sorted as versions, one per commit: a release tagged twice (``v1.2.0`` and ``1.2.0``,
    as avast/retry-go has) would make a range from a tag to itself, which is empty."""
    listed = subprocess.run(
        ["git", "for-each-ref", "refs/tags", "--format=%(refname:short) %(objectname) %(*objectname)"],
        cwd=repo, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    commits = {}  # tag -> its commit (an annotated tag's peeled object)
    for line in listed.splitlines():
        tag, obj, *peeled = line.split()
        commits[tag] = peeled[0] if peeled else obj
    found = sorted((tuple(int(g) for g in m.groups()), tag) for tag in commits if (m := TAG.match(tag)))
    chosen: dict[str, str] = {}  # commit -> the first tag of it in version order
    for _, tag in found:
        chosen.setdefault(commits[tag], tag)
    kept = set(chosen.values())
    return [tag for _, tag in found if tag in kept]


def modified_functions(entries: list[Entry]) -> list[Entry]:
    chosen = [e for e in entries if e["change"] == "modified" and e["kind"] in ("function", "method")]
    return sorted(chosen, key=lambda e: (e["path"], first_line(e), e["qualname"]))


def choose_range(tool: Path, repo: Path, given: str | None, minimum: int) -> tuple[str, list[Entry]]:
    if given:
        return given, run_tool(tool, repo, given)
    tags = release_tags(repo)
    newest = tags[-1]
    for base in reversed(tags[:-1]):
        revisions = f"{base}..{newest}"
        entries = run_tool(tool, repo, revisions)
        if len(modified_functions(entries)) >= minimum:
            return revisions, entries
    raise SystemExit(f"{repo}: no release range with {minimum} modified functions")


def evenly(items: list[Entry], count: int) -> list[Entry]:
    if len(items) <= count:
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def commit_of(repo: Path, rev: str) -> str:
    return subprocess.run(
        ["git", "rev-parse", rev + "^{commit}"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def label_for(name: str, number: int) -> str:
    return f"{name.split('/')[-1]}-{number:02d}"


def before_is_a(label: str) -> bool:
    return hashlib.sha256(label.encode()).digest()[0] % 2 == 0


def fence(text: str) -> str:
    ticks = "````" if "```" in text else "```"
    return f"{ticks}diff\n{text}\n{ticks}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("key", type=Path)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("repos", nargs="+", metavar="NAME=CLONE[@RANGE]")
    parser.add_argument("--per-repo", type=int, default=16)
    parser.add_argument("--list", action="store_true", help="print the draw only (no summaries)")
    args = parser.parse_args(argv)
    key_data: dict[str, dict[str, str]] = {}
    for spec in args.repos:
        name, _, rest = spec.partition("=")
        clone, _, given = rest.partition("@")
        repo = Path(clone).resolve()
        revisions, entries = choose_range(args.before.resolve(), repo, given or None, 3 * args.per_repo)
        pool = modified_functions(entries)
        chosen = evenly(pool, args.per_repo)
        base, head = (commit_of(repo, rev) for rev in revisions.split(".."))
        header = (
            f"# {name} {revisions} ({base[:12]}..{head[:12]})\n\n"
            f"{len(pool)} modified functions in the range; {len(chosen)} drawn, evenly spaced.\n"
        )
        if args.list:
            print(header)
            for number, entry in enumerate(chosen, 1):
                lines = entry["new_lines"] or entry["old_lines"]
                print(f"- {label_for(name, number)} `{entry['path']}:{lines[0]}` `{entry['qualname']}`")
            continue
        after = {key(e): e for e in run_tool(args.after.resolve(), repo, revisions)}
        parts = [header]
        for number, entry in enumerate(chosen, 1):
            label = label_for(name, number)
            other = after.get(key(entry))
            old_text = entry["summary"]
            new_text = other["summary"] if other else "(entry not found in this run)"
            first, second = (old_text, new_text) if before_is_a(label) else (new_text, old_text)
            key_data[label] = {"A": "before" if before_is_a(label) else "after"}
            key_data[label]["B"] = "after" if key_data[label]["A"] == "before" else "before"
            lines = entry["new_lines"] or entry["old_lines"]
            parts.append(
                f"\n## {label} `{entry['path']}:{lines[0]}` `{entry['qualname']}` (modified)\n\n"
                f"Repository {name}, commits {base[:12]}..{head[:12]}, "
                f"old lines {entry['old_lines']}, new lines {entry['new_lines']}.\n\n"
                f"{fence(lines_of(repo, revisions, entry, limit=80))}\n\n"
                f"- **A**: {first}\n- **B**: {second}\n"
            )
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"{name.replace('/', '-')}.md").write_text("".join(parts))
    if not args.list:
        args.key.parent.mkdir(parents=True, exist_ok=True)
        previous = json.loads(args.key.read_text()) if args.key.exists() else {}
        args.key.write_text(json.dumps({**previous, **key_data}, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
