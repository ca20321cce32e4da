"""Issue 20's table, measured side by side in one run: ariadne-hook's whole review against opencommit's one
commit message, the prompt characters against pr-agent's one /describe request, and the offline large diff
against its floor.

    python benchmarks/bench_opencommit.py [--repeats 5] [--latencies 0.2,1.5] [--large-files 500]
                                          [--large-repeats 3] [--no-large] [--baseline DIR]
                                          [--opencommit-dir DIR] [--no-opencommit]

The change: bench_economy's 8 files x 8 ten-line functions, every function's default argument and one
constant changed, staged. The endpoint: tests/llm_server.py's loopback server (real wire protocol, the real
clients on both sides), in this process, modelling generation time: a fixed time to the first token (each of
``--latencies``) plus ``--per-token`` seconds per output token (~4 chars); answers of ~200 chars per function
summary, ~400 for the walkthrough (2 to 4 sentences), ~200 for each opencommit request (a commit message).

Per latency, after one untimed warm-up of each, ``--repeats`` rounds, the order alternating (A B, B A, ...):

- (a) ``oco --yes`` (opencommit 3.3.10, installed with npm into ``--opencommit-dir``, outside the repository;
  its own HOME with the config set and its migrations applied by a first run; the version check off with
  ``OCO_TEST_SKIP_VERSION_CHECK=true``; no proxy; ``OCO_GITPUSH=false``) in a throwaway copy of the
  repository per run: it writes one message and runs ``git commit`` itself;
- (b) ``ariadne-hook --format json --no-cache`` (default settings, 5 workers): every summary and the
  walkthrough. The run is checked: all 64 functions and the walkthrough from the model, else the figure is
  marked invalid and the script exits 1;
- (b') with ``--baseline DIR``: another revision's package (``git archive REV ariadne_hook | tar -x -C DIR``),
  the same checks.

Then (c) the prompt characters (sum of message contents over all requests) of one ariadne-hook run, split
into function requests and the walkthrough, against pr-agent's one /describe request (24,018, the issue's
figure) and opencommit's measured requests; (d) the offline 500 files x 200 lines review against the floor
(bench_large_diff's commands, interleaved). Whole processes are timed; children run with bytecode caching on.
Without node/npm (or when opencommit cannot be installed) its column is skipped with a message; nothing in
the test suite needs npm.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_economy import from_model, pricing_repo, prompt_chars  # noqa: E402
from bench_large_diff import EDITS, FLOOR, TOOL  # noqa: E402
from common import (  # noqa: E402
    PYTHON,
    SCRIPT,
    build_python_repo,
    child_env,
    interleaved,
    machine,
    table,
)

from tests.llm_server import LLMServer, sized_answer  # noqa: E402

OPENCOMMIT = "opencommit@3.3.10"
PR_AGENT_CHARS = 24_018  # pr-agent 0.49's one /describe request on this change (issue 20)
FUNCTIONS = 64
KEY = "sk-bench-opencommit-0123456789"
SUMMARY_CHARS, WALKTHROUGH_CHARS, COMMIT_CHARS = 200, 400, 200
GOALS = {"wall": 1.0, "chars": PR_AGENT_CHARS, "large": 1.5}
DEFAULT_DIR = Path.home() / ".cache" / "ariadne-hook-bench" / "opencommit-3.3.10"


# ------------------------------------------------------------------------------------------------ server
class TimedServer(LLMServer):
    """The loopback server, with each answer's start and end (time.monotonic(): one clock for every process
    on Linux) and its kind recorded: (start, end, kind) per answer, in the order they started."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spans: list[tuple[float, float, str]] = []
        self._open = threading.local()  # the span this handler thread is answering

    def reply(self, body: Any, fault: str = "") -> str:
        self._open.start, self._open.kind = time.monotonic(), kind_of(body)
        return super().reply(body, fault)

    def generate(self, text: str) -> None:
        super().generate(text)
        self.spans.append((self._open.start, time.monotonic(), self._open.kind))


