"""Deadline benchmark (issue 16, case 11): the deadline bounds the whole run, whatever the input.

    python benchmarks/bench_deadline.py [--deadline 2] [--repeats 3] [--baseline DIR] [--no-shapes]

1. The case-11 repository: four new files of 40,000 tiny functions each (``def fN():`` / ``pass``, 909 KB
   each, under the default ``max-file-bytes`` of 1,000,000), staged. The whole process
   ``python -m ariadne_hook --deadline D`` (offline, markdown review) is timed, ``--repeats`` times; it prints
   the median and best wall time, what the review holds (function entries, files the deadline left not
   reviewed in full) and the result line. With ``--baseline DIR`` (a checkout of another revision, e.g.
   ``git worktree add /tmp/main main``) that package is timed once, side by side (main before issue 16: about
   100-170 s here, the deadline starting after locate).
2. The worst file a deadline cannot interrupt: a parse that has started runs to its end, so per-file work
   is bounded only by ``max-file-bytes``. For files of several shapes just under 1,000,000 bytes, in this
   process: the seconds (wall, and CPU: less sensitive to the machine's load) of the parse alone (the
   language's scanner) and of all the file's locate work (parse, mapping, every entry), without a deadline.

Children run with bytecode caching on (as a real install). Seconds are of this machine under its current load
(printed); compare figures of one run only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import PYTHON, ROOT, child_env, git, machine, new_repo, table

sys.path.insert(0, str(ROOT))

FILES, FUNCTIONS = 4, 40_000
LIMIT = 1_000_000  # the default max-file-bytes


def build(path: Path) -> Path:
    repo = new_repo(path)
    (repo / "README").write_text("case 11\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    for k in range(FILES):
        (repo / f"big_{k}.py").write_text("".join(f"def f{i}():\n    pass\n" for i in range(FUNCTIONS)))
    git(repo, "add", ".")
    return repo


def run_once(argv: list[str], repo: Path) -> tuple[float, str]:
    """Wall seconds of one whole process, and its stderr (the result line)."""
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=repo, env=child_env(), capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return seconds, proc.stderr.strip()


def holds(repo: Path) -> str:
    review = (repo / ".ariadne" / "review.md").read_text()
    entries = sum(1 for line in review.splitlines() if line.startswith("- **`"))
    cut = review.count("*skipped: deadline: ")
    return f"{entries} function entries, {cut} of {FILES} files not reviewed in full"


def case_11(deadline: str, repeats: int, base: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="ariadne-deadline-") as tmp:
        repo = build(Path(tmp) / "repo")
        tool = [PYTHON, "-m", "ariadne_hook", "--deadline", deadline]
        run_once(tool, repo)  # warm-up: bytecode written
        rows = [["command", "median", "best", "review"]]
        runs = [run_once(tool, repo) for _ in range(repeats)]
        seconds = [s for s, _ in runs]
        rows.append(
            ["this checkout", f"{statistics.median(seconds):.2f} s", f"{min(seconds):.2f} s", holds(repo)]
        )
        result = runs[-1][1]
        if base is not None:
            before, _ = run_once(["env", f"PYTHONPATH={Path(base).resolve()}", *tool], repo)
            rows.append(["baseline (one run)", f"{before:.2f} s", "", holds(repo)])
        print(f"\ncase 11: {FILES} staged files x {FUNCTIONS} functions, --deadline {deadline}")
        print(table(rows))
        print(f"  result line: {result}")


def fill(unit: Callable[[int], str], head: str = "", tail: str = "") -> str:
    """As many units as fit under LIMIT bytes."""
    parts, size, i = [head], len(head) + len(tail), 0
    while size + len(unit(i)) <= LIMIT:
        parts.append(unit(i))
        size += len(unit(i))
        i += 1
    return "".join(parts) + tail


SHAPES: dict[str, tuple[str, str, Callable[[], str]]] = {
    "tiny functions": ("a.py", "python", lambda: fill(lambda i: f"def f{i}():\n    pass\n")),
    "classes with a method": (
        "a.py",
        "python",
        lambda: fill(lambda i: f"class C{i}:\n    def m(self):\n        pass\n"),
    ),
    "one name defined 40,000 times": ("a.py", "python", lambda: fill(lambda i: "def f():\n    pass\n")),
    "module-level lines 5 apart": ("a.py", "python", lambda: fill(lambda i: f"x{i} = {i}\n\n\n\n\n")),
    "one function of 50,000 calls": (
        "a.py",
        "python",
        lambda: fill(lambda i: "    f(a, b, c, d)\n", head="def big():\n"),
    ),
    "one function of assignments": (
        "a.py",
        "python",
        lambda: fill(lambda i: f"    x{i} = y{i} + {i}\n", head="def big():\n"),
    ),
    "90-deep nested ifs": (
        "a.py",
        "python",
        lambda: fill(
            lambda i: (
                f"def f{i}():\n"
                + "".join("    " * (k + 1) + "if x:\n" for k in range(90))
                + " " * 364
                + "pass\n"
            )
        ),
    ),
    "JavaScript tiny functions": (
        "a.js",
        "javascript",
        lambda: fill(lambda i: f"function f{i}() {{ return {i}; }}\n"),
    ),
    "Go tiny functions": (
        "a.go",
        "go",
        lambda: fill(lambda i: f"func F{i}() int {{ return {i} }}\n", head="package p\n"),
    ),
    "Java tiny methods": (
        "A.java",
        "java",
        lambda: fill(lambda i: f"  int f{i}() {{ return {i}; }}\n", head="class A {\n", tail="}\n"),
    ),
}


def shapes() -> None:
    from ariadne_hook.languages import scanner_for
    from ariadne_hook.locate.core import locate_file
    from ariadne_hook.models import ADDED, FileChange, Hunk

    rows = [
        ["file (added, < 1,000,000 bytes)", "parse: wall", "CPU", "all locate work: wall", "CPU", "entries"]
    ]
    for name, (path, language, make) in SHAPES.items():
        text = make()
        lines = text.split("\n")[:-1]
        hunk = Hunk(0, 0, 1, len(lines), "", tuple(f"+{line}" for line in lines))
        change = FileChange(
            path, None, ADDED, None, text, (hunk,), added_lines=frozenset(range(1, len(lines) + 1))
        )
        scanner = scanner_for(language)
        assert scanner is not None
        start, cpu = time.perf_counter(), time.process_time()
        try:
            scanner(text)
        except Exception as exc:  # noqa: BLE001 - a parse error is a figure too
            name += f" ({type(exc).__name__})"
        parse, parse_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        entries = locate_file(change, language)
        whole, whole_cpu = time.perf_counter() - start, time.process_time() - cpu
        times = [f"{parse:.2f} s", f"{parse_cpu:.2f} s", f"{whole:.2f} s", f"{whole_cpu:.2f} s"]
        rows.append([name, *times, str(len(entries))])
        print(f"  {name}: parse {parse:.2f} s, all {whole:.2f} s", file=sys.stderr, flush=True)
    print("\nper-file work a deadline cannot interrupt (in this process, no deadline)")
    print(table(rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deadline", default="2", help="the --deadline of the timed runs (default 2)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of this checkout (default 3)")
    parser.add_argument("--baseline", metavar="DIR", help="also time (once) the ariadne_hook package in DIR")
    parser.add_argument("--no-shapes", action="store_true", help="skip the worst-file measurements")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    case_11(args.deadline, args.repeats, args.baseline)
    if not args.no_shapes:
        shapes()
    print(f"\nload after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
