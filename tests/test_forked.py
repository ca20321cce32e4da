"""The forked helper (forked.py): the call runs in another process and its value comes back; whatever goes
wrong there, the call is made here; no helper is forked beside another thread, none is left behind; and a
model run reads git and locates in it while the main process imports the SDK, with the same review."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook import forked
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.runner import ROOT, clean_env, fresh_python
from tests.test_summarize_stage import KEY

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or forked.cores() < 2, reason="forked on Linux, 2 cores"
)

HELPER = """
import json, os
from ariadne_hook import forked
main = os.getpid()

def pid():
    return os.getpid()

def fails():
    if os.getpid() != main:
        raise ValueError("in the helper only")
    return "made here"

def unpicklable():
    return (lambda: 0) if os.getpid() != main else "made here"

def dies():
    if os.getpid() != main:
        os._exit(3)
    return "made here"

out = {"can": forked.can_fork()}
for name, call in [("pid", pid), ("fails", fails), ("unpicklable", unpicklable), ("dies", dies)]:
    helper = forked.Forked(call)
    child = helper.pid
    out[name] = helper.result()
    try:
        os.waitpid(child, os.WNOHANG)
        out[name + " reaped"] = False
    except ChildProcessError:
        out[name + " reaped"] = True
helper = forked.Forked(lambda: __import__("time").sleep(60))  # this process fails before asking for it
child = helper.pid
helper.cancel()
helper.cancel()  # a second time: nothing
try:
    os.waitpid(child, os.WNOHANG)
    out["cancelled reaped"] = False
except ChildProcessError:
    out["cancelled reaped"] = True
out["main"] = main
print(json.dumps(out))
"""


def test_the_call_runs_in_a_helper_and_a_failure_there_is_made_here() -> None:
    out = json.loads(fresh_python(HELPER))
    assert out["can"] is True
    assert out["pid"] != out["main"] and isinstance(out["pid"], int)  # its value, from another process
    assert out["fails"] == out["unpicklable"] == out["dies"] == "made here"
    assert all(out[f"{name} reaped"] for name in ("pid", "fails", "unpicklable", "dies", "cancelled"))


def test_no_helper_beside_another_thread() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    alone = forked.can_fork()
    thread.start()
    try:
        assert not forked.can_fork()
    finally:
        stop.set()
        thread.join()
    assert forked.can_fork() == alone


# ------------------------------------------------------------------------------------------ a model run
# Every process git is spawned from, and whether the run's own process imported openai; with a thread alive
# before main() (as a test's loopback server would be), no helper is forked: the review must be the same.
RUN = """
import json, os, sys, threading
log = []
def audit(event, args):
    if event == "subprocess.Popen":
        log.append([os.getpid(), " ".join(str(a) for a in args[1])])
        with open(os.environ["SPAWN_LOG"], "a") as out:
            out.write(json.dumps(log[-1]) + "\\n")
sys.addaudithook(audit)
import ariadne_hook.summarize.prompt as prompt
build_unit = prompt.build_unit
def built_where(*args, **kwargs):  # which process builds the prompts (wrapped before anything imports it)
    with open(os.environ["SPAWN_LOG"], "a") as out:
        out.write(json.dumps([os.getpid(), "build_unit"]) + "\\n")
    return build_unit(*args, **kwargs)
prompt.build_unit = built_where
stop = threading.Event()
if os.environ.get("WITH_THREAD"):
    threading.Thread(target=stop.wait).start()
from ariadne_hook.cli import main
rc = main(sys.argv[1:])
stop.set()
print(json.dumps({"rc": rc, "pid": os.getpid(), "openai": "openai" in sys.modules,
                  "references": "ariadne_hook.locate.references" in sys.modules}))
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    for k in range(3):
        write(root, f"m{k}.py", f"def f{k}(x, k=1):\n    return x + k\n\n\ndef g{k}():\n    return {k}\n")
    commit_all(root)
    for k in range(3):
        write(root, f"m{k}.py", f"def f{k}(x, k=2):\n    return x + k\n\n\ndef g{k}():\n    return {k + 1}\n")
    stage_all(root)
    return root


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(latency=0.01, seed=2) as srv:
        yield srv


