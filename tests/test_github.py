"""GitHub publishing against the loopback REST server: sticky PR comment, job summary, Actions environment."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ariadne_hook.publish import actions_env, github, step_summary
from ariadne_hook.publish.rest import MAX_PAGES, ApiError, paged
from tests.github_server import GitHubServer

REPO = ("octo", "app")
PR = 7
BASE = "a" * 40
HEAD = "b" * 40
ACTIONS_TOKEN = "ghs_actionsTOKENsecret123"  # an Actions token cannot read /user; comments as a bot
PAT = "ghp_personalTOKENsecret456"  # a personal token reads /user
READ_ONLY = "ghs_readonlyTOKENsecret789"


def write_event(tmp_path: Path, payload: object) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def pr_event(number: int = PR, base: str = BASE, head: str = HEAD) -> dict[str, object]:
    return {
        "action": "synchronize",
        "number": number,
        "pull_request": {"number": number, "base": {"sha": base}, "head": {"sha": head}},
    }


@pytest.fixture
def gh() -> Iterator[GitHubServer]:
    with GitHubServer(prefix="/api/v3") as server:
        server.add_token(ACTIONS_TOKEN, "github-actions[bot]", kind="Bot", read_user=False)
        server.add_token(PAT, "alice")
        server.add_token(READ_ONLY, "github-actions[bot]", kind="Bot", read_user=False, write=False)
        server.add_pull(REPO, PR)
        yield server


def env_for(gh: GitHubServer, tmp_path: Path, token: str = ACTIONS_TOKEN) -> dict[str, str]:
    return {
        "GITHUB_API_URL": gh.api_url,
        "GITHUB_TOKEN": token,
        "GITHUB_REPOSITORY": "/".join(REPO),
        "GITHUB_EVENT_PATH": write_event(tmp_path, pr_event()),
    }


def ours(gh: GitHubServer) -> list[dict[str, object]]:
    return [c for c in gh.comments(REPO, PR) if str(c["body"]).startswith(github.MARKER)]


# the sticky comment
def test_first_run_creates_then_second_run_updates_the_same_comment(gh: GitHubServer, tmp_path: Path) -> None:
    env = env_for(gh, tmp_path)
    first = github.publish_pr_comment("# Review\n\none", env)
    assert first.startswith("created comment ")
    second = github.publish_pr_comment("# Review\n\ntwo", env)
    comments = ours(gh)
    assert len(comments) == 1
    assert second == f"updated comment {comments[0]['id']}" == first.replace("created", "updated")
    assert comments[0]["body"] == f"{github.MARKER}\n# Review\n\ntwo"
    assert [r.method for r in gh.calls("POST")] == ["POST"]
    assert len(gh.calls("PATCH")) == 1
    assert all(r.path.startswith("/api/v3/") for r in gh.requests)  # GITHUB_API_URL (Enterprise) honoured
    assert all(r.authorization == f"Bearer {ACTIONS_TOKEN}" for r in gh.requests)


def test_listing_follows_link_pagination_to_find_the_comment(gh: GitHubServer, tmp_path: Path) -> None:
    for i in range(230):
        gh.add_comment(REPO, PR, f"comment {i}", "bob")
    env = env_for(gh, tmp_path)
    github.publish_pr_comment("first", env)
    for i in range(20):
        gh.add_comment(REPO, PR, f"later {i}", "carol")
    gh.state.requests.clear()
    status = github.publish_pr_comment("second", env)
    assert status.startswith("updated comment ")
    lists = [r for r in gh.calls("GET") if r.path.endswith("/comments")]
    assert [r.query.get("page", ["1"])[0] for r in lists] == ["1", "2", "3"]  # 251 comments, 100 a page
    assert all(r.query["per_page"] == ["100"] for r in lists)
    assert len(ours(gh)) == 1 and len(gh.comments(REPO, PR)) == 251


def test_read_only_token_is_a_one_line_skip(gh: GitHubServer, tmp_path: Path) -> None:
    status = github.publish_pr_comment("review", env_for(gh, tmp_path, READ_ONLY))
    assert status == "no permission to comment (403): skipped"
    assert gh.comments(REPO, PR) == []
    assert [r.status for r in gh.calls("POST")] == [403]


def test_marker_pasted_by_a_person_is_not_ours(gh: GitHubServer, tmp_path: Path) -> None:
    forged = gh.add_comment(REPO, PR, f"{github.MARKER}\nI pasted the marker", "mallory", kind="User")
    status = github.publish_pr_comment("review", env_for(gh, tmp_path))
    assert status.startswith("created comment ")
    bodies = {c["id"]: c["body"] for c in gh.comments(REPO, PR)}
    assert bodies[forged] == f"{github.MARKER}\nI pasted the marker"
    assert gh.calls("PATCH") == []


def test_personal_token_matches_its_own_login_not_another_bot(gh: GitHubServer, tmp_path: Path) -> None:
    other = gh.add_comment(REPO, PR, f"{github.MARKER}\nfrom another bot", "other-bot[bot]", kind="Bot")
    env = env_for(gh, tmp_path, PAT)
    created = github.publish_pr_comment("v1", env)
    updated = github.publish_pr_comment("v2", env)
    assert created.replace("created", "updated") == updated
    mine = [c for c in gh.comments(REPO, PR) if c["user"] == {"login": "alice", "type": "User"}]
    assert len(mine) == 1 and mine[0]["body"] == f"{github.MARKER}\nv2"
    assert next(c for c in gh.comments(REPO, PR) if c["id"] == other)["body"].endswith("from another bot")


def test_a_comment_deleted_meanwhile_is_posted_again(gh: GitHubServer, tmp_path: Path) -> None:
    env = env_for(gh, tmp_path)
    github.publish_pr_comment("v1", env)
    gh.fail["PATCH"] = [404]
    assert github.publish_pr_comment("v2", env).startswith("created comment ")


def test_long_review_is_trimmed_with_a_visible_note(gh: GitHubServer, tmp_path: Path) -> None:
    markdown = "<details><summary>all</summary>\n\n" + "\n".join(
        f"- line {i} " + "x" * 80 for i in range(2000)
    )
    status = github.publish_pr_comment(markdown, env_for(gh, tmp_path))
    assert status.startswith("created comment ")
    body = str(ours(gh)[0]["body"])
    assert len(body) <= github.MAX_COMMENT_CHARS
    assert body.startswith(github.MARKER + "\n<details>")
    assert body.endswith(github.TRIM_NOTE)
    assert "</details>\n\n" + github.TRIM_NOTE in body  # the open block is closed so the note shows


def test_short_review_is_not_trimmed() -> None:
    assert github.comment_body("ok") == f"{github.MARKER}\nok"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (500, "GitHub API error 500: forced 500: PR comment skipped"),
        (404, "pull request octo/app#7 not found or not visible to the token (404): skipped"),
    ],
)
def test_api_errors_are_one_line(gh: GitHubServer, tmp_path: Path, status: int, expected: str) -> None:
    gh.fail["GET"] = [status]
    assert github.publish_pr_comment("review", env_for(gh, tmp_path)) == expected


def test_bad_token_never_appears_in_the_status(gh: GitHubServer, tmp_path: Path) -> None:
    status = github.publish_pr_comment("review", env_for(gh, tmp_path, "ghp_wrongSECRETvalue"))
    assert status == "GitHub rejected the token (401): PR comment skipped"
    assert "SECRET" not in status


def test_unreachable_api_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        "GITHUB_API_URL": f"http://127.0.0.1:{port}",
        "GITHUB_TOKEN": ACTIONS_TOKEN,
        "GITHUB_REPOSITORY": "octo/app",
        "GITHUB_EVENT_PATH": write_event(tmp_path, pr_event()),
    }
    status = github.publish_pr_comment("review", env)
    assert status.startswith(f"cannot reach the GitHub API at 127.0.0.1:{port}: ")
    assert status.endswith(": PR comment skipped") and "\n" not in status and ACTIONS_TOKEN not in status


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"GITHUB_TOKEN": ""}, "GITHUB_TOKEN is not set: PR comment skipped"),
        (
            {"GITHUB_API_URL": "http://ghe.example.com/api/v3"},
            "GITHUB_API_URL uses plain http: refusing to send the token: PR comment skipped",
        ),
        (
            {"GITHUB_REPOSITORY": "not a repo"},
            "not a pull-request event (GITHUB_REPOSITORY / GITHUB_EVENT_PATH): PR comment skipped",
        ),
    ],
)
def test_unusable_environment_is_skipped(tmp_path: Path, change: dict[str, str], expected: str) -> None:
    env = {
        "GITHUB_TOKEN": ACTIONS_TOKEN,
        "GITHUB_REPOSITORY": "octo/app",
        "GITHUB_EVENT_PATH": write_event(tmp_path, pr_event()),
        **change,
    }
    assert github.publish_pr_comment("review", env) == expected


def test_push_event_is_not_a_pull_request(gh: GitHubServer, tmp_path: Path) -> None:
    env = {**env_for(gh, tmp_path), "GITHUB_EVENT_PATH": write_event(tmp_path, {"ref": "refs/heads/main"})}
    assert github.publish_pr_comment("review", env).startswith("not a pull-request event")
    assert gh.requests == []


def test_next_link_parsing_and_foreign_links() -> None:
    header = (
        '<https://api.github.com/r?page=1>; rel="prev", <https://api.github.com/r?page=3>; rel="next", '
        '<https://api.github.com/r?page=9>; rel="last"'
    )
    assert github.next_link(header) == "https://api.github.com/r?page=3"
    assert github.next_link('<https://x/r?page=9>; rel="last"') is None
    assert github.next_link("") is None


def test_foreign_next_link_is_not_followed(gh: GitHubServer, tmp_path: Path) -> None:
    for i in range(150):
        gh.add_comment(REPO, PR, f"c{i}", "bob")
    with GitHubServer() as elsewhere:
        gh.link_base = elsewhere.api_url
        status = github.publish_pr_comment("review", env_for(gh, tmp_path))
        assert status == "the GitHub API's next-page link points elsewhere: not followed: PR comment skipped"
        assert elsewhere.requests == []  # the token was not sent there
    assert gh.calls("POST") == []


# the Actions environment
def test_pr_range_from_pull_request_event(tmp_path: Path) -> None:
    env = {"GITHUB_EVENT_PATH": write_event(tmp_path, pr_event())}
    assert actions_env.pr_range(env) == f"{BASE}...{HEAD}"
    assert actions_env.pull_request(env) == actions_env.PullRequest(PR, BASE, HEAD)


def test_issue_comment_on_a_pull_request_has_a_number_but_no_range(tmp_path: Path) -> None:
    event = {"issue": {"number": 12, "pull_request": {"url": "u"}}, "comment": {"body": "hi"}}
    env = {"GITHUB_EVENT_PATH": write_event(tmp_path, event)}
    assert actions_env.pull_request(env) == actions_env.PullRequest(12)
    assert actions_env.pr_range(env) is None


@pytest.mark.parametrize("payload", ["not json", "[1, 2]", json.dumps(pr_event(base="main; rm -rf /"))])
def test_bad_events_give_no_range(tmp_path: Path, payload: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(payload, encoding="utf-8")
    assert actions_env.pr_range({"GITHUB_EVENT_PATH": str(path)}) is None
    assert actions_env.pr_range({"GITHUB_EVENT_PATH": str(tmp_path / "missing.json")}) is None
    assert actions_env.pr_range({}) is None


def test_repository_parsing() -> None:
    assert actions_env.repository({"GITHUB_REPOSITORY": "octo/app"}) == ("octo", "app")
    assert actions_env.repository({"GITHUB_REPOSITORY": "octo/app/../x"}) is None
    assert actions_env.repository({}) is None


def test_write_outputs_appends_single_and_multiline_values(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.write_text("earlier=1\n", encoding="utf-8")
    status = actions_env.write_outputs(
        {"GITHUB_OUTPUT": str(out)},
        {"review-path": ".ariadne/review.md", "functions": 3, "notes": "a\nb", "bad name": "x"},
    )
    assert status == "wrote 3 step outputs (1 invalid names skipped)"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["earlier=1", "review-path=.ariadne/review.md", "functions=3"]
    delimiter = lines[3].split("<<", 1)[1]
    assert lines[3] == f"notes<<{delimiter}" and lines[4:] == ["a", "b", delimiter]
    assert actions_env.write_outputs({}, {"functions": 1}) is None


def test_write_outputs_reports_an_unwritable_file(tmp_path: Path) -> None:
    status = actions_env.write_outputs({"GITHUB_OUTPUT": str(tmp_path)}, {"functions": 1})
    assert status is not None and status.startswith("cannot write step outputs: ")


# the job summary
def test_step_summary_appends(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("# earlier step output\n", encoding="utf-8")
    assert step_summary.append_step_summary("## Review\n\nok\n", {"GITHUB_STEP_SUMMARY": str(target)}) == (
        "wrote the job summary"
    )
    assert target.read_text(encoding="utf-8") == "# earlier step output\n\n## Review\n\nok\n"
    assert step_summary.append_step_summary("x", {}) is None


def test_step_summary_is_trimmed_to_one_mebibyte_counting_what_is_there(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("e" * 1000 + "\n", encoding="utf-8")
    markdown = "\n".join("- é " + "y" * 100 for _ in range(20_000))  # ~2 MiB, multi-byte characters
    status = step_summary.append_step_summary(markdown, {"GITHUB_STEP_SUMMARY": str(target)})
    assert status == "wrote the job summary (trimmed to 1 MiB)"
    data = target.read_bytes()
    assert len(data) <= step_summary.MAX_SUMMARY_BYTES
    assert data.decode("utf-8").rstrip("\n").endswith(step_summary.TRIM_NOTE)


def test_step_summary_already_full(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_bytes(b"x" * step_summary.MAX_SUMMARY_BYTES)
    status = step_summary.append_step_summary("review", {"GITHUB_STEP_SUMMARY": str(target)})
    assert status == "job summary is already full (1 MiB): review not added"
    assert target.stat().st_size == step_summary.MAX_SUMMARY_BYTES


def test_step_summary_unwritable(tmp_path: Path) -> None:
    status = step_summary.append_step_summary("review", {"GITHUB_STEP_SUMMARY": str(tmp_path)})
    assert status is not None and status.startswith("cannot write the job summary")


def test_paging_of_github_and_gitlab_lists_stops_at_the_page_cap_and_refuses_a_page_that_is_not_a_list() -> (
    None
):
    """rest.paged is the one paging loop of both APIs: an endless next-page chain costs MAX_PAGES calls, and
    a page that is not a list is an error, not an empty list."""
    asked: list[str] = []

    def endless(url: str) -> tuple[object, str | None]:
        asked.append(url)
        return [{"page": len(asked)}, "not an object"], f"{url}+"

    items = paged("p", endless, "unexpected")
    assert len(asked) == MAX_PAGES and [item["page"] for item in items] == list(range(1, MAX_PAGES + 1))
    with pytest.raises(ApiError, match="^unexpected$"):
        paged("p", lambda url: ({"message": "a dict"}, None), "unexpected")
