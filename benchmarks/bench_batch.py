"""LLM batch benchmark: 64 functions, a loopback server with 200 ms latency, 8 workers.

    PYTHONPATH=. python benchmarks/bench_batch.py

Measured side by side in one run:
  - the summarize stage (the pipeline's path) against the ideal (8 rounds x 0.2 s);
  - LLMClient.batch_generate_summaries (same engine);
  - a sequential loop of generate_summary calls;
  - the old asyncio-bridge design (copied here only: asyncio.run around loop.run_in_executor calls);
  - a server admitting 4 requests in flight, with 16 workers (adaptive concurrency; all must complete);
  - a cached rerun of the stage (0 requests).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ariadne_hook.config import Settings  # noqa: E402
from ariadne_hook.models import FunctionChange  # noqa: E402
from ariadne_hook.summarize.client import LLMClient  # noqa: E402
from ariadne_hook.summarize.stage import summarize  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

N, LATENCY, WORKERS = 64, 0.2, 8
IDEAL = (N // WORKERS) * LATENCY


def change(i: int) -> FunctionChange:
    source = f"def f{i}(x):\n    return x * {i}\n"
    diff = "@@ -0,0 +1,2 @@\n" + "".join(f"+{line}\n" for line in source.splitlines())
    return FunctionChange(
        "bench.py", None, f"f{i}", "function", "added", "python", None, (1, 2), None, source, diff
    )


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def old_asyncio_bridge(client: LLMClient, items: Sequence[dict[str, str]], limit: int) -> list[str]:
    """The design the review rejected: a new event loop per call, bridging to threads."""

    async def run() -> list[Any]:
        loop = asyncio.get_running_loop()
        semaphore = asyncio.Semaphore(limit)
        with ThreadPoolExecutor(max_workers=limit) as executor:

            async def one(item: dict[str, str]) -> str:
                async with semaphore:
                    return await loop.run_in_executor(executor, client.generate_summary, item["code"])

            return await asyncio.gather(*(one(item) for item in items), return_exceptions=True)

    return [r if isinstance(r, str) else "N/A" for r in asyncio.run(run())]


class Server:
    """tests/llm_server.py in its own process, as a real endpoint would be (no shared GIL)."""

    def __init__(self, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}/v1"

    def stats(self) -> dict[str, int]:
        with urlopen(self.base_url + "/stats", timeout=5) as response:
            data: dict[str, int] = json.load(response)
        return data


@contextmanager
def server_process(latency: float, admit: int | None = None) -> Iterator[Server]:
    cmd = [sys.executable, "-m", "tests.llm_server", "--latency", str(latency)]
    cmd += ["--admit", str(admit)] if admit else []
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield Server(int(proc.stdout.readline()))
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(10)


def stage_settings(server: Server, workers: int) -> Settings:
    """One request per function (`max_per_request=1`): this measures the engine, not packing
    (bench_economy.py measures packing)."""
    return Settings(
        provider="openai",
        base_url=server.base_url,
        max_workers=workers,
        timeout=10,
        deadline=60,
        max_per_request=1,
    )


def main() -> int:
    changes = [change(i) for i in range(N)]
    items = [{"code": c.new_source or ""} for c in changes]
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp, server_process(LATENCY) as server:
        summarize(changes[:1], stage_settings(server, 1), None)  # warm-up: imports openai once
        t_stage, result = timed(lambda: summarize(changes, stage_settings(server, WORKERS), None))
        assert {s.status for s in result.summaries} == {"summarized"}
        rows.append(("summarize stage, 8 workers", t_stage, f"{result.requests} requests"))
        with LLMClient(base_url=server.base_url) as client:
            t_batch, out = timed(lambda: client.batch_generate_summaries(items, concurrent_limit=WORKERS))
            assert "N/A" not in out
            rows.append(("LLMClient.batch_generate_summaries, 8", t_batch, ""))
            t_bridge, out = timed(lambda: old_asyncio_bridge(client, items, WORKERS))
            assert "N/A" not in out
            rows.append(("old asyncio bridge, 8", t_bridge, ""))
            t_seq, _ = timed(lambda: [client.generate_summary(i["code"]) for i in items])
            rows.append(("sequential loop", t_seq, ""))
        cache_dir = Path(tmp)
        summarize(changes, stage_settings(server, WORKERS), cache_dir)
        before = server.stats()["requests"]
        t_cached, cached = timed(lambda: summarize(changes, stage_settings(server, WORKERS), cache_dir))
        assert cached.requests == 0 and server.stats()["requests"] == before
        rows.append(("cached rerun (stage)", t_cached, f"{cached.requests} requests"))
    with server_process(LATENCY, admit=4) as capped:
        t_cap, result = timed(lambda: summarize(changes, stage_settings(capped, 16), None))
        fallbacks = sum(s.status == "fallback" for s in result.summaries)
        stats = capped.stats()
        rows.append(
            (
                "server admits 4, 16 workers",
                t_cap,
                f"{N - fallbacks}/{N} done, {fallbacks} fallback, {stats['rejected']} x 429, "
                f"max in flight {stats['max_in_flight']}; ideal at 4: {N / 4 * LATENCY:.1f} s",
            )
        )
    print(f"{N} functions, server latency {LATENCY * 1000:.0f} ms, ideal at {WORKERS} workers: {IDEAL:.2f} s")
    print(f"{'case':42} {'wall s':>7} {'x ideal':>8}  notes")
    for name, seconds, note in rows:
        print(f"{name:42} {seconds:7.2f} {seconds / IDEAL:8.2f}  {note}")
    print(
        f"stage vs sequential: {t_seq / t_stage:.1f}x faster; "
        f"stage vs asyncio bridge: {t_bridge / t_stage:.2f}x"
    )
    ok = t_stage <= 1.10 * IDEAL and fallbacks == 0
    print("target (stage <= 1.10 x ideal, capped server completes): " + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
