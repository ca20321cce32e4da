"""Real servers' quirks (issue 17 cases 4-8; issue 19 part 2), against the loopback server answering with
their exact error bodies: reasoning models (OpenAI's `unsupported_parameter` / `unsupported_value`), context
windows too small for a request (llama.cpp's `exceed_context_size_error`, OpenAI's
`context_length_exceeded`), a base URL without /v1 (Ollama's plain-text 404), a 401 from an endpoint that
never got the key, a local server slower than the timeout; defaults that fit a 2k-token context slot; and
`LLMClient` reading its settings through the same loader as the command."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from ariadne_hook import LLMClient
from ariadne_hook.config import Settings
from ariadne_hook.summarize.client import NOT_AVAILABLE
from ariadne_hook.summarize.overview import SUBJECT, WALKTHROUGH, ask_overview
from ariadne_hook.summarize.stage import dry_run, summarize
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer, default_answer, format_type, sections, structured_ids, user_prompt
from tests.runner import clean_env, run_main
from tests.test_summarize_stage import make_change, settings_for

KEY = "sk-quirks-DISTINCTIVE-0123456789abcdef"
WALK = "This change reworks the pricing rules and the labels together."
TUNING = ("temperature", "max_tokens", "max_completion_tokens")
TOO_BIG = "prompt too big for the model's context (HTTP 400)"


def answer(prompt: str) -> str:
    if prompt.startswith(("Walkthrough", "[overview]")):  # asked alone, or along with the summaries
        return WALK
    if prompt.startswith("Commit subject"):
        return "Rework the pricing rules"
    return default_answer(prompt)


def tuning(body: dict[str, object]) -> list[str]:
    return sorted(key for key in body if key in TUNING)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    write(root, "rules.py", "def price(x, k=1):\n    return x * k\n\n\ndef label(x):\n    return str(x)\n")
    write(root, "util.py", "def clamp(x):\n    return min(x, 10)\n")
    commit_all(root)
    write(
        root, "rules.py", "def price(x, k=2):\n    return x * k + 1\n\n\ndef label(x):\n    return repr(x)\n"
    )
    write(root, "util.py", "def clamp(x):\n    return max(min(x, 10), 0)\n")
    stage_all(root)
    return root


def result_line(err: str) -> str:
    return err.strip().splitlines()[-1]


# 17.4: reasoning models refuse temperature and max_tokens -------------------------------------------------


def test_a_reasoning_model_is_learned_once_and_the_walkthrough_adapts_too(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the function requests adapted, the walkthrough was refused (HTTP 400) and fell back."""
    with LLMServer(reasoning=True, answer=answer) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=KEY)
        code, _, err = run_main(["--format", "json", "--no-cache", "--max-workers", "2"], repo, env, capsys)
        bodies = list(server.bodies)
    data = json.loads((repo / ".ariadne" / "review.json").read_text())
    assert code == 0, err
    assert data["stats"]["fallback"] == 0 and data["walkthrough"] == WALK
    refused = [b for b in bodies if "max_tokens" in b]
    assert 1 <= len(refused) <= 2  # the first round at most (2 workers): learned once for the run
    assert all(tuning(b) == ["max_tokens", "temperature"] for b in refused)
    adapted = [b for b in bodies if "max_tokens" not in b]
    assert all(tuning(b) == ["max_completion_tokens"] for b in adapted)
    walks = [b for b in bodies if user_prompt(b).startswith("Walkthrough")]
    along = [b for b in bodies if "\n[overview] " in user_prompt(b)]  # asked along with the summaries
    assert not walks and along[-1] in adapted  # answered as adapted: no request of its own
    assert data["stats"]["requests"] == len(bodies)
    assert sum("temperature/max_tokens" in note for note in data["notes"]) == 1


