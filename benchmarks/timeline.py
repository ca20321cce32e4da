"""Where the time of one model run goes: a timeline of one whole ariadne-hook process, spawn to exit.

    python benchmarks/timeline.py [--first-token 0.2] [--per-token 0.012] [--runs 3] [--files 8]

bench_opencommit's change (8 files x 8 functions, staged) and its loopback server (a fixed time to the first
token plus a time per output token). The tool runs as ``python benchmarks/timeline.py --child ARGS``: this
file, in the child, wraps the package's stage functions (found by name; a name that a refactor removed is
listed as not found, not an error) and ``builtins.__import__`` (the first import of ``openai``, ``git``,
``httpx``, ``tree_sitter``, in whichever thread), then calls ``ariadne_hook.cli.main``. Every event is a
``time.monotonic()`` instant, one clock for all processes on Linux, so the child's spans and the server's
answers line up on one axis from the parent's spawn. The wrapping costs microseconds per call.

Printed per run: every span (start, end, thread), the server's answers, and the critical path in steps:
interpreter start, imports, settings, git, locate, first request sent, the rounds of requests, the
walkthrough, render, write, exit, in the order they happened. ``--runs N`` repeats and prints the median of
each step. A forked helper (ariadne_hook/forked.py: git, locate and references beside the SDK import) writes
its spans to a side file as they end (thread ``helper <pid>``); they are merged into the run's.
"""

from __future__ import annotations

import argparse
import builtins
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

EVENTS: list[dict[str, Any]] = []
WATCHED_IMPORTS = ("openai", "git", "httpx", "tree_sitter")
# (module, attribute, label): the stage functions timed in the child (module attributes: the CLI imports
# most of them inside its functions, so a patched attribute is what it calls)
WRAPPED = (
    ("ariadne_hook.cli", "_load", "settings"),
    ("ariadne_hook.cli", "quick_skips", "no-op check"),
    ("ariadne_hook.forked", "Forked.__init__", "fork the helper"),
    ("ariadne_hook.forked", "Forked.result", "the helper's result awaited"),
    ("ariadne_hook.pipeline", "_located", "git, locate, references"),
    ("ariadne_hook.pipeline", "_collect", "git (source)"),
    ("ariadne_hook.source.exclude", "apply_excludes", "excludes"),
    ("ariadne_hook.locate", "locate", "locate"),
    ("ariadne_hook.forked", "claimed", "a list mapped by both processes"),
    ("ariadne_hook.locate.parallel", "locate_many", "locate: a run of the files"),
    ("ariadne_hook.pipeline", "_references", "references"),
    ("ariadne_hook.summarize.provider", "open_provider", "open provider"),
    ("ariadne_hook.summarize.stage", "summarize", "summarize stage"),
    ("ariadne_hook.summarize.openai_provider", "OpenAIProvider._new_client", "SDK client"),
    ("ariadne_hook.summarize.openai_provider", "OpenAIProvider.complete", "request"),
    ("ariadne_hook.summarize.overview", "overview_input", "walkthrough input"),
    ("ariadne_hook.summarize.overview", "ask_overview", "walkthrough"),
    ("ariadne_hook.pipeline", "_rider", "walkthrough asked along (its input)"),
    ("ariadne_hook.summarize.stage", "prepare", "prompts and cache keys"),
    ("ariadne_hook.pipeline", "_ahead", "what comes after, loaded while the answers are awaited"),
    ("ariadne_hook.pipeline", "render", "render"),
    ("ariadne_hook.pipeline", "write_review", "write"),
)


# ------------------------------------------------------------------------------------------------ child
MAIN_PID = os.getpid()


def record(kind: str, start: float, end: float, detail: str = "") -> None:
    thread = threading.current_thread().name
    event = {"kind": kind, "start": start, "end": end, "thread": thread, "detail": detail}
    if os.getpid() == MAIN_PID:
        EVENTS.append(event)
        return
    # a forked helper (forked.py): its events go to a side file at once (it ends without returning here)
    event["thread"] = f"helper {os.getpid()}"
    with open(os.environ["TIMELINE_OUT"] + ".helper", "a", encoding="utf-8") as out:
        out.write(json.dumps(event) + "\n")


def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # its module and name: a function sent to the forked helper pickles by name
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.monotonic()
        try:
            return function(*args, **kwargs)
        finally:
            record(label, start, time.monotonic())

    return wrapper


