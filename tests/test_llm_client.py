"""LLMClient: the seed's public API on the shared engine, against a real loopback server."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ariadne_hook import LLMClient
from ariadne_hook.summarize.client import NOT_AVAILABLE, LLMError
from tests.llm_server import LLMServer, pool_threads, pool_threads_left
from tests.runner import fresh_python

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk-client-DISTINCTIVE-9876543210zyxwvKEY"


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(latency_range=(0.005, 0.04), seed=11) as srv:
        yield srv


def answer_code(prompt: str) -> str:
    return "Answer for " + prompt.split("```\n", 1)[1].split("\n", 1)[0]


def test_batch_keeps_order_and_bounds_concurrency(server: LLMServer) -> None:
    server.answer = answer_code
    items = [{"code": f"item-{i}", "context": "ctx"} for i in range(30)]
    before = pool_threads()
    with LLMClient("m", base_url=server.base_url, api_key=KEY) as client:
        results = client.batch_generate_summaries(items, concurrent_limit=5)
    assert results == [f"Answer for item-{i}" for i in range(30)]
    assert server.requests == 30 and 1 < server.max_in_flight <= 5
    assert pool_threads_left(before, within=0) == []  # the client joins its workers before it returns
    assert "Context: ctx" in server.prompts()[0]


def test_empty_batch_returns_at_once(server: LLMServer) -> None:
    with LLMClient(base_url=server.base_url) as client:
        assert client.batch_generate_summaries([]) == []
    assert server.requests == 0


def test_individual_failure_gives_na_and_is_logged(
    server: LLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ariadne_hook.llm")
    items = [{"code": "fine"}, {"code": "bad  # llm-fault:500"}, {"nocode": 1}, {"code": "fine too"}]
    with LLMClient("m", base_url=server.base_url, api_key=KEY, timeout=10) as client:
        results = client.batch_generate_summaries(items, concurrent_limit=2)
    assert results[1] == results[2] == NOT_AVAILABLE
    assert NOT_AVAILABLE not in (results[0], results[3])
    assert "summary 2 of 4 failed: HTTP 500" in caplog.text
    assert "summary 3 of 4 failed: item has no 'code' string" in caplog.text
    assert KEY not in caplog.text


def test_generate_summary_and_its_error(server: LLMServer) -> None:
    server.answer = answer_code
    with LLMClient("m", base_url=server.base_url, api_key=KEY) as client:
        assert client.generate_summary("def f(): pass") == "Answer for def f(): pass"
        server.fault = "401"
        with pytest.raises(LLMError, match=r"^unauthorized \(401\)$"):
            client.generate_summary("def g(): pass")
        assert KEY not in repr(client)


def test_invalid_limit_and_missing_configuration() -> None:
    client = LLMClient("m", api_key=None, base_url=None)
    if os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"):
        pytest.skip("environment provides a key")
    with pytest.raises(ValueError):
        client.batch_generate_summaries([{"code": "x"}], concurrent_limit=0)
    assert client.batch_generate_summaries([{"code": "x"}]) == [NOT_AVAILABLE]
    with pytest.raises(LLMError, match="no API key"):
        client.generate_summary("x")


def test_close_releases_and_reopens(server: LLMServer) -> None:
    client = LLMClient("m", base_url=server.base_url)
    client.generate_summary("a")
    client.close()
    client.close()  # idempotent
    client.generate_summary("b")  # a new HTTP client on demand
    client.close()
    assert server.requests == 2


def test_import_ariadne_hook_is_light() -> None:
    script = (
        "import sys, ariadne_hook\n"
        "assert 'openai' not in sys.modules\n"
        "ariadne_hook.LLMClient\n"
        "assert 'openai' not in sys.modules  # only when a request is made\n"
        "print('ok')\n"
    )
    assert fresh_python(script) == "ok"


@pytest.mark.parametrize("value", ["1e400", "inf", "nan", "-5", "garbage"])
def test_a_retry_after_that_is_no_number_of_seconds_is_ignored_and_never_raises(
    server: LLMServer, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: 1e400 and inf raised OverflowError out of batch_generate_summaries; nan and -5 retried at
    once. Now the header is ignored: backoff, the retry budget, then "N/A"."""
    caplog.set_level(logging.WARNING, logger="ariadne_hook.llm")
    server.fault = "429:" + value
    with LLMClient("m", base_url=server.base_url, api_key=KEY, timeout=10, retries=2) as client:
        results = client.batch_generate_summaries([{"code": "a"}, {"code": "b"}], concurrent_limit=1)
    assert results == [NOT_AVAILABLE, NOT_AVAILABLE]
    assert server.requests == 6  # three attempts each: the header did not stop the retries
    assert caplog.text.count("failed: rate limited") == 2


@pytest.mark.parametrize("value", ["3600", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_retry_after_of_more_than_30_s_is_not_waited_for(value: str) -> None:
    """Before: the client slept an hour (or till the year 9999). Now no retry: one request per item, "N/A".
    In a subprocess so that the old behaviour fails the test (the bound is generous) instead of hanging."""
    script = (
        "import json\n"
        "from ariadne_hook import LLMClient\n"
        "from tests.llm_server import LLMServer\n"
        f"with LLMServer(fault={'429:' + value!r}) as server:\n"
        "    with LLMClient('m', base_url=server.base_url, timeout=10, retries=2) as client:\n"
        "        results = client.batch_generate_summaries([{'code': 'a'}, {'code': 'b'}], 1)\n"
        "    print(json.dumps([results, server.requests]))\n"
    )
    results, requests = json.loads(fresh_python(script).splitlines()[-1])
    assert results == [NOT_AVAILABLE, NOT_AVAILABLE]
    assert requests == 2  # one each: no retry


def test_https_keeps_tls_verification_on(tmp_path: Path) -> None:
    """https endpoints get the bounded HTTP client too, with verification on: a server whose certificate
    nobody vouches for (self-signed) gets no request, hence no key."""
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert]
        + ["-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    with LLMServer(tls=(cert, key)) as server:
        assert server.base_url.startswith("https://")
        with LLMClient("m", base_url=server.base_url, api_key=KEY, timeout=10, retries=0) as client:
            assert client.batch_generate_summaries([{"code": "x"}]) == [NOT_AVAILABLE]
        assert server.requests == 0 and KEY not in server.authorizations


def test_a_proxy_from_the_environment_is_still_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bounded transport goes through httpx's own hooks, so HTTP(S)_PROXY keeps working as with the
    SDK's default client (passing `transport=` would have turned proxies off)."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with LLMServer() as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        with LLMClient("m", base_url="http://llm.example.invalid/v1", timeout=10, retries=0) as client:
            assert client.batch_generate_summaries([{"code": "x"}]) != [NOT_AVAILABLE]
        assert proxy.paths == ["http://llm.example.invalid/v1/chat/completions"]  # a proxy request
