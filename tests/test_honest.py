"""Honest statuses (issue 17, cases 2 and 3): an answer is "summarized" only if it is a summary.

Against the loopback model server taught to garble (tests/llm_server.py `garbled`): an answer that echoes an
id, has fewer than three words, is code, repeats a sentence, is the same text as another entry's or was cut
at max_tokens (finish_reason "length") is asked again once, alone, with more room and a line saying why;
a second such answer keeps the offline summary with reason "rejected: <why>", counted apart in the result
line, the JSON stats and the notes. The walkthrough and the commit subject are judged the same way. Markdown
is stripped from answers without touching identifiers. The reasons are spelled out here (not imported), so
these tests run against any version of the code.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.config import Settings
from ariadne_hook.summarize import answers
from ariadne_hook.summarize.overview import SUBJECT, ask_overview
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer, Plan, sized_answer, user_prompt
from tests.runner import clean_env, run_main

OLD = (
    "def greet(name):\n    return 'hi ' + name\n\n\n"
    "def shout(text):\n    return text.upper()\n\n\n"
    "def whisper(text):\n    return text\n"
)
NEW = (  # three bodies changed, nothing outside them: three entries
    "def greet(name, punctuation='!'):\n    return 'hi ' + name + punctuation\n\n\n"
    "def shout(text):\n    return text.upper() + '!!'\n\n\n"
    "def whisper(text):\n    return text.lower()\n"
)
NAMES = {"greet", "shout", "whisper"}
WALK = "This change adds punctuation to greet, makes shout louder and adds whisper for quiet output."
HINT = "(The previous answer was not usable: "


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    write(root, "words.py", OLD)
    commit_all(root)
    write(root, "words.py", NEW)
    stage_all(root)
    return root


def answer(prompt: str) -> str | None:
    if prompt.startswith("[overview]"):  # asked along with the summaries: this model leaves it out, so the
        return None  # walkthrough is asked after them (what this module tests; test_rider.py: along)
    if prompt.startswith("Walkthrough"):
        return WALK
    if prompt.startswith("Commit subject"):
        return "Add punctuation to greet and a whisper helper"
    return sized_answer(120)(prompt)  # a few sentences naming the function


def review(repo: Path, server: LLMServer, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """The JSON review of the staged change, one packed request for the three functions; and the result
    line."""
    argv = ["--format", "json", "-o", "-", "--no-cache", "--max-workers", "1", *args]
    code, out, err = run_main(argv, repo, clean_env(OPENAI_BASE_URL=server.base_url), capsys)
    assert code == 0, err
    data = json.loads(out)
    data["_line"] = err.strip().splitlines()[-1]
    return data


def functions(server: LLMServer) -> list[Any]:
    """The bodies of the per-function requests (not the walkthrough's)."""
    return [b for b in server.bodies if not user_prompt(b).startswith(("Walkthrough", "Commit subject"))]


def packed_only(fault: str) -> Plan:
    """`fault` for the packed first request only: the answers asked again alone are fine."""
    return lambda _i, _prompt: fault if _i == 0 else None


REASONS = [
    ("echo", "rejected: echoes an id"),
    ("short", "rejected: fewer than three words"),
    ("code", "rejected: code, not prose"),
    ("repeat", "rejected: repeats a sentence"),
    ("same", "rejected: same text as another entry"),
    ("length", "rejected: cut at max_tokens"),
]


@pytest.mark.parametrize(("fault", "reason"), REASONS, ids=[f for f, _ in REASONS])
def test_a_garbled_answer_is_asked_again_then_rejected(
    repo: Path, capsys: pytest.CaptureFixture[str], fault: str, reason: str
) -> None:
    plan: Plan = lambda _i, prompt: None if prompt.startswith("Walkthrough") else fault  # noqa: E731
    with LLMServer(answer=answer, plan=plan) as server:
        data = review(repo, server, capsys)
        sent = functions(server)
    by_name = {f["qualname"]: f for f in data["functions"]}
    assert set(by_name) == NAMES
    assert {(f["status"], f["reason"]) for f in by_name.values()} == {("fallback", reason)}
    assert all(f["summary"] for f in by_name.values())  # the offline text instead
    assert len(sent) == 1 + 3  # one packed request, then each function once more, alone
    for body in sent[1:]:  # with half again the room, and told why
        assert "response_format" not in body and body["max_tokens"] == (40 + 160) * 3 // 2
        assert f"{HINT}{reason.removeprefix('rejected: ')}." in user_prompt(body)
    stats = data["stats"]
    assert (stats["summarized"], stats["fallback"], stats["rejected"]) == (0, 3, 3)
    assert "(0 summarized, 3 rejected, " in data["_line"] and "fallback" not in data["_line"]
    short = reason.removeprefix("rejected: ")
    assert (
        f"3 model answers were no summary, even asked again ({short} ×3): offline summaries" in data["notes"]
    )
    assert data["walkthrough"] is None  # no summary from the model: no walkthrough from nothing


@pytest.mark.parametrize("fault", ["echo", "short", "code", "repeat", "same", "length", "hash"])
def test_garbled_once_then_answered_is_summarized(
    repo: Path, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    with LLMServer(answer=answer, plan=packed_only(fault)) as server:
        data = review(repo, server, capsys)
        sent = functions(server)
    assert {f["status"] for f in data["functions"]} == {"summarized"}
    assert len(sent) == 4 and data["stats"]["rejected"] == 0
    texts = {f["qualname"]: f["summary"] for f in data["functions"]}
    assert all(name in texts[name] for name in NAMES)  # each its own answer, asked alone
    assert "(3 summarized, " in data["_line"] and "rejected" not in data["_line"]


def test_a_lone_hash_is_no_summary(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LLMServer(answer=answer, fault="hash") as server:
        data = review(repo, server, capsys, "--max-workers", "3")  # one plain request per function
        sent = functions(server)
    assert {(f["status"], f["reason"]) for f in data["functions"]} == {("fallback", "empty answer")}
    assert len(sent) == 3 + 3  # each asked again once
    assert data["stats"]["rejected"] == 0 and "(0 summarized, 3 fallback" in data["_line"]


def test_one_text_for_two_functions_is_asked_again(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two functions given the same text in one packed answer: neither is trusted; asked alone, each gets its
    own."""

    def copying(prompt: str) -> str:
        if "[f" not in prompt and prompt.startswith("File:"):
            return answer(prompt)  # alone: its own text
        return answer(prompt.replace("shout", "greet"))

    with LLMServer(answer=copying) as server:
        data = review(repo, server, capsys)
        sent = functions(server)
    texts = {f["qualname"]: (f["status"], f["summary"]) for f in data["functions"]}
    assert {s for s, _ in texts.values()} == {"summarized"} and len(sent) == 1 + 2
    assert "shout" in texts["shout"][1] and "greet" in texts["greet"][1]
    assert HINT + "same text as another entry." in user_prompt(sent[1])


def test_markdown_goes_identifiers_stay(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def marked(prompt: str) -> str:
        name = prompt.split("\n")[1].split()[-1]  # "modified function greet"
        return (
            f"## Summary\n- **{name}** now calls `__init__` of the __base class__; __slots__, snake_case stay"
        )

    with LLMServer(answer=marked) as server:
        data = review(repo, server, capsys, "--max-workers", "3")
    assert {f["qualname"]: f["summary"] for f in data["functions"]} == {
        name: f"{name} now calls __init__ of the base class; __slots__, snake_case stay" for name in NAMES
    }
    assert {f["status"] for f in data["functions"]} == {"summarized"}


def test_walkthrough_cut_at_max_tokens_is_asked_again_with_more_room(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def cut_once(_i: int, prompt: str) -> str | None:
        return "length" if prompt.startswith("Walkthrough") and HINT not in prompt else None

    with LLMServer(answer=answer, plan=cut_once) as server:
        data = review(repo, server, capsys)
        walks = [b for b in server.bodies if user_prompt(b).startswith("Walkthrough")]
    assert data["walkthrough"] == WALK
    assert len(walks) == 2 and walks[1]["max_tokens"] == walks[0]["max_tokens"] * 3 // 2
    assert HINT + "cut at max_tokens." in user_prompt(walks[1])


def test_walkthrough_always_cut_keeps_the_offline_overview(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut: Plan = lambda i, prompt: "length" if prompt.startswith("Walkthrough") else None  # noqa: E731
    with LLMServer(answer=answer, plan=cut) as server:
        data = review(repo, server, capsys)
    assert data["walkthrough"] is None and data["overview"].startswith("Changed: ")
    assert (
        "walkthrough failed (rejected: cut at max_tokens): the overview is the offline one" in data["notes"]
    )
    assert {f["status"] for f in data["functions"]} == {"summarized"}


SUBJECTS = [
    ("length", None, "rejected: cut at max_tokens"),  # cut: never a cut sentence
    ("", "This commit adds punctuation to greet", "rejected: not imperative"),
    ("", "Added punctuation to greet", "rejected: not imperative"),
    ("", "Add punctuation to greet, a louder shout and a brand new whisper helper for quiet output", None),
    ("", "f1", "rejected: echoes an id"),
    ("", "```python\nreturn text.upper() + '!!'\n```", "rejected: code, not prose"),
]


@pytest.mark.parametrize(("fault", "said", "reason"), SUBJECTS)
def test_a_subject_is_a_whole_imperative_line(
    tmp_path: Path, fault: str, said: str | None, reason: str | None
) -> None:
    def subject(prompt: str) -> str:
        return said if said is not None and HINT not in prompt else "Add punctuation to greet"

    plan: Plan = lambda _i, prompt: fault or None  # noqa: E731
    with LLMServer(answer=subject if said else answer, plan=plan) as server:
        asked = ask_overview(
            [SUBJECT], "facts", Settings(base_url=server.base_url), None, time.monotonic() + 30
        )
        bodies = list(server.bodies)
    if reason is None and said is not None and len(said) > 72:
        reason = "rejected: longer than 72 characters"
    if fault:  # always cut
        assert asked.failed == {SUBJECT: reason} and not asked.texts
        assert len(bodies) == 2 and bodies[1]["max_tokens"] == bodies[0]["max_tokens"] * 3 // 2
    else:  # asked again once, told why; the second answer is a good line
        assert asked.texts == {SUBJECT: "Add punctuation to greet"} and not asked.failed
        assert len(bodies) == 2 and f"{HINT}{reason.removeprefix('rejected: ')}." in user_prompt(bodies[1])


def test_llm_client_asks_again_then_gives_na(tmp_path: Path) -> None:
    from ariadne_hook.summarize.client import NOT_AVAILABLE, LLMClient

    first_cut: Plan = lambda i, _prompt: "length" if i == 0 else None  # noqa: E731
    with (
        LLMServer(answer=sized_answer(150), plan=first_cut) as server,
        LLMClient("m", base_url=server.base_url) as client,
    ):
        good = client.batch_generate_summaries([{"code": "def f(): return 1"}])
        first, again = server.bodies
        assert server.requests == 2 and HINT + "cut at max_tokens." in user_prompt(again)
        assert again["max_tokens"] == first["max_tokens"] * 3 // 2  # half again the room
        assert (
            user_prompt(again).startswith(user_prompt(first)) and again["messages"][0] == first["messages"][0]
        )
    assert good != [NOT_AVAILABLE] and answers.judge(good[0]).ok
    with LLMServer(fault="echo") as server, LLMClient("m", base_url=server.base_url) as client:
        assert client.batch_generate_summaries([{"code": "def f(): return 1"}]) == [NOT_AVAILABLE]
        assert server.requests == 2


def test_a_garbled_cached_text_is_asked_again(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cache written by an older version holds what it called a summary: it is judged like an answer."""
    from ariadne_hook.summarize.cache import SummaryCache, cache_key

    with LLMServer(answer=answer) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, ARIADNE_MAX_PER_REQUEST="1")
        code, out, _ = run_main(["--dry-run"], repo, env, capsys)
        units = [user_prompt(b) for b in json.loads(out)]
        (repo / ".git" / "ariadne").mkdir()  # where the CLI keeps its cache
        cache = SummaryCache.open(repo / ".git" / "ariadne")
        keys = [cache_key("openai", server.base_url, "gpt-4o-mini", u) for u in units]
        cache.put_many([(key, "f2") for key in keys])
        assert len(keys) == 3 and cache.get_many(keys) == dict.fromkeys(keys, "f2")
        cache.close()
        code, out, err = run_main(["--format", "json", "-o", "-"], repo, env, capsys)
        assert len(functions(server)) == 3  # every unit asked: none of the cached "f2" is a summary
    data = json.loads(out)
    assert {f["status"] for f in data["functions"]} == {"summarized"}


CLEAN = [
    ("**Adds** a *guard* to `__init__`.", "Adds a *guard* to __init__."),
    (
        "Calls __init__ and __repr__ of _Base via snake_case_name.",
        "Calls __init__ and __repr__ of _Base via snake_case_name.",
    ),
    (
        "Passes *args and **kwargs on; __very important__ now.",
        "Passes *args and **kwargs on; very important now.",
    ),
    ("## Summary\n- Clamps `percent` to 0..100.", "Clamps percent to 0..100."),
    ("#", ""),
    ("# \n---\n", ""),
    ("The code is:\n```python\ndef f():\n    pass\n```\nIt now returns None.", "It now returns None."),
]


@pytest.mark.parametrize(("raw", "clean"), CLEAN)
def test_clean_answer_strips_markdown_not_identifiers(raw: str, clean: str) -> None:
    assert answers.clean_answer(raw) == clean


JUDGE = [
    ("It now rounds the result to two places and rejects negative prices.", None),
    ("f2", "echoes an id"),
    ("[f3] modified function discount", "echoes an id"),
    ("2023-08-22 13:21:50.123", "fewer than three words"),
    ("Fixed it.", "fewer than three words"),
    ("函数现在把结果四舍五入到两位小数。", None),  # no spaces, many words
    ("```python\ndef add(self, item):\n    self.items.append(item)\n```", "code, not prose"),
    ("The code is: def add(self, name, price): self.items.append((name, price))", "code, not prose"),
    ("It adds an item. It adds an item.", "repeats a sentence"),
    (
        "10 functions (10 modified): 10 functions (10 modified): 10 functions (10 modified)",
        "repeats a sentence",
    ),
    ("modified function discount", "copies the prompt"),
    (" ".join(f"clause{i} and" for i in range(120)), "too long"),  # no sentence end in 600 characters
]


@pytest.mark.parametrize(("raw", "problem"), JUDGE)
def test_judge(raw: str, problem: str | None) -> None:
    prompt = "File: shop.py\nmodified function discount\n+    percent = max(0, min(percent, 100))"
    assert answers.judge(raw, prompt=prompt).problem == problem
    if problem is None:
        assert answers.judge(raw, prompt=prompt, cut=True).problem == "cut at max_tokens"


def test_the_markdown_review_counts_rejected_apart(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan: Plan = lambda _i, prompt: "echo" if "[f" in prompt or "shout" in prompt else None  # noqa: E731
    with LLMServer(answer=answer, plan=plan) as server:
        argv = ["-o", "-", "--no-cache", "--max-workers", "1"]
        code, out, err = run_main(argv, repo, clean_env(OPENAI_BASE_URL=server.base_url), capsys)
    assert code == 0, err
    assert "· 2 summarized · 0 cached · 1 rejected · 0 fallback · 0 skipped" in out
    assert "*offline summary — the model's answer was no summary: echoes an id*" in out
    assert "> 1 model answer was no summary, even asked again (echoes an id): offline summaries" in out
    assert "(2 summarized, 1 rejected, " in err


def test_a_re_ask_is_built_as_the_endpoint_learned(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A re-ask is the same `Ask` with more room and a line saying why: the provider's one request builder
    makes its body, so what it learned about the endpoint holds for it too. Here a reasoning model (no
    temperature; max_completion_tokens with room to reason) on an endpoint without json_schema (packed
    answers as json_object): the packed answer echoes ids, each function is asked again alone, the walkthrough
    is cut once and asked again."""
    garble: Plan = lambda _i, prompt: (  # noqa: E731
        "echo"
        if "[f" in prompt
        else "length"
        if prompt.startswith("Walkthrough") and HINT not in prompt
        else None
    )
    with LLMServer(answer=answer, plan=garble, reasoning=True, reject_format="json_schema") as server:
        data = review(repo, server, capsys)
        bodies = list(server.bodies)
    assert {f["status"] for f in data["functions"]} == {"summarized"} and data["walkthrough"] == WALK
    answered = [b for b in bodies if "max_tokens" not in b and "temperature" not in b]
    packed = [b for b in answered if "[f" in user_prompt(b)]
    assert len(packed) == 1 and packed[0]["response_format"] == {"type": "json_object"}
    alone = [b for b in answered if HINT in user_prompt(b) and user_prompt(b).startswith("File:")]
    assert len(alone) == 3 and all("response_format" not in b for b in alone)
    assert {b["max_completion_tokens"] for b in alone} == {(40 + 160) * 3 // 2 + 25_000}
    walks = [b for b in answered if user_prompt(b).startswith("Walkthrough")]
    assert [b["max_completion_tokens"] for b in walks] == [220 + 25_000, 220 * 3 // 2 + 25_000]
    assert HINT + "cut at max_tokens." in user_prompt(walks[1])
