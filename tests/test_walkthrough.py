"""The model's walkthrough and the proposed commit subject (issue 13 items 2 and 3), against the loopback
model server: one more request whose input is the function summaries and the offline facts, never the code."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from ariadne_hook.config import Settings
from ariadne_hook.console import NO_CALL
from ariadne_hook.models import CACHED, FALLBACK, SKIPPED, SUMMARIZED, FunctionChange, Summary
from ariadne_hook.publish.commit_msg import BEGIN
from ariadne_hook.summarize.overview import LEGEND, WALKTHROUGH, ask_overview, overview_input
from ariadne_hook.summarize.overview import SUBJECT as SUBJECT_KIND
from ariadne_hook.summarize.route import NON_CODE, TRIVIAL
from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.llm_server import LLMServer, default_answer, user_prompt
from tests.runner import clean_env, run_main

ROOT = Path(__file__).resolve().parents[1]
LIB = "def old_api(x):\n    secret_sauce = x * 41\n    return secret_sauce + 1\n\n\n"
LIB += "def keep(y):\n    return y\n"
NEW_LIB = "def keep(y):\n    return y - 1\n\n\n"
NEW_LIB += "def new_pub(z):\n    unique_body_line = z * 3\n    return unique_body_line\n"
WALK = "This change retires old_api in favour of new_pub and adjusts keep."
SUBJECT = "Replace old_api with new_pub"


def answer(prompt: str) -> str | None:
    if prompt.startswith("[overview]"):  # asked along with the summaries: this model leaves it out, so the
        return None  # walkthrough is asked after them (what this module tests; test_rider.py: along)
    if prompt.startswith("Walkthrough"):
        return WALK
    if prompt.startswith("Commit subject"):
        return f'"{SUBJECT}."'
    return default_answer(prompt)  # each function its own summary (the same text twice is no summary)


def is_overview(body: object) -> bool:
    return user_prompt(body).startswith(("Walkthrough", "Commit subject"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    write(root, "lib.py", LIB)
    write(root, "use.py", "from lib import old_api\n\nprint(old_api(1))\n")
    commit_all(root)
    write(root, "lib.py", NEW_LIB)
    stage_all(root)
    return root


def review(repo: Path, server: LLMServer, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    env = clean_env(OPENAI_BASE_URL=server.base_url)
    code, out, err = run_main(["-o", "-", *args], repo, env, capsys)
    assert code == 0, err
    return out


def test_walkthrough_from_summaries_not_code(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LLMServer(answer=answer) as server:
        data = json.loads(review(repo, server, capsys, "--format", "json", "--max-workers", "1"))
        walks = [b for b in server.bodies if is_overview(b)]
    assert data["walkthrough"] == WALK
    assert data["overview"].startswith(WALK + "\n\nChanged: ")
    assert "⚠ old_api deleted — still used at use.py:1, use.py:3" in data["overview"]
    assert len(walks) == 1 and data["stats"]["requests"] == server.requests
    prompt = user_prompt(walks[0])
    assert "This change updates old_api." in prompt and "This change updates keep." in prompt  # the summaries
    assert (
        "Public API: added new_pub; removed old_api" in prompt and "use.py:3" in prompt
    )  # the offline facts
    for line in (LIB + NEW_LIB).split("\n"):
        if line.strip() and not line.startswith("def "):
            assert line.strip() not in prompt, line  # no function body line: not the code again
    assert data["stats"]["prompt_tokens"] > 0


def test_walkthrough_is_cached_and_on_top(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LLMServer(answer=answer) as server:
        review(repo, server, capsys)
        asked = server.requests
        second = review(repo, server, capsys)
        assert server.requests == asked  # the second run: every answer from the cache, the walkthrough too
    top = second.index("### Overview")
    assert top < second.index("### `lib.py`")
    assert second.index(f"**Walkthrough:** {WALK}") > top


def test_failing_walkthrough_keeps_the_offline_overview(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = lambda _i, prompt: "500" if prompt.startswith("Walkthrough") else None  # noqa: E731
    with LLMServer(answer=answer, plan=plan) as server:
        data = json.loads(review(repo, server, capsys, "--format", "json"))
    assert data["walkthrough"] is None
    assert data["overview"].startswith("Changed: ")
    assert "walkthrough failed (HTTP 500): the overview is the offline one" in data["notes"]
    assert data["stats"]["fallback"] == 0  # the function summaries are the model's


def test_no_summary_from_the_model_no_walkthrough(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LLMServer(fault="hang") as server:
        data = json.loads(review(repo, server, capsys, "--format", "json", "--deadline", "1"))
        assert not [b for b in server.bodies if is_overview(b)]  # the deadline was spent: not asked
    assert data["walkthrough"] is None and data["overview"].startswith("Changed: ")
    assert "walkthrough not asked: no summary came from the model" in data["notes"]


def test_no_time_left_no_request(tmp_path: Path) -> None:
    with LLMServer(answer=answer) as server:
        settings = Settings(base_url=server.base_url)
        asked = ask_overview([WALKTHROUGH, SUBJECT_KIND], "facts", settings, tmp_path, time.monotonic() - 1)
        assert server.requests == 0
    assert asked.failed == {WALKTHROUGH: "deadline", SUBJECT_KIND: "deadline"} and asked.texts == {}


def test_answers_are_cached_per_kind(tmp_path: Path) -> None:
    with LLMServer(answer=answer) as server:
        settings = Settings(base_url=server.base_url)
        first = ask_overview([WALKTHROUGH], "facts", settings, tmp_path, time.monotonic() + 30)
        both = ask_overview([WALKTHROUGH, SUBJECT_KIND], "facts", settings, tmp_path, time.monotonic() + 30)
        assert server.requests == 2 and first.requests == 1 and both.requests == 1  # only the subject asked
    assert both.texts == {WALKTHROUGH: WALK, SUBJECT_KIND: SUBJECT} and both.prompt_tokens > 0  # the line


# prepare-commit-msg: a real `git commit` through a real hook that runs the CLI ---------------------------
HOOK = f"""#!/bin/sh
exec "{sys.executable}" -m ariadne_hook --commit-msg-file "$1" --commit-msg-source "$2" --commit-subject
"""
EDITOR = f"""#!{sys.executable}
import os, shutil, sys
shutil.copy(sys.argv[1], os.environ["EDITOR_SEEN"])
"""


@pytest.fixture
def hooked(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, body in (("prepare-commit-msg", HOOK), ("editor", EDITOR)):
        target = repo / ".git" / "hooks" / name
        target.write_text(body, encoding="utf-8")
        target.chmod(target.stat().st_mode | stat.S_IEXEC)
    for key in list(os.environ):
        if key.startswith(("ARIADNE_", "OPENAI_", "GITHUB_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("GIT_EDITOR", str(repo / ".git" / "hooks" / "editor"))
    monkeypatch.setenv("EDITOR_SEEN", str(tmp_path / "seen.txt"))
    return repo


def seen(repo: Path) -> str:
    return (repo.parent / "seen.txt").read_text(encoding="utf-8")


def test_commit_gets_a_proposed_subject(hooked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with LLMServer(answer=answer) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        git(hooked, "commit", "-q")
    message = seen(hooked)
    assert message.startswith(f"{SUBJECT}\n\n#")  # cleaned: no quotes, no final period
    assert f"# {BEGIN}" in message
    assert git(hooked, "log", "-1", "--format=%B") == f"{SUBJECT}\n\n"  # the editor kept it


def test_dash_m_message_is_untouched(hooked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with LLMServer(answer=answer) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        git(hooked, "commit", "-q", "-m", "my own words")
        assert not [b for b in server.bodies if user_prompt(b).startswith("Commit subject")]
    assert git(hooked, "log", "-1", "--format=%B") == "my own words\n\n"


def test_offline_commit_has_no_subject(hooked: Path) -> None:
    git(hooked, "commit", "-q", "--allow-empty-message")
    message = seen(hooked)
    assert message.startswith("\n#") and f"# {BEGIN}" in message


def test_excluded_files_are_not_named_to_the_model(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "private_conf.py", "def token():\n    return 'abc'\n")
    stage_all(repo)
    with LLMServer(answer=answer) as server:
        data = json.loads(review(repo, server, capsys, "--format", "json", "--exclude", "private_conf.py"))
        sent = json.dumps(server.bodies)
    assert data["walkthrough"] == WALK
    assert "Skipped: private_conf.py" in data["overview"]  # the review names it...
    assert "private_conf" not in sent  # ...the model never hears of it


def test_ctrl_c_during_the_walkthrough_writes_the_review_and_exits_130(repo: Path) -> None:
    import signal
    import subprocess

    plan = lambda _i, prompt: "hang" if prompt.startswith("Walkthrough") else None  # noqa: E731
    with LLMServer(answer=answer, plan=plan) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, PYTHONPATH=str(ROOT))
        cmd = [sys.executable, "-m", "ariadne_hook", "--format", "json", "--no-cache", "--deadline", "60"]
        proc = subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(600):  # until the walkthrough request is in flight (bounded: 30 s)
            if any(is_overview(b) for b in list(server.bodies)) or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert any(is_overview(b) for b in server.bodies), "the run reached the walkthrough"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    data = json.loads((repo / ".ariadne" / "review.json").read_text())
    assert data["walkthrough"] is None and data["overview"].startswith("Changed: ")
    assert {f["status"] for f in data["functions"] if f["kind"] == "function"} == {"summarized"}


# what the walkthrough request may carry: never file content ---------------------------------------------
CONF_SECRET = "Zq8-only-in-app-conf"
CONF = (
    "[database]\nConnectionString=Server=db;Pwd=" + CONF_SECRET + ";Database=app;User Id=svc;\n"
    + "".join(f"# setting {i}\n" for i in range(8))
    + "timeout = 30\n"
)  # fmt: skip


def test_a_non_code_file_reaches_the_walkthrough_as_facts_only(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A config file's offline line quotes git's hunk context (here a connection string): the review shows
    it redacted, the walkthrough request does not carry it. The model hears the file's path, change and
    counts."""
    write(repo, "lib.py", LIB)
    write(repo, "app.conf", CONF)
    commit_all(repo, "conf")
    write(repo, "lib.py", NEW_LIB)
    write(repo, "app.conf", CONF.replace("timeout = 30", "timeout = 31"))
    stage_all(repo)
    with LLMServer(answer=answer) as server:
        data = json.loads(review(repo, server, capsys, "--format", "json", "--no-cache"))
        walks = [user_prompt(b) for b in server.bodies if is_overview(b)]
        sent = json.dumps(server.bodies)
    conf = next(f for f in data["functions"] if f["path"] == "app.conf")
    assert "Pwd=[REDACTED:" in conf["summary"]  # the offline line quotes the hunk context, redacted
    assert CONF_SECRET not in conf["summary"]
    assert data["walkthrough"] == WALK and len(walks) == 1
    assert CONF_SECRET not in sent and "Pwd=" not in sent
    assert "\napp.conf:\n- <file> (modified file, +1 -1)\n" in walks[0] + "\n"


