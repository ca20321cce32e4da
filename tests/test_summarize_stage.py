"""The summarize stage against a real loopback OpenAI-compatible server and the real openai client."""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ariadne_hook.config import Settings
from ariadne_hook.models import FunctionChange, FunctionFacts
from ariadne_hook.summarize.offline import offline_summary
from ariadne_hook.summarize.stage import resolve_provider, summarize
from tests.llm_server import LLMServer, pool_threads, pool_threads_left
from tests.runner import fresh_python

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk-test-DISTINCTIVE-0123456789abcdefKEY"


def make_change(
    name: str, body: str = "return x + 1", *, path: str = "pkg/mod.py", **kw: object
) -> FunctionChange:
    source = f"def {name}(x):\n    {body}\n"
    diff = "@@ -0,0 +1,2 @@\n" + "".join(f"+{line}\n" for line in source.splitlines())
    fields: dict[str, object] = dict(
        path=path,
        old_path=None,
        qualname=name,
        kind="function",
        change="added",
        language="python",
        old_lines=None,
        new_lines=(1, 2),
        old_source=None,
        new_source=source,
        diff=diff,
    )
    fields.update(kw)
    return FunctionChange(**fields)  # type: ignore[arg-type]


def settings_for(server: LLMServer, **kw: object) -> Settings:
    base = Settings(
        provider="openai",
        base_url=server.base_url,
        api_key=KEY,
        max_workers=4,
        timeout=10.0,  # a total bound per request: generous, a busy 2-core machine is slow, not broken
        deadline=30.0,
        retries=1,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(latency_range=(0.01, 0.04), seed=3) as srv:
        yield srv


def test_every_function_gets_an_llm_summary_in_order(server: LLMServer) -> None:
    changes = [make_change(f"f{i}") for i in range(12)]
    before = pool_threads()
    result = summarize(changes, settings_for(server), None)
    assert [s.change.qualname for s in result.summaries] == [c.qualname for c in changes]
    assert [s.text for s in result.summaries] == [f"This change updates f{i}." for i in range(12)]
    assert {s.status for s in result.summaries} == {"summarized"}
    assert (result.provider, result.model, result.requests) == ("openai", "gpt-4o-mini", 4)
    assert server.requests == 4 and server.max_in_flight <= 4  # packed: one request per worker
    assert {b["model"] for b in server.bodies} == {"gpt-4o-mini"}
    assert sorted(len(b["response_format"]["json_schema"]["schema"]["required"]) for b in server.bodies) == [
        3,
        3,
        3,
        3,
    ]
    assert pool_threads_left(before, within=0) == []  # all answered before the deadline: all joined
    assert not result.interrupted and result.notes == ()


def test_progress_is_reported_up_to_the_total(server: LLMServer) -> None:
    seen: list[tuple[int, int]] = []
    changes = [make_change(f"f{i}") for i in range(5)] + [make_change("s", skip_reason="binary file")]
    settings = settings_for(server, max_per_request=1)
    summarize(changes, settings, None, lambda done, total: seen.append((done, total)))
    assert seen[-1] == (6, 6) and len(seen) == 5


FAULTS = {
    "500": "HTTP 500",
    "503": "HTTP 503",
    "429": "rate limited",
    "hang": "timeout",
    "garbage": "not JSON",
    "empty_choices": "empty answer",
    "empty_content": "empty answer",
    "content_filter": "content filtered",
    "drop": "connection error",
}


def test_each_fault_becomes_a_fallback_with_its_reason(server: LLMServer) -> None:
    changes = [make_change(f"ok{i}") for i in range(3)]
    changes += [make_change(f"bad_{i}", f"return 1  # llm-fault:{fault}") for i, fault in enumerate(FAULTS)]
    result = summarize(
        changes,
        settings_for(server, timeout=3.0, retries=0, max_workers=1 + len(FAULTS), max_per_request=1),
        None,
    )
    by_name = {s.change.qualname: s for s in result.summaries}
    for i, (fault, reason) in enumerate(FAULTS.items()):
        summary = by_name[f"bad_{i}"]
        assert (summary.status, summary.reason) == ("fallback", reason), fault
        assert summary.text == offline_summary(summary.change)
    assert [by_name[f"ok{i}"].status for i in range(3)] == ["summarized"] * 3


@pytest.mark.parametrize(("fault", "reason"), [("401", "unauthorized (401)"), ("404", "unknown model")])
def test_fatal_configuration_stops_all_requests(server: LLMServer, fault: str, reason: str) -> None:
    server.fault = fault
    changes = [make_change(f"f{i}") for i in range(20)]
    result = summarize(changes, settings_for(server, max_workers=2), None)
    assert {(s.status, s.reason) for s in result.summaries} == {("fallback", reason)}
    assert server.requests <= 2 and result.requests == server.requests
    assert f"LLM configuration failed ({reason}): the rest fell back" in result.notes


def test_connection_refused_is_fatal_after_the_first_try() -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(provider="openai", base_url=f"http://127.0.0.1:{port}/v1", max_workers=3, retries=2)
    result = summarize([make_change(f"f{i}") for i in range(10)], settings, None)
    assert {(s.status, s.reason) for s in result.summaries} == {("fallback", "connection refused")}
    assert result.requests <= 3
    assert any("connection refused" in note for note in result.notes)


def test_retry_after_is_read_and_never_waited_past_the_deadline(server: LLMServer) -> None:
    server.plan = lambda index, prompt: "429:30" if index == 0 else None
    result = summarize([make_change("f")], settings_for(server, deadline=20.0, retries=3), None)
    # without the header, a backoff of < 1 s would have retried; with it, a retry would pass the deadline
    # (20 s, not less: on a busy machine `import openai` alone can take seconds of it)
    assert server.requests == 1
    assert (result.summaries[0].status, result.summaries[0].reason) == ("fallback", "rate limited")


def test_short_retry_after_is_retried(server: LLMServer) -> None:
    server.plan = lambda index, prompt: "429:0.05" if index == 0 else ("503" if index == 1 else None)
    result = summarize([make_change("f")], settings_for(server, retries=2, max_workers=1), None)
    assert server.faults_served == ["429:0.05", "503", ""]
    assert result.summaries[0].status == "summarized" and result.requests == 3


def test_adaptive_concurrency_completes_a_server_admitting_four() -> None:
    with LLMServer(latency=0.02, admit=4) as srv:
        changes = [make_change(f"f{i}") for i in range(64)]
        settings = settings_for(srv, max_workers=16, retries=2, max_per_request=1)
        result = summarize(changes, settings, None)
    assert {s.status for s in result.summaries} == {"summarized"}
    assert srv.rejected > 0 and srv.max_in_flight <= 4
    assert result.requests == 64 + srv.rejected
    assert any(note.startswith("rate limited: concurrency lowered to") for note in result.notes)


def test_deadline_gives_offline_summaries_and_finishes() -> None:
    with LLMServer(fault="hang") as srv:
        before = pool_threads()
        changes = [make_change(f"f{i}") for i in range(6)]
        result = summarize(changes, settings_for(srv, deadline=1.0, timeout=20.0, max_workers=2), None)
        assert pool_threads_left(before) == []  # left in a request at the deadline, they end by themselves
    assert {(s.status, s.reason) for s in result.summaries} == {("fallback", "deadline")}
    assert "deadline of 1 s reached: 6 functions got offline summaries" in result.notes


def test_ctrl_c_returns_what_is_done(server: LLMServer) -> None:
    def plan(index: int, prompt: str) -> None:
        if index == 2:
            os.kill(os.getpid(), signal.SIGINT)

    server.plan = plan
    changes = [make_change(f"f{i}") for i in range(8)]
    result = summarize(changes, settings_for(server, max_workers=1, max_per_request=1), None)
    assert result.interrupted
    assert [s.status for s in result.summaries[:2]] == ["summarized"] * 2
    assert "interrupted" in {s.reason for s in result.summaries}
    assert len(result.summaries) == 8


def test_skipped_changes_are_listed_never_sent(server: LLMServer) -> None:
    skipped = make_change("secret_stuff", "return 'never-sent-marker'", skip_reason="excluded by '.env'")
    result = summarize([make_change("f"), skipped], settings_for(server), None)
    assert (result.summaries[1].status, result.summaries[1].reason) == ("skipped", "excluded by '.env'")
    assert server.requests == 1 and not any("never-sent-marker" in p for p in server.prompts())


def test_moved_or_renamed_body_needs_no_request(server: LLMServer) -> None:
    facts = FunctionFacts(body_hash="h1")
    moved = make_change("g", change="modified", old_facts=facts, new_facts=facts, old_path="old/mod.py")
    deleted = make_change(
        "old_name", change="deleted", old_facts=FunctionFacts(body_hash="h2"), new_source=None
    )
    deleted = replace(deleted, old_source=deleted.new_source or "def old_name(x): ...", old_lines=(1, 2))
    added = make_change("new_name", new_facts=FunctionFacts(body_hash="h2"))
    result = summarize([moved, deleted, added], settings_for(server), None)
    assert server.requests == 0 and result.requests == 0
    assert [s.status for s in result.summaries] == ["summarized"] * 3
    assert all("moved or renamed" in (s.reason or "") for s in result.summaries)
    assert "Renamed to new_name" in result.summaries[1].text
    assert "Renamed from old_name" in result.summaries[2].text
    offline = summarize([moved, deleted, added], replace(settings_for(server), provider="offline"), None)
    assert [s.text for s in offline.summaries] == [s.text for s in result.summaries]


def test_huge_function_is_trimmed_with_a_marker_not_dropped(server: LLMServer) -> None:
    body = "\n    ".join(f"x = x + {i}" for i in range(2000))
    result = summarize([make_change("huge", body)], settings_for(server, max_prompt_chars=3000), None)
    prompt = server.prompts()[0]
    assert len(prompt) <= 3000 and "lines trimmed ...]" in prompt
    assert (result.summaries[0].status, result.summaries[0].reason) == (
        "summarized",
        "prompt trimmed to budget",
    )


PLANTED = {
    "aws": "AKIAIOSFODNN7EXAMPLE",
    "github": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "password": "hunter2-correct-horse",
    "entropy": "Zq8Xv2Lk9Tb4Nw7Yr3Hm6Pd1",
    "pem": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
}


def test_secrets_are_redacted_before_any_request(server: LLMServer) -> None:
    body = (
        f"aws = '{PLANTED['aws']}'\n    gh = \"{PLANTED['github']}\"\n"
        f'    password = "{PLANTED["password"]}"\n    blob = "{PLANTED["entropy"]}"\n'
        f"    pem = '''-----BEGIN PRIVATE KEY-----\n{PLANTED['pem']}\n-----END PRIVATE KEY-----'''\n"
        f"    mine = '{KEY}'\n    return x"
    )
    summarize([make_change("leaky", body)], settings_for(server), None)
    sent = str(server.bodies)
    assert server.requests == 1 and "[REDACTED:" in sent
    for secret in [*PLANTED.values(), KEY]:
        assert secret not in sent


def test_api_key_never_printed(
    server: LLMServer, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    changes = [
        make_change(f"f{i}", f"return 1  # llm-fault:{f}") for i, f in enumerate(["401", "500", "garbage"])
    ]
    result = summarize(changes, settings_for(server, verbose=True, retries=0), None)
    out, err = capfd.readouterr()
    shown = " ".join(
        [out, err, caplog.text, repr(result), *result.notes, *(s.reason or "" for s in result.summaries)]
    )
    assert KEY not in shown and KEY[10:30] not in shown
    assert any(KEY in auth for auth in server.authorizations)  # the key was used, just never shown


def test_provider_choice() -> None:
    assert resolve_provider(Settings()) == "offline"
    assert resolve_provider(Settings(api_key="k")) == "openai"
    assert resolve_provider(Settings(base_url="http://127.0.0.1:1/v1")) == "openai"
    assert resolve_provider(Settings(provider="offline", api_key="k")) == "offline"


def test_openai_without_key_or_url_falls_back_with_a_note() -> None:
    result = summarize([make_change("f")], Settings(provider="openai"), None)
    assert result.summaries[0].status == "fallback" and result.requests == 0
    assert "no API key" in (result.summaries[0].reason or "")
    assert any(note.startswith("LLM configuration failed (no API key") for note in result.notes)


def test_offline_provider_summarizes_everything() -> None:
    changes = [make_change("f"), make_change("s", skip_reason="binary file")]
    result = summarize(changes, Settings(provider="offline"), None)
    assert [s.status for s in result.summaries] == ["summarized", "skipped"]
    assert result.summaries[0].text == offline_summary(changes[0])
    assert (result.provider, result.model, result.requests) == ("offline", None, 0)


OFFLINE_SCRIPT = """
import sys
import ariadne_hook
assert "openai" not in sys.modules, "import ariadne_hook pulled in openai"
from ariadne_hook.config import Settings
from ariadne_hook.summarize.stage import summarize
from tests.test_summarize_stage import make_change
result = summarize([make_change("f")], Settings(provider="offline"), None)
assert result.summaries[0].status == "summarized"
assert "openai" not in sys.modules, "the offline path pulled in openai"
assert "asyncio" not in sys.modules, "the offline path pulled in asyncio"
print("ok")
"""


def test_import_and_offline_path_do_not_import_openai() -> None:
    assert fresh_python(OFFLINE_SCRIPT) == "ok"


def test_no_asyncio_in_the_package() -> None:
    sources = (ROOT / "ariadne_hook").rglob("*.py")
    offenders = [p.name for p in sources if "import asyncio" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_azure_openai_posts_to_the_deployment_with_the_api_version(server: LLMServer) -> None:
    endpoint = server.base_url.removesuffix("/v1")
    settings = replace(
        settings_for(server), base_url=endpoint, model="my-deployment", azure_api_version="2024-10-21"
    )
    result = summarize([make_change("f")], settings, None)
    assert result.provider == "azure-openai" and result.model == "my-deployment"
    assert result.summaries[0].status == "summarized"
    assert server.paths == ["/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21"]
    assert server.authorizations == [KEY]  # Azure's api-key header, not a bearer token


def test_azure_is_recognized_by_its_host_or_an_api_version() -> None:
    from ariadne_hook.summarize.openai_provider import provider_name

    assert provider_name("https://acme.openai.azure.com", None) == "azure-openai"
    assert provider_name("https://acme.cognitiveservices.azure.com/", None) == "azure-openai"
    assert provider_name("http://127.0.0.1:8080/v1", "2024-10-21") == "azure-openai"
    assert provider_name("http://127.0.0.1:8080/v1", None) == "openai"
    assert provider_name(None, None) == "openai"


def test_offline_summaries_shared_with_a_helper_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    from ariadne_hook.summarize import stage

    body = "return x + 1"
    changes = [make_change(f"f{i}", f"return x + {i}") for i in range(7)]
    changes += [make_change("s", skip_reason="binary file"), make_change("g", body, change="modified")]
    changes += [make_change("old", body, change="deleted"), make_change("new", body)]  # a rename
    alone = summarize(changes, Settings(provider="offline"), None)
    monkeypatch.setattr(stage, "MIN_SHARED", 0)  # any run is "large": the helper path when it can run
    assert summarize(changes, Settings(provider="offline"), None) == alone
    assert [s.status for s in alone.summaries].count("summarized") == len(changes) - 1
