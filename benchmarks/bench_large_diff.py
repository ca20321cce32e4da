"""Large-diff benchmark: the whole offline run against the floor of any tool of this design.

    python benchmarks/bench_large_diff.py [--files 500] [--repeats 5] [--no-memory]

A scratch repository of FILES generated Python modules (about 200 lines each: a class with methods, a dozen
functions) is committed, then 4 functions/methods of every module are edited (a condition, a call, an added
line, a different exception: a handful of changed lines each) and staged. Then, interleaved, after a warm-up:

- floor: ``benchmarks/floor_large_diff.py`` (one ``git diff --cached -U0``, one ``git cat-file --batch``
  for both sides of every file, ``ast.parse`` of each side, in one process);
- tool: ``ariadne-hook --provider offline --format json -o -`` (the whole process, stdout discarded; not
  ``-o /dev/null``: the review is never written over a special file);
- tool on one core: the same pinned with ``taskset -c 0`` (when taskset exists), which shows what the
  second core brings.

Both tool variants' JSON must be identical (stats.seconds aside). Then the peak RSS of the tool and of the
floor at FILES/4, FILES/2 and FILES files, to show how memory grows. Children run with bytecode caching on.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import (
    PYTHON,
    ROOT,
    SCRIPT,
    baseline,
    build_python_repo,
    child_env,
    interleaved,
    machine,
    peak_rss_mib,
    table,
)

TARGET = 1.5
EDITS = 4
FLOOR = [PYTHON, str(ROOT / "benchmarks" / "floor_large_diff.py")]
TOOL = [SCRIPT, "--provider", "offline", "--format", "json", "--no-cache", "-o"]


BASELINE: str | None = None  # --baseline DIR


def commands(out: str = "-") -> dict[str, list[str]]:
    found = {"floor": FLOOR, "tool": [*TOOL, out]}
    if shutil.which("taskset"):
        found["tool on one core"] = ["taskset", "-c", "0", *TOOL, out]
    before = baseline(BASELINE, [*TOOL[1:], out])
    if before is not None:
        found["baseline tool"] = before
    return found


def same_json(repo: Path, tmp: Path) -> str:
    """Run every tool variant (two cores, one core, the baseline) to a file; compare their JSON (stats.seconds
    aside)."""
    outputs = []
    for name, argv in commands().items():
        if name == "floor":
            continue
        target = tmp / f"{len(outputs)}.json"
        subprocess.run([*argv[:-1], str(target)], cwd=repo, env=child_env(), check=True, capture_output=True)
        data = json.loads(target.read_text())
        data["stats"].pop("seconds")
        outputs.append(data)
    functions = outputs[0]["stats"]["functions"]
    verdict = "identical" if all(o == outputs[0] for o in outputs) else "DIFFERENT"
    return f"{functions} functions reported; JSON of the {len(outputs)} tool runs: {verdict}"


def memory(tmp: Path, sizes: list[int]) -> None:
    rows = [["files", "tool peak RSS", "floor peak RSS", "tool MiB per 100 files"]]
    previous: tuple[int, float] | None = None
    for files in sizes:
        repo = build_python_repo(tmp / f"mem{files}", files, EDITS)
        tool = peak_rss_mib(commands()["tool"], repo, child_env())
        floor = peak_rss_mib(FLOOR, repo, child_env())
        slope = f"{(tool - previous[1]) / (files - previous[0]) * 100:.1f}" if previous else ""
        rows.append([str(files), f"{tool:.1f} MiB", f"{floor:.1f} MiB", slope])
        previous = (files, tool)
    print(f"\npeak RSS (GNU time %M, largest process)\n{table(rows)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-memory", action="store_true", help="skip the peak RSS runs")
    parser.add_argument("--baseline", metavar="DIR", help="also time the ariadne_hook package found in DIR")
    args = parser.parse_args()
    global BASELINE
    BASELINE = args.baseline
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="ariadne-large-") as name:
        tmp = Path(name)
        repo = build_python_repo(tmp / "repo", args.files, EDITS)
        print(f"repository: {args.files} modified Python files x ~205 lines, {EDITS} functions edited each")
        floor_run = subprocess.run(FLOOR, cwd=repo, env=child_env(), capture_output=True, text=True)
        print(f"floor says: {floor_run.stdout.strip()}")
        print(same_json(repo, tmp))
        timings = interleaved(commands(), repo, child_env(), args.repeats)
        floor = timings["floor"].median
        rows = [["command", "median", "best", "vs floor (median)"]]
        for t in timings.values():
            rows.append([t.name, f"{t.median:.2f} s", f"{t.best:.2f} s", f"{t.median / floor:.2f}x"])
        print(f"\n{args.repeats} interleaved rounds after one warm-up\n{table(rows)}")
        ratio = timings["tool"].median / floor
        print(f"  tool / floor = {ratio:.2f}x (target <= {TARGET}x): {'yes' if ratio <= TARGET else 'NO'}")
        if not args.no_memory:
            memory(tmp, [args.files // 4, args.files // 2, args.files])
    print(f"\nload after the run: {machine()}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
