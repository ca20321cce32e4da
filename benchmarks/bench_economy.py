"""Economy benchmark (issue 10): requests, prompt chars and wall time of the model path, side by side.

    python benchmarks/bench_economy.py [--baseline DIR] [--repeats 3] [--skip-table]

The change: 8 files x 8 ten-line functions, every function's default argument and one constant changed,
staged. The endpoint: tests/llm_server.py in its own process, speaking the real wire protocol, modelling
generation time: 0.5 s to the first token plus 12 ms per output token (~4 chars), answers of ~200 chars per
function (a packed answer takes longer than a single one). Whole `ariadne-hook` processes are timed.

Checks (exit 1 when one fails), with the default 5 workers:
  - every one of the 64 functions summarized by the model;
  - prompt chars (sum of message contents over all requests) <= 24,018 (pr-agent on the same diff);
  - wall <= 1.15 x ideal, ideal = offline run of the same CLI + `python -c "import openai"` + 0.5 s
    + ceil(64 / 5) x (generation time of one summary), all measured in this run (medians, interleaved);
  - a server dropping a quarter of the ids / answering non-JSON half of the time: no function lost,
    >= 60 of 64 from the model; a server rejecting response_format, or only json_schema: 64 of 64 from the
    model (still packed: json_object, or JSON asked in the prompt);
  - comment-only, import-only, CHANGES.rst, workflow YAML, requirements.txt besides two real function edits:
    only the two real functions in the request bodies;
  - 10 source and 30 test functions, one request per function, a deadline for ~15: all 10 source functions
    from the model;
  - the same change against two endpoints: the second is asked, not answered from the first's cache.
Then the issue's side-by-side table (fixed latency 0.2 s and 1.5 s) for --baseline (e.g. today's main:
`git archive main ariadne_hook | tar -x -C DIR`) and this checkout.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, SCRIPT, child_env, git, machine, new_repo, table  # noqa: E402

FILES, PER_FILE, WORKERS = 8, 8, 5
FIRST_TOKEN, PER_TOKEN, SUMMARY_CHARS = 0.5, 0.012, 200
PR_AGENT_CHARS = 24_018
KEY = "sk-bench-economy-0123456789"


# ----------------------------------------------------------------------------------------------- changes
def function(f: int, k: int, edited: bool) -> list[str]:
    """Ten lines; the edit changes the default argument and one constant."""
    rate, floor = (f"0.{k + 2}", 12) if edited else (f"0.{k + 1}", 10)
    return [
        f"def price_{f}_{k}(items, rate={rate}):",
        f'    """Rule {k}."""',
        "    total = 0.0",
        "    for it in items:",
        f"        if it.qty >= {floor}:",
        "            total += it.cost * rate",
        "        else:",
        "            total += it.cost",
        "    total = min(total, 500)",
        "    return round(total, 2)",
        "",
        "",
    ]


def module(f: int, edited: bool) -> str:
    lines = [f'"""Pricing rules, part {f}."""', "", ""]
    for k in range(PER_FILE):
        lines += function(f, k, edited)
    return "\n".join(lines).rstrip("\n") + "\n"


def pricing_repo(path: Path, files: int = FILES) -> Path:
    repo = new_repo(path)
    for f in range(files):
        (repo / "pricing").mkdir(exist_ok=True)
        (repo / f"pricing/rules_{f}.py").write_text(module(f, False))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    for f in range(files):
        (repo / f"pricing/rules_{f}.py").write_text(module(f, True))
    git(repo, "add", "-A")
    return repo


def noise_repo(path: Path) -> Path:
    """Two real function edits among noise: a comment-only edit, an import-only edit, docs, CI, deps."""
    repo = new_repo(path)
    files = {
        "app/core.py": (
            "import os\n\n\ndef real_one(a, b=1):\n    return a + b\n\n\n"
            "def commented(x):\n    # add one\n    return x + 1\n\n\n"
            "def real_two(s, sep=','):\n    return s.split(sep)\n"
        ),
        "app/util.py": "import os\n\n\ndef helper():\n    return os.sep\n",
        "CHANGES.rst": "Changes\n=======\n\n1.0\n---\n- first release\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        "requirements.txt": "requests==2.31.0\n",
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    edits = {
        "app/core.py": (
            "import os\n\n\ndef real_one(a, b=2):\n    return a + b * 2\n\n\n"
            "def commented(x):\n    # add one to x\n    return x + 1\n\n\n"
            "def real_two(s, sep=';'):\n    return s.strip().split(sep)\n"
        ),
        "app/util.py": "import os\nimport sys\n\n\ndef helper():\n    return os.sep\n",
        "CHANGES.rst": "Changes\n=======\n\n1.1\n---\n- faster\n\n1.0\n---\n- first release\n",
        ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        "requirements.txt": "requests==2.32.3\nurllib3<3\n",
    }
    for name, text in edits.items():
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    return repo


def priority_repo(path: Path) -> Path:
    """10 source functions and 30 test functions changed; the tests sort first by path."""
    repo = new_repo(path)

    def source(edited: bool) -> str:
        return "".join(
            f"def widget_{i}(x, k={2 if edited else 1}):\n    return x * k + {i}\n\n\n" for i in range(10)
        )

    def tests(n: int, edited: bool) -> str:
        return "".join(
            f"def test_case_{n}_{i}():\n    assert widget(1) == {3 if edited else 2}\n    assert True\n\n\n"
            for i in range(10)
        )

    (repo / "pkg").mkdir()
    for edited in (False, True):
        (repo / "pkg/widgets.py").write_text(source(edited))
        for n in range(3):
            (repo / f"pkg/test_{'abc'[n]}.py").write_text(tests(n, edited))
        git(repo, "add", "-A")
        if not edited:
            git(repo, "commit", "-q", "-m", "base")
    return repo


# ------------------------------------------------------------------------------------------------ server
class Server:
    def __init__(self, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}/v1"

    def bodies(self) -> list[Any]:
        with urlopen(self.base_url + "/bodies", timeout=10) as response:
            data: list[Any] = json.loads(response.read())
        return data


@contextmanager
def server(*args: str) -> Iterator[Server]:
    proc = subprocess.Popen(
        [PYTHON, "-m", "tests.llm_server", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # a client gone at the deadline makes the server log a broken pipe
        env=child_env({"PYTHONPATH": str(ROOT)}),
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield Server(int(proc.stdout.readline()))
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(10)


def generation(*extra: str) -> list[str]:
    return [
        "--first-token",
        str(FIRST_TOKEN),
        "--per-token",
        str(PER_TOKEN),
        "--summary-chars",
        str(SUMMARY_CHARS),
        *extra,
    ]


# --------------------------------------------------------------------------------------------------- runs
def cli(package: str | None, argv: Sequence[str]) -> list[str]:
    if package is None:
        return [SCRIPT, *argv]
    return ["env", f"PYTHONPATH={Path(package).resolve()}", PYTHON, "-m", "ariadne_hook", *argv]


def run(
    repo: Path,
    srv: Server | None,
    *flags: str,
    package: str | None = None,
    env: dict[str, str] | None = None,
    cache: bool = False,
) -> tuple[float, dict[str, Any], list[Any]]:
    """(wall seconds, the JSON report, the request bodies this run sent)."""
    before = len(srv.bodies()) if srv else 0
    out = repo.parent / f"{repo.name}-review.json"
    argv = ["--format", "json", "-o", str(out), *flags] + ([] if cache else ["--no-cache"])
    extra = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": srv.base_url} if srv else {}
    start = time.perf_counter()
    proc = subprocess.run(
        cli(package, argv), cwd=repo, env=child_env({**extra, **(env or {})}), capture_output=True
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}): {proc.stderr.decode()[-800:]}")
    bodies = srv.bodies()[before:] if srv else []
    return wall, json.loads(out.read_text()), bodies


def from_model(report: dict[str, Any]) -> int:
    return sum(1 for f in report["functions"] if f["status"] == "summarized" and f["reason"] is None)


def prompt_chars(bodies: Sequence[Any]) -> int:
    return sum(len(m["content"]) for b in bodies for m in b["messages"])


def sent_names(bodies: Sequence[Any]) -> list[str]:
    """Function names in request bodies: packed "[id] <change> <kind> <name>" lines or a plain unit's
    second line (this checkout's prompt layout)."""
    names: list[str] = []
    for body in bodies:
        lines = body["messages"][-1]["content"].split("\n")
        if "response_format" in body:
            names += [line.split(" ", 3)[3] for line in lines if line.startswith("[f")]
        else:
            names.append(lines[1].split(" ", 2)[2])
    return names


def seconds_of(argv: Sequence[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=child_env(), check=True, capture_output=True)
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------- scenarios
def main_figure(repo: Path, repeats: int, checks: list[tuple[str, bool, str]]) -> None:
    one = PER_TOKEN * (SUMMARY_CHARS // 4)
    offline_t: list[float] = []
    import_t: list[float] = []
    model_t: list[float] = []
    with server(*generation()) as srv:
        run(repo, srv)  # warm: bytecode, page cache
        run(repo, None, "--provider", "offline")
        for _ in range(repeats):
            offline_t.append(run(repo, None, "--provider", "offline")[0])
            import_t.append(seconds_of([PYTHON, "-c", "import openai"], repo))
            wall, report, bodies = run(repo, srv)
            model_t.append(wall)
    offline, imp, model = (statistics.median(x) for x in (offline_t, import_t, model_t))
    ideal = offline + imp + FIRST_TOKEN + math.ceil(FILES * PER_FILE / WORKERS) * one
    chars = prompt_chars(bodies)
    print(
        f"\n== 8 files x 8 functions, generation-time server "
        f"({FIRST_TOKEN} s + {PER_TOKEN * 1000:g} ms/token)"
    )
    print(
        table(
            [
                ["", "median s", "runs"],
                ["offline run", f"{offline:.2f}", " ".join(f"{x:.2f}" for x in offline_t)],
                ['python -c "import openai"', f"{imp:.2f}", " ".join(f"{x:.2f}" for x in import_t)],
                ["model run (5 workers)", f"{model:.2f}", " ".join(f"{x:.2f}" for x in model_t)],
                ["ideal", f"{ideal:.2f}", f"= offline + import + {FIRST_TOKEN} + 13 x {one:.2f}"],
            ]
        )
    )
    stats = report["stats"]
    print(
        f"requests {len(bodies)}, prompt chars {chars}, from the model {from_model(report)}/64, "
        f"tokens {stats.get('prompt_tokens')}+{stats.get('completion_tokens')}, "
        f"wall/ideal {model / ideal:.3f}"
    )
    checks.append(("64 of 64 from the model", from_model(report) == 64, f"{from_model(report)}"))
    checks.append((f"prompt chars <= {PR_AGENT_CHARS}", chars <= PR_AGENT_CHARS, f"{chars}"))
    checks.append(
        ("wall <= 1.15 x ideal", model <= 1.15 * ideal, f"{model:.2f} / {ideal:.2f} = {model / ideal:.3f}")
    )


def failure_modes(repo: Path, checks: list[tuple[str, bool, str]]) -> None:
    print("\n== endpoints that follow the schema badly")
    rows = [["server", "functions", "from model", "requests", "wall s"]]
    for label, args, least in (
        ("drops 1/4 of ids", ["--drop-ids", "0.25"], 60),
        ("non-JSON half the time", ["--nonjson", "0.5"], 60),
        ("rejects response_format", ["--reject-format"], 64),
        ("rejects json_schema only", ["--reject-json-schema"], 64),
    ):
        with server(*generation(*args)) as srv:
            wall, report, bodies = run(repo, srv)
        got = from_model(report)
        rows.append([label, str(len(report["functions"])), str(got), str(len(bodies)), f"{wall:.2f}"])
        ok = len(report["functions"]) == 64 and got >= least
        checks.append((f"{label}: none lost, >= {least} from the model", ok, f"{got}"))
    print(table(rows))


def noise(tmp: Path, checks: list[tuple[str, bool, str]]) -> None:
    repo = noise_repo(tmp / "noise")
    with server(*generation()) as srv:
        _, report, bodies = run(repo, srv)
    names = sent_names(bodies)
    print(
        "\n== noise: comment-only, import-only, CHANGES.rst, workflow YAML, requirements.txt + 2 real edits"
    )
    for f in report["functions"]:
        print(f"  {f['path']}: {f['qualname']}: {f['status']} ({f['reason'] or 'model'})")
    print(f"  sent: {names} in {len(bodies)} request(s), {prompt_chars(bodies)} chars")
    checks.append(
        ("noise: only the two real functions sent", sorted(names) == ["real_one", "real_two"], str(names))
    )


def priorities(tmp: Path, checks: list[tuple[str, bool, str]]) -> None:
    repo = priority_repo(tmp / "priority")
    single = FIRST_TOKEN + PER_TOKEN * (SUMMARY_CHARS // 4)
    deadline = 3 * single + 0.3  # three rounds of 5 workers: ~15 functions
    with server(*generation()) as srv:
        _, report, bodies = run(
            repo, srv, "--deadline", f"{deadline:.2f}", env={"ARIADNE_MAX_PER_REQUEST": "1"}
        )
    source = [f for f in report["functions"] if f["path"] == "pkg/widgets.py"]
    got = sum(1 for f in source if f["status"] == "summarized" and f["reason"] is None)
    print(
        f"\n== priorities: 10 source + 30 test functions, one request per function, deadline {deadline:.2f} s"
    )
    print(f"  requests {len(bodies)}, from the model {from_model(report)}/40, of them source {got}/10")
    checks.append(("priorities: all 10 source functions from the model", got == 10, f"{got}"))


def two_endpoints(repo: Path, checks: list[tuple[str, bool, str]]) -> None:
    cache = repo / ".ariadne"
    if cache.exists():
        subprocess.run(["rm", "-rf", str(cache)], check=True)
    with server(*generation()) as one, server(*generation()) as two:
        run(repo, one, cache=True)
        _, report, bodies = run(repo, two, cache=True)
    cached = sum(1 for f in report["functions"] if f["status"] == "cached")
    print(f"\n== same change, two endpoints: the second got {len(bodies)} requests, {cached} cached entries")
    checks.append(
        ("two endpoints: the second is asked", len(bodies) > 0 and cached == 0, f"{len(bodies)} requests")
    )


def side_by_side(repo: Path, baseline: str | None) -> None:
    raw = len(git(repo, "diff", "--cached"))
    print(f"\n== side by side, fixed latency (raw `git diff --cached` = {raw} chars)")
    rows = [["", "requests", "prompt chars", "wall 0.2 s", "wall 1.5 s"]]
    for label, package in (("main (baseline)", baseline), ("this branch", None)):
        if label.startswith("main") and baseline is None:
            continue
        cells: list[str] = []
        for latency in (0.2, 1.5):
            with server("--latency", str(latency)) as srv:
                run(repo, srv, package=package)  # warm
                wall, _, bodies = run(repo, srv, package=package)
            if not cells:
                cells = [str(len(bodies)), str(prompt_chars(bodies))]
            cells.append(f"{wall:.2f} s")
        rows.append([label, *cells])
    print(table(rows))


def large(tmp: Path, baseline: str | None) -> None:
    """256 functions, 1.5 s fixed latency, the default 30 s deadline: how many get the model."""
    repo = pricing_repo(tmp / "large", files=32)
    print("\n== 256 functions (32 files x 8), fixed latency 1.5 s, deadline 30 s")
    rows = [["", "requests", "from the model", "fallback", "wall"]]
    for label, package in (("main (baseline)", baseline), ("this branch", None)):
        if label.startswith("main") and baseline is None:
            continue
        with server("--latency", "1.5") as srv:
            wall, report, bodies = run(repo, srv, package=package)
        rows.append(
            [
                label,
                str(len(bodies)),
                str(from_model(report)),
                str(report["stats"]["fallback"]),
                f"{wall:.2f} s",
            ]
        )
    print(table(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", help="a folder holding another revision's ariadne_hook package")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-table", action="store_true")
    parser.add_argument("--only", help="comma-separated: main,failures,noise,priorities,endpoints,table")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None

    def wanted(name: str) -> bool:
        return only is None or name in only

    print(machine())
    checks: list[tuple[str, bool, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-economy-") as tmp:
        repo = pricing_repo(Path(tmp) / "pricing")
        if wanted("main"):
            main_figure(repo, args.repeats, checks)
        if wanted("failures"):
            failure_modes(repo, checks)
        if wanted("noise"):
            noise(Path(tmp), checks)
        if wanted("priorities"):
            priorities(Path(tmp), checks)
        if wanted("endpoints"):
            two_endpoints(repo, checks)
        if wanted("table") and not args.skip_table:
            side_by_side(repo, args.baseline)
            large(Path(tmp), args.baseline)
    print(f"\n{machine()}")
    print(
        table([["check", "result", "figure"], *[[c, "ok" if ok else "MISSED", fig] for c, ok, fig in checks]])
    )
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
