"""What the references finder (ariadne_hook/locate/references.py) costs and reports.

    python benchmarks/bench_references.py --click PATH --cobra PATH [--repeats 3] [--files 5000] [--show]

PATH is a clone of pallets/click (range 8.1.3..8.1.7) and of spf13/cobra (range v1.8.0..v1.8.1). A third
case is a synthetic repository of ``--files`` Python modules (default 5,000) generated in a temporary folder:
one change deletes a helper that 1 module in 10 still calls, and adds a required parameter to a function
that 1 module in 10 calls the old way, 1 in 20 the new way.

For each case, interleaved (A B A B ...) after a warm-up: the offline CLI run on the change (``--provider
offline --format json --no-cache``, a whole process) and, in a fresh process each time, the source and
locate stages (untimed) followed by ``find_references`` (timed, with its default budget and file cap). It
prints both medians and their ratio side by side, with the references found. ``--show`` lists them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PYTHON, ROOT, SCRIPT, child_env, git, machine, new_repo, run_once, table

CHILD = """
import json, sys, time
from pathlib import Path
from ariadne_hook.locate import locate
from ariadne_hook.locate.references import find_references
from ariadne_hook.source.git import revision_range, staged
root, spec = Path(sys.argv[1]), sys.argv[2]
info, files = staged(root, 1_000_000) if spec == "staged" else revision_range(root, spec, 1_000_000)
changes = locate(files)
start = time.perf_counter()
scan = find_references(root, info, changes, files)
seconds = time.perf_counter() - start
found = [
    {"entry": f"{changes[i].path}:{changes[i].qualname}", "why": refs.why, "total": refs.total,
     "items": [[r.path, r.line, r.text] for r in refs.items]}
    for i, refs in sorted(scan.found.items())
]
print(json.dumps({"seconds": seconds, "found": found, "complete": scan.complete, "note": scan.note,
                  "files": scan.files_read}))
"""


def references_once(root: Path, spec: str) -> dict[str, object]:
    proc = subprocess.run(
        [PYTHON, "-c", CHILD, str(root), spec],
        cwd=root,
        env=child_env({"PYTHONPATH": str(ROOT)}),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def cli_argv(spec: str) -> list[str]:
    argv = [SCRIPT, "--provider", "offline", "--format", "json", "--no-cache", "-o", "-"]
    return argv if spec == "staged" else [*argv, "--range", spec]


def measure(root: Path, spec: str, repeats: int) -> tuple[float, float, dict[str, object]]:
    env = child_env()
    run_once(cli_argv(spec), root, env)  # warm
    last = references_once(root, spec)
    cli: list[float] = []
    refs: list[float] = []
    for _ in range(repeats):
        cli.append(run_once(cli_argv(spec), root, env))
        last = references_once(root, spec)
        refs.append(float(last["seconds"]))  # type: ignore[arg-type]
    return statistics.median(cli), statistics.median(refs), last


# ---------------------------------------------------------------------------------------- synthetic tree


def module(index: int) -> str:
    lines = [f'"""Generated module {index}."""', "", "from core import api", ""]
    if index % 10 == 0:
        lines += ["from core.api import legacy_total", ""]
    lines += [
        "",
        f"def work_{index}(rows):",
        "    # legacy_total(rows) used to be here; fetch_rows(a, b) in a comment",
        '    text = "legacy_total and fetch_rows"',
        "    out = []",
        "    for row in rows:",
        "        out.append(row * 2)",
    ]
    if index % 10 == 0:
        lines.append("    total = legacy_total(out)")
    if index % 10 == 3:
        lines.append('    data = api.fetch_rows("t")')
    if index % 20 == 7:
        lines.append('    data = api.fetch_rows("t", limit=5)')
    lines += ["    return out, text", ""]
    lines += [f"def helper_{index}_{k}(x):\n    return x + {k}\n" for k in range(8)]
    return "\n".join(lines) + "\n"


API = """\
def legacy_total(values):
    return sum(values)


def fetch_rows(table):
    return [table]
"""


def synthetic(path: Path, files: int) -> Path:
    repo = new_repo(path)
    (repo / "core").mkdir()
    (repo / "core" / "__init__.py").write_text("")
    (repo / "core" / "api.py").write_text(API)
    for i in range(files - 2):
        target = repo / f"pkg{i // 250}" / f"mod_{i}.py"
        target.parent.mkdir(exist_ok=True)
        target.write_text(module(i))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    changed = API.replace("def legacy_total(values):\n    return sum(values)\n\n\n", "")
    (repo / "core" / "api.py").write_text(
        changed.replace("def fetch_rows(table):", "def fetch_rows(table, limit):")
    )
    git(repo, "add", "-A")
    return repo


# ------------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--click", type=Path, required=True, help="a clone of pallets/click")
    parser.add_argument("--cobra", type=Path, required=True, help="a clone of spf13/cobra")
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="list every reference found")
    args = parser.parse_args()
    print(machine())
    rows = [
        ["case", "offline CLI (s)", "references (s)", "ratio", "entries", "references", "files", "complete"]
    ]
    found: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        tree = synthetic(Path(tmp) / "tree", args.files)
        print(f"synthetic tree of {args.files:,} files built in {time.perf_counter() - started:.1f} s")
        cases = [
            ("click 8.1.3..8.1.7", args.click, "8.1.3..8.1.7"),
            ("cobra v1.8.0..v1.8.1", args.cobra, "v1.8.0..v1.8.1"),
            (f"synthetic {args.files:,} files (staged)", tree, "staged"),
        ]
        for name, root, spec in cases:
            cli, refs, last = measure(root, spec, args.repeats)
            entries = last["found"]
            assert isinstance(entries, list)
            total = sum(int(e["total"]) for e in entries)
            rows.append(
                [name, f"{cli:.3f}", f"{refs:.3f}", f"{refs / cli:.2f}", str(len(entries)), str(total),
                 str(last["files"]), "yes" if last["complete"] else f"no: {last['note']}"]
            )  # fmt: skip
            found[name] = entries
    print(table(rows))
    if args.show:
        for name, entries in found.items():
            print(f"\n## {name}")
            for entry in entries:  # type: ignore[attr-defined]
                print(f"{entry['entry']} ({entry['why']}, {entry['total']} in all)")
                for path, line, text in entry["items"]:
                    print(f"    {path}:{line}: {text}")


if __name__ == "__main__":
    sys.exit(main())
