"""Where the offline large diff spends its CPU, per step, for one or more revisions: py-spy samples.

    python benchmarks/profile_large_diff.py [REV ...] [--files 500] [--rate 250] [--top 25]

bench_large_diff's repository; each REV's package (``git archive``; ``WORKTREE`` for this checkout's files as
they are) runs ``python -m ariadne_hook --provider offline --format json --no-cache -o FILE`` pinned to one
core (``taskset -c 0``: no forked helper, so every sample is in one process) under ``py-spy record
--format raw``. The samples are grouped by the package function they are in (the innermost frame of the
package, with what it calls), and by steps: interpreter start and imports, git (source), ast.parse, the rest
of locate, the offline summaries, references, the overview, render, write; a column per revision. Samples
are taken at ``--rate`` per second (``--idle`` off): ``samples / rate`` is the seconds a step was on a core
or waiting for one (summed over ``--runs``). ast.parse does the same work in every revision, so each figure
is also given per second of ast.parse (``x parse``), which a busy machine disturbs much less.

Needs py-spy (``pip install py-spy``; not a dependency of the project) and permission to trace the child
(root, or ptrace_scope 0).
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_large_diff import EDITS
from common import PYTHON, ROOT, build_python_repo, child_env, machine, table
from history_large_diff import package_of

# step -> the frame names (function (module)) whose samples, with what they call, belong to it; the first
# step whose marker is on a sample's stack, from the innermost frame out, takes the sample
STEPS = (
    ("ast.parse", ("parse (ast.py",)),
    ("tree-sitter", ("tree_sitter",)),
    ("git (source)", ("(ariadne_hook/source/git.py", "(ariadne_hook/source/patch.py")),
    ("trivial (lexing)", ("(ariadne_hook/locate/trivial.py",)),
    ("offline facts (python_body)", ("(ariadne_hook/locate/python_body.py",)),
    ("references", ("(ariadne_hook/locate/references.py", "(ariadne_hook/locate/refsites.py")),
    ("locate (mapping)", ("(ariadne_hook/locate/",)),
    ("offline summaries", ("(ariadne_hook/summarize/",)),
    ("overview (render/overview)", ("(ariadne_hook/render/overview.py",)),
    ("render JSON", ("(ariadne_hook/render/json.py",)),
    ("render (sanitize, markdown, counts)", ("(ariadne_hook/render/",)),
    ("write", ("(ariadne_hook/publish/",)),
    ("settings, cli, console", ("(ariadne_hook/",)),
    ("imports (outside the package)", ("<module> (",)),
)


def record(argv: list[str], env: dict[str, str], cwd: Path, out: Path, rate: int) -> None:
    spy = ["taskset", "-c", "0", shutil.which("py-spy") or str(Path(PYTHON).with_name("py-spy")), "record"]
    spy += ["--format", "raw", "--rate", str(rate), "-o", str(out), "--", *argv]
    subprocess.run(spy, cwd=cwd, env=env, check=True, capture_output=True)


def stacks(path: Path) -> list[tuple[list[str], int]]:
    """(frames outermost first, samples) per line of py-spy's raw (collapsed) output."""
    out = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            out.append((stack.split(";"), int(count)))
    return out


def short(frame: str) -> str:
    """``name (ariadne_hook/x/y.py:12)`` -> ``x/y.py:name``; other frames as they are."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    if "ariadne_hook/" in path:
        return f"{path.split('ariadne_hook/', 1)[1]}:{name}"
    return frame


def by_step(samples: list[tuple[list[str], int]]) -> collections.Counter[str]:
    steps: collections.Counter[str] = collections.Counter()
    for frames, count in samples:
        inner_first = frames[::-1]
        for step, markers in STEPS:
            if any(m in f for f in inner_first for m in markers):
                steps[step] += count
                break
        else:
            steps["other (interpreter, imports, gc)"] += count
    return steps


def by_function(samples: list[tuple[list[str], int]]) -> collections.Counter[str]:
    """Samples per innermost package frame (what the package itself runs, with the library calls it makes)."""
    found: collections.Counter[str] = collections.Counter()
    for frames, count in samples:
        mine = [f for f in frames if "ariadne_hook/" in f and "__main__" not in f]
        found[short(mine[-1]) if mine else "(outside the package)"] += count
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revs", nargs="*", default=["WORKTREE"], help="revisions (WORKTREE: this checkout)")
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--top", type=int, default=25, help="package functions listed")
    parser.add_argument(
        "--runs", type=int, default=2, help="profiled runs per revision (interleaved, summed)"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    results: dict[str, list[tuple[list[str], int]]] = {}
    with tempfile.TemporaryDirectory(prefix="ariadne-profile-") as name:
        tmp = Path(name)
        repo = build_python_repo(tmp / "repo", args.files, EDITS)
        commands: dict[str, tuple[list[str], dict[str, str]]] = {}
        for rev in args.revs:
            folder = ROOT if rev == "WORKTREE" else package_of(rev, tmp / "packages")
            argv = [PYTHON, "-m", "ariadne_hook", "--provider", "offline"]
            argv += ["--format", "json", "--no-cache", "-o", str(tmp / "out.json")]
            env = child_env({"PYTHONPATH": str(folder)})
            subprocess.run(argv, cwd=repo, env=env, check=True, capture_output=True)  # warm
            commands[rev] = (argv, env)
            results[rev] = []
        for round_ in range(args.runs):
            for rev in args.revs if round_ % 2 == 0 else args.revs[::-1]:
                out = tmp / f"{rev}-{round_}.raw"
                record(*commands[rev], repo, out, args.rate)
                results[rev] += stacks(out)
    revs = list(results)
    parse = {rev: by_step(results[rev])["ast.parse"] or 1 for rev in revs}
    for title, grouping, limit in (("steps", by_step, None), ("package functions", by_function, args.top)):
        counts = {rev: grouping(results[rev]) for rev in revs}
        keys = sorted(set().union(*counts.values()), key=lambda k: -counts[revs[-1]][k])[:limit]
        rows = [[f"CPU s by {title} ({args.runs} runs)", *revs, *[f"{r} x parse" for r in revs]]]
        for key in keys:
            cells = [f"{counts[rev][key] / args.rate:.2f}" for rev in revs]
            shares = [f"{counts[rev][key] / parse[rev]:.3f}" for rev in revs]
            rows.append([key, *cells, *shares])
        totals = [f"{sum(counts[rev].values()) / args.rate:.2f}" for rev in revs]
        rows.append(["total", *totals, *[f"{sum(counts[rev].values()) / parse[rev]:.3f}" for rev in revs]])
        print(f"\n{table(rows)}")
    print(f"\nload after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
