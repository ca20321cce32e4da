"""The CLI says why and refuses nonsense by hand; inside a hook no configuration mistake blocks.

Everything through ``cli.main([...], environ)`` on real temporary repositories (loopback LLM servers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.config import OPTIONS
from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.runner import clean_env, run_main

OLD = "def area(w, h):\n    return w * h\n\n\ndef label(x):\n    return str(x)\n"
NEW = "def area(w, h):\n    return abs(w * h)\n\n\ndef label(x):\n    return repr(x)\n"
HOOK = {"PRE_COMMIT": "1"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = init_repo(tmp_path / "project")
    write(r, "geometry.py", OLD)
    write(r, "src/app/main.py", "def run():\n    return 1\n")
    write(r, "docs/conf.py", "def setup():\n    return 1\n")
    commit_all(r, "base")
    write(r, "geometry.py", NEW)
    write(r, "src/app/main.py", "def run():\n    return 2\n")
    write(r, "docs/conf.py", "def setup():\n    return 2\n")
    stage_all(r)
    return r


def run(repo: Path, capsys: Any, *argv: str, stdin: bytes | None = None, **env: str) -> tuple[int, str, str]:
    return run_main(list(argv), repo, clean_env(**env), capsys, stdin)


def review(repo: Path) -> str:
    return (repo / ".ariadne" / "review.md").read_text(encoding="utf-8")


def warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("ariadne-hook: warning: ")]


# --- 12.1 / 9.7: a bad setting blocks nothing in a hook, is a usage error by hand -----------------------

BAD = [
    ("file", "pyproject.toml [tool.ariadne] max-workers = 'five'", {}, ()),
    ("file", "pyproject.toml [tool.ariadne] deadline = inf", {}, ()),
    ("file", "pyproject.toml [tool.ariadne] provider = 'ofline'", {}, ()),
    ("file", "pyproject.toml [tool.ariadne]: unknown key 'flavour'", {}, ()),
    ("env", "ARIADNE_MAX_WORKERS='five'", {"ARIADNE_MAX_WORKERS": "five"}, ()),
    ("env", "ARIADNE_DEADLINE='nan'", {"ARIADNE_DEADLINE": "nan"}, ()),
    ("env", "ARIADNE_DEADLINE='-1'", {"ARIADNE_DEADLINE": "-1"}, ()),
    ("flag", "--deadline inf", {}, ("--deadline", "inf")),
    ("flag", "--deadline nan", {}, ("--deadline", "nan")),
    ("flag", "--deadline -1", {}, ("--deadline=-1",)),
    ("flag", "--max-workers five", {}, ("--max-workers", "five")),
    ("flag", "--format xml", {}, ("--format", "xml")),
]
TABLES = {
    "max-workers = 'five'": "max-workers = 'five'\n",
    "deadline = inf": "deadline = inf\n",
    "provider = 'ofline'": "provider = 'ofline'\n",
    "unknown key 'flavour'": "flavour = 1\n",
}


def _setup(repo: Path, where: str, written: str) -> None:
    if where == "file":
        table = next(v for k, v in TABLES.items() if k in written)
        write(repo, "pyproject.toml", f"[tool.ariadne]\n{table}")


@pytest.mark.parametrize(("where", "written", "env", "argv"), BAD)
def test_a_bad_setting_by_hand_is_exit_2_naming_it_as_written(
    repo: Path, capsys: Any, where: str, written: str, env: dict[str, str], argv: tuple[str, ...]
) -> None:
    _setup(repo, where, written)
    code, _, err = run(repo, capsys, *argv, **env)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"ariadne-hook: error: {written}")
    assert not (repo / ".ariadne" / "review.md").exists()


@pytest.mark.parametrize(("where", "written", "env", "argv"), BAD)
def test_a_bad_setting_in_a_hook_warns_and_the_review_is_written(
    repo: Path, capsys: Any, where: str, written: str, env: dict[str, str], argv: tuple[str, ...]
) -> None:
    _setup(repo, where, written)
    code, _, err = run(repo, capsys, *argv, **env, **HOOK)
    assert code == 0, err
    [warning] = warnings(err)
    assert warning.startswith(f"ariadne-hook: warning: {written}")
    assert "; using " in warning or warning.endswith("; ignored")
    assert "`area`" in review(repo)
    assert err.splitlines()[-1].startswith("ariadne-hook: 4 functions in 3 files")
    code, _, _ = run(repo, capsys, *argv, "--strict", **env, **HOOK)
    assert code == 1  # --strict may fail on it


def test_a_hook_warns_of_unknown_options_and_keeps_the_message_file(repo: Path, capsys: Any) -> None:
    code, _, err = run(repo, capsys, "--bogus", **HOOK)
    assert code == 0 and warnings(err) == ["ariadne-hook: warning: unknown option --bogus ignored"]
    message = repo / ".git" / "COMMIT_EDITMSG"
    message.write_text("subject\n")
    code, _, err = run(repo, capsys, "--timeout", "--comm", "--commit-msg-file", str(message))
    assert code == 0 and warnings(err) == [
        "ariadne-hook: warning: hook args: --timeout ignored (argument --timeout: expected one argument)",
        "ariadne-hook: warning: hook args: --comm ignored (ambiguous option: --comm could match "
        "--commit-subject, --commit-msg-file, --commit-msg-source)",
    ]
    assert "area" in message.read_text()  # prepare-commit-msg still did its job
    code, _, err = run(repo, capsys, "--bogus")
    assert code == 2 and err == "ariadne-hook: error: unknown option --bogus (see --help)\n"


def test_a_deadline_of_inf_by_hand_writes_nothing_and_in_a_hook_uses_the_default(
    repo: Path, capsys: Any
) -> None:
    with LLMServer() as server:
        env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.base_url}
        code, _, err = run(repo, capsys, "--deadline", "inf", **env)
        assert code == 2 and server.requests == 0
        code, _, err = run(repo, capsys, "--deadline", "inf", "--format", "json", "-o", "-", **env, **HOOK)
    assert code == 0 and "--deadline inf: must be a number of seconds above 0, at most 3600; using 30" in err


# --- 9.8: strictness from the loaded settings on every path --------------------------------------------


def test_strict_from_the_environment_counts_outside_a_repository(tmp_path: Path, capsys: Any) -> None:
    code, _, err = run(tmp_path, capsys, ARIADNE_STRICT="1", **HOOK)
    assert code == 1 and "not inside a git repository" in err
    code, _, _ = run(tmp_path, capsys, ARIADNE_STRICT="0", **HOOK)
    assert code == 0


def test_strict_from_the_config_counts_on_an_unknown_revision_in_a_hook(
    repo: Path, tmp_path: Path, capsys: Any
) -> None:
    home = tmp_path / "home"
    write(home, ".config/ariadne-hook/config.toml", "strict = true\n")  # the user's own config file
    code, _, err = run(repo, capsys, "--range", "no-such-rev..HEAD", HOME=str(home), **HOOK)
    assert code == 1 and "unknown base revision 'no-such-rev'" in err
    code, _, _ = run(repo, capsys, "--range", "no-such-rev..HEAD", ARIADNE_STRICT="1", **HOOK)
    assert code == 1
    write(repo, "pyproject.toml", "[tool.ariadne]\nstrict = true\n")  # the repository's: only a warning
    code, _, err = run(repo, capsys, "--range", "no-such-rev..HEAD", HOME=str(tmp_path), **HOOK)
    assert code == 0 and "strict = true ignored: only you can" in err


# --- 12.3: nonsense by hand is refused, and the previous review stays --------------------------------


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (("--range", "no-such-rev..HEAD"), None, "unknown base revision 'no-such-rev'"),
        (("--range", "HEAD..HEAD"), None, "range HEAD..HEAD is empty: both ends are commit"),
        (("--diff", "-"), b"", "patch from stdin is empty"),
        (("--diff", "-"), b"hello, this is not a patch\n", "stdin is not a unified diff"),
    ],
)
def test_nonsense_by_hand_is_exit_2_and_keeps_the_previous_review(
    repo: Path, capsys: Any, argv: tuple[str, ...], stdin: bytes | None, message: str
) -> None:
    assert run(repo, capsys)[0] == 0
    before = review(repo)
    code, _, err = run(repo, capsys, *argv, stdin=stdin)
    assert code == 2 and err.count("\n") == 1 and message in err
    assert review(repo) == before


def test_a_repo_that_does_not_exist(tmp_path: Path, capsys: Any) -> None:
    code, _, err = run(tmp_path, capsys, "--repo", str(tmp_path / "nope"))
    assert code == 2 and err.count("\n") == 1 and "no such directory" in err
    code, _, err = run(tmp_path, capsys, "--repo", str(tmp_path / "nope"), "--hook", "--strict")
    assert code == 1 and "no such directory" in err


def test_a_file_that_is_not_a_patch(repo: Path, capsys: Any) -> None:
    notes = repo / "notes.txt"
    notes.write_text("just some notes\n")
    code, _, err = run(repo, capsys, "--diff", str(notes))
    assert code == 2 and "notes.txt is not a unified diff" in err


# --- 12.4: paths limit the review in every mode ----------------------------------------------------------


def _reviewed(
    repo: Path, capsys: Any, *argv: str, cwd: Path | None = None, stdin: bytes | None = None
) -> set[str]:
    code, out, err = run_main(["--format", "json", "-o", "-", *argv], cwd or repo, clean_env(), capsys, stdin)
    assert code == 0, err
    return {f["path"] for f in json.loads(out)["functions"]}


def test_paths_limit_a_staged_review(repo: Path, capsys: Any) -> None:
    assert _reviewed(repo, capsys) == {"geometry.py", "src/app/main.py", "docs/conf.py"}
    assert _reviewed(repo, capsys, "src") == {"src/app/main.py"}
    assert _reviewed(repo, capsys, "--", "src/", "geometry.py") == {"src/app/main.py", "geometry.py"}
    assert _reviewed(repo, capsys, "*.py", ":(exclude)docs") == {"geometry.py", "src/app/main.py"}
    assert _reviewed(repo, capsys, ":!src") == {"geometry.py", "docs/conf.py"}
    assert _reviewed(repo, capsys, "app", cwd=repo / "src") == {"src/app/main.py"}  # relative to the cwd
    assert _reviewed(repo, capsys, ":/docs", cwd=repo / "src") == {"docs/conf.py"}


def test_paths_limit_a_range_and_a_patch(repo: Path, capsys: Any) -> None:
    commit_all(repo, "change")
    assert _reviewed(repo, capsys, "--range", "HEAD~1..HEAD", "docs") == {"docs/conf.py"}
    patch = git(repo, "show", "HEAD").encode()
    assert _reviewed(repo, capsys, "--diff", "-", "src/", stdin=patch) == {"src/app/main.py"}
    assert _reviewed(repo, capsys, "--diff", "-", "*/conf.py", stdin=patch) == {"docs/conf.py"}
    assert _reviewed(repo, capsys, "--diff", "-", ":(glob)*.py", stdin=patch) == {"geometry.py"}
    assert _reviewed(repo, capsys, "--diff", "-", ":(exclude)src", stdin=patch) == {
        "geometry.py",
        "docs/conf.py",
    }


def test_a_path_outside_the_repository_is_a_usage_error(repo: Path, capsys: Any) -> None:
    code, _, err = run(repo, capsys, "../elsewhere")
    assert code == 2 and "outside the repository" in err


# --- 12.2: the result line says why; --quiet ------------------------------------------------------------


def test_a_rejected_key_is_named_on_the_result_line(repo: Path, capsys: Any) -> None:
    with LLMServer(fault="401") as server:
        env = {"OPENAI_API_KEY": "sk-wrong", "OPENAI_BASE_URL": server.base_url, "ARIADNE_RETRIES": "0"}
        code, _, err = run(repo, capsys, "--no-cache", **env)
    assert code == 0 and err.count("\n") == 1
    assert err.rstrip().endswith("; model not used: 401 unauthorized — check OPENAI_API_KEY")
    assert "sk-wrong" not in err


def test_the_deadline_is_named_on_the_result_line(repo: Path, capsys: Any) -> None:
    with LLMServer(fault="hang") as server:
        env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.base_url}
        code, _, err = run(repo, capsys, "--no-cache", "--deadline", "1", **env)
    assert code == 0
    assert err.rstrip().endswith("; deadline 1 s: 4 of 4 offline")


def test_no_key_is_named_only_when_a_model_was_wanted(repo: Path, capsys: Any) -> None:
    code, _, err = run(repo, capsys)
    assert code == 0 and "model not used" not in err
    code, _, err = run(repo, capsys, OPENAI_MODEL="gpt-4o")
    assert code == 0 and err.rstrip().endswith(
        "; model not used: no API key — set OPENAI_API_KEY (or a base URL)"
    )


def test_quiet_prints_nothing_on_success_but_still_warns(repo: Path, capsys: Any) -> None:
    code, out, err = run(repo, capsys, "--quiet")
    assert (code, out, err) == (0, "", "")
    assert "`area`" in review(repo)
    write(repo, "pyproject.toml", "[tool.ariadne]\nflavour = 1\n")
    code, _, err = run(repo, capsys, "-q", **HOOK)
    assert code == 0 and warnings(err) == [
        "ariadne-hook: warning: pyproject.toml [tool.ariadne]: unknown key 'flavour'; ignored"
    ]
    assert err.count("\n") == 1


# --- 12.7: --help ---------------------------------------------------------------------------------------


def test_help_lists_defaults_variables_keys_and_exit_codes(repo: Path, capsys: Any) -> None:
    code, out, _ = run(repo, capsys, "--help")
    assert code == 0
    text = " ".join(out.split())
    for needle in (
        "default: 20 s",
        "default: 30 s",
        "default: gpt-4o-mini",
        "default: 5",
        "default: .ariadne/review.md",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_MODEL",
        "OPENAI_API_VERSION",
        "ARIADNE_TRUSTED_ENDPOINTS",
        "GITHUB_TOKEN",
        "GITHUB_EVENT_PATH",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_OUTPUT",
        "GITHUB_API_URL",
        "GITHUB_REPOSITORY",
        "PRE_COMMIT",
        "130",
        "--quiet",
        "--hook",
        "PATH",
    ):
        assert needle in text, needle
    for option in OPTIONS:
        assert option.env is None or option.env in text
        assert option.key in text or option.name in ("api_key",)


def test_repository_text_in_messages_cannot_act_on_the_terminal(tmp_path: Path, capsys: Any) -> None:
    """A file name or a config value holding an ANSI sequence is shown escaped, never sent to the terminal."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "a.py", "def f():\n    return 1\n")
    write(repo, "pyproject.toml", '[tool.ariadne]\nmax-workers = "\\u001b[31mfive"\n')
    commit_all(repo)
    (repo / "bin\x1b[2Jary.dat").write_bytes(b"\x00\x01\x02")
    stage_all(repo)
    code, _, err = run_main(["--verbose", "--hook"], repo, clean_env(), capsys)
    assert code == 0
    assert "\x1b" not in err, err
    assert "bin\\x1b[2Jary.dat" in err  # the skipped file's name, visible as written
