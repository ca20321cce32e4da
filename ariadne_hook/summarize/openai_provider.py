"""The OpenAI-compatible provider (chat completions) over the openai SDK, imported only by `connect`.

It owns the wire: the request body (`request_body`, the one builder of every request: the per-function
stage, the walkthrough, the commit subject, `LLMClient`), the structured-output format, reading the answer,
and classifying errors. It adapts to what the endpoint refuses, once per provider object (one endpoint and
model, one run), and every later request is built that way:
- sampling: `temperature` + `max_tokens`; a 400 naming one of them (reasoning models: o-series, gpt-5)
  -> no `temperature`, `max_completion_tokens` with room for the reasoning; a 400 naming that -> no limit;
- packed answers: a strict `json_schema`; refused -> `json_object`; refused -> JSON asked in the prompt only.
A 400 that says the context is too small (OpenAI's `context_length_exceeded`, llama.cpp's
`exceed_context_size_error`) is neither: it is `provider.TOO_BIG`, and the caller makes the request smaller.

The SDK's own retries are off (max_retries=0): `ratelimit.AdaptiveLimiter` decides. Its HTTP client bounds
each request in total, not only per read (`bounded_http`). Every SDK exception is turned into a
`ProviderError` with a fixed short reason; no SDK message or response body is passed on, so neither the key
nor server text can leak through a reason.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ariadne_hook.config import DEFAULT_MODEL, Settings
from ariadne_hook.summarize.bounded_http import http_client
from ariadne_hook.summarize.provider import TOO_BIG, Answer, Ask, ProviderError
from ariadne_hook.summarize.ratelimit import parse_retry_after

DEFAULT_AZURE_API_VERSION = "2024-10-21"
AZURE_HOSTS = (".openai.azure.com", ".cognitiveservices.azure.com")
KEYLESS = "no-key"  # sent to keyless local servers (Ollama, vLLM, llama.cpp) when only a base URL is set
TEMPERATURE = 0.2
SCHEMA_NAME = "summaries"
# OpenAI's reasoning guide: reserve about 25,000 tokens for reasoning and output when starting with these
# models; max_completion_tokens counts the hidden reasoning, so the answer's room alone would leave it empty
REASONING_ROOM = 25_000

# what we send, from the first choice to the last fallback
SAMPLING, REASONING, NO_LIMIT = "sampling", "reasoning", "no limit"  # temperature and the token limit
JSON_SCHEMA, JSON_OBJECT, IN_PROMPT = "json_schema", "json_object", "in prompt"  # packed answers' structure
TUNINGS = (SAMPLING, REASONING, NO_LIMIT)
FORMATS = (JSON_SCHEMA, JSON_OBJECT, IN_PROMPT)
LEARNED = {
    REASONING: "the model refused temperature/max_tokens (a reasoning model): requests go without "
    "temperature, with max_completion_tokens, for the rest of the run",
    NO_LIMIT: "the endpoint refused max_completion_tokens: requests go without a token limit for the rest of "
    "the run",
    JSON_OBJECT: "the endpoint refused structured outputs (json_schema): packed requests ask for a JSON "
    "object (json_object) for the rest of the run",
    IN_PROMPT: "the endpoint refused response_format: packed requests ask for JSON in the prompt only, for "
    "the rest of the run",
}
TUNING_PARAMS = ("temperature", "max_tokens", "max_completion_tokens")
_NAMED_PARAM = re.compile(r"'(temperature|max_tokens|max_completion_tokens)'")
_CONTEXT = re.compile(r"context[ _](length|size|window)", re.IGNORECASE)
_VERSION_PATH = re.compile(r"/v\d")

# fatal reasons (console.py says what to check for each)
UNAUTHORIZED, UNAUTHORIZED_KEYLESS = "unauthorized (401)", "unauthorized (401), no key sent"
UNKNOWN_MODEL, NOT_FOUND, NOT_FOUND_NO_V1 = "unknown model", "not found (404)", "not found (404), no /v1"


def provider_name(base_url: str | None, azure_api_version: str | None) -> str:
    """ "azure-openai" when the endpoint is Azure OpenAI (an API version is set, or an Azure host), else
    "openai"."""
    if azure_api_version:
        return "azure-openai"
    host = urlsplit(base_url or "").hostname or ""
    return "azure-openai" if host.endswith(AZURE_HOSTS) else "openai"


def build(settings: Settings) -> OpenAIProvider:
    """The registry's entry point (`provider.open_provider`)."""
    return OpenAIProvider(settings)


def schema(ids: Sequence[str]) -> dict[str, Any]:
    """response_format for a packed request: one required string per id, nothing else."""
    return {
        "type": "json_schema",
        "json_schema": {
            "name": SCHEMA_NAME,
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {ident: {"type": "string"} for ident in ids},
                "required": list(ids),
                "additionalProperties": False,
            },
        },
    }