def run(repo: Path, server: LLMServer | None, name: str, **extra: str) -> tuple[dict[str, Any], list[Any]]:
    spawns = repo.parent / f"{name}.spawns"
    endpoint = {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": KEY} if server else {}
    env = clean_env(PYTHONPATH=str(ROOT), SPAWN_LOG=str(spawns), **endpoint, **extra)
    argv = ["--format", "json", "-o", str(repo.parent / f"{name}.json"), "--no-cache"]
    proc = subprocess.run(
        [sys.executable, "-c", RUN, *argv, *([] if server else ["--provider", "offline"])],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    report = json.loads((repo.parent / f"{name}.json").read_text())
    report["stats"].pop("seconds")
    out["report"] = report
    return out, [json.loads(line) for line in spawns.read_text().splitlines()]


def blob_readers(spawns: list[Any]) -> set[int]:
    return {pid for pid, argv in spawns if "cat-file" in argv}


def prompt_builders(spawns: list[Any]) -> set[int]:
    return {pid for pid, what in spawns if what == "build_unit"}


def test_a_model_run_reads_git_in_a_helper_while_it_imports_the_sdk(repo: Path, server: LLMServer) -> None:
    forked_run, spawns = run(repo, server, "forked")
    assert forked_run["rc"] == 0 and forked_run["openai"]
    functions = forked_run["report"]["functions"]
    assert len(functions) == 6 and all(f["status"] == "summarized" and not f["reason"] for f in functions)
    readers = blob_readers(spawns)
    assert readers and forked_run["pid"] not in readers  # the staged blobs were read by the helper
    assert prompt_builders(spawns) == readers  # and the prompts built there: this process only sends them
    assert not forked_run["references"]  # what came back is plain data: unpickling it imported no locate code

    alone, alone_spawns = run(repo, server, "alone", WITH_THREAD="1")
    assert blob_readers(alone_spawns) == prompt_builders(alone_spawns) == {alone["pid"]}  # a thread: no fork
    assert alone["report"] == forked_run["report"]  # the same review either way


def test_an_offline_run_forks_no_helper(repo: Path) -> None:
    offline, spawns = run(repo, None, "offline")
    assert offline["rc"] == 0 and not offline["openai"]
    assert {pid for pid, _ in spawns} == {offline["pid"]}


# ------------------------------------------------------------------ a list mapped by both, from its two ends
SHARED = """
import json, os, time
from ariadne_hook import forked
parent, offset = os.getpid(), 10  # a closure: it cannot be pickled, so the helper must have inherited it

def work(items):
    time.sleep(0.02 * len(items))
    return [[os.getpid(), item + offset] for item in items]

def slow_helper(items):
    time.sleep((0.08 if os.getpid() != parent else 0.01) * len(items))
    return [os.getpid() for item in items]

def dies(items):
    if os.getpid() != parent and items[0] == 2:
        os._exit(3)
    return [item * 2 for item in items]

def fails(items):
    if items[0] == 0:
        raise ValueError("item 0")
    time.sleep(0.01)
    return items

every = forked.runs([1] * 40, 40)
out = {"parent": parent, "shared": forked.claimed(work, list(range(40)), every),
       "slow": forked.claimed(slow_helper, list(range(40)), every),
       "dies": forked.claimed(dies, list(range(6)), forked.runs([1] * 6, 6))}
try:
    forked.claimed(fails, list(range(20)), forked.runs([1] * 20, 20))
except ValueError as exc:
    out["fails"] = str(exc)
print(json.dumps(out))
"""


def test_both_processes_take_runs_from_the_two_ends_and_a_dead_helper_costs_only_time() -> None:
    out = json.loads(fresh_python(SHARED))
    parent = out["parent"]
    assert [value for _, value in out["shared"]] == list(range(10, 50))  # every item once, in order
    pids = [pid for pid, _ in out["shared"]]
    helper = pids[0]
    mine = pids.index(parent)  # the helper took a front part, this process the rest (0.8 s of work)
    assert helper != parent and 0 < mine < 40 and pids == [helper] * mine + [parent] * (40 - mine)
    # a core 8x slower maps fewer runs: the shares follow the speed, not a fixed half
    assert out["slow"].count(parent) >= 30, out["slow"]
    assert out["dies"] == [0, 2, 4, 6, 8, 10]  # the runs the dead helper took, mapped here
    assert out["fails"] == "item 0"  # an exception in the helper's run is raised here, from the run made here


def test_map_shared_stays_in_process_below_the_size() -> None:
    def work(items: Sequence[int]) -> list[int]:
        return [os.getpid() for _ in items]

    assert forked.map_shared(work, [1, 2, 3], [1, 1, 1], 4) == [os.getpid()] * 3
    assert not forked.worth_a_helper([10], 0)  # one item: nothing to share


def test_runs_cut_by_size() -> None:
    assert forked.runs([1, 1, 1, 1], 2) == [(0, 2), (2, 4)]
    assert forked.runs([10, 1, 1], 64) == [(0, 1), (1, 2), (2, 3)]  # never more runs than items
    assert forked.runs([1, 1, 10], 2) == [(0, 2), (2, 3)]  # an item goes to the run its middle falls in
    assert forked.runs([0, 0, 0], 2) == [(0, 1), (1, 3)]  # nothing to weigh: counted alike
    cuts = forked.runs([1] * 200, forked.RUNS)
    assert len(cuts) == 64 and {stop - start for start, stop in cuts} == {3, 4} and cuts[-1][1] == 200


# ------------------------------------------------------------------ a large report redacted in two shares
REDACTED = """
import json, os, sys, threading
fork_events = []
sys.addaudithook(lambda event, args: fork_events.append(event) if event == "os.fork" else None)
if os.environ.get("WITH_THREAD"):
    stop = threading.Event()
    threading.Thread(target=stop.wait).start()
from ariadne_hook.models import FunctionChange, Reference, References, Report, SourceInfo, Stats, Summary
from ariadne_hook.render.redacted import SHARED_CHARS, redacted

def summary(i):
    secret = f"Zq8vR2mX{i:05d}pL4wT9kB"  # a password: the entry's own line is redacted, so is its quote
    diff = f'@@ -1,2 +1,2 @@\\n-    password = "old"\\n+    password = "{secret}"\\n' + " pass\\n" * 150
    change = FunctionChange(f"m{i}.py", None, f"f{i}", "function", "modified", "python", (1, 2), (1, 2),
                            "", "", diff)
    refs = References(f"f{i}", "deleted", (Reference("x.py", i, f"token = 'ghp_{secret}{secret}'"),), 1)
    return Summary(change, "summarized", f"Sets `password = \\"{secret}\\"` (entry {i}).", references=refs)

summaries = tuple(summary(i) for i in range(400))
report = Report(SourceInfo("staged"), "offline", None, summaries, Stats())
out = redacted(report)
print(json.dumps({"texts": [s.text for s in out.summaries], "refs": [s.references.items[0].text
                  for s in out.summaries], "forks": len(fork_events), "enough": sum(
                  len(s.text) + len(s.change.diff) for s in summaries) >= SHARED_CHARS}))
stop.set() if os.environ.get("WITH_THREAD") else None
"""


def test_a_large_reports_redaction_is_shared_with_a_helper_and_the_same(monkeypatch: Any) -> None:
    shared = json.loads(fresh_python(REDACTED))
    assert shared["enough"] and shared["forks"] == 1  # one helper redacted the first half
    monkeypatch.setenv("WITH_THREAD", "1")
    alone = json.loads(fresh_python(REDACTED))
    assert alone["forks"] == 0  # a thread was alive: all of it in this process
    assert shared["texts"] == alone["texts"] and shared["refs"] == alone["refs"]
    for i in (0, 199, 200, 399):  # in each share the quoted password and the reference's token are gone
        assert shared["texts"][i] == f'Sets `password = "[REDACTED:quoted]"` (entry {i}).'
        assert "Zq8vR2mX" not in shared["refs"][i] and "[REDACTED" in shared["refs"][i]


PAUSED = """
import gc, json
from ariadne_hook import forked
passes = []
helper = forked.Forked(lambda: [{"name": f"f{i}", "lines": (i, i + 1)} for i in range(100_000)])
gc.callbacks.append(lambda phase, info: passes.append(info["generation"]) if phase == "start" else None)
value = helper.result()
print(json.dumps({"items": len(value), "passes": len(passes), "enabled": gc.isenabled()}))
"""


def test_the_helpers_value_is_unpickled_without_collector_passes() -> None:
    out = json.loads(fresh_python(PAUSED))
    # 10^5 dicts and tuples made at once: the collector would pass over them ~300 times, for nothing; paused,
    # there is at most the one pass the collector makes when it is enabled again
    assert out["items"] == 100_000 and out["enabled"]
    assert out["passes"] <= 1
