"""A loopback OpenAI-compatible chat-completions server for tests and benchmarks (127.0.0.1 only).

    with LLMServer(latency=0.02) as server:
        client = OpenAI(base_url=server.base_url, api_key="k")

Faults, per request, by name:
  "500", "503"                  HTTP error with a JSON error body
  "429"                         rate limited, no Retry-After;  "429:<value>" with `Retry-After: <value>`
  "hang"                        never answers (until the server stops)
  "garbage"                     200 with a non-JSON body
  "empty_choices"               200 with "choices": []
  "empty_content"               200 with an empty message
  "401", "404"                  unauthorized / unknown model
  "content_filter"              200 with finish_reason "content_filter"
  "drop"                        closes the connection without an answer
  "trickle"                     200 headers at once, then the body one byte every `trickle_interval` s,
                                forever (until the server stops or the client goes away)
  "trickle_headers"             the status line and headers themselves one byte at a time, forever
Garbled answers, as small and busy models write them (200, well-formed; a packed answer stays valid JSON,
each id's text garbled): "echo" (the answer is an id: f1 answers "f2", the last id "f1"), "short"
("Updated."), "hash" ("#"), "code" (a fenced code block), "repeat" (the answer, twice), "same" (one text for
every function), and "length" (the answer cut in the
middle, finish_reason "length"; a packed answer's JSON cut too).
A request gets a fault from `plan(index, prompt)` when given and not None, else from a marker
`llm-fault:<name>` inside its prompt, else `fault`. `admit=N` answers 429 (with `admit_retry_after` when set)
to any request beyond N in flight. Everything is recorded: bodies, Authorization headers, counts, the
maximum number in flight.

Economy (packed, structured requests; see the section at the end):
  a body with a `response_format` json_schema gets a JSON object with one answer per id of its schema, each
  made by `answer` from that id's section of the prompt ("[f3] modified function name" up to the next id);
  a packed prompt (with "[f1] " sections) sent with `json_object` or without a response_format gets the same
  object for the ids of its sections (as a model that follows the prompt's "Answer JSON" does);
  `first_token` + `per_token` seconds per output token (len // 4) model the generation time;
  `drop_ids` (share of ids left out), `nonjson` (share of structured answers written as prose; both exact
  shares spread evenly, not random) and
  `reject_format` (400 to any body with a response_format; "json_schema": only to that type, as DeepSeek
  does; `reject_params` names other body keys to refuse, e.g. "temperature") model endpoints that follow
  the schema badly or refuse a parameter.
Real servers' quirks, with their exact error bodies:
  `reasoning`: an OpenAI reasoning model (o-series, gpt-5): 400 `unsupported_parameter` to `max_tokens`,
  then 400 `unsupported_value` to a `temperature` other than 1;
  `context=N`: 400 to a request of N prompt tokens or more (chars // 4), as llama.cpp answers
  (`exceed_context_size_error`), or OpenAI (`context_length_exceeded`) with `context_style="openai"`;
  `v1_only`: a path outside /v1/ gets Ollama's plain-text `404 page not found`.
Usage is reported as characters // 4 (prompt: all message contents; completion: the answer).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ariadne_hook.summarize.pool import THREAD_PREFIX as POOL_PREFIX

THREAD_PREFIX = "llm-server"
_MARKER = re.compile(r"llm-fault:([\w:.,-]+)")
# the function a prompt is about: "modified function name", "[f2] added method C.m", "[f3] name" (packed)
_FUNCTION = re.compile(
    r"^(?:Function: |\[\w+\] (?:(?:added|modified|deleted) \w+ )?|(?:added|modified|deleted) \w+ )(\S+)",
    re.MULTILINE,
)

Plan = Callable[[int, str], "str | None"]


class LLMServer:
    def __init__(
        self,
        *,
        latency: float = 0.0,
        latency_range: tuple[float, float] | None = None,
        seed: int = 0,
        fault: str | None = None,
        plan: Plan | None = None,
        admit: int | None = None,
        admit_retry_after: str | None = None,
        answer: Callable[[str], str | None] | None = None,
        first_token: float = 0.0,
        per_token: float = 0.0,
        drop_ids: float = 0.0,
        nonjson: float = 0.0,
        reject_format: bool | str = False,
        reject_params: tuple[str, ...] = (),
        reasoning: bool = False,
        context: int | None = None,
        context_style: str = "llama.cpp",
        v1_only: bool = False,
        trickle_interval: float = 0.2,
        tls: tuple[str, str] | None = None,
    ) -> None:
        self.first_token = first_token
        self.per_token = per_token
        self.drop_ids = drop_ids
        self.nonjson = nonjson
        self.reject_params = reject_params + (("response_format",) if reject_format is True else ())
        self.reject_json_schema = reject_format == "json_schema"
        self.reasoning = reasoning
        self.context = context
        self.context_style = context_style
        self.v1_only = v1_only
        self.structured_served = 0  # structured answers so far
        self.ids_served = 0  # ids asked for in structured requests so far
        self.latency = latency
        self.latency_range = latency_range
        self.fault = fault
        self.plan = plan
        self.admit = admit
        self.admit_retry_after = admit_retry_after
        self.answer = answer or default_answer
        self.trickle_interval = trickle_interval
        self.tls = tls  # (certificate file, key file): serve https
        self.bodies: list[Any] = []
        self.authorizations: list[str] = []  # the Authorization (or Azure's api-key) header of each request
        self.paths: list[str] = []  # the path (with query) of each request
        self.faults_served: list[str] = []
        self.rejected = 0  # answered 429 by the admission cap
        self.in_flight = 0
        self.max_in_flight = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -----------------------------------------------------------------------------------------
    def __enter__(self) -> LLMServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        if self.tls is not None:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"{THREAD_PREFIX}-main"
        )
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/v1"

    # records -------------------------------------------------------------------------------------------
    @property
    def requests(self) -> int:
        with self._lock:
            return len(self.bodies)

    def prompts(self) -> list[str]:
        return [user_prompt(b) for b in self.bodies]

    # request handling (called from handler threads) ----------------------------------------------------
    def _admit(self, body: Any, auth: str) -> tuple[int, str]:
        """Record the request; (its index, its fault or "") — "cap" when over the admission limit."""
        with self._lock:
            index = len(self.bodies)
            self.bodies.append(body)
            self.authorizations.append(auth)
            if self.admit is not None and self.in_flight >= self.admit:
                self.rejected += 1
                return index, "cap"
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            delay = self._rng.uniform(*self.latency_range) if self.latency_range else self.latency
        fault = self._fault_for(index, user_prompt(body))
        with self._lock:
            self.faults_served.append(fault)
        if fault not in ("hang", "trickle", "trickle_headers"):
            self._stopping.wait(delay)
        return index, fault

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _fault_for(self, index: int, prompt: str) -> str:
        if self.plan is not None:
            planned = self.plan(index, prompt)
            if planned is not None:
                return planned
        marker = _MARKER.search(prompt)
        if marker:
            return marker.group(1)
        return self.fault or ""

    # economy: structured answers and generation time (helpers at the end of the file) -----------------
    def reply(self, body: Any, fault: str = "") -> str:
        """The answer text for a body: one answer, or a JSON object of answers by id for a structured body
        (garbled as `fault` says)."""
        prompt = user_prompt(body)
        ids = structured_ids(body)
        if ids is None and sections(prompt) and format_type(body) in (None, "json_object"):
            ids = list(sections(prompt))  # a packed prompt asks for JSON: a model that follows it
        if ids is None:
            return garbled(fault, self.answer(prompt) or "", "f1", ["f1"])
        with self._lock:
            # exact shares, spread evenly (not random): of every 1/share answers or ids, one is spoiled
            prose = _every(self.structured_served, self.nonjson)
            self.structured_served += 1
            kept = [i for k, i in enumerate(ids, self.ids_served) if not _every(k, self.drop_ids)]
            self.ids_served += len(ids)
        parts = sections(prompt)
        said = {i: self.answer(parts.get(i, "")) for i in kept}  # None: a part the model leaves out
        answers = {i: garbled(fault, text, i, ids) for i, text in said.items() if text is not None}
        if prose:
            return "Here is what changed. " + " ".join(answers.values())
        text = json.dumps(answers)
        return text[: len(text) // 2] if fault == "length" else text

    def generate(self, text: str) -> None:
        """Wait as long as generating `text` would take (first token, then per token of ~4 chars)."""
        if self.first_token or self.per_token:
            self._stopping.wait(self.first_token + self.per_token * (len(text) // 4))


class _Server(ThreadingHTTPServer):
    owner: LLMServer
    daemon_threads = True
    _count = 0

    def process_request(self, request: Any, client_address: Any) -> None:
        _Server._count += 1
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"{THREAD_PREFIX}-{_Server._count}",
            daemon=True,
        )
        thread.start()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        """GET /stats: the counters, for a server running in another process; GET /bodies: the bodies."""
        owner = self.server.owner
        if self.path.endswith("/bodies"):
            with owner._lock:
                bodies = list(owner.bodies)
            self._json(200, bodies)
            return
        with owner._lock:
            stats = {
                "requests": len(owner.bodies),
                "rejected": owner.rejected,
                "max_in_flight": owner.max_in_flight,
            }
        self._json(200 if self.path.endswith("/stats") else 404, stats)

    def do_POST(self) -> None:
        owner = self.server.owner
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if owner.v1_only and not self.path.startswith("/v1/"):  # Ollama's answer outside its OpenAI API
            self._raw(404, b"404 page not found", "text/plain; charset=utf-8")
            return
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = None
        with owner._lock:
            owner.paths.append(self.path)
        auth = self.headers.get("Authorization") or self.headers.get("api-key", "")
        index, fault = owner._admit(body, auth)
        if fault == "cap":
            headers = {"Retry-After": owner.admit_retry_after} if owner.admit_retry_after else {}
            self._json(429, _error("rate_limit_exceeded", "too many requests in flight"), headers)
            return
        try:
            self._serve(owner, body, fault)
        finally:
            owner._done()

    def _serve(self, owner: LLMServer, body: Any, fault: str) -> None:
        if fault == "hang":
            owner._stopping.wait(60)
            self.close_connection = True
            return
        if fault == "drop":
            self.close_connection = True
            return
        if fault.startswith("trickle"):
            self._trickle(owner, fault == "trickle_headers")
            return
        if fault.startswith("429"):
            after = fault.partition(":")[2]
            self._json(
                429, _error("rate_limit_exceeded", "slow down"), {"Retry-After": after} if after else {}
            )
        elif fault in ("500", "503"):
            self._json(int(fault), _error("server_error", "the server had an error"))
        elif fault == "401":
            self._json(401, _error("invalid_api_key", "Incorrect API key provided"))
        elif fault == "404":
            self._json(404, _error("model_not_found", "The model does not exist"))
        elif fault == "garbage":
            self._raw(200, b"<html>surprise, not JSON</html>", "application/json")
        elif refused := [p for p in owner.reject_params if isinstance(body, dict) and p in body]:
            error = _error("invalid_request_error", f"{refused[0]} is not supported with this model")
            error["error"]["param"] = refused[0]
            self._json(400, error)
        elif refusal := _refusal(owner, body):
            self._json(400, refusal)
        else:
            text = owner.reply(body, fault)
            owner.generate(text)
            self._json(200, _completion(body, text, fault))

    def _trickle(self, owner: LLMServer, headers_too: bool) -> None:
        """One byte every `trickle_interval` s until the server stops or the client hangs up: each read
        on the client's side succeeds well within any per-read timeout, yet the answer never ends."""
        self.close_connection = True
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n"
        if not headers_too:
            self.wfile.write(head + b"\r\n{")
        pending = [head[i : i + 1] for i in range(len(head))] if headers_too else []
        try:
            while not owner._stopping.wait(owner.trickle_interval):
                self.wfile.write(pending.pop(0) if pending else b" ")
        except OSError:  # the client gave up
            return

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(payload).encode(), "application/json", headers)

    def _raw(self, status: int, data: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _refusal(owner: LLMServer, body: Any) -> dict[str, Any] | None:
    """The 400 body a real server answers to what this one models it refusing; None when it is accepted."""
    if not isinstance(body, dict):
        return None
    if owner.reject_json_schema and format_type(body) == "json_schema":  # DeepSeek's words
        return _error("invalid_request_error", "This response_format type is unavailable now")
    if owner.reasoning and "max_tokens" in body:
        return {"error": {"message": UNSUPPORTED_MAX_TOKENS, "type": "invalid_request_error",
                          "param": "max_tokens", "code": "unsupported_parameter"}}  # fmt: skip
    if owner.reasoning and body.get("temperature", 1) != 1:
        message = UNSUPPORTED_TEMPERATURE.format(body["temperature"])
        return {"error": {"message": message, "type": "invalid_request_error", "param": "temperature",
                          "code": "unsupported_value"}}  # fmt: skip
    tokens = sum(len(str(m.get("content", ""))) for m in body.get("messages", []) if isinstance(m, dict)) // 4
    if owner.context is not None and tokens >= owner.context:
        if owner.context_style == "openai":
            message = CONTEXT_OPENAI.format(owner.context, tokens)
            return {"error": {"message": message, "type": "invalid_request_error", "param": "messages",
                              "code": "context_length_exceeded"}}  # fmt: skip
        message = CONTEXT_LLAMA_CPP.format(tokens, owner.context)
        return {"error": {"code": 400, "message": message, "type": "exceed_context_size_error",
                          "n_prompt_tokens": tokens, "n_ctx": owner.context}}  # fmt: skip
    return None


# the exact error messages of the servers modelled above
UNSUPPORTED_MAX_TOKENS = " ".join(
    [
        "Unsupported parameter: 'max_tokens' is not supported with this model.",
        "Use 'max_completion_tokens' instead.",
    ]
)
UNSUPPORTED_TEMPERATURE = (
    "Unsupported value: 'temperature' does not support {} with this model. Only the default (1) value is "
    "supported."
)
CONTEXT_LLAMA_CPP = "request ({} tokens) exceeds the available context size ({} tokens), try increasing it"
CONTEXT_OPENAI = (
    "This model's maximum context length is {} tokens. However, your messages resulted in {} tokens. "
    "Please reduce the length of the messages."
)


def format_type(body: Any) -> str | None:
    """The `response_format` type of a body (None without one)."""
    fmt = body.get("response_format") if isinstance(body, dict) else None
    return str(fmt.get("type")) if isinstance(fmt, dict) else None


def user_prompt(body: Any) -> str:
    """The text of the last user message of a chat-completions body ("" when there is none)."""
    if not isinstance(body, dict):
        return ""
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            return str(message.get("content", ""))
    return ""


def default_answer(prompt: str) -> str:
    match = _FUNCTION.search(prompt)
    name = match.group(1) if match else f"code of {len(prompt)} chars"
    return f"## Summary\n- This change updates **{name}**."


GARBLES = ("echo", "short", "hash", "code", "repeat", "same", "length")


def garbled(fault: str, text: str, ident: str, ids: list[str]) -> str:
    """`text` (the answer for `ident`, one of `ids`) as a model that garbles it writes it."""
    if fault == "echo":  # another function's id (the walkthrough's "overview" is none)
        ring = [i for i in ids if re.fullmatch(r"f\d+", i)] or [ident]
        return ring[(ring.index(ident) + 1) % len(ring)] if ident in ring else ring[0]
    if fault == "short":
        return "Updated."
    if fault == "hash":
        return "#"
    if fault == "code":
        return "```python\ndef f(x):\n    return x + 1\n```"
    if fault == "repeat":
        return f"{text} {text}"
    if fault == "same":
        return "This function was updated to handle the new case."
    if fault == "length":
        return text[: max(1, len(text) // 2)].rstrip()
    return text


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "error", "code": code, "param": None}}


def _completion(body: Any, text: str, fault: str) -> dict[str, Any]:
    model = body.get("model", "?") if isinstance(body, dict) else "?"
    choices: list[dict[str, Any]] = []
    if fault != "empty_choices":
        choices.append(
            {
                "index": 0,
                "message": {"role": "assistant", "content": "" if fault == "empty_content" else text},
                "finish_reason": {"content_filter": "content_filter", "length": "length"}.get(fault, "stop"),
            }
        )
    return {
        "id": f"chatcmpl-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
        "usage": _usage(body, text),
    }


# economy: structured answers, generation time, endpoints that follow the schema badly -----------------------
_SECTION = re.compile(r"^\[(\w+)\] ", re.MULTILINE)


def _every(k: int, share: float) -> bool:
    """Whether item k (from 0) is one of the `share` spread evenly: 0.5 -> items 1, 3, 5..."""
    return int((k + 1) * share) != int(k * share)


def structured_ids(body: Any) -> list[str] | None:
    """The ids a body's json_schema asks for (its properties); None for a body without one."""
    if format_type(body) != "json_schema":
        return None
    schema = body["response_format"].get("json_schema", {}).get("schema", {})
    return list(schema.get("properties", {}))


def sections(prompt: str) -> dict[str, str]:
    """id -> the prompt text of that id's unit (from its "[id] " line to the next one)."""
    marks = list(_SECTION.finditer(prompt))
    ends = [m.start() for m in marks[1:]] + [len(prompt)] * bool(marks)
    return {m.group(1): prompt[m.start() : end] for m, end in zip(marks, ends, strict=True)}


_FILLERS = (  # distinct sentences: an answer of up to ~450 chars repeats none (answers.judge rejects that)
    "that rely on the old values now see different results; the rest is unchanged. ",
    "Reviewers should check the tests that pin the old numbers. ",
    "Totals for large orders shift with the new threshold. ",
    "No new branch or error path is added, and rounding stays the same. ",
    "The signature keeps its parameter names and their order. ",
)


def sized_answer(chars: int) -> Callable[[str], str]:
    """Answers of about `chars` characters that name the function (a realistic summary length), no sentence
    given twice up to ~450 chars (a walkthrough's length)."""

    def answer(prompt: str) -> str:
        match = _FUNCTION.search(prompt)
        name = match.group(1) if match else "the code"
        text = f"This change updates {name}: its default argument and one constant change, so callers "
        for filler in _FILLERS * (1 + chars // 300):
            if len(text) >= chars:
                break
            text += filler
        return text[:chars].rstrip() + "."

    return answer


def _usage(body: Any, text: str) -> dict[str, int]:
    messages = body.get("messages", []) if isinstance(body, dict) else []
    prompt = sum(len(str(m.get("content", ""))) for m in messages if isinstance(m, dict)) // 4
    completion = len(text) // 4
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def live_threads() -> set[threading.Thread]:
    """The threads alive now, less this server's own. Compare with `pool_threads_left`, not with `==`:
    unrelated threads come and go on their own."""
    return {t for t in threading.enumerate() if not t.name.startswith(THREAD_PREFIX)}


def pool_threads() -> set[threading.Thread]:
    """The engine's worker threads alive now (`pool.map_bounded` names them ariadne_0, ariadne_1...)."""
    return {t for t in threading.enumerate() if t.name.startswith(POOL_PREFIX + "_")}


def pool_threads_left(before: set[threading.Thread], within: float = 30.0) -> list[str]:
    """The names of the pool threads started since `before` (a `pool_threads()` or `live_threads()` taken
    then) still alive after each had up to `within` seconds to end — [] when none is left. The bound is
    generous on purpose: a worker left in a request at a deadline ends by itself soon after it; one that
    never ends is what this catches."""
    end = time.monotonic() + within
    for thread in pool_threads() - before:
        thread.join(max(0.0, end - time.monotonic()))
    return sorted(t.name for t in pool_threads() - before)


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.llm_server --latency 0.2 [--admit 4]`: prints the port, serves until stdin closes."""
    import argparse
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--admit", type=int, default=None)
    parser.add_argument("--first-token", type=float, default=0.0)
    parser.add_argument("--per-token", type=float, default=0.0)
    parser.add_argument("--drop-ids", type=float, default=0.0)
    parser.add_argument("--nonjson", type=float, default=0.0)
    parser.add_argument("--reject-format", action="store_true")
    parser.add_argument("--reject-json-schema", action="store_true", help="refuse only json_schema")
    parser.add_argument("--summary-chars", type=int, default=0, help="answers of about this length")
    args = parser.parse_args(argv)
    with LLMServer(
        latency=args.latency,
        admit=args.admit,
        first_token=args.first_token,
        per_token=args.per_token,
        drop_ids=args.drop_ids,
        nonjson=args.nonjson,
        reject_format="json_schema" if args.reject_json_schema else args.reject_format,
        answer=sized_answer(args.summary_chars) if args.summary_chars else None,
    ) as server:
        print(server.port, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
