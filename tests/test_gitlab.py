"""GitLab merge-request notes against the loopback GitLab API: one sticky note, created then updated in place,
found across pages; someone else's note left alone; a token that may not write only warns; GitLab's markdown
(references, quick actions) defused; the range a merge-request pipeline reviews."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings

from ariadne_hook.models import Summary
from ariadne_hook.publish import MARKER, gitlab
from ariadne_hook.render.markdown import COLLAPSE_OVER, GITHUB, render_markdown
from ariadne_hook.source import merge_request
from tests.gitlab_server import GitLabServer, quick_actions
from tests.gitutil import commit_all, git, init_repo, write
from tests.llm_server import LLMServer
from tests.runner import clean_env, run_main
from tests.test_action import ROOT, assert_a_release_of_this_repository, readme_pin, run, snippet, tool
from tests.test_render_safety import (
    ALLOWED,
    ANSWERS,
    HOSTILE_ANSWERS,
    HOSTILE_PATHS,
    HOSTILE_TEXT,
    STRUCTURE_ANSWERS,
    assert_same_structure,
    assert_structure,
    change,
    hostile_report,
    report,
    unsafe,
)
from tests.test_render_safety import parse as parse_gfm

PROJECT, MR = 42, 5
BOT, BOT_ID = "project_42_bot_3f9a", 901  # a project access token's user
WRITE = "glpat-writeTOKENsecret123"
READ_ONLY = "glpat-readonlyTOKENsecret456"  # a Guest-role token: reads notes, may not comment
NO_USER = "glpat-nouserTOKENsecret789"  # may comment, but not read /user
BASE, HEAD = "a" * 40, "b" * 40


@pytest.fixture
def gl() -> Iterator[GitLabServer]:
    with GitLabServer() as server:
        server.add_token(WRITE, BOT_ID, BOT)
        server.add_token(READ_ONLY, BOT_ID, BOT, write=False)
        server.add_token(NO_USER, BOT_ID, BOT, read_user=False)
        server.add_merge_request(PROJECT, MR, path="group/app")
        yield server


def ci_env(gl: GitLabServer, token: str = WRITE, **extra: str) -> dict[str, str]:
    """What GitLab sets in a merge-request pipeline's job (and the masked token variable)."""
    return {
        "GITLAB_CI": "true",
        "CI": "true",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_API_V4_URL": gl.api_url,
        "CI_PROJECT_ID": str(PROJECT),
        "CI_MERGE_REQUEST_PROJECT_ID": str(PROJECT),
        "CI_MERGE_REQUEST_IID": str(MR),
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": BASE,
        "CI_COMMIT_SHA": HEAD,
        "GITLAB_TOKEN": token,
        **extra,
    }


def ours(gl: GitLabServer) -> list[dict[str, Any]]:
    return [n for n in gl.notes(PROJECT, MR) if str(n["body"]).startswith(MARKER)]


# the sticky note ----------------------------------------------------------------------------------------
def test_first_run_creates_then_second_run_updates_the_same_note(gl: GitLabServer) -> None:
    first = gitlab.publish_mr_note("## Review\n\none", ci_env(gl))
    assert first.startswith("created note ")
    second = gitlab.publish_mr_note("## Review\n\ntwo", ci_env(gl))
    notes = ours(gl)
    assert len(notes) == 1 and notes[0]["author"]["id"] == BOT_ID
    assert second == f"updated note {notes[0]['id']}" == first.replace("created", "updated")
    assert notes[0]["body"] == f"{MARKER}\n## Review\n\ntwo"
    assert len(gl.calls("POST")) == 1 and len(gl.calls("PUT")) == 1
    assert all(r.path.startswith("/api/v4/") for r in gl.requests)
    assert all(r.private_token == WRITE and r.authorization is None for r in gl.requests)
    listing = gl.calls("GET")[1]
    assert listing.path == f"/api/v4/projects/{PROJECT}/merge_requests/{MR}/notes"
    assert listing.query == {"per_page": ["100"], "page": ["1"], "sort": ["asc"], "order_by": ["created_at"]}


