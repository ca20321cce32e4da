"""No-op hook benchmark: a commit that stages nothing the tool reviews must finish in a blink.

    python benchmarks/bench_noop.py [--repeats N]

Two scenarios in a scratch repository: nothing staged, and only an excluded file staged (``yarn.lock``).
In each, these whole processes run interleaved (A B C D A B C D ...) after one untimed warm-up each:

- ``python -m ariadne_hook``          the tool, as ``pre-commit`` runs it through the module;
- ``ariadne-hook``                    the console script (what the hook entry point runs);
- ``python -c "import git"``         GitPython's import alone (the bar to beat);
- ``python -c pass``                 the interpreter's own start-up (the floor).

Bytecode caching is ON in the children (PYTHONDONTWRITEBYTECODE is removed: the sandbox sets it, real installs
have their .pyc files). It prints the medians, the best runs, the ratios, and the modules the no-op run
imports (``-X importtime``), with the heavy ones that must stay off that path.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from common import PYTHON, SCRIPT, Timings, baseline, child_env, git, interleaved, machine, new_repo, table

TARGET = 0.15  # seconds, whole process
HEAVY = ("git", "openai", "tree_sitter", "concurrent", "tomllib", "tempfile", "shutil", "typing", "asyncio")


def build(path: Path) -> Path:
    repo = new_repo(path)
    (repo / "app.py").write_text("def main():\n    return 1\n")
    (repo / "yarn.lock").write_text("# yarn lockfile v1\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "init")
    return repo


def stage_lock_only(repo: Path) -> None:
    (repo / "yarn.lock").write_text('# yarn lockfile v1\n\nleft-pad@^1.3.0:\n  version "1.3.0"\n')
    git(repo, "add", "yarn.lock")


def imported_modules(repo: Path) -> tuple[list[str], float]:
    """Top-level names of every module the no-op run imports, and their cumulative import seconds."""
    env = child_env()
    proc = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "ariadne_hook"], cwd=repo, env=env, capture_output=True, check=True
    )
    names: list[str] = []
    total = 0
    for line in proc.stderr.decode().splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if found:
            names.append(found.group(3))
            if not found.group(2).strip(" ") and len(found.group(2)) == 1:
                total += int(found.group(1))  # top-level entries only: no double counting
    return names, total / 1e6


def scenario(repo: Path, repeats: int, base: str | None) -> dict[str, Timings]:
    commands = {
        "python -m ariadne_hook": [PYTHON, "-m", "ariadne_hook"],
        "ariadne-hook (console script)": [SCRIPT],
        'python -c "import git"': [PYTHON, "-c", "import git"],
        "python -c pass": [PYTHON, "-c", "pass"],
    }
    before = baseline(base, [])
    if before is not None:
        commands["baseline: python -m ariadne_hook"] = before
    return interleaved(commands, repo, child_env(), repeats)


def report(title: str, timings: dict[str, Timings]) -> bool:
    git_import = timings['python -c "import git"'].median
    floor = timings["python -c pass"].median
    rows = [["command", "median", "best", "vs import git", "over python -c pass"]]
    for t in timings.values():
        ratio, extra = f"{t.median / git_import:.2f}x", f"{t.median - floor:+.3f} s"
        rows.append([t.name, f"{t.median:.3f} s", f"{t.best:.3f} s", ratio, extra])
    print(f"\n{title}\n{table(rows)}")
    ok = True
    for name in ("python -m ariadne_hook", "ariadne-hook (console script)"):
        median = timings[name].median
        met = median <= TARGET and median < git_import
        ok = ok and met
        verdict = "yes" if met else "NO"
        print(f"  {name}: {median:.3f} s <= {TARGET} s and < import git ({git_import:.3f} s): {verdict}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed rounds per scenario (default 30)")
    parser.add_argument("--baseline", metavar="DIR", help="also time the ariadne_hook package found in DIR")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print("children run with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), one warm-up run each")
    ok = True
    with tempfile.TemporaryDirectory(prefix="ariadne-noop-") as tmp:
        repo = build(Path(tmp) / "repo")
        ok = report("nothing staged", scenario(repo, args.repeats, args.baseline)) and ok
        stage_lock_only(repo)
        ok = (
            report("only an excluded file staged (yarn.lock)", scenario(repo, args.repeats, args.baseline))
            and ok
        )
        names, seconds = imported_modules(repo)
        heavy = sorted({n.split(".")[0] for n in names} & set(HEAVY))
        print(f"\nno-op run imports {len(names)} modules ({seconds * 1000:.0f} ms under -X importtime)")
        found = ", ".join(heavy) if heavy else "none"
        print(f"  heavy modules on the no-op path: {found} (checked: {', '.join(HEAVY)})")
    print(f"\nload after the run: {machine()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
