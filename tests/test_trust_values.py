"""Issue 16 cases 4, 6 and 7: repository strings are data (a model id is validated where it is read, a
step output is a path the tool made), what happens to a message the user wrote is the user's choice, and
a repository value equal to the user's own keeps the user's. Real repos, the real CLI, loopback servers."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.config import load_all
from tests.gitutil import GIT_ENV, commit_all, git, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.runner import ROOT, clean_env, run_main

KEY = "sk-test-user-secret-0123456789"
OLD = "def area(w, h):\n    return w * h\n"
NEW = "def area(w, h):\n    return abs(w * h)\n\n\ndef side(a):\n    return a\n"


def repo_with(tmp_path: Path, table: str) -> Path:
    repo = init_repo(tmp_path / "cloned")
    write(repo, "geometry.py", OLD)
    write(repo, "pyproject.toml", f'[project]\nname = "x"\n\n[tool.ariadne]\n{table}')
    commit_all(repo)
    write(repo, "geometry.py", NEW)
    stage_all(repo)
    return repo


def user_config(tmp_path: Path, text: str) -> dict[str, str]:
    """A home whose ~/.config/ariadne-hook/config.toml holds ``text``: the environment that points there."""
    home = tmp_path / "home"
    (home / ".config" / "ariadne-hook").mkdir(parents=True)
    (home / ".config" / "ariadne-hook" / "config.toml").write_text(text)
    return {"HOME": str(home)}


# --- case 4: a model id is a short token; a step output is a path the tool made -----------------------


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        ("$(touch pwned)", "'$(touch pwned)'"),
        ("`id`", "'`id`'"),
        ("gpt\\nEVIL=1", "'gpt\\nEVIL=1'"),
        ("gpt\\u202e4o", "'gpt\\u202e4o'"),
        ("a b", "'a b'"),
        ("m" * 201, "'" + "m" * 201 + "'"),
    ],
)
def test_a_repository_model_that_is_no_model_id_is_ignored_with_one_line(
    tmp_path: Path, capsys: Any, model: str, shown: str
) -> None:
    """Read from the repository next to its own (loopback) endpoint, so that a valid one would be used."""
    with LLMServer() as server:
        repo = repo_with(tmp_path, f'base-url = "{server.base_url}"\nmodel = "{model}"\n')
        summary = tmp_path / "summary.md"
        env = clean_env(PRE_COMMIT="1", HOME=str(tmp_path), GITHUB_STEP_SUMMARY=str(summary))
        code, _, err = run_main(["--step-summary"], repo, env, capsys)
        assert {b["model"] for b in server.bodies} == {"gpt-4o-mini"}
    assert code == 0, err
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert warnings == [
        f"ariadne-hook: warning: pyproject.toml [tool.ariadne] model = {shown}: must be a model id "
        "(letters, digits and ._:/@-, at most 200 characters); using the default"
    ]
    for text in ((repo / ".ariadne" / "review.md").read_text(), summary.read_text()):
        assert "Summaries: provider `openai`, model `gpt-4o-mini`." in text
        assert "\u202e" not in text
    assert not (repo / "pwned").exists()


@pytest.mark.parametrize(
    "model", ["llama3.1:8b", "hf.co/org/Model-GGUF:Q4_K_M", "@cf/meta/llama-3-8b", "gpt-4o", "a" * 200]
)
def test_real_model_ids_are_accepted(tmp_path: Path, model: str) -> None:
    loaded = load_all(tmp_path, {}, {"ARIADNE_MODEL": model})
    assert loaded.settings.model == model and loaded.problems == ()


def test_a_users_model_that_is_no_model_id_is_a_usage_error_by_hand(tmp_path: Path, capsys: Any) -> None:
    repo = repo_with(tmp_path, "")
    code, _, err = run_main(["--model", "gpt $(id)"], repo, clean_env(HOME=str(tmp_path)), capsys)
    assert code == 2 and err.startswith("ariadne-hook: error: --model gpt $(id): must be a model id"), err


def test_step_outputs_carry_only_a_path_the_tool_made(tmp_path: Path, capsys: Any) -> None:
    """``output = "review$(id).md"`` landed verbatim in ``review-path=`` (a script injection for a later
    ``run:`` step that interpolates it): a repository's name is a plain token or it is ignored."""
    repo = repo_with(tmp_path, 'output = "review$(id).md"\n')
    outputs = tmp_path / "outputs"
    env = clean_env(
        HOME=str(tmp_path),
        GITHUB_OUTPUT=str(outputs),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
    )
    code, _, err = run_main(["--step-summary"], repo, env, capsys)
    assert code == 0, err
    lines = outputs.read_text().splitlines()
    assert lines == [f"review-path={repo.resolve() / '.ariadne' / 'review.md'}", "functions=3", "fallbacks=0"]
    assert all(re.fullmatch(r"[a-z-]+=[A-Za-z0-9_./-]*", line) for line in lines), lines
    assert "output = 'review$(id).md' ignored" in err


# --- case 6: a message the user wrote is the user's ------------------------------------------------------

PREPARE = """#!/bin/sh
exec "{python}" -m ariadne_hook --commit-msg-file "$1" --commit-msg-source "$2" 2>>"{log}"
"""


def with_hook(repo: Path, tmp_path: Path) -> Path:
    log = tmp_path / "hook.log"
    hook = repo / ".git" / "hooks" / "prepare-commit-msg"
    hook.write_text(PREPARE.format(python=sys.executable, log=log))
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    return log