@pytest.mark.parametrize("links", [True, False], ids=["Link header", "X-Next-Page only"])
def test_notes_are_paged_through_to_find_ours(links: bool) -> None:
    with GitLabServer(links=links) as gl:
        gl.add_token(WRITE, BOT_ID, BOT)
        gl.add_merge_request(PROJECT, MR)
        for i in range(230):
            gl.add_note(PROJECT, MR, f"comment {i}", 7, "alice")
        mine = gl.add_note(PROJECT, MR, f"{MARKER}\nold review", BOT_ID, BOT)
        gl.add_note(PROJECT, MR, "after", 7, "alice")
        status = gitlab.publish_mr_note("new review", ci_env(gl))
        pages = [r.query["page"] for r in gl.calls("GET") if r.path.endswith("/notes")]
        assert status == f"updated note {mine}"
        assert pages == [["1"], ["2"], ["3"]] and not gl.calls("POST")
        assert gl.notes(PROJECT, MR)[230]["body"] == f"{MARKER}\nnew review"


def test_a_marked_note_by_someone_else_is_never_touched(gl: GitLabServer) -> None:
    theirs = gl.add_note(PROJECT, MR, f"{MARKER}\nlooks like a review", 7, "mallory")
    system = gl.add_note(PROJECT, MR, f"{MARKER}\nsystem", BOT_ID, BOT, system=True)
    first = gitlab.publish_mr_note("ours", ci_env(gl))
    second = gitlab.publish_mr_note("ours again", ci_env(gl))
    assert first.startswith("created note ") and second == first.replace("created", "updated")
    bodies = {n["id"]: n["body"] for n in gl.notes(PROJECT, MR)}
    assert bodies[theirs] == f"{MARKER}\nlooks like a review" and bodies[system] == f"{MARKER}\nsystem"
    assert [r.path.rsplit("/", 1)[-1] for r in gl.calls("PUT")] == [first.split()[-1]]


def test_a_note_deleted_meanwhile_is_posted_again(gl: GitLabServer) -> None:
    gitlab.publish_mr_note("one", ci_env(gl))
    gl.fail["PUT"] = [404]
    assert gitlab.publish_mr_note("two", ci_env(gl)).startswith("created note ")


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (READ_ONLY, "no permission to comment (403): MR note skipped"),
        (NO_USER, "the token may not read its user (GET /user), so no note is ours: MR note skipped"),
        ("glpat-unknown", "GitLab rejected the token (401): MR note skipped"),
    ],
)  # fmt: skip
def test_a_token_that_may_not_write_is_a_one_line_skip(gl: GitLabServer, token: str, expected: str) -> None:
    gl.add_note(PROJECT, MR, f"{MARKER}\nold", BOT_ID, BOT)
    status = gitlab.publish_mr_note("review", ci_env(gl, token))
    assert status == expected and token not in status
    assert [n["body"] for n in ours(gl)] == [f"{MARKER}\nold"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"GITLAB_TOKEN": ""}, "GITLAB_TOKEN is not set"),
        ({"CI_API_V4_URL": "http://gitlab.example/api/v4"}, "CI_API_V4_URL uses plain http: refusing"),
        ({"CI_API_V4_URL": ""}, "CI_API_V4_URL is not set"),
        ({"CI_MERGE_REQUEST_IID": ""}, "not a merge-request pipeline"),
        ({"CI_MERGE_REQUEST_PROJECT_ID": "", "CI_PROJECT_ID": "x"}, "not a merge-request pipeline"),
        ({"CI_MERGE_REQUEST_IID": "99"}, "merge request !99 of project 42 not found or not visible"),
    ],
)
def test_an_unusable_pipeline_is_a_one_line_skip(
    gl: GitLabServer, change: dict[str, str], expected: str
) -> None:
    status = gitlab.publish_mr_note("review", {**ci_env(gl), **change})
    assert expected in status and status.endswith("MR note skipped") and not gl.calls("POST")


def test_a_next_page_link_elsewhere_is_not_followed(gl: GitLabServer) -> None:
    for i in range(120):
        gl.add_note(PROJECT, MR, f"comment {i}", 7, "alice")
    gl.link_base = "http://127.0.0.2:9/api/v4"
    status = gitlab.publish_mr_note("review", ci_env(gl))
    assert "next-page link points elsewhere" in status and not gl.calls("POST")