def install() -> None:
    """Time the first import of each watched module, and patch the stage functions as their modules load."""
    original = builtins.__import__
    patched: set[tuple[str, str]] = set()

    def patch_loaded() -> None:
        for module, attribute, label in WRAPPED:
            if (module, attribute) in patched or module not in sys.modules:
                continue
            owner: Any = sys.modules[module]
            path = attribute.split(".")
            for name in path[:-1]:
                owner = getattr(owner, name, None)
            if owner is not None and hasattr(owner, path[-1]):
                setattr(owner, path[-1], timed(label, getattr(owner, path[-1])))
                patched.add((module, attribute))

    def traced(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        root = name.partition(".")[0]
        watched = level == 0 and root in WATCHED_IMPORTS and root not in sys.modules
        start = time.monotonic()
        module = original(name, globals, locals, fromlist, level)
        if watched:
            record(f"import {root}", start, time.monotonic(), f"as part of {name}" if name != root else "")
        patch_loaded()
        return module

    builtins.__import__ = traced

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if event == "subprocess.Popen":
            argv = args[1] if isinstance(args[1], (list, tuple)) else [str(args[1])]
            record("spawn", time.monotonic(), time.monotonic(), " ".join(str(a) for a in argv[:4]))

    sys.addaudithook(audit)
    EVENTS.append({"kind": "wrapped", "detail": [f"{m}.{a}" for m, a, _ in WRAPPED]})
    EVENTS.append({"kind": "patched", "patched": patched})  # filled in as modules load


def child(argv: list[str]) -> int:
    ready = time.monotonic()  # the interpreter has started and `site` ran: this file's first line of work
    install()
    start = time.monotonic()
    import ariadne_hook.cli as cli

    record("import ariadne_hook.cli (whole)", start, time.monotonic())
    code = cli.main(argv)
    done = time.monotonic()
    patched = next(e for e in EVENTS if e["kind"] == "patched")["patched"]
    missing = [f"{m}.{a}" for m, a, _ in WRAPPED if (m, a) not in patched]
    out = [e for e in EVENTS if e["kind"] not in ("wrapped", "patched")]
    helper = Path(os.environ["TIMELINE_OUT"] + ".helper")
    if helper.exists():
        out += [json.loads(line) for line in helper.read_text().splitlines()]
        helper.unlink()
    out.append(
        {"kind": "interpreter ready", "start": ready, "end": ready, "thread": "MainThread", "detail": ""}
    )
    out.append({"kind": "main returned", "start": done, "end": done, "thread": "MainThread", "detail": ""})
    Path(os.environ["TIMELINE_OUT"]).write_text(json.dumps({"events": out, "missing": missing}))
    sys.stdout.flush()
    os._exit(code)  # as main_entry does when a request thread is left: no wait for stray threads


# ----------------------------------------------------------------------------------------------- parent
def one_run(repo: Path, srv: Any, tmp: Path, key: str) -> dict[str, Any]:
    """One timed run against ``srv`` (None: offline)."""
    from common import PYTHON, child_env

    out = tmp / "timeline.json"
    review = tmp / "review.json"
    from bench_opencommit import hosted  # the server stands for a hosted endpoint (its prompt budget)

    endpoint = {"OPENAI_API_KEY": key, "OPENAI_BASE_URL": srv.base_url, **hosted()} if srv else {}
    env = child_env({**endpoint, "TIMELINE_OUT": str(out)})
    argv = [PYTHON, __file__, "--child", "--format", "json", "-o", str(review), "--no-cache"]
    argv += [] if srv else ["--provider", "offline"]
    answers = len(srv.spans) if srv else 0
    spawn = time.monotonic()
    proc = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True)
    exited = time.monotonic()
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}): {proc.stderr[-600:]}")
    data = json.loads(out.read_text())
    report = json.loads(review.read_text())
    data["spawn"], data["exit"] = spawn, exited
    data["server"] = sorted(srv.spans[answers:]) if srv else []
    data["from_model"] = sum(
        1 for f in report["functions"] if f["status"] == "summarized" and not f["reason"]
    )
    data["walkthrough"] = bool(report.get("walkthrough"))
    return data


