"""The walkthrough asked along with the function summaries (issue 20): the `[overview]` part of the first
round's smallest packed request, so a review costs one round trip, not two; judged like any answer, and asked
after the summaries as before when it is left out or is no walkthrough."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.config import HOSTED_PROMPT_CHARS, Settings, load
from ariadne_hook.endpoints import is_hosted
from ariadne_hook.models import SUMMARIZED, Summary
from ariadne_hook.summarize import pack
from ariadne_hook.summarize.overview import RIDER_ID, RIDER_SHARE, rider
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer, sized_answer, structured_ids, user_prompt
from tests.runner import clean_env, run_main

WALK = "This change raises every rule's rate and threshold, so totals for large orders change."
HINT = "(The previous answer was not usable: "
FUNCTIONS = 8


def source(edited: bool) -> str:
    return "".join(
        f"def rule_{k}(x, rate={k + 2 if edited else k + 1}):\n    return x * rate + {k}\n\n\n"
        for k in range(FUNCTIONS)
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    write(root, "rules.py", source(False))
    commit_all(root)
    write(root, "rules.py", source(True))
    stage_all(root)
    return root


def answering(overview: str | None) -> Any:
    """A model that writes ``overview`` for the part asked along (None: leaves it out), WALK when asked
    alone, and a summary naming the function for each function."""

    def answer(prompt: str) -> str | None:
        if prompt.startswith("[overview]"):
            return overview
        if prompt.startswith("Walkthrough"):
            return WALK
        return sized_answer(120)(prompt)

    return answer


def review(repo: Path, server: LLMServer, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    argv = ["--format", "json", "-o", "-", "--max-workers", "2", *args]
    code, out, err = run_main(argv, repo, clean_env(OPENAI_BASE_URL=server.base_url), capsys)
    assert code == 0, err
    return json.loads(out)


def along(server: LLMServer) -> list[Any]:
    return [b for b in server.bodies if "\n[overview] " in user_prompt(b)]


def alone(server: LLMServer) -> list[Any]:
    return [b for b in server.bodies if user_prompt(b).startswith("Walkthrough")]


def test_the_walkthrough_rides_with_the_summaries(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LLMServer(answer=answering(WALK), latency=0.05) as server:
        data = review(repo, server, capsys, "--no-cache")
        bodies = list(server.bodies)
        carried = along(server)
        assert server.max_in_flight <= 2
    assert data["walkthrough"] == WALK and data["stats"]["summarized"] == FUNCTIONS
    assert len(bodies) == 2 == data["stats"]["requests"]  # one round of two packed requests, nothing after
    assert len(carried) == 1 and not [b for b in bodies if user_prompt(b).startswith("Walkthrough")]
    schema_ids = structured_ids(carried[0])
    assert schema_ids is not None and schema_ids[-1] == RIDER_ID  # required like every function's id
    sizes = sorted(len(structured_ids(b) or []) - (b is carried[0]) for b in bodies)
    assert sizes == [3, 5]  # the request carrying it holds fewer functions (its answer is worth two)
    text = user_prompt(carried[0])
    assert "rules.py (+1 -1 each): rule_0, rule_1" in text  # every entry, the path once
    assert "Changed: 8 functions (8 modified) in 1 file." in text  # the offline facts
    assert "return x * rate + 7" not in text.split("[overview]")[1]  # no code in its part


@pytest.mark.parametrize("refuse", [True, "json_schema"])
def test_it_rides_down_the_format_ladder(
    repo: Path, capsys: pytest.CaptureFixture[str], refuse: bool | str
) -> None:
    """An endpoint refusing response_format (JSON asked in the prompt) or only json_schema (json_object)."""
    with LLMServer(answer=answering(WALK), reject_format=refuse) as server:
        data = review(repo, server, capsys, "--no-cache")
        carried = along(server)
        assert not alone(server)
    assert data["walkthrough"] == WALK and data["stats"]["summarized"] == FUNCTIONS
    fmt = carried[-1].get("response_format")
    assert (fmt is None) if refuse is True else (fmt == {"type": "json_object"})


def test_no_walkthrough_there_is_asked_again_alone_told_why(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LLMServer(answer=answering("#")) as server:
        data = review(repo, server, capsys, "--no-cache")
        after = alone(server)
    assert data["walkthrough"] == WALK
    assert len(after) == 1 and f"{HINT}empty answer." in user_prompt(after[0])
    assert after[0]["max_tokens"] == 220 * 3 // 2  # half again the room, as any answer asked again


def test_no_walkthrough_twice_keeps_the_offline_overview(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(prompt: str) -> str | None:
        return "#" if prompt.startswith(("[overview]", "Walkthrough")) else sized_answer(120)(prompt)

    with LLMServer(answer=answer) as server:
        data = review(repo, server, capsys, "--no-cache")
        assert len(alone(server)) == 1  # asked again once, not more
    assert data["walkthrough"] is None and data["overview"].startswith("Changed: ")
    assert "walkthrough failed (empty answer): the overview is the offline one" in data["notes"]


def test_left_out_it_is_asked_after_as_before(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LLMServer(answer=answering(None)) as server:
        data = review(repo, server, capsys, "--no-cache")
        after = alone(server)
    assert data["walkthrough"] == WALK and data["stats"]["fallback"] == 0
    assert len(after) == 1 and HINT not in user_prompt(after[0])


def test_a_rerun_asks_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The walkthrough that rode along is cached as the request after the summaries would be."""
    with LLMServer(answer=answering(WALK)) as server:
        review(repo, server, capsys)
        asked = server.requests
        again = review(repo, server, capsys)
        assert server.requests == asked == 2
    assert again["walkthrough"] == WALK and again["stats"]["cached"] == FUNCTIONS


