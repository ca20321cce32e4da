"""Shared helpers of the process benchmarks: scratch repositories, a bytecode-enabled child environment,
interleaved timing of whole processes, peak RSS of children.

Imported by the ``bench_*.py`` scripts of this folder (run them as scripts: ``python benchmarks/bench_x.py``).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).with_name("ariadne-hook"))


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of measured children: bytecode caching ON (as in a real install), no user config.

    The sandbox sets PYTHONDONTWRITEBYTECODE=1, which makes every child recompile every module it imports;
    real installs have their ``.pyc`` files, so that variable is removed here (warm each command once).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARIADNE_", "OPENAI_", "GITHUB_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C.UTF-8"})
    env.update(extra or {})
    return env


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    env = child_env(
        {
            "GIT_AUTHOR_NAME": "bench",
            "GIT_AUTHOR_EMAIL": "bench@example.invalid",
            "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        }
    )
    proc = subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True, env=env, check=True)
    return proc.stdout.decode()


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "commit.gpgsign", "false")
    return path


@dataclass
class Timings:
    """Wall seconds of each run of one command."""

    name: str
    runs: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def best(self) -> float:
        return min(self.runs)


def baseline(directory: str | None, argv: Sequence[str]) -> list[str] | None:
    """``python -m ariadne_hook ARGV`` with the package of another checkout first on the path (through
    ``env``, which adds about a millisecond): e.g. ``git archive REV ariadne_hook | tar -x -C DIR``."""
    if directory is None:
        return None
    return ["env", f"PYTHONPATH={Path(directory).resolve()}", PYTHON, "-m", "ariadne_hook", *argv]


def run_once(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> float:
    """Wall seconds of one whole process (spawn to exit); raises when it fails."""
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return seconds


def interleaved(
    commands: Mapping[str, Sequence[str]], cwd: Path, env: Mapping[str, str], repeats: int, warm: int = 1
) -> dict[str, Timings]:
    """Run every command ``warm`` times untimed, then ``repeats`` rounds of each in turn (A B C A B C...),
    so that load drifts on the shared machine hit every command alike."""
    for argv in commands.values():
        for _ in range(warm):
            run_once(argv, cwd, env)
    out = {name: Timings(name) for name in commands}
    for _ in range(repeats):
        for name, argv in commands.items():
            out[name].runs.append(run_once(argv, cwd, env))
    return out


def peak_rss_mib(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> float:
    """Peak resident set size of one run of ``argv`` (its largest process, via GNU time), in MiB."""
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
    )
    return int(proc.stderr.decode().strip().splitlines()[-1]) / 1024


def children_peak_rss_mib() -> float:
    """The largest peak RSS among the children waited for so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def machine() -> str:
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load} (1/5/15 min), Python {sys.version.split()[0]}"


def table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


# ------------------------------------------------------------------------------ a realistic Python repository

FUNCTIONS, METHODS = 10, 6  # editable units per generated module (plus two helpers and __init__)


def _function(k: int, edited: bool) -> list[str]:
    """A 13-line top-level function; the edited version changes a condition, a call, and adds a line."""
    modulus, helper = (k + 3, "helper_b") if edited else (k + 2, "helper_a")
    lines = [
        f"def compute_{k}(items: list[int], factor: int = {k + 1}) -> int:",
        f'    """Fold the items into one score (variant {k})."""',
        "    total = 0",
        "    for item in items:",
        f"        if item % {modulus} == 0:",
        f"            total += {helper}(item) * factor",
        "        else:",
        "            total -= item",
        f"    if total > {100 * (k + 1)}:",
        f'        raise ValueError("score {k} too large")',
        "    result = round(total / max(len(items), 1), 2)",
        "    return int(result)",
        "",
    ]
    if edited:
        lines.insert(11, '    log.debug("score %s", result)')
    return lines


def _method(m: int, edited: bool) -> list[str]:
    """A 7-line method; the edited version raises another error and scales differently."""
    return [
        f"    def method_{m}(self, value: int) -> int:",
        f'        """Add value to the counter (step {m})."""',
        "        if value < 0:",
        f'            raise {"KeyError" if edited else "ValueError"}("negative")',
        "        self.count += value",
        f"        return self.count * {m + (2 if edited else 1)}",
        "",
    ]


def python_module(index: int, edited: frozenset[int] = frozenset()) -> str:
    """About 200 lines of ordinary Python: imports, a class with methods, top-level functions.

    Units are numbered 0..FUNCTIONS-1 (functions), then the methods; ``edited`` picks the changed ones.
    """
    lines = [
        f'"""Generated module {index}: scores and counters."""',
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "",
        "log = logging.getLogger(__name__)",
        f"LIMIT = {index}",
        "",
        "",
        "def helper_a(x: int) -> int:",
        "    return x * 2",
        "",
        "",
        "def helper_b(x: int) -> int:",
        "    return x * 3",
        "",
        "",
        f"class Counter{index}:",
        '    """Counts things."""',
        "",
        "    def __init__(self) -> None:",
        "        self.count = 0",
        "",
    ]
    for m in range(METHODS):
        lines += _method(m, FUNCTIONS + m in edited)
    lines.append("")
    for k in range(FUNCTIONS):
        lines += _function(k, k in edited) + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def edited_units(index: int, count: int) -> frozenset[int]:
    """``count`` distinct units of module ``index``, spread over functions and methods (deterministic)."""
    total = FUNCTIONS + METHODS
    step = 7 if total % 7 else 5
    return frozenset((index + i * step) % total for i in range(min(count, total)))


def build_python_repo(path: Path, files: int, edits_per_file: int | Callable[[int], int]) -> Path:
    """A repository of ``files`` modules committed, then ``edits_per_file`` units of each edited and staged
    (a number, or a function of the module's index)."""
    edits = edits_per_file if callable(edits_per_file) else lambda _: edits_per_file
    repo = new_repo(path)
    names = [f"pkg{i // 100}/mod_{i}.py" for i in range(files)]
    for i, name in enumerate(names):
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(python_module(i))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    for i, name in enumerate(names):
        (repo / name).write_text(python_module(i, edited_units(i, edits(i))))
    git(repo, "add", "-A")
    return repo