def summary(qualname: str, status: str, text: str, reason: str | None = None, **kw: object) -> Summary:
    values: dict[str, object] = {
        "path": "src/app.py", "old_path": None, "qualname": qualname, "kind": "function",
        "change": "modified", "language": "python", "old_lines": (10, 12), "new_lines": (10, 13),
        "old_source": None, "new_source": None, "diff": "@@ -10,3 +10,4 @@ x\n a\n-b\n+c\n+d\n",
    }  # fmt: skip
    values.update(kw)
    return Summary(FunctionChange(**values), status, text, reason)  # type: ignore[arg-type]


def test_walkthrough_input_holds_the_models_answers_and_no_offline_text() -> None:
    rows = [
        summary("model_said", SUMMARIZED, "Model answer one."),
        summary("cached_said", CACHED, "Model answer two."),
        summary("fell_back", FALLBACK, "Value changed: token `s3cr3t-literal` → `other`.", "HTTP 500"),
        summary("trimmed", SUMMARIZED, "Line `pw = 'offline-quote'` became ….", f"budget: {NO_CALL}"),
        summary("hunk at line 10: Pwd=hunk-context;", FALLBACK, "x", "HTTP 500", kind="hunk"),
        summary(
            "<file>",
            SUMMARIZED,
            "File modified: At line 10 (Pwd=file-context;).",
            NON_CODE,
            path="app.conf",
            kind="file",
            language="text",
        ),  # fmt: skip
        summary("<file>", SKIPPED, "", "excluded by '.npmrc'", path=".npmrc", kind="file"),
        summary("tidy", SUMMARIZED, "Only comments changed.", TRIVIAL, trivial=True),
    ]
    rows[0] = replace(rows[0], text="Model answer one. Its second sentence is left out: the review has it.")
    prompt = overview_input(rows, ["Changed: 6 functions."], 12_000, ())
    assert prompt.split("\n") == [  # each path once; the first sentence of a summary the model wrote
        "Facts:",
        "- Changed: 6 functions.",
        "",
        f"{LEGEND}, first sentence of the summary:",
        "src/app.py:",
        "- model_said (+2 -1): Model answer one.",
        "- cached_said (+2 -1): Model answer two.",
        "- fell_back (+2 -1)",
        "- trimmed (+2 -1)",
        "- hunk at line 10 (modified hunk, +2 -1)",
        "app.conf:",
        "- <file> (modified file, +2 -1)",
    ]