def test_the_token_never_appears_and_no_redirect_is_followed(gl: GitLabServer) -> None:
    for status_code in (301, 302, 307, 500):
        gl.fail["GET"] = [status_code]  # a redirect's Location points to another host
        status = gitlab.publish_mr_note("review", ci_env(gl))
        assert WRITE not in status and status.endswith("MR note skipped"), status
        assert f"GitLab API error {status_code}" in status


def test_a_long_review_is_trimmed_to_the_note_limit_with_a_visible_note(gl: GitLabServer) -> None:
    line = "- **`f`** — modified · " + "x" * 90
    markdown = "\n".join([line] * 12_000)  # about 1.4 million characters
    assert gitlab.publish_mr_note(markdown, ci_env(gl)).startswith("created note ")
    [note] = ours(gl)
    assert len(note["body"]) <= gitlab.MAX_NOTE_CHARS < len(markdown)
    assert note["body"].endswith(gitlab.TRIM_NOTE) and line in note["body"]
    assert gitlab.note_body("short") == f"{MARKER}\nshort"


# GitLab's markdown: quick actions ------------------------------------------------------------------------
def test_the_stand_in_executes_quick_actions_as_gitlab_does(gl: GitLabServer) -> None:
    """The check below can fail: a note posted raw runs its commands, and loses their lines."""
    api = gitlab.api_from_env(ci_env(gl))
    gitlab.request(api, "POST", f"{api.base_url}/projects/{PROJECT}/merge_requests/{MR}/notes",
                   {"body": "Looks fine.\r\n/close\n/label ~pwned\n  /merge"})  # fmt: skip
    assert gl.executed == [("close", ""), ("label", "~pwned")]  # GitLab wants the slash at the line start
    assert gl.notes(PROJECT, MR)[0]["body"] == "Looks fine.\n  /merge"


QUICK = [
    "/close",
    "Fine.\n/merge\n/approve",
    "Fine.\r\n/unlock\r/title pwned",
    "  /assign @attacker\n\t/label ~x",
    '/label ~pwned ~"needs review"\n/milestone %v1',
]


@pytest.mark.parametrize("answer", QUICK)
@pytest.mark.parametrize("entries", [1, COLLAPSE_OVER + 1])
def test_no_line_of_a_note_runs_a_quick_action(gl: GitLabServer, answer: str, entries: int) -> None:
    rep = hostile_report("src/app.py", "f", answer, entries)
    markdown = render_markdown(rep, gitlab.GITLAB)
    body = gitlab.note_body(markdown)
    assert not [line for line in body.splitlines() if line.lstrip().startswith("/")]
    assert gitlab.publish_mr_note(markdown, ci_env(gl)).startswith("created note ")
    assert gl.executed == [] and ours(gl)[0]["body"] == body.rstrip()  # whole (GitLab strips the end)


def test_the_guard_holds_for_any_markdown() -> None:
    raw = "/close\n  /merge\n\t/approve\nx\r/unlock\n\r/lock\ntext /reopen"
    body = gitlab.note_body(raw)
    assert quick_actions(body)[1] == [] and quick_actions(raw)[1] != []
    assert "\r" not in body and "text /reopen" in body and body.count("\\/") == 4


# GitLab's markdown: references --------------------------------------------------------------------------
# what GitLab's reference filters look for in a text node (approximated from Banzai's patterns, broader where
# unsure): users and groups, issues, merge requests, snippets, epics, labels, milestones, alerts, iterations,
# bracketed references, projects, external trackers, the table of contents, and links to GitLab objects
GITLAB_REFERENCE = re.compile(
    r"(?<![\w])@[\w.\-]|#\d|!\d|\$\d|&\d|~[\w\"?.&-]|%[\w\"?.&-]|\^alert|\*iteration:|\[\w+:[^\]\s]"
    r"|[\w.\-]/[\w.\-]+>|\b[A-Z][A-Z0-9_]*-\d|\[\[_TOC_\]\]|\[TOC\]|(?:https?|ftps?)://|\bwww\."
)
GITLAB_ANSWERS = [
    'Pings @all and @group/sub, closes !12 and #3, see $4 &5 ^alert#6 *iteration:7 ~bug ~"needs it" %v1.2',
    "Moves [issue:12] [vulnerability:3] [work_item:4]; see group/project> other/proj#9 other/proj!8",
    'Tracks GL-7, JIRA-123 and %"release 1"; \\@all \\#1 \\!2 @\\_hidden',
    "see https://gitlab.com/g/p/-/issues/1 http://gitlab.example/g/p/-/merge_requests/2 www.gitlab.com/g/p",
    "[[_TOC_]]\n[TOC]\n&amp;12 &lt;b&gt; group/app&gt;",
    "mail admin@gitlab.example, ftp://files.example/x",
    "%& ~# &% a sigil before a sigil (found by hypothesis on 3.13)",
]


