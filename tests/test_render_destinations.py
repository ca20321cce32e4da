"""One run, each destination its own text: the review file reads as text (as the model wrote it, minus what a
terminal would act on), the PR comment and the job summary are neutralized, the JSON carries the text as is.

A real repository, the real CLI, a loopback LLM server that answers with hostile text, a loopback GitHub API.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ariadne_hook.publish.github import MARKER
from tests.github_server import GitHubServer
from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.runner import clean_env, run_main

ANSWER = (
    "Returns \x1b[31ma -> b\x1b[0m for [x];\u200b now under @t.overload,\u202e with <b>bold</b> & "
    "*stars*, pings @octocat, fixes #12 GH-5 https://github.com/o/r/issues/1\U000e0041"
)
AS_IS = (
    "Returns a -> b for [x]; now under @t.overload, with <b>bold</b> & "
    "*stars*, pings @octocat, fixes #12 GH-5 https://github.com/o/r/issues/1"
)
ZWJ = "\u200d"


def test_each_destination_gets_its_own_text(tmp_path: Path, capsys: Any) -> None:
    repo = init_repo(tmp_path / "project")
    write(repo, "app.py", "def area(w, h):\n    return w * h\n")
    base = commit_all(repo, "base")
    write(repo, "app.py", "def area(w, h):\n    return abs(w * h)\n")
    head = commit_all(repo, "change")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}), encoding="utf-8")
    summary_file = tmp_path / "summary.md"
    with LLMServer(answer=lambda prompt: ANSWER) as llm, GitHubServer() as gh:
        gh.add_token("ghs_actions", "github-actions[bot]", kind="Bot", read_user=False)
        gh.add_pull(("octo", "app"), 7)
        env = clean_env(
            OPENAI_BASE_URL=llm.base_url,
            OPENAI_API_KEY="sk-test-not-real",
            GITHUB_API_URL=gh.api_url,
            GITHUB_TOKEN="ghs_actions",
            GITHUB_REPOSITORY="octo/app",
            GITHUB_EVENT_PATH=str(event),
            GITHUB_STEP_SUMMARY=str(summary_file),
        )
        argv = ["--range", f"{base}..{head}", "--no-cache", "--pr-comment", "--step-summary"]
        code, _, err = run_main([*argv, "-o", "review.md"], repo, env, capsys)
        assert code == 0, err
        comments = gh.comments(("octo", "app"), 7)
        code, out, err = run_main(["--range", f"{base}..{head}", "--no-cache", "--format", "json", "-o", "-"],
                                  repo, env, capsys)  # fmt: skip
        assert code == 0, err
    review = (repo / "review.md").read_text(encoding="utf-8")
    local = AS_IS.replace("<b>bold</b>", "\\<b>bold\\</b>")  # a tag shown, not run, in a local preview
    assert f"- **`area`** — modified · lines 1–2\n  {local}\n" in review
    for neutralized in ("-&gt;", "&lt;b&gt;", "&amp;", "\\[", "\\*", ZWJ, "\x1b", "\u202e", "\u200b"):
        assert neutralized not in review

    assert len(comments) == 1
    comment = comments[0]["body"]
    assert comment.startswith(MARKER) and comment.count(MARKER) == 1
    for form in (comment, summary_file.read_text(encoding="utf-8")):
        assert "a -&gt; b for \\[x]" in form and f"@{ZWJ}t.overload" in form and f"@{ZWJ}octocat" in form
        assert "&lt;b&gt;bold&lt;/b&gt; &amp;" in form
        assert f"#{ZWJ}12 GH-{ZWJ}5 https:{ZWJ}//github.com" in form
        assert not {"\x1b", "\u202e", "\u200b", "\U000e0041"} & set(form)

    entry = json.loads(out)["functions"][0]
    assert entry["summary"] == AS_IS


def test_file_names_that_hide_or_are_not_utf8_are_shown_and_written(tmp_path: Path, capsys: Any) -> None:
    repo = init_repo(tmp_path / "project")
    git(repo, "commit", "-q", "--allow-empty", "-m", "base")
    (repo / "src").mkdir()
    with open(os.fsencode(repo / "src") + b"/caf\xe9.py", "wb") as handle:  # a Latin-1 file name
        handle.write(b"def latin():\n    return 1\n")
    write(repo, "src/\x1b[31mred\u202eyp.py", "def red():\n    return 2\n")
    stage_all(repo)
    code, _, err = run_main([], repo, clean_env(), capsys)
    assert code == 0 and "internal error" not in err, err
    review = (repo / ".ariadne" / "review.md").read_text(encoding="utf-8")
    assert "### `src/caf\\xe9.py`" in review  # the byte that is not UTF-8, as git would show it
    assert "### `src/\\x1b[31mred\\u202eyp.py`" in review  # what would colour or reverse the line, visible
    code, out, err = run_main(["--format", "json", "-o", "-"], repo, clean_env(), capsys)
    paths = {f["path"] for f in json.loads(out)["functions"]}
    assert paths == {"src/caf\udce9.py", "src/\x1b[31mred\u202eyp.py"}  # exact: os.fsencode gives the file
    assert "\x1b" not in out and "\u202e" not in out


def test_the_commit_message_gets_the_plain_form() -> None:
    from ariadne_hook.models import FunctionChange, Report, SourceInfo, Stats, Summary
    from ariadne_hook.publish.commit_msg import message_text

    change = FunctionChange(
        "src/\u202eapp.py", None, "parse", "function", "modified", "python", (1, 2), (1, 2), None, None, ""
    )
    report = Report(SourceInfo("staged"), "openai", "m", (Summary(change, "summarized", ANSWER),), Stats(1))
    text = message_text(report)
    assert "- src/\\u202eapp.py: parse (modified)" in text
    assert " ".join(line.strip() for line in text.splitlines()[2:]) == AS_IS
