"""The large-diff figure across revisions: which commits made the offline run slower, side by side in one run.

    python benchmarks/history_large_diff.py REV [REV ...] [--files 500] [--repeats 3] [--one-core]

bench_large_diff's repository (FILES generated Python modules, 4 functions edited in each, staged). Each
REV's package is taken with ``git archive REV ariadne_hook`` into a scratch folder and run as
``python -m ariadne_hook --provider offline --format json --no-cache -o FILE`` with that folder first on the
path (the installed dependencies are this checkout's: a revision that needs a module no longer installed
fails and is reported). The floor (``floor_large_diff.py``) and every revision run interleaved, after one
warm-up each, ``--repeats`` rounds; the table gives each median, its ratio to the floor, and the step from
the previous revision in the list (give the revisions oldest first). ``--one-core`` pins every command to
one core (``taskset -c 0``: no forked helper), which measures the work rather than the parallel split.
``--instructions`` also counts, once per command, the instructions it executes (valgrind's cachegrind, every
process it starts included, one core, the tool's deadline raised to an hour): a count that a busy machine
does not disturb, where the timings of one command spread by a third between runs.
Also prints the number of entries each revision reports, since a revision that finds more entries (class
entries, module blocks) does more work for a reason.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from bench_large_diff import EDITS, FLOOR
from common import PYTHON, ROOT, build_python_repo, child_env, machine, table


def package_of(rev: str, into: Path) -> Path:
    """``ariadne_hook`` of REV unpacked under ``into/<rev>``; the folder to put first on the path."""
    folder = into / rev.replace("/", "_")
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", rev, "ariadne_hook"], cwd=ROOT, check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def command(folder: Path, out: Path, one_core: bool) -> list[str]:
    argv = ["env", f"PYTHONPATH={folder}", PYTHON, "-m", "ariadne_hook", "--provider", "offline"]
    argv += ["--format", "json", "--no-cache", "-o", str(out)]
    return ["taskset", "-c", "0", *argv] if one_core else argv


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU seconds of the process and the children it waited for: its forked helper too)."""
    cpu, start = cpu_of_children(), time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=child_env(), check=True, capture_output=True)
    return time.perf_counter() - start, cpu_of_children() - cpu


def rounds(
    commands: Mapping[str, Sequence[str]], cwd: Path, repeats: int
) -> dict[str, list[tuple[float, float]]]:
    """One warm-up each, then ``repeats`` interleaved rounds, every other one reversed (A B C, C B A, ...), so
    that a load that rises or falls during a round weighs on every command alike."""
    for argv in commands.values():
        timed(argv, cwd)
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    names = list(commands)
    for round_ in range(repeats):
        for name in names if round_ % 2 == 0 else names[::-1]:
            out[name].append(timed(commands[name], cwd))
    return out


_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(argv: Sequence[str], cwd: Path) -> int:
    """Instructions executed by ``argv`` and the processes it starts, on one core (valgrind, cachegrind)."""
    bare = list(argv[3:]) if argv[:3] == ["taskset", "-c", "0"] else list(argv)
    grind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    grind.append("--trace-children=yes")
    done = subprocess.run(
        ["taskset", "-c", "0", *grind, *bare], cwd=cwd, env=child_env(), capture_output=True, text=True
    )
    done.check_returncode()
    return sum(int(found.replace(",", "")) for found in _REFS.findall(done.stderr))


def count_instructions(commands: Mapping[str, Sequence[str]], cwd: Path) -> None:
    counts = {
        label: instructions([*argv, *([] if label == "floor" else ["--deadline", "3600"])], cwd)
        for label, argv in commands.items()
    }
    rows = [["command", "instructions", "vs floor"]]
    rows += [[k, f"{v / 1e9:.2f} G", f"{v / counts['floor']:.2f}x"] for k, v in counts.items()]
    print(f"\ninstructions (valgrind, one core, one run each)\n{table(rows)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revs", nargs="+", help="revisions, oldest first (HEAD for this checkout)")
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one-core", action="store_true", help="pin every command to one core")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    args = parser.parse_args()
    if args.instructions and not shutil.which("valgrind"):
        raise SystemExit("--instructions needs valgrind")
    if args.one_core and not shutil.which("taskset"):
        raise SystemExit("--one-core needs taskset")
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="ariadne-history-") as name:
        tmp = Path(name)
        repo = build_python_repo(tmp / "repo", args.files, EDITS)
        commands = {"floor": ["taskset", "-c", "0", *FLOOR] if args.one_core else FLOOR}
        entries: dict[str, str] = {}
        for rev in args.revs:
            sha = subprocess.run(
                ["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True
            )
            label = f"{rev} ({sha.stdout.strip()})" if sha.stdout.strip() != rev else rev
            out = tmp / f"{len(commands)}.json"
            argv = command(package_of(rev, tmp / "packages"), out, args.one_core)
            probe = subprocess.run(argv, cwd=repo, env=child_env(), capture_output=True, text=True)
            if probe.returncode != 0:
                print(f"{label}: fails here ({probe.stderr.strip().splitlines()[-1:]}), left out")
                continue
            stats = json.loads(out.read_text())["stats"]
            entries[label] = str(stats.get("functions", "?"))
            commands[label] = argv
        timings = rounds(commands, repo, args.repeats)
        if args.instructions:
            count_instructions(commands, repo)
    wall = {k: statistics.median(w for w, _ in v) for k, v in timings.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in timings.items()}
    rows = [
        ["command", "entries", "wall median", "vs floor", "CPU median", "vs floor", "step (CPU)", "CPU runs"]
    ]
    previous: float | None = None
    for label in timings:
        ratio = cpu[label] / cpu["floor"]
        step = "" if previous is None or label == "floor" else f"{ratio - previous:+.2f}x"
        runs = " ".join(f"{c:.2f}" for _, c in timings[label])
        rows.append(
            [label, entries.get(label, ""), f"{wall[label]:.2f} s", f"{wall[label] / wall['floor']:.2f}x",
             f"{cpu[label]:.2f} s", f"{ratio:.2f}x", step, runs]
        )  # fmt: skip
        if label != "floor":
            previous = ratio
    print(f"\n{args.files} files, {args.repeats} interleaved rounds{', one core' if args.one_core else ''}")
    print(table(rows))
    print(f"load after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