def gitlab_text(rep: Any) -> str:
    return render_markdown(rep, gitlab.GITLAB)


def assert_nothing_gitlab_acts_on(markdown: str, rep: Any) -> None:
    """GitLab's form: our structure only, no text node any reference filter matches, no link, no marker, no
    quick action, nothing invisible but the joiners."""
    page = parse_gfm(markdown)
    assert_structure(page, rep, ALLOWED - {"a"})
    for text in page.text:
        assert not GITLAB_REFERENCE.search(text), text
    assert page.links == []
    assert MARKER not in markdown
    assert quick_actions(gitlab.note_body(markdown))[1] == []
    assert not [c for c in markdown if unsafe(c) and c not in "\n\u200d"], "invisible or control character"


@pytest.mark.parametrize("answer", GITLAB_ANSWERS + HOSTILE_ANSWERS + QUICK)
@pytest.mark.parametrize("entries", [1, COLLAPSE_OVER + 1])
def test_answers_reference_nothing_in_gitlab(answer: str, entries: int) -> None:
    rep = hostile_report("src/app.py", "f", answer, entries)
    assert_nothing_gitlab_acts_on(gitlab_text(rep), rep)
    assert_same_structure(gitlab_text, "src/app.py", "f", answer, entries)


@pytest.mark.parametrize("answer", GITLAB_ANSWERS)
def test_the_reference_check_can_fail(answer: str) -> None:
    """GitHub's rules alone leave GitLab's references: the check above sees them."""
    rep = report([Summary(change("a.py", "f", 1), "summarized", answer)])
    page = parse_gfm(render_markdown(rep, GITHUB))
    assert any(GITLAB_REFERENCE.search(text) for text in page.text) or page.links


@pytest.mark.parametrize("path", HOSTILE_PATHS + ["@all/!1/~bug/%m/$2/&3.py", "group/app>.py"])
def test_paths_and_names_reference_nothing_in_gitlab(path: str) -> None:
    rep = hostile_report(path, path, "Adds x.", 1)
    assert_nothing_gitlab_acts_on(gitlab_text(rep), rep)


@pytest.mark.parametrize("answer", STRUCTURE_ANSWERS)
def test_answers_cannot_restructure_the_note(answer: str) -> None:
    assert_same_structure(gitlab_text, "src/app.py", "f", answer, COLLAPSE_OVER + 1)


@settings(max_examples=120, deadline=None)
@given(HOSTILE_TEXT, HOSTILE_TEXT, ANSWERS)
def test_generated_paths_names_and_answers_never_act_in_gitlab(path: str, qualname: str, answer: str) -> None:
    rep = hostile_report(path, qualname, answer, 1)
    assert_nothing_gitlab_acts_on(gitlab_text(rep), rep)
    assert_same_structure(gitlab_text, path, qualname, answer, 1)


def test_defusing_reads_the_same_and_is_stable() -> None:
    text = 'Closes !12, pings @all, ~"bug" GL-7 https://gitlab.com/g/p/-/issues/1 group/app> &amp;3'
    once = gitlab.GITLAB.text(text)
    assert gitlab.GITLAB.text(once) == once
    assert once.replace("\u200d", "") == (
        'Closes !12, pings @all, ~"bug" GL-7 https://gitlab.com/g/p/-/issues/1 group/app&gt; &amp;3'
    )