def steps(data: dict[str, Any]) -> dict[str, float]:
    """The critical path, in seconds per step (each from the end of the previous one)."""
    t0 = data["spawn"]
    events = data["events"]

    def first(kind: str, edge: str = "start") -> float | None:
        found = [e[edge] for e in events if e["kind"] == kind]
        return min(found) - t0 if found else None

    def last(kind: str) -> float | None:
        found = [e["end"] for e in events if e["kind"] == kind]
        return max(found) - t0 if found else None

    function_answers = [(a - t0, b - t0) for a, b, kind in data["server"] if kind == "functions"]
    walk = [(a - t0, b - t0) for a, b, kind in data["server"] if kind == "walkthrough"]
    marks = {
        "interpreter start (spawn -> this file's first line)": first("interpreter ready"),
        "import ariadne_hook.cli": first("import ariadne_hook.cli (whole)", "end"),
        "settings": last("settings"),
        "no-op check": last("no-op check"),
        "git (source)": last("git (source)"),
        "locate (this process's share, then the helper's result)": last("locate"),
        "references, the walkthrough's rider (the source stage's end)": last("git, locate, references"),
        "the forked helper's result received": last("the helper's result awaited"),
        "the openai import (a thread since the start) joined": last("import openai"),
        "first request sent": first("request"),
        "function answers (all rounds)": max((b for _, b in function_answers), default=None),
        "summarize stage returns": last("summarize stage"),
        "walkthrough answered": max((b for _, b in walk), default=None),
        "walkthrough returns": last("walkthrough"),
        "render": last("render"),
        "write": last("write"),
        "main returns": first("main returned"),
        "process exit": data["exit"] - t0,
    }
    out: dict[str, float] = {}
    previous = 0.0
    # in the order they happened: the forked helper (git, locate) and the SDK import run side by side
    for name, at in sorted(((n, a) for n, a in marks.items() if a is not None), key=lambda m: m[1]):
        out[name] = at - previous
        previous = at
    return out


def describe(data: dict[str, Any]) -> str:
    from common import table

    t0 = data["spawn"]
    rows = [["event", "start", "end", "ms", "thread", "detail"]]
    for e in sorted(data["events"], key=lambda e: e["start"]):
        ms = (e["end"] - e["start"]) * 1000
        rows.append(
            [
                e["kind"],
                f"{e['start'] - t0:.3f}",
                f"{e['end'] - t0:.3f}",
                f"{ms:.0f}",
                e["thread"],
                e["detail"],
            ]
        )
    for a, b, kind in data["server"]:
        rows.append(
            [
                f"server answers ({kind})",
                f"{a - t0:.3f}",
                f"{b - t0:.3f}",
                f"{(b - a) * 1000:.0f}",
                "server",
                "",
            ]
        )
    rows.append(["process exit", "", f"{data['exit'] - t0:.3f}", "", "", ""])
    return table(rows)


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["--child"]:
        return child(args_list[1:])
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench_economy import pricing_repo
    from bench_large_diff import EDITS
    from bench_opencommit import KEY, server
    from common import build_python_repo, machine, table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first-token", type=float, default=0.2)
    parser.add_argument("--per-token", type=float, default=0.012)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=8, help="files of 8 changed functions")
    parser.add_argument("--quiet", action="store_true", help="only the steps, not every event")
    parser.add_argument("--offline-files", type=int, help="offline, on bench_large_diff's repository instead")
    args = parser.parse_args(args_list)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="ariadne-timeline-") as name:
        tmp = Path(name)
        runs: list[dict[str, Any]] = []
        if args.offline_files:
            repo = build_python_repo(tmp / "large", args.offline_files, EDITS)
            for _ in range(args.runs + 1):  # the first one warms
                runs.append(one_run(repo, None, tmp, KEY))
            runs.pop(0)
        else:
            repo = pricing_repo(tmp / "pricing", files=args.files)
            with server(args.first_token, args.per_token) as srv:
                one_run(repo, srv, tmp, KEY)  # warm: bytecode, page cache
                for _ in range(args.runs):
                    runs.append(one_run(repo, srv, tmp, KEY))
    last = runs[-1]
    if last["missing"]:
        print(f"not found (renamed since this script was written?): {', '.join(last['missing'])}")
    if not args.quiet:
        walk = "a walkthrough" if last["walkthrough"] else "NO walkthrough"
        print(f"\nthe last run ({last['from_model']} functions from the model, {walk}):")
        print(describe(last))
    per_run = [steps(r) for r in runs]
    names = list(per_run[-1])
    rows = [["step (critical path)", "median s", "runs"]]
    for step in names:
        values = [r[step] for r in per_run if step in r]
        rows.append([step, f"{statistics.median(values):.3f}", " ".join(f"{v:.3f}" for v in values)])
    what = (
        f"offline, {args.offline_files} files"
        if args.offline_files
        else f"{args.first_token} s to the first token + {args.per_token * 1000:g} ms/token"
    )
    print(f"\n{what}, {args.runs} runs")
    print(table(rows))
    print(f"load after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
