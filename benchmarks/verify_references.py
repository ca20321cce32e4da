"""The references finder against real history: commits that deleted, renamed or re-signatured a function and
updated its callers in the same commit, replayed as if the callers had been forgotten.

    python benchmarks/verify_references.py REPO BASE..HEAD [--limit N] [--show]

For every non-merge commit C of the range whose diff (C^..C) has such an entry, a scratch clone is put at C^
and only the file that defines the function is brought to C and staged: what C did to the callers in its
other files is left undone. The finder must then report the places C updated: every line C removed in
another file of the same language that has the old name on it is *expected* (a removed comment line that
mentions the name is expected too, and will show as missed: read them). It prints, per entry, the expected
lines found, missed, and the extra lines it reported (references C did not touch: read them by hand).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from common import ROOT, git

sys.path.insert(0, str(ROOT))
from ariadne_hook.languages import language_for  # noqa: E402
from ariadne_hook.locate import locate  # noqa: E402
from ariadne_hook.locate.reference_rules import family as family_of  # noqa: E402
from ariadne_hook.locate.references import Target, find_references, targets  # noqa: E402
from ariadne_hook.source.git import revision_range, staged  # noqa: E402


def removed_lines(
    repo: Path, parent: str, commit: str, name: str, skip: str, family: str
) -> set[tuple[str, int]]:
    """(path, old line) of the lines the commit removed, outside ``skip``, with ``name`` as a word."""
    _, files = revision_range(repo, f"{parent}..{commit}", 1_000_000)
    word = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])")
    out: set[tuple[str, int]] = set()
    for change in files:
        path = change.old_path or change.path
        if path == skip or change.status == "added" or change.old_text is None:
            continue
        if family_of(language_for(path, {})) != family:
            continue
        lines = change.old_text.split("\n")
        out.update(
            (path, n) for n in change.removed_lines if 0 < n <= len(lines) and word.search(lines[n - 1])
        )
    return out


def replay(clone: Path, parent: str, commit: str, path: str) -> None:
    git(clone, "checkout", "-q", "-f", parent)
    git(clone, "clean", "-q", "-fdx")
    present = git(clone, "ls-tree", "--name-only", commit, "--", path).strip()
    if present:
        git(clone, "checkout", "-q", commit, "--", path)
    else:
        git(clone, "rm", "-q", "--", path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("range")
    parser.add_argument("--limit", type=int, default=400, help="commits at most")
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    commits = git(args.repo, "rev-list", "--no-merges", "--reverse", args.range).split()[: args.limit]
    totals = defaultdict(int)
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        git(Path(tmp), "clone", "-q", "--shared", str(args.repo.resolve()), str(clone))
        for commit in commits:
            parent = f"{commit}^"
            try:
                _, files = revision_range(args.repo, f"{parent}..{commit}", 1_000_000)
            except Exception:  # a root commit
                continue
            wanted = targets(locate(files), files)
            by_path: dict[str, list[Target]] = defaultdict(list)
            for target in wanted:
                by_path[target.path].append(target)
            for path, group in by_path.items():
                replay(clone, parent, commit, path)
                info, staged_files = staged(clone, 1_000_000)
                changes = locate(staged_files)
                scan = find_references(clone, info, changes, staged_files, budget_seconds=30.0, cap=10_000)
                reported = {
                    changes[i].qualname: {(r.path, r.line) for r in refs.items}
                    for i, refs in scan.found.items()
                }
                totals_found = {changes[i].qualname: refs.total for i, refs in scan.found.items()}
                for target in group:
                    family = family_of(target.language)
                    expected = removed_lines(args.repo, parent, commit, target.name, path, family)
                    got = reported.get(target.qualname, set())
                    if not expected and not got:
                        totals["entries with nothing expected or reported"] += 1
                        continue
                    hit, missed, extra = got & expected, expected - got, got - expected
                    totals["entries"] += 1
                    totals["expected"] += len(expected)
                    totals["found"] += len(hit)
                    totals["missed"] += len(missed)
                    totals["extra"] += len(extra)
                    totals["reported (total)"] += totals_found.get(target.qualname, 0)
                    print(
                        f"{commit[:9]} {path} {target.qualname} ({target.why}): expected {len(expected)}, "
                        f"found {len(hit)}, missed {len(missed)}, extra {len(extra)}"
                    )
                    if args.show:
                        text = {(r.path, r.line): r.text for refs in scan.found.values() for r in refs.items}
                        for place in sorted(missed):
                            old = git(args.repo, "show", f"{parent}:{place[0]}").split("\n")[place[1] - 1]
                            print(f"    missed {place[0]}:{place[1]}: {old.strip()[:100]}")
                        for place in sorted(hit):
                            print(f"    found  {place[0]}:{place[1]}: {text.get(place, '')}")
                        for place in sorted(extra):
                            print(f"    extra  {place[0]}:{place[1]}: {text.get(place, '')}")
    print(dict(totals))


if __name__ == "__main__":
    main()
