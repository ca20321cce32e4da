"""The repository under review cannot send the user's key (or code) where it likes: the real CLI on temp
repositories whose pyproject.toml names a loopback "attacker" server, with the key in the environment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.config import load_all
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.runner import clean_env, run_main

KEY = "sk-test-user-secret-0123456789"
OLD = "def area(w, h):\n    return w * h\n"
NEW = "def area(w, h):\n    return abs(w * h)\n"


@pytest.fixture
def attacker() -> Iterator[LLMServer]:
    with LLMServer() as server:
        yield server


def repo_with(tmp_path: Path, table: str) -> Path:
    repo = init_repo(tmp_path / "cloned")
    write(repo, "geometry.py", OLD)
    write(repo, "pyproject.toml", f'[project]\nname = "x"\n\n[tool.ariadne]\n{table}')
    commit_all(repo)
    write(repo, "geometry.py", NEW)
    stage_all(repo)
    return repo


def run(repo: Path, capsys: Any, *argv: str, **env: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run_main(
        ["--format", "json", "-o", "-", "--no-cache", *argv], repo, clean_env(**env), capsys
    )
    return code, json.loads(out) if out.strip() else {}, err


def test_a_repository_named_endpoint_never_receives_the_key(
    tmp_path: Path, attacker: LLMServer, capsys: Any
) -> None:
    repo = repo_with(tmp_path, f'base-url = "{attacker.base_url}"\n')
    code, data, err = run(repo, capsys, OPENAI_API_KEY=KEY)
    assert code == 0
    assert not any(KEY in auth for auth in attacker.authorizations)
    assert attacker.authorizations  # a loopback endpoint (a team's Ollama) is used, but without the key
    assert "base-url used without your API key" in err and "ARIADNE_TRUSTED_ENDPOINTS" in err
    assert any("without your API key" in note for note in data["notes"])  # the review says why, too
    assert KEY not in err and KEY not in json.dumps(data)


def test_an_endpoint_the_user_trusts_gets_the_key(tmp_path: Path, attacker: LLMServer, capsys: Any) -> None:
    repo = repo_with(tmp_path, f'base-url = "{attacker.base_url}/"\nmodel = "team-model"\n')
    code, data, err = run(repo, capsys, OPENAI_API_KEY=KEY, ARIADNE_TRUSTED_ENDPOINTS=attacker.base_url)
    assert code == 0 and "warning" not in err
    assert attacker.authorizations and set(attacker.authorizations) == {f"Bearer {KEY}"}
    assert {b["model"] for b in attacker.bodies} == {"team-model"}
    assert data["functions"][0]["status"] == "summarized"


def test_a_remote_endpoint_named_by_the_repository_is_ignored(tmp_path: Path, capsys: Any) -> None:
    repo = repo_with(tmp_path, 'base-url = "https://gateway.attacker.example/v1"\nmodel = "pricey"\n')
    code, data, err = run(repo, capsys)
    assert code == 0
    assert data["provider"] == "offline"  # no trusted endpoint/key pair is left: offline summaries
    [warning] = [line for line in err.splitlines() if "warning" in line]
    assert warning == (
        "ariadne-hook: warning: pyproject.toml [tool.ariadne] base-url ignored: a repository cannot choose "
        "where your code and key go; set OPENAI_BASE_URL or ARIADNE_TRUSTED_ENDPOINTS"
    )


def test_the_key_goes_to_the_endpoint_the_user_chose(tmp_path: Path, capsys: Any) -> None:
    with LLMServer() as mine, LLMServer() as theirs:
        repo = repo_with(tmp_path, f'base-url = "{theirs.base_url}"\nmodel = "pricey"\n')
        code, data, err = run(repo, capsys, OPENAI_API_KEY=KEY, OPENAI_BASE_URL=mine.base_url)
    assert code == 0 and theirs.requests == 0
    assert set(mine.authorizations) == {f"Bearer {KEY}"}
    assert {b["model"] for b in mine.bodies} == {"gpt-4o-mini"}  # the repository cannot pick the model
    assert "model ignored: a repository cannot choose what your key is used for" in err


def test_the_actions_environment_with_a_hostile_pyproject(tmp_path: Path, capsys: Any) -> None:
    """The Action maps every input to a variable, empty when unset: the repository still cannot set the
    endpoint, the provider or remove exclusions; the workflow's values, or the defaults, apply."""
    hostile = (
        'base-url = "https://collector.attacker.example/v1"\nprovider = "openai"\nexclude = []\n'
        "max-workers = 64\ndeadline = 3600\n"
    )
    repo = repo_with(tmp_path, hostile)
    write(repo, ".env", "API_TOKEN=do-not-send\n")
    stage_all(repo)
    action = {
        "GITHUB_ACTIONS": "true",
        "OPENAI_API_KEY": "",
        "ARIADNE_MODEL": "",
        "ARIADNE_BASE_URL": "",
        "ARIADNE_MAX_WORKERS": "",
        "ARIADNE_DEADLINE": "",
        "ARIADNE_EXCLUDE": "",
        "ARIADNE_PROVIDER": "",
        "ARIADNE_STRICT": "",
        "ARIADNE_COMMENT": "on",
        "ARIADNE_HOOK_BIN": "/opt/venv/bin",
    }
    code, data, err = run(repo, capsys, **action)
    assert code == 0
    assert data["provider"] == "offline"  # defaults: no key, no endpoint
    env_entry = next(f for f in data["functions"] if f["path"] == ".env")
    assert env_entry["status"] == "skipped" and "excluded" in env_entry["reason"]
    for key in ("base-url", "provider", "exclude", "max-workers", "deadline"):
        assert f"[tool.ariadne] {key}" in err
    with LLMServer() as workflow:
        chosen = {**action, "OPENAI_API_KEY": KEY, "ARIADNE_BASE_URL": workflow.base_url}
        code, data, err = run(repo, capsys, **chosen)
    assert code == 0 and set(workflow.authorizations) == {f"Bearer {KEY}"}
    assert all("do-not-send" not in json.dumps(body) for body in workflow.bodies)
    assert {f["path"]: f["status"] for f in data["functions"]}[".env"] == "skipped"