def test_the_walkthrough_and_the_commit_subject_adapt_on_their_own() -> None:
    """Before: both were refused (HTTP 400) by a reasoning model."""
    with LLMServer(reasoning=True, answer=answer) as server:
        settings = Settings(base_url=server.base_url, api_key=KEY)
        asked = ask_overview([WALKTHROUGH, SUBJECT], "Facts:\n- x", settings, None, time.monotonic() + 30)
        bodies = list(server.bodies)
    assert asked.failed == {}
    assert asked.texts == {WALKTHROUGH: WALK, SUBJECT: "Rework the pricing rules"}
    assert 3 <= len(bodies) == asked.requests <= 4  # the two are sent at once: one or both refused, once
    adapted = [b for b in bodies if "max_tokens" not in b]
    assert [tuning(b) for b in adapted] == [["max_completion_tokens"]] * 2
    assert sorted(user_prompt(b).split("\n")[0] for b in adapted) == [
        "Commit subject for this change.",
        "Walkthrough of this change.",
    ]
    assert sum("temperature/max_tokens" in note for note in asked.notes) == 1


def test_llm_client_adapts_to_a_reasoning_model_once() -> None:
    """Before: every item was "N/A" (HTTP 400)."""
    with LLMServer(reasoning=True) as server:
        with LLMClient("o4-mini", base_url=server.base_url, api_key=KEY) as client:
            results = client.batch_generate_summaries([{"code": f"x{i}"} for i in range(4)], 2)
            single = client.generate_summary("y = 1")  # learned already: no refusal
        bodies = list(server.bodies)
    assert NOT_AVAILABLE not in results and single
    refused = [b for b in bodies if "max_tokens" in b]
    assert 1 <= len(refused) <= 2 and len(bodies) == 5 + len(refused)
    assert tuning(bodies[-1]) == ["max_completion_tokens"] and "temperature" not in bodies[-1]
    assert bodies[-1]["max_completion_tokens"] > 10_000  # room for the hidden reasoning, not only the answer


def test_an_endpoint_refusing_max_completion_tokens_too_gets_no_limit() -> None:
    with LLMServer(reasoning=True, reject_params=("max_completion_tokens",)) as server:
        with LLMClient("m", base_url=server.base_url, api_key=KEY) as client:
            assert client.generate_summary("z = 2")
        bodies = list(server.bodies)
    assert [tuning(b) for b in bodies] == [["max_tokens", "temperature"], ["max_completion_tokens"], []]


# 17.5: a context too small for a request is not "structured outputs rejected" -----------------------------


def packed_tokens(changes: list[object], settings: Settings) -> int:
    """The prompt tokens (as the loopback server counts them: chars // 4) of the first request."""
    body = dry_run(changes, settings)[0]  # type: ignore[arg-type]
    return sum(len(m["content"]) for m in body["messages"]) // 4


@pytest.mark.parametrize("style", ["llama.cpp", "openai"])
def test_a_pack_too_big_for_the_context_is_split_not_unpacked(style: str) -> None:
    """Before: the 400 was taken for "structured outputs rejected": one plain request per function for the
    rest of the run, with a false note."""
    changes = [make_change(f"f{i}", "return " + " + ".join(["x"] * 40)) for i in range(8)]
    with LLMServer(latency=0.01) as probe:
        tokens = packed_tokens(changes, settings_for(probe, max_workers=1))  # type: ignore[arg-type]
    with LLMServer(latency=0.01, context=tokens - 1, context_style=style) as server:
        result = summarize(changes, settings_for(server, max_workers=1), None)
        bodies = list(server.bodies)
    assert [s.text for s in result.summaries] == [f"This change updates f{i}." for i in range(8)]
    assert [len(structured_ids(b) or []) for b in bodies] == [8, 4, 4]  # packed all along, in halves
    assert result.requests == 3
    assert not any("structured" in note or "response_format" in note for note in result.notes)
    assert any("context could not hold 1 packed requests" in note for note in result.notes)


