"""What a review shows is redacted as a request body is, in every sink: the PR comment and the job summary
(GitHub's servers), the merge-request note (GitLab's), the commit message (pushed history), the review file,
the JSON, the run's log, and whatever a host's target renders. Offline summaries quote changed lines (a
condition, git's hunk context, a call), and a model may write a secret: a real repository, the real CLI, a
loopback LLM server and loopback GitHub and GitLab APIs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.models import FunctionChange, Report, SourceInfo, Stats, Summary
from tests.github_server import GitHubServer
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer, default_answer
from tests.runner import clean_env, run_main

PASSWORD = "hunter2-Very-Secret-9"
CONN_PASSWORD = "Sup3rS3cret!x"
TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
SECRETS = (PASSWORD, CONN_PASSWORD, TOKEN)
BLANKS = "\n" * 5
PADDING = "".join(f"    step_{i} = {i}\n" for i in range(6))

FILES_OLD = {
    # a condition the offline summary quotes whole
    "app.py": "def connect(db):\n    return db.open()\n",
    # git's hunk context is a connection string: the file's offline line quotes it, cut at 60 characters
    "app.conf": f"conn = Server=db;Database=app;User Id=sa;Password={CONN_PASSWORD};\n"
    + "\n" * 5
    + "port = 1\n",
    # a file that does not parse: hunk entries, named after git's hunk context (a line holding a token)
    "broken.py": f'API_TOKEN = "{TOKEN}"\n' + PADDING + "x = (\n",
}
FILES_NEW = {
    "app.py": (
        f'def connect(db):\n    if db.password == "{PASSWORD}":\n        return db.open(retry=2)\n'
        "    return db.open()\n"
    ),
    "app.conf": FILES_OLD["app.conf"].replace("port = 1", "port = 2"),
    "broken.py": FILES_OLD["broken.py"] + "  2,\n",
}


def changed_repo(tmp_path: Path) -> tuple[Path, str, str]:
    repo = init_repo(tmp_path / "project")
    for path, text in FILES_OLD.items():
        write(repo, path, text)
    base = commit_all(repo, "base")
    for path, text in FILES_NEW.items():
        write(repo, path, text)
    return repo, base, commit_all(repo, "change")


SAID = 'checks password == "[REDACTED:password]" and sends [REDACTED:github-token] along'


def model_answer(prompt: str) -> str:
    """A model's answer that quotes both secrets, each entry's its own (one text for all is no summary)."""
    return f'{default_answer(prompt)} It checks password == "{PASSWORD}" and sends {TOKEN} along.'


def leaked(text: str) -> list[str]:
    """The secrets (or their first 8 characters) found in ``text``."""
    return [s for s in SECRETS if s[:8] in text]


def test_offline_quotes_of_secrets_reach_no_sink(tmp_path: Path, capsys: Any) -> None:
    repo, base, head = changed_repo(tmp_path)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}), encoding="utf-8")
    summary_file = tmp_path / "summary.md"
    with GitHubServer() as gh:
        gh.add_token("ghs_actions", "github-actions[bot]", kind="Bot", read_user=False)
        gh.add_pull(("octo", "app"), 7)
        env = clean_env(
            GITHUB_API_URL=gh.api_url,
            GITHUB_TOKEN="ghs_actions",
            GITHUB_REPOSITORY="octo/app",
            GITHUB_EVENT_PATH=str(event),
            GITHUB_STEP_SUMMARY=str(summary_file),
            HOME=str(tmp_path),
        )
        argv = ["--range", f"{base}..{head}", "--provider", "offline", "--no-cache"]
        code, _, err = run_main(
            [*argv, "--pr-comment", "--step-summary", "-o", "review.md"], repo, env, capsys
        )
        assert code == 0, err
        comment = gh.comments(("octo", "app"), 7)[0]["body"]
        code, out, err = run_main([*argv, "--format", "json", "-o", "-"], repo, env, capsys)
        assert code == 0, err
    review = (repo / "review.md").read_text(encoding="utf-8")
    sinks = {
        "PR comment": comment,
        "job summary": summary_file.read_text(),
        "review file": review,
        "JSON": out,
    }
    for name, text in sinks.items():
        assert leaked(text) == [], name
        assert text.count("[REDACTED:") >= 3, name  # each of the three was quoted, and redacted
    entries = {(f["path"], f["kind"]) for f in json.loads(out)["functions"]}
    assert {("app.py", "function"), ("app.conf", "file"), ("broken.py", "hunk")} <= entries


def test_the_commit_message_body_carries_no_quoted_secret(tmp_path: Path, capsys: Any) -> None:
    repo, _, _ = changed_repo(tmp_path)
    for path, text in FILES_OLD.items():  # the change again, staged this time
        write(repo, path, text)
    commit_all(repo, "back")
    for path, text in FILES_NEW.items():
        write(repo, path, text)
    stage_all(repo)
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("subject\n", encoding="utf-8")
    env = clean_env(ARIADNE_COMMIT_MSG="body", ARIADNE_COMMIT_MSG_ALL="1", HOME=str(tmp_path))
    argv = ["--provider", "offline", "--no-cache", "-o", "-", "--commit-msg-file", str(message)]
    code, _, err = run_main([*argv, "--commit-msg-source", "message"], repo, env, capsys)
    assert code == 0, err
    text = message.read_text(encoding="utf-8")
    assert "changed functions in 3 files" in text
    assert leaked(text) == [] and "[REDACTED:" in text


def test_a_models_text_and_walkthrough_are_redacted_in_every_sink(tmp_path: Path, capsys: Any) -> None:
    repo, base, head = changed_repo(tmp_path)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}), encoding="utf-8")
    with LLMServer(answer=model_answer) as llm, GitHubServer() as gh:
        gh.add_token("ghs_actions", "github-actions[bot]", kind="Bot", read_user=False)
        gh.add_pull(("octo", "app"), 7)
        env = clean_env(
            OPENAI_BASE_URL=llm.base_url,
            GITHUB_API_URL=gh.api_url,
            GITHUB_TOKEN="ghs_actions",
            GITHUB_REPOSITORY="octo/app",
            GITHUB_EVENT_PATH=str(event),
            ARIADNE_LLM_NON_CODE="1",  # more entries from the model: a walkthrough is asked
            HOME=str(tmp_path),
        )
        argv = ["--range", f"{base}..{head}", "--no-cache", "--format", "json", "-o", "-", "--pr-comment"]
        code, out, err = run_main(argv, repo, env, capsys)
        assert code == 0, err
        comment = gh.comments(("octo", "app"), 7)[0]["body"]
    report = json.loads(out)
    assert report["walkthrough"] and "[REDACTED:" in report["walkthrough"]
    assert any("It checks password" in f["summary"] for f in report["functions"])
    for text in (out, comment):
        assert leaked(text) == []
        plain = text.replace('\\"', '"').replace("\\[", "[")  # JSON's and GitHub markdown's escapes
        assert SAID in plain


def test_the_gitlab_merge_request_note_carries_no_secret(tmp_path: Path, capsys: Any) -> None:
    """The GitLab note (a sink the seam added): what the offline summaries quote, then what a model wrote
    (an entry and the walkthrough), reach the loopback GitLab's notes API redacted, in every request body."""
    from tests.gitlab_server import GitLabServer
    from tests.test_gitlab import BOT, BOT_ID, MR, PROJECT, WRITE, ci_env

    repo, base, head = changed_repo(tmp_path)
    with GitLabServer() as gl, LLMServer(answer=model_answer) as llm:
        gl.add_token(WRITE, BOT_ID, BOT)
        gl.add_merge_request(PROJECT, MR, path="group/app")
        env = clean_env(
            **ci_env(gl, CI_MERGE_REQUEST_DIFF_BASE_SHA=base, CI_COMMIT_SHA=head),
            OPENAI_BASE_URL=llm.base_url,
            ARIADNE_LLM_NON_CODE="1",  # more entries from the model: a walkthrough is asked
            HOME=str(tmp_path),
        )
        bodies: list[str] = []
        for provider in ("offline", "openai"):
            argv = ["--pr-comment", "--provider", provider, "--no-cache"]
            code, _, err = run_main(argv, repo, env, capsys)
            assert code == 0, err
            [sent] = [r.body["body"] for r in gl.requests if r.method in ("POST", "PUT")][len(bodies) :]
            bodies.append(sent)
        assert [r.method for r in gl.requests if r.method in ("POST", "PUT")] == ["POST", "PUT"]
    offline, model = bodies
    for text in bodies:
        assert leaked(text) == []
    assert offline.count("REDACTED:") >= 3  # each of the three was quoted, and redacted
    plain = model.replace("\u200d", "").replace("\\[", "[")  # GitLab's and GFM's defusing
    assert plain.count(SAID) >= 2  # the walkthrough and an entry


