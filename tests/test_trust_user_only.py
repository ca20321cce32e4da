"""What only the user may turn on: a repository's ``strict`` cannot make a fallback fail the user's commit
(promise 1), and its ``llm-non-code`` or ``languages`` cannot send non-code content to the user's endpoint
(promise 4). The real CLI in hook mode on temp repositories, with a loopback model server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.config import load_all
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.runner import clean_env, run_main
from tests.test_trust_values import user_config

OLD = "def area(w, h):\n    return w * h\n"
NEW = "def area(w, h):\n    return abs(w * h)\n"
CONF_OLD = "[db]\nhost = 'db.internal'\n"
CONF_NEW = "[db]\nhost = 'db.internal'\nPwd = 'tr0ub4dor-and-3'\nport = 5432\n"


def repo_with(tmp_path: Path, table: str, files: dict[str, tuple[str, str]] | None = None) -> Path:
    files = files or {"geometry.py": (OLD, NEW)}
    repo = init_repo(tmp_path / "cloned")
    for path, (old, _) in files.items():
        write(repo, path, old)
    write(repo, "pyproject.toml", f'[project]\nname = "x"\n\n[tool.ariadne]\n{table}')
    commit_all(repo)
    for path, (_, new) in files.items():
        write(repo, path, new)
    stage_all(repo)
    return repo


def hook_run(repo: Path, capsys: Any, **env: str) -> tuple[int, dict[str, Any], str]:
    """The hook as pre-commit runs it (``PRE_COMMIT`` set), the review as JSON on stdout."""
    environ = clean_env(**{"PRE_COMMIT": "1", "HOME": str(repo.parent), **env})
    code, out, err = run_main(["--format", "json", "-o", "-", "--no-cache"], repo, environ, capsys)
    return code, json.loads(out), err


# --- 1. strictness is the user's choice only ----------------------------------------------------------


def test_a_repositorys_strict_cannot_make_a_fallback_block_the_commit(tmp_path: Path, capsys: Any) -> None:
    repo = repo_with(tmp_path, "strict = true\n")
    with LLMServer(fault="500") as server:  # the user's endpoint is down: every summary falls back
        code, report, err = hook_run(repo, capsys, OPENAI_BASE_URL=server.base_url, ARIADNE_RETRIES="0")
    assert report["stats"]["fallback"] == 1
    assert code == 0
    warning = (
        "pyproject.toml [tool.ariadne] strict = true ignored: only you can let a fallback fail your commit "
        "or job (a repository can turn strict off)"
    )
    assert err.count(warning) == 1
    assert warning in report["notes"]


@pytest.mark.parametrize(
    ("table", "env", "config", "code"),
    [
        ("", {"ARIADNE_STRICT": "1"}, "", 1),  # the environment (an Action's input)
        ("strict = true\n", {"ARIADNE_STRICT": "1"}, "", 1),
        ("", {}, "strict = true\n", 1),  # the user's own config file
        ("strict = false\n", {}, "strict = true\n", 0),  # the repository may turn it off
        ("strict = false\n", {"ARIADNE_STRICT": "true"}, "", 1),  # but not the user's environment
    ],
)
def test_strict_from_the_user_still_fails_and_the_repository_may_turn_it_off(
    tmp_path: Path, capsys: Any, table: str, env: dict[str, str], config: str, code: int
) -> None:
    repo = repo_with(tmp_path, table)
    home = user_config(tmp_path, config) if config else {}
    with LLMServer(fault="500") as server:
        got, report, _ = hook_run(
            repo, capsys, OPENAI_BASE_URL=server.base_url, ARIADNE_RETRIES="0", **env, **home
        )
    assert report["stats"]["fallback"] == 1
    assert got == code


# --- 2. what is sent is the user's choice: llm-non-code, languages ------------------------------------


def test_a_repositorys_llm_non_code_sends_nothing_that_is_not_code(tmp_path: Path, capsys: Any) -> None:
    repo = repo_with(tmp_path, "llm-non-code = true\n", {"app.conf": (CONF_OLD, CONF_NEW)})
    with LLMServer() as server:
        code, report, err = hook_run(repo, capsys, OPENAI_BASE_URL=server.base_url)
        prompts = server.prompts()
    assert code == 0
    assert prompts == []  # not one request: the .conf file is not code
    assert report["functions"][0]["reason"].startswith("not code")
    assert (
        "pyproject.toml [tool.ariadne] llm-non-code = true ignored: only you can send files that are not "
        "code to the model (a repository can turn it off)"
    ) in err


def test_the_users_llm_non_code_still_sends_it_and_the_repository_may_turn_it_off(
    tmp_path: Path, capsys: Any
) -> None:
    repo = repo_with(tmp_path, "", {"app.conf": (CONF_OLD, CONF_NEW)})
    with LLMServer() as server:
        hook_run(repo, capsys, OPENAI_BASE_URL=server.base_url, ARIADNE_LLM_NON_CODE="1")
        assert any("port = 5432" in p for p in server.prompts())  # the user asked for it
        assert not any("tr0ub4dor" in p for p in server.prompts())  # redacted all the same
    (tmp_path / "home").mkdir(exist_ok=True)
    write(repo, "pyproject.toml", "[tool.ariadne]\nllm-non-code = false\n")
    stage_all(repo)
    home = user_config(tmp_path / "u", "llm-non-code = true\n")
    with LLMServer() as server:
        hook_run(repo, capsys, OPENAI_BASE_URL=server.base_url, **home)
        assert not any("port = 5432" in p for p in server.prompts())  # the repository turned the user's off


@pytest.mark.parametrize(
    "glob",
    ['"*.conf" = "python"', '"app.*" = "python"', '"*" = "python"', '"app.conf" = "javascript"'],
)
def test_a_repositorys_languages_cannot_make_a_non_code_file_code_for_the_model(
    tmp_path: Path, capsys: Any, glob: str
) -> None:
    """``languages = { "*.conf" = "python" }`` parses the file as Python (``Pwd = '…'`` is an assignment), so
    before, its module-level entry was sent as code: the repository could send any non-code file."""
    files = {"app.conf": (CONF_OLD, CONF_NEW), "geometry.py": (OLD, NEW)}
    repo = repo_with(tmp_path, f"languages = {{ {glob} }}\n", files)
    with LLMServer() as server:
        code, report, _ = hook_run(repo, capsys, OPENAI_BASE_URL=server.base_url)
        prompts = "\n".join(server.prompts())
    assert code == 0
    assert "area" in prompts  # code still goes: the run did ask the model
    assert "app.conf" not in prompts and "5432" not in prompts
    conf = [f for f in report["functions"] if f["path"] == "app.conf"]
    assert conf and all(f["reason"].startswith("not code") for f in conf)


def test_the_users_languages_decide_what_is_code(tmp_path: Path, capsys: Any) -> None:
    files = {"app.conf": (CONF_OLD, CONF_NEW)}
    repo = repo_with(tmp_path, "", files)
    home = user_config(tmp_path, 'languages = { "*.conf" = "python" }\n')
    with LLMServer() as server:
        hook_run(repo, capsys, OPENAI_BASE_URL=server.base_url, **home)
        assert any("port = 5432" in p for p in server.prompts())  # the user chose it


def test_the_repositorys_globs_come_after_the_users_and_pick_parsers_only(tmp_path: Path) -> None:
    home = user_config(tmp_path, 'languages = { "*.inc" = "c" }\n')
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ariadne]\nlanguages = { "*.inc" = "python", "*.bzl" = "python" }\n'
    )
    s = load_all(tmp_path, {}, home).settings
    assert list(s.languages.items()) == [("*.inc", "c"), ("*.bzl", "python")]
    assert s.code_languages == {"*.inc": "c"}