def request_body(model: str, ask: Ask, tuning: str = SAMPLING, fmt: str = JSON_SCHEMA) -> dict[str, Any]:
    """The chat-completions body of `ask` (exactly what is sent; `--dry-run` prints it)."""
    out: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "system", "content": ask.system}, {"role": "user", "content": ask.user}],
    }
    if tuning == SAMPLING:
        out["temperature"] = TEMPERATURE
        out["max_tokens"] = ask.answer_tokens
    elif tuning == REASONING:
        out["max_completion_tokens"] = ask.answer_tokens + REASONING_ROOM
    if ask.ids and fmt == JSON_SCHEMA:
        out["response_format"] = schema(ask.ids)
    elif ask.ids and fmt == JSON_OBJECT:
        out["response_format"] = {"type": "json_object"}
    return out


class OpenAIProvider:
    def __init__(self, settings: Settings) -> None:
        self.name = provider_name(settings.base_url, settings.azure_api_version)
        self.model = settings.model or DEFAULT_MODEL
        self.settings = settings
        self.tuning, self.format = SAMPLING, JSON_SCHEMA  # what the endpoint took so far
        self.notes: list[str] = []
        self._lock = threading.Lock()
        self._openai: Any = None
        self._client: Any = None

    # ---------------------------------------------------------------------------------------- protocol
    def connect(self) -> None:
        self._connected()

    def body(self, ask: Ask) -> dict[str, Any]:
        return request_body(self.model, ask, self.tuning, self.format)

    def complete(self, ask: Ask, *, timeout: float | None = None) -> Answer:
        """POST one chat-completions body; the answer text, its token usage and finish reason."""
        client = self._connected()
        tuning, fmt = self.tuning, self.format
        body = request_body(self.model, ask, tuning, fmt)
        options: Any = {} if timeout is None else {"timeout": timeout}
        try:
            # the SDK's generic POST: its transport, auth and error mapping, without the per-call param
            # transformation and model parsing of `chat.completions.create` (2.5x less CPU per request)
            data = client.post("/chat/completions", body=body, cast_to=object, options=options)
        except Exception as exc:
            raise self._failure(exc, body, tuning, fmt) from None
        return _answer(data)

    def learned(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self.notes)

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # ------------------------------------------------------------------------------------------ client
    def _connected(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._new_client()
            return self._client

    def _new_client(self) -> Any:
        s = self.settings
        if not s.api_key and not s.base_url:
            raise ProviderError("no API key (set OPENAI_API_KEY or a base URL)", fatal=True)
        if self.name == "azure-openai" and not s.base_url:
            raise ProviderError("Azure OpenAI needs its endpoint as the base URL", fatal=True)
        import openai

        self._openai = openai
        common: dict[str, Any] = {
            "timeout": s.timeout,
            "max_retries": 0,
            "http_client": http_client(openai, s.base_url, s.timeout),
        }
        try:
            if self.name == "azure-openai":
                # the model names the deployment: the SDK posts to /openai/deployments/<model>/chat/...
                return openai.AzureOpenAI(
                    azure_endpoint=s.base_url or "",
                    api_version=s.azure_api_version or DEFAULT_AZURE_API_VERSION,
                    api_key=s.api_key or KEYLESS,
                    **common,
                )
            return openai.OpenAI(api_key=s.api_key or KEYLESS, base_url=s.base_url, **common)
        except Exception:  # the SDK validates the URL and credentials; its message may hold either
            raise ProviderError("invalid OpenAI configuration", fatal=True) from None

    # ------------------------------------------------------------------------------------------ errors
    def _failure(self, exc: Exception, body: dict[str, Any], tuning: str, fmt: str) -> ProviderError:
        openai = self._openai
        if isinstance(exc, openai.APIStatusError) and exc.status_code in (400, 422):
            if _too_big(exc):
                return ProviderError(TOO_BIG)
            param = _refused_param(exc)
            if param in TUNING_PARAMS and param in body and self._learn("tuning", TUNINGS, tuning):
                return ProviderError(f"{param} refused (HTTP {exc.status_code})", adapted=True)
            if "response_format" in body and self._learn("format", FORMATS, fmt):
                return ProviderError(f"response_format refused (HTTP {exc.status_code})", adapted=True)
        return _classify(openai, exc, self._context())

    def _learn(self, attribute: str, ladder: tuple[str, ...], used: str) -> bool:
        """Step `attribute` past `used` (once, whichever worker saw the refusal first); whether a request
        built now differs from one built with `used`."""
        with self._lock:
            current = getattr(self, attribute)
            if current == used and ladder.index(used) + 1 < len(ladder):
                current = ladder[ladder.index(used) + 1]
                setattr(self, attribute, current)
                self.notes.append(LEARNED[current])
            return bool(current != used)

    def _context(self) -> _Context:
        s = self.settings
        return _Context(keyless=not s.api_key, azure=self.name == "azure-openai", base_url=s.base_url)


@dataclass(frozen=True)
class _Context:
    """What the reason of a failure depends on besides the error itself."""

    keyless: bool  # no API key was sent
    azure: bool
    base_url: str | None


def _answer(data: Any) -> Answer:
    """The answer of a chat-completions JSON body: its text, usage and finish reason."""
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list):
        raise ProviderError("not JSON")
    if not choices or not isinstance(choices[0], dict):
        raise ProviderError("empty answer")
    finish = choices[0].get("finish_reason")
    if finish == "content_filter":
        raise ProviderError("content filtered")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str) or not content.strip():
        raise ProviderError("empty answer")
    return Answer(content, *_usage(data), finish if isinstance(finish, str) else None)


