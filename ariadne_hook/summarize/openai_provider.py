"""The OpenAI-compatible provider (chat completions) over the openai SDK, imported only when constructed.

The SDK's own retries are off (max_retries=0): `ratelimit.AdaptiveLimiter` decides. Its HTTP client bounds
each request in total, not only per read (`bounded_http`). Every SDK exception is
turned into a `ProviderError` with a fixed short reason; no SDK message or response body is passed on, so
neither the key nor server text can leak through a reason.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

from ariadne_hook.config import DEFAULT_MODEL as DEFAULT_MODEL  # one copy of the default, shown by --help
from ariadne_hook.summarize.answers import CUT
from ariadne_hook.summarize.bounded_http import http_client
from ariadne_hook.summarize.pack import FORMAT_REJECTED, TEMPERATURE, TUNING_REJECTED, Answer, max_tokens
from ariadne_hook.summarize.prompt import SYSTEM_PROMPT
from ariadne_hook.summarize.provider import ProviderError
from ariadne_hook.summarize.ratelimit import parse_retry_after

DEFAULT_AZURE_API_VERSION = "2024-10-21"
AZURE_HOSTS = (".openai.azure.com", ".cognitiveservices.azure.com")
KEYLESS = "no-key"  # sent to keyless local servers (Ollama, vLLM, llama.cpp) when only a base URL is set


def provider_name(base_url: str | None, azure_api_version: str | None) -> str:
    """ "azure-openai" when the endpoint is Azure OpenAI (an API version is set, or an Azure host), else
    "openai"."""
    if azure_api_version:
        return "azure-openai"
    host = urlsplit(base_url or "").hostname or ""
    return "azure-openai" if host.endswith(AZURE_HOSTS) else "openai"


class OpenAIProvider:
    def __init__(
        self,
        model: str | None,
        base_url: str | None,
        api_key: str | None,
        timeout: float,
        azure_api_version: str | None = None,
    ) -> None:
        self.name = provider_name(base_url, azure_api_version)
        if not api_key and not base_url:
            raise ProviderError("no API key (set OPENAI_API_KEY or a base URL)", fatal=True)
        if self.name == "azure-openai" and not base_url:
            raise ProviderError("Azure OpenAI needs its endpoint as the base URL", fatal=True)
        import openai

        self.model = model or DEFAULT_MODEL
        self._openai = openai
        common: dict[str, Any] = {
            "timeout": timeout,
            "max_retries": 0,
            "http_client": http_client(openai, base_url, timeout),
        }
        try:
            if self.name == "azure-openai":
                # the model names the deployment: the SDK posts to /openai/deployments/<model>/chat/...
                self._client: Any = openai.AzureOpenAI(
                    azure_endpoint=base_url or "",
                    api_version=azure_api_version or DEFAULT_AZURE_API_VERSION,
                    api_key=api_key or KEYLESS,
                    **common,
                )
            else:
                self._client = openai.OpenAI(api_key=api_key or KEYLESS, base_url=base_url, **common)
        except Exception:  # the SDK validates the URL and credentials; its message may hold either
            raise ProviderError("invalid OpenAI configuration", fatal=True) from None

    def summarize(self, prompt: str, *, timeout: float | None = None) -> str:
        """LLMClient's request: one piece of code, a plain answer."""
        body = {
            "model": self.model,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": prompt}],
            "temperature": TEMPERATURE,
            "max_tokens": max_tokens(1),
        }
        answer = self.complete(body, timeout=timeout)
        if answer.cut:
            raise ProviderError(CUT)
        return answer.text

    def complete(self, body: dict[str, Any], *, timeout: float | None = None) -> Answer:
        """POST one chat-completions body (built by `pack.body`); the answer text and its token usage."""
        options: Any = {} if timeout is None else {"timeout": timeout}
        try:
            # the SDK's generic POST: its transport, auth and error mapping, without the per-call param
            # transformation and model parsing of `chat.completions.create` (2.5x less CPU per request)
            data = self._client.post("/chat/completions", body=body, cast_to=object, options=options)
        except Exception as exc:
            raise _rejected(self._openai, exc, body) or classify(self._openai, exc) from None
        return Answer(_content(data), *_usage(data), cut=_finish(data) == "length")

    def close(self) -> None:
        self._client.close()


def _content(data: Any) -> str:
    """The answer text of a chat-completions JSON body."""
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list):
        raise ProviderError("not JSON")
    if not choices or not isinstance(choices[0], dict):
        raise ProviderError("empty answer")
    if choices[0].get("finish_reason") == "content_filter":
        raise ProviderError("content filtered")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str) or not content.strip():
        raise ProviderError("empty answer")
    return content


def _finish(data: Any) -> str | None:
    """The first choice's finish_reason ("stop", "length"...), None when the body does not say."""
    choice = data["choices"][0]  # _content read it already
    reason = choice.get("finish_reason")
    return reason if isinstance(reason, str) else None


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


def _rejected(openai: Any, exc: Exception, body: dict[str, Any]) -> ProviderError | None:
    """A 400 (422 from some local servers) naming an optional parameter we sent (temperature, max_tokens:
    reasoning models refuse them), or any 400/422 to a request with a response_format: the stage drops the
    parameter, or the structure."""
    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in (400, 422):
        return None
    if getattr(exc, "param", None) in ("temperature", "max_tokens") and "temperature" in body:
        return ProviderError(TUNING_REJECTED)
    if "response_format" in body:
        return ProviderError(FORMAT_REJECTED)
    return None


def classify(openai: Any, exc: Exception) -> ProviderError:
    """A ProviderError for an exception raised by the SDK during one request."""
    if isinstance(exc, openai.APITimeoutError):
        return ProviderError("timeout", retryable=True)
    if isinstance(exc, openai.APIConnectionError):
        return _connection(exc)
    if isinstance(exc, openai.APIStatusError):
        return _status(exc, exc.status_code)
    if isinstance(exc, openai.ContentFilterFinishReasonError):
        return ProviderError("content filtered")
    if isinstance(exc, (openai.APIResponseValidationError, ValueError)):
        return ProviderError("not JSON")
    return ProviderError(f"unexpected error ({type(exc).__name__})")


def _status(exc: Any, status: int) -> ProviderError:
    if status == 429:
        return ProviderError(
            "rate limited", throttled=True, retry_after=parse_retry_after(exc.response.headers)
        )
    if status == 401:
        return ProviderError("unauthorized (401)", fatal=True)
    if status == 403:
        return ProviderError("forbidden (403)", fatal=True)
    if status == 404:
        return ProviderError("unknown model", fatal=True)
    if status in (408, 409) or status >= 500:
        return ProviderError(f"HTTP {status}", retryable=True)
    return ProviderError(f"HTTP {status}")


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