def test_credential_files_never_reach_the_model(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Excluded by default like .env, even when non-code files are sent: listed as skipped, never read."""
    secrets = {
        ".npmrc": "//registry.npmjs.org/:_authToken=npm-tok-only-here\n_auth=dXNlcjpwYXNzLW9ubHktaGVyZQ==\n",
        ".pypirc": "[pypi]\nusername = __token__\npassword = pypi-pass-only-here\n",
        "ops/.netrc": "machine example.com login me password netrc-pass-only-here\n",
        ".docker/config.json": '{"auths": {"r.example": {"auth": "ZG9ja2VyLW9ubHktaGVyZQ=="}}}\n',
    }
    for path, text in secrets.items():
        write(repo, path, text)
    stage_all(repo)
    env = clean_env(OPENAI_BASE_URL="", ARIADNE_LLM_NON_CODE="1")
    with LLMServer(answer=answer) as server:
        env["OPENAI_BASE_URL"] = server.base_url
        code, out, err = run_main(["-o", "-", "--format", "json", "--no-cache"], repo, env, capsys)
        sent = json.dumps(server.bodies)
    assert code == 0, err
    skipped = {f["path"]: f["reason"] for f in json.loads(out)["functions"] if f["status"] == "skipped"}
    assert set(skipped) == set(secrets), skipped
    assert all(reason.startswith("excluded by") for reason in skipped.values())
    for value in ("only-here", "dXNlcjpw", "ZG9ja2Vy", "npmrc", "pypirc", "netrc"):
        assert value not in sent, value