def test_a_function_too_big_for_the_context_alone_falls_back_with_that_reason() -> None:
    """Before: its pack was sent again as plain single requests, and it fell back with "HTTP 400"."""
    big = make_change("big", "return " + " + ".join(["x"] * 600))
    changes = [big, *(make_change(f"s{i}") for i in range(3))]
    with LLMServer(latency=0.01, context=400) as server:
        result = summarize(changes, settings_for(server, max_workers=1), None)
        bodies = list(server.bodies)
    by_name = {s.change.qualname: s for s in result.summaries}
    assert (by_name["big"].status, by_name["big"].reason) == ("fallback", TOO_BIG)
    assert all(by_name[f"s{i}"].text == f"This change updates s{i}." for i in range(3))
    assert all("response_format" in b for b in bodies if len(sections(user_prompt(b))) > 1)
    assert "1 functions too big for the endpoint's context on their own got offline summaries" in " ".join(
        result.notes
    )


# 17.7: messages that point the right way ------------------------------------------------------------------


def test_a_base_url_without_v1_is_named_not_the_model(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ollama answers a path outside /v1/ with a plain-text 404. Before: "unknown model gpt-4o-mini"."""
    with LLMServer(v1_only=True) as server:
        root = server.base_url.removesuffix("/v1")
        env = clean_env(OPENAI_BASE_URL=root, OPENAI_API_KEY=KEY, ARIADNE_RETRIES="0")
        code, _, err = run_main(["--no-cache"], repo, env, capsys)
        port = server.port
    assert code == 0
    assert result_line(err).endswith(
        f"; model not used: 404 not found at 127.0.0.1:{port} — the base URL has no /v1: add it "
        f"(e.g. OPENAI_BASE_URL=http://127.0.0.1:{port}/v1)"
    )
    assert "unknown model" not in err


def test_a_404_naming_the_model_is_still_an_unknown_model(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LLMServer(fault="404") as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=KEY, ARIADNE_RETRIES="0")
        code, _, err = run_main(["--no-cache", "--model", "gpt-9"], repo, env, capsys)
    assert code == 0
    assert result_line(err).endswith("; model not used: unknown model gpt-9 — check OPENAI_MODEL / --model")


def test_a_401_from_a_repository_endpoint_that_never_got_the_key_names_trusted_endpoints(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The repository names a loopback endpoint: it is used without the user's key. Before, its 401 said
    "check OPENAI_API_KEY" — a key that was fine and never sent."""
    with LLMServer(fault="401") as server:
        write(repo, "pyproject.toml", f'[tool.ariadne]\nbase-url = "{server.base_url}"\n')
        env = clean_env(OPENAI_API_KEY=KEY, ARIADNE_RETRIES="0")
        code, _, err = run_main(["--no-cache"], repo, env, capsys)
        sent, port = list(server.authorizations), server.port
    assert code == 0 and sent and not any(KEY in a for a in sent)  # the key never left
    assert result_line(err).endswith(
        f"; model not used: 401 unauthorized — your API key was not sent to 127.0.0.1:{port}, a repository's "
        "endpoint: list it in ARIADNE_TRUSTED_ENDPOINTS to send it"
    )
    assert "check OPENAI_API_KEY" not in err and KEY not in err


def test_a_401_when_no_key_was_configured_says_none_was_sent(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LLMServer(fault="401") as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, ARIADNE_RETRIES="0")
        code, _, err = run_main(["--no-cache"], repo, env, capsys)
        port = server.port
    assert code == 0
    assert result_line(err).endswith(
        f"; model not used: 401 unauthorized — no API key was sent to 127.0.0.1:{port}: set OPENAI_API_KEY"
    )


# 17.8: defaults that fit a local server ----------------------------------------------------------------

SLOT_TOKENS = 2048  # a llama.cpp server started with -c 4096 -np 2: 2048 tokens per slot
CHARS_PER_TOKEN = 2.7  # the densest prompt text measured (the economy bench's units, SmolLM2's tokenizer)
ANSWER_TOKENS = 66  # a 1-3 sentence summary and its JSON key


def bench_like(f: int, k: int) -> object:
    """A unit like the economy bench's: a ten-line pricing rule whose default and one constant changed."""
    lines = [
        f"def price_{f}_{k}(items, rate=0.{k + 2}):",
        f'    """Rule {k}."""',
        "    total = 0.0",
        "    for it in items:",
        "        if it.qty >= 12:",
        "            total += it.cost * rate",
        "        else:",
        "            total += it.cost",
        "    total = min(total, 500)",
        "    return round(total, 2)",
    ]
    return make_change(f"price_{f}_{k}", "\n".join(lines[1:]).lstrip(), path=f"pricing/rules_{f}.py")


def test_default_requests_fit_a_2k_token_context_slot_with_their_answers() -> None:
    """Before: 5 requests of 13 functions, ~1,760 prompt tokens each: the answers had ~290 tokens left in a
    2,048-token slot and were cut."""
    changes = [bench_like(f, k) for f in range(8) for k in range(8)]
    bodies = dry_run(changes, Settings(provider="openai", base_url="http://127.0.0.1:8080/v1"))  # type: ignore[arg-type]
    assert sum(len(structured_ids(b) or [1]) for b in bodies) == 64
    for body in bodies:
        chars = sum(len(m["content"]) for m in body["messages"])
        answers = len(structured_ids(body) or [1])
        assert chars / CHARS_PER_TOKEN + ANSWER_TOKENS * answers <= SLOT_TOKENS, (chars, answers)


def test_a_slow_local_server_gets_a_timeout_hint(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LLMServer(fault="hang") as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, ARIADNE_RETRIES="0")
        argv = ["--no-cache", "--timeout", "1", "--deadline", "20", "--format", "json"]
        code, _, err = run_main(argv, repo, env, capsys)
    hint = (
        "the endpoint took > 1 s per request: raise --timeout (and --deadline), or lower --max-workers to "
        "the server's parallel slots"
    )
    assert code == 0
    assert result_line(err).endswith(f"(timeout ×3); {hint}")
    notes = json.loads((repo / ".ariadne" / "review.json").read_text())["notes"]
    assert f"{hint} (3 functions timed out)" in notes


# 19.2: LLMClient's settings come from the loader, not from os.environ read by the client ----------------


def test_llm_client_takes_its_settings_from_the_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: ARIADNE_MODEL, ARIADNE_TIMEOUT and the user's config file were ignored by LLMClient."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "ARIADNE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "ariadne-hook").mkdir()
    (tmp_path / "ariadne-hook" / "config.toml").write_text("retries = 0\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("ARIADNE_MODEL", "from-env")
    monkeypatch.setenv("ARIADNE_TIMEOUT", "7")
    client = LLMClient()
    assert (client.model, client.timeout, client.retries) == ("from-env", 7.0, 0)
    assert (LLMClient("mine").model, LLMClient(timeout=3).timeout, LLMClient(retries=1).retries) == (
        "mine",
        3,
        1,
    )
    with LLMServer() as server:
        monkeypatch.setenv("ARIADNE_BASE_URL", server.base_url)
        with LLMClient() as client:
            assert client.generate_summary("a = 1")
        assert [b["model"] for b in server.bodies] == ["from-env"]


def test_llm_client_never_sends_the_key_over_plain_http_to_another_host(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The loader's trust rules hold for LLMClient too. Before: the key went out over plain http."""
    caplog.set_level(logging.WARNING, logger="ariadne_hook.llm")
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with LLMServer() as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        with LLMClient("m", base_url="http://llm.example.invalid/v1", api_key=KEY, retries=0) as client:
            assert client.batch_generate_summaries([{"code": "x"}]) != [NOT_AVAILABLE]
        assert proxy.authorizations == ["Bearer no-key"]
    assert "plain http to another host: the API key is not sent" in caplog.text and KEY not in caplog.text


def test_dry_run_needs_no_key() -> None:
    bodies = dry_run([make_change("f")], Settings(provider="openai"))
    assert [format_type(b) for b in bodies] == [None] and bodies[0]["model"] == "gpt-4o-mini"