def kind_of(body: Any) -> str:
    """'walkthrough', 'functions' (ariadne-hook's), or 'other' (opencommit's), from a request body."""
    messages = body.get("messages", []) if isinstance(body, dict) else []
    user = str(messages[-1].get("content", "")) if messages else ""
    if user.startswith("Walkthrough of this change."):
        return "walkthrough"
    if "\n[overview] " in user:
        return "functions+walkthrough"
    if user.startswith("diff --git") or "git diff --staged" in str(messages[0].get("content", "")):
        return "other"
    return "functions"


def answer(prompt: str) -> str:
    """About 400 chars for the walkthrough (asked alone, or the `[overview]` part of a packed request), 200
    for anything else (a summary, a commit message)."""
    walkthrough = prompt.startswith(("Walkthrough of this change.", "[overview] "))
    chars = WALKTHROUGH_CHARS if walkthrough else SUMMARY_CHARS
    return sized_answer(chars)(prompt)


@contextmanager
def server(first_token: float, per_token: float) -> Iterator[TimedServer]:
    with TimedServer(first_token=first_token, per_token=per_token, answer=answer) as srv:
        yield srv


# -------------------------------------------------------------------------------------------- opencommit
@dataclass
class Opencommit:
    """An installed opencommit and the HOME its configuration lives in."""

    oco: Path
    home: Path

    def env(self, base_url: str) -> dict[str, str]:
        env = {k: v for k, v in child_env().items() if not k.lower().endswith("_proxy")}
        env.update(
            {
                "HOME": str(self.home),
                "OCO_TEST_SKIP_VERSION_CHECK": "true",  # else `npm view opencommit version` at every run
                "OCO_API_URL": base_url,
                "OCO_PROXY": "null",  # no proxy, whatever the environment says
                "OCO_GITPUSH": "false",
                "GIT_AUTHOR_NAME": "bench",
                "GIT_AUTHOR_EMAIL": "bench@example.invalid",
                "GIT_COMMITTER_NAME": "bench",
                "GIT_COMMITTER_EMAIL": "bench@example.invalid",
            }
        )
        return env


def install_opencommit(directory: Path) -> Path | str:
    """The ``oco`` script of opencommit 3.3.10 in ``directory`` (installed with npm when missing), or why
    it cannot be had."""
    oco = directory / "node_modules" / ".bin" / "oco"
    if oco.exists():
        return oco
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node or npm not found: opencommit skipped (install Node.js 18+ and npm to compare with it)"
    directory.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        ["npm", "install", "--prefix", str(directory), "--no-audit", "--no-fund", "--no-save", OPENCOMMIT],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 or not oco.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"npm install {OPENCOMMIT} failed: {tail[0]}: opencommit skipped"
    return oco