# the range of a merge-request pipeline ------------------------------------------------------------------
def test_merge_request_variables() -> None:
    env = {"GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "5", "CI_MERGE_REQUEST_PROJECT_ID": "42",
           "CI_PROJECT_ID": "77", "CI_MERGE_REQUEST_DIFF_BASE_SHA": BASE, "CI_COMMIT_SHA": HEAD}  # fmt: skip
    assert merge_request.merge_request(env) == merge_request.MergeRequest("42", 5, BASE, HEAD)
    assert merge_request.mr_range(env) == f"{BASE}...{HEAD}"
    merged = {**env, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "c" * 40}  # a merged-results pipeline
    assert merge_request.mr_range(merged) == f"{BASE}...{'c' * 40}"
    assert merge_request.merge_request({**env, "CI_MERGE_REQUEST_PROJECT_ID": ""}) == (
        merge_request.MergeRequest("77", 5, BASE, HEAD)  # no MR project: the pipeline's
    )
    for broken in ({"GITLAB_CI": ""}, {"CI_MERGE_REQUEST_IID": "5; rm"}, {"CI_COMMIT_SHA": "HEAD~1"}):
        assert merge_request.mr_range({**env, **broken}) is None


@pytest.fixture
def mr_repo(tmp_path: Path) -> dict[str, str]:
    """main with `area`; a feature branch adds `perimeter`; main then adds `volume`; GitLab's merge commit
    of the two (what a merged-results pipeline checks out)."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "app.py", "def area(w, h):\n    return w * h\n")
    base = commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    write(
        repo,
        "app.py",
        "def area(w, h):\n    return w * h\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n",
    )
    feature = commit_all(repo, "feature")
    git(repo, "checkout", "-q", "main")
    write(repo, "lib.py", "def volume(w, h, d):\n    return w * h * d\n")
    commit_all(repo, "main moves on")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "feature")
    merged = git(repo, "rev-parse", "HEAD").strip()
    return {"repo": str(repo), "base": base, "feature": feature, "merged": merged}


@pytest.mark.parametrize("pipeline", ["merge request", "merged results"])
def test_a_merge_request_pipeline_reviews_the_merge_requests_range(
    gl: GitLabServer, mr_repo: dict[str, str], pipeline: str, capsys: Any
) -> None:
    head = {"CI_COMMIT_SHA": mr_repo["feature"]}
    if pipeline == "merged results":
        head = {"CI_COMMIT_SHA": mr_repo["merged"], "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": mr_repo["feature"]}
    env = clean_env(**ci_env(gl, CI_MERGE_REQUEST_DIFF_BASE_SHA=mr_repo["base"], **head))
    code, _, err = run_main(["--pr-comment"], Path(mr_repo["repo"]), env, capsys)
    assert code == 0, err
    [note] = ours(gl)
    assert "perimeter" in note["body"]
    assert "volume" not in note["body"] and "lib.py" not in note["body"]  # not the target branch's commits
    assert "::warning" not in err and "created note" in err


# the whole run ------------------------------------------------------------------------------------------
def mr_env(gl: GitLabServer, mr_repo: dict[str, str], token: str = WRITE) -> dict[str, str]:
    """The pipeline of the merge request of ``mr_repo``'s feature branch."""
    return ci_env(gl, token, CI_MERGE_REQUEST_DIFF_BASE_SHA=mr_repo["base"], CI_COMMIT_SHA=mr_repo["feature"])


HOSTILE_MODEL = "Updates area.\n/close\n/merge\nPings @all about !1 and ~bug"


def test_the_cli_posts_then_updates_one_note_and_runs_no_quick_action(
    gl: GitLabServer, mr_repo: dict[str, str], capsys: Any
) -> None:
    repo = Path(mr_repo["repo"])
    with LLMServer(answer=lambda prompt: HOSTILE_MODEL) as llm:
        env = clean_env(
            OPENAI_BASE_URL=llm.base_url,
            OPENAI_API_KEY="sk-test-not-real",
            **mr_env(gl, mr_repo),
        )
        for _ in range(2):
            code, _, err = run_main(["--pr-comment", "--no-cache"], repo, env, capsys)
            assert code == 0, err
    [note] = ours(gl)
    assert gl.executed == [] and len(gl.calls("POST")) == 1 and len(gl.calls("PUT")) == 1
    assert not [line for line in note["body"].splitlines() if line.lstrip().startswith("/")]
    assert f"updated note {note['id']}" in err and "::" not in err
    assert (repo / ".ariadne" / "review.md").is_file()


