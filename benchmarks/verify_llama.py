"""What a real local server makes of one range: the tool against llama.cpp's server (xllamacpp) with
SmolLM2-135M-Instruct, through a recording loopback proxy.

Usage: python benchmarks/verify_llama.py [--runs N] [--threads T]

It builds the test tier's range (tests/test_llama.py: 10 changed functions in one file), starts the tier's
server (tests/llama_server.py: 2 slots of 2048 tokens), puts a proxy on 127.0.0.1 in front of it that keeps
every request and answer, runs the CLI (`--range ... --format json`, the tier's settings) and prints: the
requests by kind (packed, one function alone, asked again after an answer that was no summary, walkthrough),
each answer's finish_reason, the entries' final statuses and reasons, the run's notes and its wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.gitutil import commit_all, init_repo, write  # noqa: E402
from tests.llama_server import LlamaServer  # noqa: E402
from tests.llm_server import user_prompt  # noqa: E402
from tests.test_llama import NEW_SHOP, SHOP, settings_env  # noqa: E402

HINT = "(The previous answer was not usable:"


class Recorder(ThreadingHTTPServer):
    daemon_threads = True
    upstream = ""
    seen: list[tuple[Any, Any]]
    lock: threading.Lock


class Forward(BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.removeprefix("/v1")
        request = urllib.request.Request(
            self.server.upstream + "/v1" + path, raw, {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=900) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, data = exc.code, exc.read()
        with self.server.lock:
            self.server.seen.append((json.loads(raw), json.loads(data or b"null")))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def kind(body: Any) -> str:
    prompt = user_prompt(body)
    again = " asked again" if HINT in prompt else ""
    if prompt.startswith("Walkthrough"):
        return "walkthrough" + again
    if prompt.startswith("Commit subject"):
        return "subject" + again
    if "response_format" in body:
        ids = body["response_format"]["json_schema"]["schema"]["required"]
        return f"packed ({len(ids)} functions)"
    return "one function alone" + (", asked again after a rejected answer" if again else "")


def verdicts(body: Any, answer: Any) -> list[str]:
    """What the classifier says of each text of one answer ("summary" or the problem)."""
    from ariadne_hook.summarize import answers, pack

    choice = (answer or {}).get("choices", [{}])[0]
    content = (choice.get("message") or {}).get("content") or ""
    cut = choice.get("finish_reason") == "length"
    if "response_format" not in body:
        problem = answers.judge(content, cut=cut, kind=_kind_of(body)).problem
        return [problem or "summary"]
    ids = body["response_format"]["json_schema"]["schema"]["required"]
    texts, bad = pack.split_answer(content, ids)
    out = [answers.CUT if cut else reason for reason in bad.values()]
    return out + [answers.judge(text).problem or "summary" for text in texts.values()]


def _kind_of(body: Any) -> str:
    from ariadne_hook.summarize import answers

    prompt = user_prompt(body)
    if prompt.startswith("Walkthrough"):
        return answers.WALKTHROUGH
    return answers.SUBJECT if prompt.startswith("Commit subject") else answers.SUMMARY


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    from ariadne_hook.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp, LlamaServer(threads=args.threads) as llama:
        repo = init_repo(Path(tmp) / "shop")
        write(repo, "shop.py", SHOP)
        base = commit_all(repo, "base")
        write(repo, "shop.py", NEW_SHOP)
        head = commit_all(repo, "change")
        proxy = Recorder(("127.0.0.1", 0), Forward)
        proxy.upstream, proxy.seen, proxy.lock = llama.address, [], threading.Lock()
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        env = {**settings_env(llama), "OPENAI_BASE_URL": f"http://127.0.0.1:{proxy.server_address[1]}/v1"}
        for run in range(args.runs):
            proxy.seen.clear()
            out = Path(tmp) / f"review{run}.json"
            started, cpu = time.monotonic(), llama.cpu_seconds()
            os.chdir(repo)
            code = cli(["--range", f"{base}..{head}", "--format", "json", "-o", str(out)], env)
            wall = time.monotonic() - started
            data = json.loads(out.read_text(encoding="utf-8"))
            sent = data["stats"]["requests"]
            used = llama.cpu_seconds() - cpu
            print(f"=== run {run + 1}: exit {code}, wall {wall:.1f} s, server CPU {used:.1f} s, {sent} asked")
            kinds = Counter(kind(body) for body, _ in proxy.seen)
            finish = Counter(
                (kind(body).split(" (")[0], (answer or {}).get("choices", [{}])[0].get("finish_reason"))
                for body, answer in proxy.seen
            )
            print("requests by kind:", dict(kinds))
            print("finish_reason by kind:", dict(finish))
            judged = Counter(
                (kind(body).split(" (")[0], v) for body, answer in proxy.seen for v in verdicts(body, answer)
            )
            print("each answer's texts, judged (before duplicates across entries):", dict(judged))
            statuses = Counter(f["status"] for f in data["functions"])
            reasons = Counter(f["reason"] for f in data["functions"] if f["status"] == "fallback")
            print("final statuses:", dict(statuses), "| stats:", data["stats"])
            print("fallback reasons:", dict(reasons))
            print("walkthrough:", repr(data["walkthrough"]))
            print("notes:", data["notes"])
            for f in data["functions"]:
                print(f"  {f['qualname']:16} {f['status']:10} {f['reason'] or '':34} {f['summary'][:70]!r}")
        proxy.shutdown()


if __name__ == "__main__":
    main()
