"""The floor of any tool of this design, for the staged changes of the repository in the current directory.

    python benchmarks/floor_large_diff.py [REPO]

In one process and nothing more: one raw ``git diff --cached -U0 --full-index`` (the changed files, their
blob ids and changed line numbers), one ``git cat-file --batch`` reading both sides of every file, and
``ast.parse`` of each side. A tool that maps changed lines to functions cannot skip any of these steps;
``bench_large_diff.py`` times the whole tool against this script, both as processes.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import time

HUNK = re.compile(rb"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", re.M)
INDEX = re.compile(rb"^index ([0-9a-f]+)\.\.([0-9a-f]+)", re.M)
ZERO = re.compile(rb"0+")


def staged_blobs(repo: str) -> tuple[list[bytes], int]:
    """Blob ids of both sides of every staged text file, and the number of changed lines."""
    diff = subprocess.run(
        ["git", "diff", "--cached", "-U0", "--full-index", "--no-color", "--no-ext-diff"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout
    blobs = [sha for pair in INDEX.findall(diff) for sha in pair if not ZERO.fullmatch(sha)]
    changed = sum(int(a or b"1") + int(b or b"1") for a, b in HUNK.findall(diff))
    return blobs, changed


def read_blobs(repo: str, shas: list[bytes]) -> list[bytes]:
    """Every blob's content through one ``git cat-file --batch``."""
    request = b"\n".join(shas) + b"\n"
    out = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=repo, input=request, capture_output=True, check=True
    )
    data = out.stdout
    contents, pos = [], 0
    for _ in shas:
        end = data.index(b"\n", pos)
        size = int(data[pos:end].rsplit(b" ", 1)[1])
        contents.append(data[end + 1 : end + 1 + size])
        pos = end + 1 + size + 1
    return contents


def main() -> int:
    repo = sys.argv[1] if len(sys.argv) > 1 else "."
    start = time.perf_counter()
    shas, changed = staged_blobs(repo)
    texts = [blob.decode("utf-8") for blob in read_blobs(repo, shas)]
    statements = sum(len(ast.parse(text).body) for text in texts)
    seconds = time.perf_counter() - start
    print(f"{len(texts)} sides, {changed} changed lines, {statements} top-level statements, {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
