"""The model path against a real server: llama.cpp's own HTTP server (xllamacpp) with SmolLM2-135M-Instruct,
one server for the whole test run (the session fixture ``llama`` in conftest.py, started by the first test
here), driven through the real CLI, a real `git commit` and `LLMClient`.

A 135M model garbles much of what it writes (ids echoed, dates, code, loops, answers cut at max_tokens):
these tests assert mechanics and honesty, never prose quality. Exit 0; every changed function is in the
report; whatever is "summarized" passes the classifier (`answers.judge`) and no two entries share a
text; every fallback carries a reason; the counts of the JSON and of the result line agree.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.summarize import answers
from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.llama_server import CTX_PER_SLOT, PARALLEL, LlamaServer
from tests.runner import clean_env, run_main

ROOT = Path(__file__).resolve().parents[1]
NO_CALL = "no LLM call"

SHOP = '''"""A tiny shop."""

TAX = 0.2


def price_with_tax(price):
    return price * (1 + TAX)


def discount(price, percent):
    return price - price * percent / 100


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, price):
        self.items.append((name, price))

    def remove(self, name):
        self.items = [i for i in self.items if i[0] != name]

    def total(self):
        return sum(p for _, p in self.items)


def parse_price(text):
    return float(text)


def format_price(value):
    return "%.2f" % value


def load_catalog(path):
    with open(path) as f:
        return [line.split(",") for line in f]


def cheapest(items):
    return min(items, key=lambda i: i[1])
'''
NEW_SHOP = '''"""A tiny shop."""

TAX = 0.2


def price_with_tax(price, tax=TAX):
    if price < 0:
        raise ValueError("negative price")
    return round(price * (1 + tax), 2)


def discount(price, percent):
    percent = max(0, min(percent, 100))
    return price - price * percent / 100


class Cart:
    def __init__(self, owner=None):
        self.items = []
        self.owner = owner

    def add(self, name, price, quantity=1):
        for _ in range(quantity):
            self.items.append((name, price))

    def remove(self, name):
        before = len(self.items)
        self.items = [i for i in self.items if i[0] != name]
        return before - len(self.items)

    def total(self):
        return round(sum(p for _, p in self.items), 2)


def parse_price(text):
    text = text.strip().replace(",", ".")
    return float(text.lstrip("$"))


def format_price(value, currency="$"):
    return f"{currency}{value:.2f}"


def load_catalog(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\\n").split(",") for line in f if line.strip()]


def cheapest(items):
    if not items:
        return None
    return min(items, key=lambda i: i[1])
'''
TEN = {
    "price_with_tax",
    "discount",
    "Cart.__init__",
    "Cart.add",
    "Cart.remove",
    "Cart.total",
    "parse_price",
    "format_price",
    "load_catalog",
    "cheapest",
}
STAGED_OLD = (
    "def greet(name):\n    return 'hi ' + name\n\n\n"
    "def shout(text):\n    return text.upper()\n\n\n"
    "def whisper(text):\n    return text\n"
)
STAGED_NEW = (  # three bodies changed, nothing outside them: three entries
    "def greet(name, punctuation='!'):\n    return 'hi ' + name + punctuation\n\n\n"
    "def shout(text):\n    return text.upper() + '!!'\n\n\n"
    "def whisper(text):\n    return text.lower()\n"
)


def settings_env(llama: LlamaServer) -> dict[str, str]:
    """The settings of a user with a small local server: two requests at a time (its two slots), generous
    time (a busy 2-core CPU), no cache. The prompt budget is the default, which fits a 2k-token slot with
    room for the answers."""
    return {
        "OPENAI_BASE_URL": llama.base_url,
        "ARIADNE_MODEL": "smollm2-135m",
        "ARIADNE_MAX_WORKERS": str(PARALLEL),
        "ARIADNE_TIMEOUT": "300",
        "ARIADNE_DEADLINE": "900",
        "ARIADNE_CACHE": "off",
    }


def review_json(repo: Path, llama: LlamaServer, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run_main(
        ["--format", "json", "-o", "-", *args], repo, clean_env(**settings_env(llama)), capsys
    )
    assert code == 0, err
    data = json.loads(out)
    data["_line"] = err.strip().splitlines()[-1] if err.strip() else ""
    return data


def model_texts(data: Any) -> dict[str, str]:
    """qualname -> summary, for the entries the model summarized (not those made offline without a call)."""
    return {
        f["qualname"]: f["summary"]
        for f in data["functions"]
        if f["status"] in ("summarized", "cached") and not (f["reason"] or "").endswith(NO_CALL)
    }


def assert_honest(data: Any, expected: set[str]) -> None:
    entries = data["functions"]
    assert {f["qualname"] for f in entries} >= expected  # every changed function is in the report
    texts = model_texts(data)
    for name, text in texts.items():
        judged = answers.judge(text)
        assert judged.ok, f"{name}: {text!r} was called summarized but is no summary ({judged.problem})"
    assert not answers.duplicates(texts), f"the same text for several entries: {texts}"
    for f in entries:
        if f["status"] == "fallback":
            assert f["reason"] and f["summary"], f  # the offline text, and why
    stats = data["stats"]
    by_status = {
        s: sum(f["status"] == s for f in entries) for s in ("summarized", "cached", "fallback", "skipped")
    }
    assert {k: stats[k] for k in by_status} == by_status and stats["functions"] == len(entries)
    rejected = [f for f in entries if f["status"] == "fallback" and f["reason"].startswith(answers.REJECTED)]
    assert stats["rejected"] == len(rejected)
    if stats["rejected"]:  # the run's notes say it too
        assert any("no summary, even asked again" in note for note in data["notes"]), data["notes"]
    line = data["_line"]
    print(f"\n{line}\n  reasons: {sorted((f['reason'] or '') for f in entries)}")
    if line is None:
        return
    assert f"{stats['summarized']} summarized" in line, line
    if stats["rejected"]:
        assert f"{stats['rejected']} rejected" in line, line
    other = stats["fallback"] - stats["rejected"]
    assert (f"{other} fallback" in line) == bool(other), line


@pytest.fixture
def shop_range(tmp_path: Path) -> tuple[Path, str]:
    repo = init_repo(tmp_path / "shop")
    write(repo, "shop.py", SHOP)
    base = commit_all(repo, "base")
    write(repo, "shop.py", NEW_SHOP)
    head = commit_all(repo, "change")
    return repo, f"{base}..{head}"


def test_the_server_is_the_small_local_one(llama: LlamaServer) -> None:
    props = llama.get("/props")
    assert props["total_slots"] == PARALLEL >= 2
    assert props["default_generation_settings"]["n_ctx"] == CTX_PER_SLOT


def test_a_range_of_ten_functions_and_its_walkthrough(
    llama: LlamaServer, shop_range: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, spec = shop_range
    data = review_json(repo, llama, capsys, "--range", spec)
    assert {f["qualname"] for f in data["functions"]} == TEN
    assert data["stats"]["requests"] >= 2 and data["stats"]["completion_tokens"] > 0  # the model was asked
    assert_honest(data, TEN)
    walk = data["walkthrough"]
    if walk is not None:
        judged = answers.judge(walk, kind=answers.WALKTHROUGH)
        assert judged.ok, f"walkthrough {walk!r}: {judged.problem}"
    elif len(model_texts(data)) >= 2:  # asked: why there is none is noted
        assert any(n.startswith("walkthrough failed (") for n in data["notes"]), data["notes"]


def test_a_staged_change(llama: LlamaServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = init_repo(tmp_path / "staged")
    write(repo, "words.py", STAGED_OLD)
    commit_all(repo)
    write(repo, "words.py", STAGED_NEW)
    stage_all(repo)
    data = review_json(repo, llama, capsys)
    assert {f["qualname"] for f in data["functions"]} == {"greet", "shout", "whisper"}
    assert data["source"]["kind"] == "staged"
    assert_honest(data, {"greet", "shout", "whisper"})


ADDED = "def is_even(n):\n    return n % 2 == 0\n\n\ndef area(r):\n    return 3.14159 * r * r\n"
HOOK = f"""#!/bin/sh
exec "{sys.executable}" -m ariadne_hook --commit-msg-file "$1" --commit-msg-source "$2" --commit-subject
"""
EDITOR = f"""#!{sys.executable}
import os, shutil, sys
shutil.copy(sys.argv[1], os.environ["EDITOR_SEEN"])
"""


def test_a_commit_subject_through_a_real_git_commit(
    llama: LlamaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "commit")
    write(repo, "words.py", STAGED_OLD)
    commit_all(repo)
    # new functions: what this model summarizes best, so a subject is asked. (Not numbers.py: `python -m`
    # puts the working directory first on sys.path, and the repository's file would shadow the stdlib's)
    write(repo, "parity.py", ADDED)
    stage_all(repo)
    for name, body in (("prepare-commit-msg", HOOK), ("editor", EDITOR)):
        target = repo / ".git" / "hooks" / name
        target.write_text(body, encoding="utf-8")
        target.chmod(target.stat().st_mode | stat.S_IEXEC)
    for key in list(os.environ):
        if key.startswith(("ARIADNE_", "OPENAI_", "GITHUB_")):
            monkeypatch.delenv(key)
    for key, value in {**settings_env(llama), "ARIADNE_FORMAT": "json"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("GIT_EDITOR", str(repo / ".git" / "hooks" / "editor"))
    monkeypatch.setenv("EDITOR_SEEN", str(tmp_path / "seen.txt"))
    git(repo, "commit", "-q", "--allow-empty-message")  # the hook never blocks; no subject is an empty one
    message = (tmp_path / "seen.txt").read_text(encoding="utf-8")
    subject = message.split("\n", 1)[0]
    review = json.loads((repo / ".ariadne" / "review.json").read_text(encoding="utf-8"))
    assert_honest({**review, "_line": None}, {"is_even", "area"})  # the hook's result line is git's
    if subject:  # proposed: a whole imperative line, never cut
        judged = answers.judge(subject, kind=answers.SUBJECT)
        assert judged.ok and judged.text == subject, f"subject {subject!r}: {judged.problem}"
        assert git(repo, "log", "-1", "--format=%s").strip() == subject
    else:  # nothing invented (the summaries are comment lines), and the review says why
        assert message.startswith("\n#"), message
        why = ("commit subject failed (", "walkthrough not asked: no summary came from the model")
        assert any(n.startswith(why) for n in review["notes"]), review["notes"]
    statuses = [(f["qualname"], f["status"], f["reason"]) for f in review["functions"]]
    print(f"\nsubject: {subject!r}; notes: {review['notes']}; {statuses}")


def test_walkthrough_and_subject_asked_directly(llama: LlamaServer, tmp_path: Path) -> None:
    """The walkthrough and the subject requests, whatever the function summaries were: each answer is a
    walkthrough / a whole imperative line, or a reason (a rejected one asked again once)."""
    from ariadne_hook.config import Settings
    from ariadne_hook.summarize.overview import SUBJECT, WALKTHROUGH, ask_overview

    prompt = (
        "Facts:\n- Changed: 3 functions (3 modified) in 1 file.\n\nFunction summaries:\n"
        "- words.py: greet (modified function): greet takes a punctuation argument, '!' by default, and"
        " appends it to the greeting.\n"
        "- words.py: shout (modified function): shout now appends two exclamation marks.\n"
        "- words.py: whisper (modified function): whisper now lowercases the text it returns."
    )
    settings = Settings(base_url=llama.base_url, model="smollm2-135m", timeout=300, cache=False)
    asked = ask_overview([WALKTHROUGH, SUBJECT], prompt, settings, None, time.monotonic() + 600)
    assert set(asked.texts) | set(asked.failed) == {WALKTHROUGH, SUBJECT} and 2 <= asked.requests <= 4
    for kind, text in asked.texts.items():
        judged = answers.judge(text, kind=kind)
        assert judged.ok and judged.text == text, (kind, text, judged.problem)
    assert all(
        reason.startswith(answers.REJECTED) or reason == answers.EMPTY for reason in asked.failed.values()
    )
    rejected = sum(reason.startswith(answers.REJECTED) for reason in asked.failed.values())
    assert asked.requests >= 2 + rejected  # a rejected answer was asked again before it was given up
    print(f"\nwalkthrough and subject: {asked.texts} {asked.failed} ({asked.requests} requests)")


def test_llm_client_batch(llama: LlamaServer) -> None:
    from ariadne_hook.summarize.client import NOT_AVAILABLE, LLMClient

    items = [
        {"code": "def area(r):\n    return 3.14159 * r * r\n", "context": "geometry helpers"},
        {"code": "def is_even(n):\n    return n % 2 == 0\n"},
        {"code": "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n", "context": None},
    ]
    with LLMClient("smollm2-135m", base_url=llama.base_url, timeout=300) as client:
        results = client.batch_generate_summaries(items, concurrent_limit=PARALLEL)
    assert len(results) == len(items)
    for item, text in zip(items, results, strict=True):
        assert text == NOT_AVAILABLE or answers.judge(text).ok, (item, text)
    print(f"\nLLMClient: {results}")