def _usage(data: Any) -> tuple[int, int]:
    """(prompt tokens, completion tokens) of a chat-completions body; 0 for what it does not say."""
    usage = data.get("usage") if isinstance(data, dict) else None
    if not isinstance(usage, dict):
        return 0, 0
    counts = [usage.get("prompt_tokens"), usage.get("completion_tokens")]
    prompt, completion = (
        c if isinstance(c, int) and not isinstance(c, bool) and c >= 0 else 0 for c in counts
    )
    return prompt, completion


def _error_text(exc: Any) -> str:
    """The error's body as text, to match on (never passed on)."""
    body = getattr(exc, "body", None)
    if isinstance(body, (dict, list)):
        return json.dumps(body)
    return str(body or "")


def _too_big(exc: Any) -> bool:
    """A 400 saying the request does not fit the model's context (OpenAI, llama.cpp, vLLM, Ollama)."""
    markers = {str(getattr(exc, "code", "")), str(getattr(exc, "type", ""))}
    if markers & {"context_length_exceeded", "exceed_context_size_error"}:
        return True
    return bool(_CONTEXT.search(_error_text(exc)))


def _refused_param(exc: Any) -> str | None:
    """The request parameter a 400 refuses: its `param`, else one named in quotes in its message."""
    param = getattr(exc, "param", None)
    if isinstance(param, str) and param:
        return param
    match = _NAMED_PARAM.search(_error_text(exc))
    return match.group(1) if match else None


def _classify(openai: Any, exc: Exception, context: _Context) -> ProviderError:
    """A ProviderError for an exception raised by the SDK during one request."""
    if isinstance(exc, openai.APITimeoutError):
        return ProviderError("timeout", retryable=True)
    if isinstance(exc, openai.APIConnectionError):
        return _connection(exc)
    if isinstance(exc, openai.APIStatusError):
        return _status(exc, exc.status_code, context)
    if isinstance(exc, openai.ContentFilterFinishReasonError):
        return ProviderError("content filtered")
    if isinstance(exc, (openai.APIResponseValidationError, ValueError)):
        return ProviderError("not JSON")
    return ProviderError(f"unexpected error ({type(exc).__name__})")


def _status(exc: Any, status: int, context: _Context) -> ProviderError:
    if status == 429:
        return ProviderError(
            "rate limited", throttled=True, retry_after=parse_retry_after(exc.response.headers)
        )
    if status == 401:
        return ProviderError(UNAUTHORIZED_KEYLESS if context.keyless else UNAUTHORIZED, fatal=True)
    if status == 403:
        return ProviderError("forbidden (403)", fatal=True)
    if status == 404:
        return ProviderError(_not_found(exc, context), fatal=True)
    if status in (408, 409) or status >= 500:
        return ProviderError(f"HTTP {status}", retryable=True)
    return ProviderError(f"HTTP {status}")


def _not_found(exc: Any, context: _Context) -> str:
    """A 404 that names the model (OpenAI, Ollama, vLLM; Azure: the deployment) is an unknown model; any
    other (Ollama's plain-text "404 page not found", llama.cpp's "File Not Found") is a wrong URL."""
    if context.azure or "model" in _error_text(exc).lower():
        return UNKNOWN_MODEL
    if not context.base_url or _VERSION_PATH.search(urlsplit(context.base_url).path):
        return NOT_FOUND
    return NOT_FOUND_NO_V1


def _connection(exc: BaseException) -> ProviderError:
    """Refused connections and unknown hosts are fatal: the configured endpoint cannot work."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ConnectionRefusedError) or "refused" in str(cause).lower():
            return ProviderError("connection refused", fatal=True)
        if isinstance(cause, socket.gaierror) or "name or service not known" in str(cause).lower():
            return ProviderError("host not found", fatal=True)
        cause = cause.__cause__ or cause.__context__
    return ProviderError("connection error", retryable=True)