def test_every_target_is_handed_the_report_redacted(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host's target added later (here one that keeps the report it is given) never sees a secret, whatever
    it renders: the publish seam hands every target the redacted report, not only ``render_markdown``'s
    callers. Its texts: each entry's text, name and references' lines, and the walkthrough."""
    import sys
    import types

    from ariadne_hook import publish

    handed: list[Report] = []

    class Keeper:
        def publish(self, report: Report, review_path: Path | None) -> publish.Published:
            handed.append(report)
            return publish.Published(("kept the report",))

    module = types.ModuleType(f"{publish.__name__}.keeper")
    module.__dict__.update(
        detected=lambda env: env.get("KEEPER_CI") == "true", target=lambda env, **_: Keeper()
    )
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(publish, "TARGETS", ("keeper", *publish.TARGETS))
    repo, base, head = changed_repo(tmp_path)
    env = clean_env(KEEPER_CI="true", HOME=str(tmp_path))
    argv = ["--range", f"{base}..{head}", "--provider", "offline", "--no-cache", "--pr-comment", "-o", "-"]
    code, _, err = run_main(argv, repo, env, capsys)
    assert code == 0 and "kept the report" in err, err
    [report] = handed
    texts = [t for s in report.summaries for t in (s.text, s.change.qualname)]
    texts += [r.text for s in report.summaries if s.references for r in s.references.items]
    shown = "\n".join([*texts, report.walkthrough or ""])
    assert leaked(shown) == [] and shown.count("[REDACTED:") >= 3


def test_the_runs_log_shows_a_hunks_name_redacted(tmp_path: Path, capsys: Any) -> None:
    """--verbose lists what fell back by name; in Actions these lines are the job's log, on GitHub."""
    repo, base, head = changed_repo(tmp_path)
    with LLMServer(fault="500") as llm:
        env = clean_env(OPENAI_BASE_URL=llm.base_url, ARIADNE_RETRIES="0", HOME=str(tmp_path))
        argv = ["--range", f"{base}..{head}", "--no-cache", "--verbose", "-o", "-"]
        code, out, err = run_main(argv, repo, env, capsys)
    assert code == 0
    assert "fallback: broken.py: hunk at line" in err
    assert leaked(err) == [] and leaked(out) == []


def test_the_secret_corpus_reaches_no_offline_review(tmp_path: Path, capsys: Any) -> None:
    """Every planted secret of the corpus, summarized offline: none is in the review, whole or in part, also
    where the summary quotes a value without the name that made it a secret (``["…"].pack`` of a
    ``signing_key``)."""
    from tests.secret_corpus import PLANTS, leaks, write_corpus

    repo = init_repo(tmp_path / "corpus")
    write(repo, "README.md", "x\n")
    commit_all(repo)
    write_corpus(repo, PLANTS)
    stage_all(repo)
    env = clean_env(HOME=str(tmp_path))
    argv = ["--provider", "offline", "--no-cache", "--deadline", "120", "-o", "-"]
    code, markdown, err = run_main(argv, repo, env, capsys)
    assert code == 0, err
    code, out, err = run_main([*argv, "--format", "json"], repo, env, capsys)
    assert code == 0, err
    assert [(p.form, p.value) for p in leaks(PLANTS, [json.loads(out), markdown])] == []


# --- the pieces ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('+    if db.password == "hunter2-Very-Secret-9":', {"hunter2-Very-Secret-9"}),
        ("@@ -4,4 +4,4 @@ conn = Server=db;User Id=sa;Password=Sup3rS3cret!x;", {"Sup3rS3cret!x"}),
        ('+x = f(token="ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", b=1)', {TOKEN}),
        ("+    return a + b", set()),
    ],
)
def test_secrets_of_a_line_are_the_values_redaction_replaced(line: str, expected: set[str]) -> None:
    from ariadne_hook.render.redacted import secrets_of
    from ariadne_hook.summarize.redact import redact

    assert secrets_of(line, redact(line)) == expected


def test_a_report_that_quotes_nothing_is_the_same_object() -> None:
    from ariadne_hook.render.redacted import redacted

    change = FunctionChange("a.py", None, "f", "function", "modified", "python", (1, 2), (1, 2), "", "", "")
    report = Report(SourceInfo("staged"), "offline", None, (Summary(change, "skipped", ""),), Stats())
    assert redacted(report) is report