@pytest.mark.parametrize("token", [READ_ONLY, "glpat-unknown"])
def test_a_token_that_may_not_write_never_fails_the_job(
    gl: GitLabServer, mr_repo: dict[str, str], token: str, capsys: Any
) -> None:
    env = clean_env(**mr_env(gl, mr_repo, token))
    for argv in (["--pr-comment"], ["--pr-comment", "--strict"]):
        code, _, err = run_main(argv, Path(mr_repo["repo"]), env, capsys)
        assert code == 0, err
        warnings = [line for line in err.splitlines() if "warning" in line]
        assert len(warnings) == 1 and warnings[0].startswith("ariadne-hook: warning: ")  # a plain line
        assert "MR note skipped" in warnings[0] and token not in err
    assert ours(gl) == [] and (Path(mr_repo["repo"]) / ".ariadne" / "review.md").is_file()


def test_step_summary_on_gitlab_says_there_is_none(
    gl: GitLabServer, mr_repo: dict[str, str], capsys: Any
) -> None:
    env = clean_env(**mr_env(gl, mr_repo))
    code, _, err = run_main(["--step-summary"], Path(mr_repo["repo"]), env, capsys)
    assert code == 0 and "warning: --step-summary: GitLab has no job summary" in err
    assert not gl.requests  # no note asked for: nothing sent


# the README's .gitlab-ci.yml, as written ----------------------------------------------------------------
GITLAB_HEADING = "Use it in GitLab CI"
_TOOL_PIN = re.compile(r"^\s+TOOL_COMMIT: ([0-9a-f]{40}) # ariadne-hook (v\d+\.\d+\.\d+)$", re.MULTILINE)


def readme_job() -> tuple[str, dict[str, Any]]:
    """(the snippet's text, its one job)."""
    lang, code = snippet(ROOT / "README.md", GITLAB_HEADING)
    assert lang in ("yaml", "yml")
    jobs = [job for job in yaml.safe_load(code).values() if isinstance(job, dict) and "script" in job]
    assert len(jobs) == 1
    return code, jobs[0]


def test_the_readme_gitlab_job_is_valid_and_pinned_to_a_release(tmp_path: Path) -> None:
    code, job = readme_job()
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(code, encoding="utf-8")
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["variables"]["GIT_DEPTH"] == 0  # the base commit is fetched
    assert job["artifacts"] == {"when": "always", "paths": [".ariadne/review.md"]}
    [pin] = _TOOL_PIN.findall(code)
    assert pin == readme_pin()  # the release the Action and the hook snippets pin
    assert_a_release_of_this_repository(*pin)
    [install] = [line for line in job["script"] if line.startswith("pip install")]
    repo = "https://github.com/ariadne-hook/ariadne-hook"
    assert f'"ariadne-hook @ git+{repo}@$TOOL_COMMIT"' in install  # the tool at the release commit
    constraints = "/ariadne-hook/ariadne-hook/$TOOL_COMMIT/.github/constraints.txt"
    assert f'-c "https://raw.githubusercontent.com{constraints}"' in install  # and its dependencies
    assert "gitpython==" in git(ROOT, "show", f"{pin[0]}:.github/constraints.txt")


def test_the_readme_gitlab_job_posts_then_updates_its_note(
    gl: GitLabServer, mr_repo: dict[str, str], tmp_path: Path
) -> None:
    """Each line of its script but the install, run as a GitLab runner runs it (a shell, the job's variables
    and the merge-request pipeline's), the tool on PATH: a note, then the same note updated."""
    _, job = readme_job()
    commands = [line for line in job["script"] if not line.startswith("pip install")]
    assert commands and all(line.split()[0] == "ariadne-hook" for line in commands)
    repo = Path(mr_repo["repo"])
    git(repo, "checkout", "-q", "--detach", mr_repo["feature"])  # GitLab checks out the pipeline's commit
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "ariadne-hook").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ariadne_hook "$@"\n')
    (shim / "ariadne-hook").chmod(0o755)
    env = clean_env(**mr_env(gl, mr_repo), **{k: str(v) for k, v in job["variables"].items()})
    env.update(PATH=f"{shim}{os.pathsep}{env['PATH']}", PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    for expected in ("created note", "updated note"):
        for command in commands:
            proc = run("bash", "-e", "-c", command, cwd=repo, env=env)
            assert proc.returncode == 0, (command, proc.stderr)
            assert expected in proc.stderr and "warning" not in proc.stderr, proc.stderr
    [note] = ours(gl)
    assert "perimeter" in note["body"] and len(gl.calls("POST")) == 1 and gl.executed == []
    assert (repo / ".ariadne" / "review.md").is_file()  # the job's artifact
