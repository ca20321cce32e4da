"""Issue 18.6: every printed count agrees with its noun (one helper); a mistyped name gets a suggestion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.words import did_you_mean, plural
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.runner import clean_env, run_main


@pytest.mark.parametrize(
    ("count", "word", "expected"),
    [
        (1, "request", "1 request"),
        (0, "request", "0 requests"),
        (2, "request", "2 requests"),
        (1, "class", "1 class"),
        (3, "class", "3 classes"),
        (2, "entry", "2 entries"),
        (2, "key", "2 keys"),
        (2, "changed function", "2 changed functions"),
        (2, "module-level block", "2 module-level blocks"),
        (2, "person", "2 people"),
    ],
)
def test_plural(count: int, word: str, expected: str) -> None:
    many = "people" if word == "person" else None
    assert plural(count, word, many) == expected


def test_did_you_mean_only_for_a_close_name() -> None:
    flags = ["--max-workers", "--verbose", "--version", "--deadline"]
    assert did_you_mean("--max-worker", flags) == " (did you mean --max-workers?)"
    assert did_you_mean("--bogus", flags) == ""  # the shared -- makes no match
    assert did_you_mean("ARIADNE_FOO", ["ARIADNE_FORMAT", "ARIADNE_MODEL"]) == ""  # nor the shared prefix
    assert did_you_mean("maxworkers", ["max-workers"], quote="'") == " (did you mean 'max-workers'?)"


@pytest.fixture
def one_change(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    write(repo, "app.py", "def area(w, h):\n    return w * h\n")
    commit_all(repo)
    write(repo, "app.py", "def area(w, h):\n    return abs(w * h)\n")
    stage_all(repo)
    return repo


def test_one_request_one_function_one_file(one_change: Path, capsys: Any) -> None:
    with LLMServer() as server:
        env = clean_env(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.base_url)
        code, _, err = run_main(["--verbose"], one_change, env, capsys)
        assert server.requests == 1
    assert code == 0
    assert "ariadne-hook: 1 function in 1 file (1 summarized, 1 request, " in err, err
    assert "ariadne-hook: 1 request, " in err  # --verbose's last line
    review = (one_change / ".ariadne" / "review.md").read_text(encoding="utf-8")
    assert "**1 function** in **1 file**" in review and " 1 request to the model." in review


def test_the_commit_message_says_1_changed_function_in_1_file(one_change: Path, capsys: Any) -> None:
    message = one_change / ".git" / "COMMIT_EDITMSG"
    message.write_text("\n", encoding="utf-8")
    code, _, err = run_main(["--commit-msg-file", str(message)], one_change, clean_env(), capsys)
    assert code == 0, err
    assert "# 1 changed function in 1 file:\n" in message.read_text(encoding="utf-8")


def test_dry_run_counts_its_requests(one_change: Path, capsys: Any) -> None:
    code, _, err = run_main(
        ["--dry-run", "--base-url", "http://127.0.0.1:9/v1"], one_change, clean_env(), capsys
    )
    assert code == 0
    assert "ariadne-hook: dry run: 1 request, " in err


@pytest.mark.parametrize(
    ("where", "expected", "in_a_hook"),
    [
        (
            "pyproject",
            "pyproject.toml [tool.ariadne]: unknown key 'max-worker' (did you mean 'max-workers'?)",
            "warning: pyproject.toml [tool.ariadne]: unknown key 'max-worker' "
            "(did you mean 'max-workers'?); ignored",
        ),
        (
            "env",
            "ARIADNE_MAX_WORKER is not a setting (did you mean ARIADNE_MAX_WORKERS?)",
            "warning: ARIADNE_MAX_WORKER is not a setting (did you mean ARIADNE_MAX_WORKERS?); ignored",
        ),
        (
            "env-far",
            "ARIADNE_FLAVOUR is not a setting (see ariadne-hook --help)",
            "warning: ARIADNE_FLAVOUR is not a setting (see ariadne-hook --help); ignored",
        ),
        (
            "flag",
            "unknown option --max-wrokers (did you mean --max-workers?)",
            "warning: unknown option --max-wrokers 2 ignored (did you mean --max-workers?)",
        ),
    ],
)
def test_a_mistyped_name_gets_a_suggestion(
    one_change: Path, capsys: Any, where: str, expected: str, in_a_hook: str
) -> None:
    env = clean_env()
    argv: list[str] = []
    if where == "pyproject":
        write(one_change, "pyproject.toml", "[tool.ariadne]\nmax-worker = 2\n")
    elif where == "env":
        env["ARIADNE_MAX_WORKER"] = "2"
    elif where == "env-far":
        env["ARIADNE_FLAVOUR"] = "2"
    else:
        argv = ["--max-wrokers", "2"]
    code, _, err = run_main(argv, one_change, env, capsys)
    assert (code, err) == (2, f"ariadne-hook: error: {expected}\n")
    code, _, err = run_main(argv, one_change, env | {"PRE_COMMIT": "1"}, capsys)
    assert code == 0 and err.splitlines()[0] == f"ariadne-hook: {in_a_hook}"