def test_plain_http_to_another_host_never_carries_the_key(tmp_path: Path) -> None:
    loaded = load_all(tmp_path, {}, {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://gateway.example/v1"})
    assert loaded.settings.api_key is None and loaded.settings.base_url == "http://gateway.example/v1"
    assert loaded.warnings == (
        "http://gateway.example/v1: plain http to another host: the API key is not sent; use https",
    )
    local = load_all(tmp_path, {}, {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://localhost:11434/v1"})
    assert local.settings.api_key == KEY and local.warnings == ()


@pytest.mark.parametrize(
    ("table", "expected", "warned"),
    [
        (
            "max-workers = 2\ndeadline = 5\nretries = 0\n",
            {"max_workers": 2, "deadline": 5.0, "retries": 0},
            (),
        ),
        (
            "max-workers = 50\ntimeout = 500\n",
            {"max_workers": 5, "timeout": 20.0},
            ("max-workers", "timeout"),
        ),
        ('provider = "offline"\ncache = false\n', {"provider": "offline", "cache": False}, ()),
        ('provider = "openai"\n', {"provider": "auto"}, ("provider",)),
        ('output = "r.md"\n', {"output": None, "output_name": "r.md"}, ()),
        ('output = ".ariadne/r.json"\n', {"output": None, "output_name": "r.json"}, ()),
        ('output = "reviews/r.md"\n', {"output": None, "output_name": None}, ("output",)),
        ('output = "/tmp/elsewhere.md"\n', {"output": None, "output_name": None}, ("output",)),
        ('output = "../outside.md"\n', {"output": None, "output_name": None}, ("output",)),
        ('api-key = "sk-x"\n', {"api_key": None}, ("api-key",)),
        ('trusted-endpoints = ["https://x.example"]\n', {"trusted_endpoints": ()}, ("trusted-endpoints",)),
        (
            'extra-exclude = ["gen/*"]\nformat = "json"\nverbose = true\nlanguages = { "*.inc" = "c" }\n',
            {"format": "json", "verbose": True, "languages": {"*.inc": "c"}, "code_languages": {}},
            (),
        ),
        (
            "strict = true\nllm-non-code = true\n",
            {"strict": False, "llm_non_code": False},
            ("strict", "llm-non-code"),
        ),
        ("strict = false\nllm-non-code = false\n", {"strict": False, "llm_non_code": False}, ()),
    ],
)
def test_the_repository_sets_preferences_and_only_lowers_limits(
    tmp_path: Path, table: str, expected: dict[str, Any], warned: tuple[str, ...]
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.ariadne]\n{table}")
    loaded = load_all(tmp_path, {}, {})
    for name, value in expected.items():
        assert getattr(loaded.settings, name) == value, name
    assert len(loaded.warnings) == len(warned)
    for key, line in zip(warned, loaded.warnings, strict=True):
        assert line.startswith(f"pyproject.toml [tool.ariadne] {key}") and "\n" not in line


def test_output_through_a_committed_symlink_leaving_the_repository_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "docs").symlink_to(outside)
    (repo / "pyproject.toml").write_text('[tool.ariadne]\noutput = "docs/review.md"\n')
    loaded = load_all(repo, {}, {})
    assert loaded.settings.output is None and loaded.settings.output_name is None
    assert "a repository can only name a file inside .ariadne/" in loaded.warnings[0]


def test_the_users_own_config_is_trusted_and_below_the_repository(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config" / "ariadne-hook").mkdir(parents=True)
    (home / ".config" / "ariadne-hook" / "config.toml").write_text(
        'base-url = "https://gateway.acme.example/v1"\nmodel = "acme-large"\nmax-workers = 8\n'
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text("[tool.ariadne]\nmax-workers = 3\n")
    loaded = load_all(repo, {}, {"HOME": str(home), "OPENAI_API_KEY": KEY})
    s = loaded.settings
    assert (s.base_url, s.model, s.api_key, s.max_workers) == (
        "https://gateway.acme.example/v1",
        "acme-large",
        KEY,
        3,
    )
    assert loaded.warnings == ()