def configure_opencommit(oco: Path, home: Path, repo: Path) -> Opencommit:
    """Its global config in ``home`` (provider openai, a key, a model name), then a first run in a
    throwaway copy of ``repo``, which applies its config migrations and exits (it asks nothing then)."""
    home.mkdir(parents=True, exist_ok=True)
    found = Opencommit(oco, home)
    env = found.env("http://127.0.0.1:9/v1")  # nothing listens there: the first run must not ask
    settings = ["OCO_AI_PROVIDER=openai", f"OCO_API_KEY={KEY}", "OCO_MODEL=gpt-4o-mini", "OCO_GITPUSH=false"]
    subprocess.run(
        [str(oco), "config", "set", *settings],
        env=env,
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    with throwaway(repo) as copy:
        proc = subprocess.run(
            [str(oco), "--yes"], cwd=copy, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
    if "Migrations to your config were applied" not in proc.stdout:
        raise SystemExit(f"opencommit's first run did not apply its migrations: {proc.stdout[-600:]}")
    return found


@contextmanager
def throwaway(repo: Path) -> Iterator[Path]:
    """A copy of ``repo`` with its index (what is staged), removed afterwards."""
    copy = Path(tempfile.mkdtemp(prefix="oco-", dir=repo.parent)) / repo.name
    shutil.copytree(repo, copy, symlinks=True)
    try:
        yield copy
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


# ------------------------------------------------------------------------------------------------- runs
@dataclass
class Run:
    wall: float
    requests: int
    chars: int
    by_kind: dict[str, int] = field(default_factory=dict)  # prompt chars per kind of request
    valid: bool = True
    problem: str = ""
    spans: list[tuple[float, float, str]] = field(default_factory=list)  # the server's, from the start


def bodies_since(srv: TimedServer, before: int) -> list[Any]:
    return list(srv.bodies)[before:]  # a copy first: handler threads append to it


def run_opencommit(found: Opencommit, repo: Path, srv: TimedServer) -> Run:
    before = srv.requests
    with throwaway(repo) as copy:
        start = time.perf_counter()
        proc = subprocess.run(
            [str(found.oco), "--yes"],
            cwd=copy,
            env=found.env(srv.base_url),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
        log = subprocess.run(["git", "log", "--format=%s"], cwd=copy, capture_output=True, text=True).stdout
    bodies = bodies_since(srv, before)
    run = Run(wall, len(bodies), prompt_chars(bodies))
    if proc.returncode != 0 or len(log.splitlines()) != 2 or not bodies:
        run.valid, run.problem = (
            False,
            f"exit {proc.returncode}, {len(bodies)} requests: {proc.stdout[-300:]}",
        )
    return run


def hosted() -> dict[str, str]:
    """This checkout's settings for a hosted endpoint that the loopback server stands for: its default prompt
    budget there (config.HOSTED_PROMPT_CHARS; a loopback URL gets the local server's). A baseline without
    that distinction runs with its defaults (the same for every endpoint)."""
    from ariadne_hook.config import HOSTED_PROMPT_CHARS

    return {"ARIADNE_MAX_PROMPT_CHARS": str(HOSTED_PROMPT_CHARS)}


def _knows_hosted(package: str | None) -> bool:
    """This checkout, or a baseline that has a hosted endpoint's budget too (main since issue 20's first
    round): both run as with a hosted endpoint. An older baseline runs with its one default."""
    if package is None:
        return True
    config = Path(package) / "ariadne_hook" / "config.py"
    return config.is_file() and "HOSTED_PROMPT_CHARS" in config.read_text(encoding="utf-8")


def run_ariadne(
    repo: Path, srv: TimedServer, out: Path, package: str | None = None, extra: dict[str, str] | None = None
) -> Run:
    before = srv.requests
    argv = ["--format", "json", "-o", str(out), "--no-cache"]
    command = (
        [SCRIPT, *argv]
        if package is None
        else ["env", f"PYTHONPATH={package}", PYTHON, "-m", "ariadne_hook", *argv]
    )
    settings = {**(hosted() if _knows_hosted(package) else {}), **(extra or {})}
    env = child_env({"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": srv.base_url, **settings})
    spans, began = len(srv.spans), time.monotonic()
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    bodies = bodies_since(srv, before)
    kinds: dict[str, int] = {}
    for body in bodies:
        kinds[kind_of(body)] = kinds.get(kind_of(body), 0) + prompt_chars([body])
    run = Run(wall, len(bodies), prompt_chars(bodies), kinds)
    run.spans = sorted((a - began, b - began, kind) for a, b, kind in srv.spans[spans:])
    if proc.returncode != 0:
        run.valid, run.problem = False, f"exit {proc.returncode}: {proc.stderr[-300:]}"
        return run
    report = json.loads(out.read_text())
    got = from_model(report)
    if got != FUNCTIONS or not report.get("walkthrough"):
        run.valid = False
        run.problem = (
            f"{got}/{FUNCTIONS} from the model, walkthrough {'yes' if report.get('walkthrough') else 'NO'}"
        )
    return run


@dataclass
class Side:
    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def valid(self) -> bool:
        return bool(self.runs) and all(r.valid for r in self.runs)

    def walls(self) -> str:
        return " ".join(f"{r.wall:.2f}" for r in self.runs)


def model_round(
    repo: Path,
    tmp: Path,
    latency: float,
    per_token: float,
    repeats: int,
    found: Opencommit | None,
    baseline: str | None,
    variants: dict[str, dict[str, str]],
) -> dict[str, Side]:
    """Alternating, repeated runs of every side against one server; the first run of each is a warm-up."""
    sides: dict[str, Callable[[TimedServer], Run]] = {
        "ariadne-hook": lambda srv: run_ariadne(repo, srv, tmp / "review.json"),
    }
    if baseline is not None:
        sides["baseline"] = lambda srv: run_ariadne(repo, srv, tmp / "baseline.json", baseline)
    for label, extra in variants.items():
        sides[label] = lambda srv, extra=extra: run_ariadne(repo, srv, tmp / "variant.json", None, extra)
    if found is not None:
        sides["opencommit"] = lambda srv: run_opencommit(found, repo, srv)
    out = {name: Side(name) for name in sides}
    with server(latency, per_token) as srv:
        for name, side in sides.items():
            warm = side(srv)
            if not warm.valid:
                print(f"  warm-up of {name}: {warm.problem}")
        names = list(sides)
        for round_ in range(repeats):
            for name in names if round_ % 2 == 0 else reversed(names):
                out[name].runs.append(sides[name](srv))
    return out


def large_diff(tmp: Path, files: int, repeats: int, baseline: str | None) -> dict[str, float]:
    """Medians of the floor, the tool and (with a baseline) the baseline's tool on the offline large diff,
    interleaved (bench_large_diff's commands)."""
    repo = build_python_repo(tmp / "large", files, EDITS)
    commands = {"floor": FLOOR, "tool": [*TOOL, "-"]}
    if baseline is not None:
        commands["baseline"] = ["env", f"PYTHONPATH={baseline}", PYTHON, "-m", "ariadne_hook", *TOOL[1:], "-"]
    timings = interleaved(commands, repo, child_env(), repeats)
    print("  " + "; ".join(f"{t.name}: {' '.join(f'{x:.2f}' for x in t.runs)}" for t in timings.values()))
    return {name: t.median for name, t in timings.items()}


# ---------------------------------------------------------------------------------------------- report
def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds per latency (median)")
    parser.add_argument("--latencies", default="0.2,1.5", help="seconds to the first token, comma-separated")
    parser.add_argument(
        "--per-token",
        default="0,0.012",
        help="seconds per output token, comma-separated (0: the issue's fixed latency; 0.012: ~80 tokens/s)",
    )
    parser.add_argument("--large-files", type=int, default=500)
    parser.add_argument("--large-repeats", type=int, default=3)
    parser.add_argument("--no-large", action="store_true", help="skip the offline large diff")
    parser.add_argument("--baseline", metavar="DIR", help="also time the ariadne_hook package found in DIR")
    parser.add_argument(
        "--opencommit-dir", type=Path, default=DEFAULT_DIR, help="where opencommit is installed"
    )
    parser.add_argument("--no-opencommit", action="store_true")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="LABEL:K=V,K=V",
        help="also time this checkout with these settings, e.g. '10 workers:ARIADNE_MAX_WORKERS=10'",
    )
    args = parser.parse_args(argv)
    servers = [(float(f), float(t)) for t in args.per_token.split(",") for f in args.latencies.split(",")]
    baseline = str(Path(args.baseline).resolve()) if args.baseline else None
    variants = {
        label: dict(pair.split("=", 1) for pair in settings.split(","))
        for label, _, settings in (v.partition(":") for v in args.variant)
    }
    print(f"machine: {machine()}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-opencommit-") as name:
        tmp = Path(name)
        repo = pricing_repo(tmp / "pricing")
        raw = subprocess.run(["git", "diff", "--cached"], cwd=repo, capture_output=True, text=True).stdout
        print(f"change: 8 files x 8 functions, raw `git diff --cached` = {len(raw):,} chars")
        found: Opencommit | None = None
        if not args.no_opencommit:
            oco = install_opencommit(args.opencommit_dir)
            if isinstance(oco, str):
                print(oco)
            else:
                found = configure_opencommit(oco, tmp / "oco-home", repo)
                print(f"opencommit: {oco} (HOME {found.home}, migrations applied)")
        results: dict[tuple[float, float], dict[str, Side]] = {}
        for latency, per_token in servers:
            print(f"\n== {label(latency, per_token)}, {args.repeats} rounds")
            results[latency, per_token] = sides = model_round(
                repo, tmp, latency, per_token, args.repeats, found, baseline, variants
            )
            rows = [["", "median s", "runs", "requests", "prompt chars", "valid"]]
            for side in sides.values():
                last = side.runs[-1]
                rows.append(
                    [side.name, f"{side.median:.2f}", side.walls(), str(last.requests), f"{last.chars:,}",
                     "yes" if side.valid else "NO: " + next(r.problem for r in side.runs if not r.valid)]
                )  # fmt: skip
            print(table(rows))
            if per_token:
                print(timeline(sides["ariadne-hook"].runs[-1]))
            ok = ok and all(side.valid for side in sides.values())
        large: dict[str, float] | None = None
        if not args.no_large:
            print(
                f"\n== offline {args.large_files} files x ~205 lines vs the floor, "
                f"{args.large_repeats} rounds"
            )
            large = large_diff(tmp, args.large_files, args.large_repeats, baseline)
    print(f"\nload after the run: {machine()}\n")
    print(summary_table(results, large, found is not None))
    return 0 if ok else 1


def timeline(run: Run) -> str:
    """When the server answered each request of one ariadne-hook run, from the process's spawn."""
    rows = [["request", "answer starts", "answer ends"]]
    for i, (a, b, kind) in enumerate(run.spans, 1):
        rows.append([f"{i} {kind}", f"{a:.2f} s", f"{b:.2f} s"])
    rows.append(["process exits", "", f"{run.wall:.2f} s"])
    return "  timeline of the last ariadne-hook run (server side):\n  " + table(rows).replace("\n", "\n  ")


def label(latency: float, per_token: float) -> str:
    if not per_token:
        return f"fixed latency {latency:g} s"
    return f"first token {latency:g} s + {per_token * 1000:g} ms/token"


def summary_table(
    results: dict[tuple[float, float], dict[str, Side]],
    large: dict[str, float] | None,
    oco: bool,
) -> str:
    """The issue's table: figure, goal, ariadne-hook, what it is compared with, the ratio."""
    rows = [["figure", "goal", "ariadne-hook", "vs", "ratio"]]
    for (latency, per_token), sides in results.items():
        other = sides.get("opencommit")
        against = f"opencommit {other.median:.2f} s" if oco and other else "opencommit skipped"
        for name, side in sides.items():
            if name == "opencommit":
                continue
            figure = (
                f"wall, {label(latency, per_token)}" if name == "ariadne-hook" else f"  {name} (same run)"
            )
            mine = f"{side.median:.2f} s" + ("" if side.valid else " INVALID: not all from the model")
            rows.append(
                [figure, "<= 1.0x", mine, against, ratio(side.median, other.median) if other else "-"]
            )
    first = next(iter(results.values()), None)
    if first:
        last = first["ariadne-hook"].runs[-1]
        parts = " + ".join(f"{v:,} {k}" for k, v in sorted(last.by_kind.items()))
        against = f"pr-agent {PR_AGENT_CHARS:,}"
        if "opencommit" in first:
            against += f" (opencommit {first['opencommit'].runs[-1].chars:,})"
        mine = f"{last.chars:,} ({parts})"
        rows.append(
            [
                "prompt chars, all requests",
                f"<= {PR_AGENT_CHARS:,}",
                mine,
                against,
                ratio(last.chars, PR_AGENT_CHARS),
            ]
        )
    if large:
        floor = large["floor"]
        for name, title in (
            ("tool", "offline large diff vs the floor"),
            ("baseline", "  baseline (same run)"),
        ):
            if name in large:
                mine, against = f"{large[name]:.2f} s", f"floor {floor:.2f} s"
                rows.append([title, "<= 1.5x", mine, against, ratio(large[name], floor)])
    return table(rows)


if __name__ == "__main__":
    sys.exit(main())