def test_plain_requests_carry_none(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As many workers as functions: one plain request each, the walkthrough after them."""
    with LLMServer(answer=answering(WALK)) as server:
        data = review(repo, server, capsys, "--no-cache", "--max-workers", str(FUNCTIONS))
        assert not along(server) and len(alone(server)) == 1
        assert server.requests == FUNCTIONS + 1
    assert data["walkthrough"] == WALK


def test_dry_run_shows_it(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = clean_env(OPENAI_BASE_URL="http://127.0.0.1:9/v1")
    code, out, _ = run_main(["--dry-run", "--max-workers", "2"], repo, env, capsys)
    bodies = json.loads(out)
    assert code == 0 and len(bodies) == 2
    assert sum("\n[overview] " in b["messages"][1]["content"] for b in bodies) == 1


def located(count: int) -> list[Summary]:
    from tests.test_walkthrough import summary

    return [summary(f"function_number_{i}", SUMMARIZED, "") for i in range(count)]


def test_the_rider_is_bounded_by_the_prompt_budget() -> None:
    small = rider(located(5), ["Changed: 5 functions."], 5_000, ())
    assert small is not None and len(small.text) <= 5_000 // RIDER_SHARE
    assert rider(located(200), ["Changed: 200 functions."], 5_000, ()) is None  # asked after, trimmed


def test_plan_with_a_rider_keeps_every_unit_in_order() -> None:
    units = [
        pack.Unit(i, "a.py", f"File: a.py\nmodified function f{i}\n+x", f"k{i}", False) for i in range(11)
    ]
    ride = pack.Rider(RIDER_ID, "Walkthrough ...", 220)
    requests = pack.plan(units, 3, 16, 12_000, rider=ride)
    assert [u.index for r in requests for u in r.units] == list(range(11))
    carriers = [r for r in requests if r.rider is not None]
    assert len(carriers) == 1 and carriers[0] is requests[-1] and carriers[0].structured
    assert len(carriers[0].units) == min(len(r.units) for r in requests) < max(len(r.units) for r in requests)
    assert pack.ask(carriers[0]).ids[-1] == RIDER_ID
    assert pack.ask(carriers[0]).answer_tokens == pack.max_tokens(len(carriers[0].units)) + 220


@pytest.mark.parametrize(
    ("url", "hosted"),
    [
        (None, True),
        ("https://api.example.com/v1", True),
        ("https://my-resource.openai.azure.com", True),
        ("http://127.0.0.1:8080/v1", False),
        ("https://localhost:8443/v1", False),
        ("http://gpu-box:8000/v1", False),
        ("https://10.0.0.5/v1", False),
        ("https://[fe80::1]/v1", False),
    ],
)
def test_is_hosted(url: str | None, hosted: bool) -> None:
    assert is_hosted(url) is hosted


def test_a_hosted_endpoint_gets_the_larger_prompt_budget(tmp_path: Path) -> None:
    local = Settings().max_prompt_chars
    assert load(tmp_path, {}, {"OPENAI_API_KEY": "sk-x"}).max_prompt_chars == HOSTED_PROMPT_CHARS
    assert load(tmp_path, {}, {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}).max_prompt_chars == local
    assert load(tmp_path, {}, {}).max_prompt_chars == local  # offline: no model
    set_by_user = {"OPENAI_API_KEY": "sk-x", "ARIADNE_MAX_PROMPT_CHARS": "3000"}
    assert load(tmp_path, {}, set_by_user).max_prompt_chars == 3000