def commit_m(repo: Path, env: dict[str, str]) -> str:
    """``git commit -m`` with the real prepare-commit-msg hook; the message git recorded."""
    base = clean_env(**GIT_ENV, PYTHONPATH=str(ROOT))
    subprocess.run(
        ["git", "commit", "-q", "-m", "fix: keep the area positive"],
        cwd=repo,
        env={**base, **env},
        check=True,
        capture_output=True,
    )
    return git(repo, "log", "-1", "--format=%B")


@pytest.mark.parametrize(
    "table",
    [
        'commit-msg = "body"\ncommit-msg-all = true\n',
        'commit-msg = "body"\ncommit-msg-all = true\ncommit-subject = true\n',
    ],
)
def test_a_repository_cannot_write_into_a_message_the_user_wrote(tmp_path: Path, table: str) -> None:
    """``commit-msg = "body"`` + ``commit-msg-all = true`` from the repository appended model text (e.g. a
    ``Fixes #1`` line) to a ``git commit -m`` message."""
    repo = repo_with(tmp_path, table)
    log = with_hook(repo, tmp_path)
    env = {"HOME": str(tmp_path)}
    assert commit_m(repo, env) == "fix: keep the area positive\n\n"
    text = log.read_text()
    only_you = "ignored: only you can choose what is added to your commit messages"
    assert f"[tool.ariadne] commit-msg = 'body' {only_you}" in text
    assert "[tool.ariadne] commit-msg-all = true ignored: only you can choose" in text
    assert "commit message left alone" in text


def test_the_user_chooses_body_text_and_the_repository_may_turn_it_off(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "")
    log = with_hook(repo, tmp_path)
    mine = user_config(tmp_path, 'commit-msg = "body"\ncommit-msg-all = true\n')
    env = mine
    message = commit_m(repo, env)
    assert message.startswith("fix: keep the area positive\n\n")
    assert "changed functions in 1 file:" in message
    write(repo, "pyproject.toml", '[tool.ariadne]\ncommit-msg = "off"\n')
    write(repo, "geometry.py", OLD)
    stage_all(repo)
    assert commit_m(repo, env) == "fix: keep the area positive\n\n"
    assert "warning" not in log.read_text()


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('commit-msg = "off"\ncommit-msg-all = false\ncommit-subject = false\n', ("off", False, False)),
        ('commit-msg = "comment"\n', ("comment", False, False)),  # the default: nothing to ignore
        ('commit-msg = "body"\n', ("comment", False, False)),
        ("commit-subject = true\n", ("comment", False, False)),
    ],
)
def test_the_repository_may_only_subtract_from_the_commit_message(
    tmp_path: Path, table: str, expected: tuple[str, bool, bool]
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.ariadne]\n{table}")
    loaded = load_all(tmp_path, {}, {})
    s = loaded.settings
    assert (s.commit_msg, s.commit_msg_all, s.commit_subject) == expected
    assert len(loaded.warnings) == sum(1 for v in ('"body"', "= true") if v in table)


# --- case 7: a repository value equal to the user's keeps the user's ------------------------------------


@pytest.mark.parametrize(
    "repeated", ["https://gateway.acme.example/v1", "https://GATEWAY.acme.example:443/v1/"]
)
def test_a_repository_repeating_the_users_endpoint_keeps_it(tmp_path: Path, repeated: str) -> None:
    """Repeating the user's ``base-url`` made the tool drop it (key and code to the default endpoint), and
    reset the user's ``model``."""
    env = user_config(tmp_path, 'base-url = "https://gateway.acme.example/v1"\nmodel = "acme-large"\n')
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(f'[tool.ariadne]\nbase-url = "{repeated}"\nmodel = "acme-large"\n')
    loaded = load_all(repo, {}, {**env, "OPENAI_API_KEY": KEY})
    s = loaded.settings
    assert (s.base_url, s.model, s.api_key) == ("https://gateway.acme.example/v1", "acme-large", KEY)
    assert loaded.warnings == ()


def test_a_repository_repeating_the_users_loopback_endpoint_keeps_the_key(
    tmp_path: Path, capsys: Any
) -> None:
    with LLMServer() as mine:
        env = user_config(tmp_path, f'base-url = "{mine.base_url}"\nmodel = "my-model"\n')
        repo = repo_with(tmp_path, f'base-url = "{mine.base_url}"\nmodel = "my-model"\n')
        code, _, err = run_main(["--no-cache"], repo, clean_env(OPENAI_API_KEY=KEY, **env), capsys)
        assert code == 0 and "warning" not in err, err
        assert mine.authorizations and set(mine.authorizations) == {f"Bearer {KEY}"}
        assert {b["model"] for b in mine.bodies} == {"my-model"}


def test_a_repository_repeating_the_users_value_then_changing_another_still_follows_the_rules(
    tmp_path: Path,
) -> None:
    """Equal keeps the user's; a different model next to the user's own endpoint is still the user's call."""
    env = user_config(tmp_path, 'base-url = "https://gateway.acme.example/v1"\nmodel = "acme-large"\n')
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(
        '[tool.ariadne]\nbase-url = "https://gateway.acme.example/v1"\nmodel = "acme-xxl"\n'
    )
    loaded = load_all(repo, {}, {**env, "OPENAI_API_KEY": KEY})
    s = loaded.settings
    assert (s.base_url, s.model) == ("https://gateway.acme.example/v1", "acme-large")
    assert len(loaded.warnings) == 1 and "model ignored" in loaded.warnings[0]
