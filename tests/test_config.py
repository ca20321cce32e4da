"""Settings: defaults < [tool.ariadne] < environment < flags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ariadne_hook.config import DEFAULT_EXCLUDE, OPTIONS, ConfigError, Settings, load, load_all


def test_precedence(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ariadne]\nmax-workers = 3\ndeadline = 12\nextra-exclude = ["*.gen.py"]\n'
        'languages = { "*.mjs" = "javascript" }\n'
    )
    env = {"ARIADNE_MODEL": "from-env", "ARIADNE_DEADLINE": "7.5"}
    s = load(tmp_path, {"deadline": 2.0, "model": None}, env)
    assert s.max_workers == 3
    assert s.model == "from-env"
    assert s.deadline == 2.0
    assert s.excludes() == (*DEFAULT_EXCLUDE, "*.gen.py")
    assert s.languages == {"*.mjs": "javascript"}


def test_defaults_without_pyproject(tmp_path: Path) -> None:
    s = load(tmp_path, {}, {})
    assert s == Settings()
    assert s.excludes() == DEFAULT_EXCLUDE


def test_extra_excludes_add_up(tmp_path: Path) -> None:
    s = load(tmp_path, {"extra_exclude": ("b/*",)}, {"ARIADNE_EXCLUDE": "a/*, c.py"})
    assert s.excludes()[-3:] == ("a/*", "c.py", "b/*")


def test_openai_fallback_variables_and_key_never_in_repr(tmp_path: Path) -> None:
    s = load(tmp_path, {}, {"OPENAI_API_KEY": "sk-very-secret", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert s.api_key == "sk-very-secret"
    assert s.base_url == "http://127.0.0.1:9/v1"
    assert "sk-very-secret" not in repr(s)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[tool.ariadne]\nmax-workers = 0\n", "max-workers = 0: must be a whole number from 1 to 64"),
        ("[tool.ariadne]\nmax_workers = 'five'\n", "max_workers = 'five': must be a whole number"),
        ("[tool.ariadne]\nprovider = 'gpt'\n", "provider = 'gpt': must be one of auto, offline, openai"),
        ("[tool.ariadne]\nflavour = 1\n", "unknown key 'flavour'"),
        ("[tool.ariadne]\ndeadline = inf\n", "deadline = inf: must be a number of seconds above 0"),
        ("[tool.ariadne]\ndeadline = nan\n", "deadline = nan: must be"),
        ("[tool.ariadne]\ndeadline = -1\n", "deadline = -1: must be"),
        ("[tool.ariadne]\nmax-workers = true\n", "max-workers = true: must be a whole number"),
        ("[tool.ariadne]\nbase-url = 'ftp://x'\n", "base-url = 'ftp://x': must be an http"),
        ("[tool.ariadne\n", "cannot read"),
    ],
)
def test_bad_configuration_is_one_clear_line(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        load(tmp_path, {}, {})
    assert "\n" not in str(info.value) and str(info.value).startswith("pyproject.toml [tool.ariadne]")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ARIADNE_MAX_WORKERS": "many"}, "ARIADNE_MAX_WORKERS='many': must be a whole number from 1 to 64"),
        ({"ARIADNE_DEADLINE": "inf"}, "ARIADNE_DEADLINE='inf': must be a number of seconds above 0"),
        ({"ARIADNE_DEADLINE": "nan"}, "ARIADNE_DEADLINE='nan'"),
        (
            {"ARIADNE_TIMEOUT": "601"},
            "ARIADNE_TIMEOUT='601': must be a number of seconds above 0, at most 600",
        ),
        ({"ARIADNE_RETRIES": "11"}, "ARIADNE_RETRIES='11'"),
        ({"ARIADNE_MAX_FILE_BYTES": "100000001"}, "ARIADNE_MAX_FILE_BYTES"),
        ({"ARIADNE_MAX_PROMPT_CHARS": "1000001"}, "ARIADNE_MAX_PROMPT_CHARS"),
        ({"ARIADNE_DEADLIN": "5"}, "ARIADNE_DEADLIN is not a setting"),
    ],
)
def test_bad_environment_value(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load(tmp_path, {}, env)


def test_every_limit_has_a_finite_upper_bound() -> None:
    for option in OPTIONS:
        if option.kind in ("int", "float"):
            assert 0 < option.high < float("inf"), option.name


def test_in_a_hook_a_bad_value_is_a_problem_line_and_the_value_below_it_is_used(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ariadne]\nmax-workers = 'five'\nflavour = 1\ndeadline = 9\n"
    )
    loaded = load_all(tmp_path, {"deadline": "inf"}, {"ARIADNE_TIMEOUT": "-3"}, lenient=True)
    assert (loaded.settings.max_workers, loaded.settings.deadline, loaded.settings.timeout) == (5, 9.0, 20.0)
    assert loaded.problems == (
        "pyproject.toml [tool.ariadne]: unknown key 'flavour'; ignored",
        "pyproject.toml [tool.ariadne] max-workers = 'five': must be a whole number from 1 to 64; using 5",
        "ARIADNE_TIMEOUT='-3': must be a number of seconds above 0, at most 600; using 20",
        "--deadline inf: must be a number of seconds above 0, at most 3600; using 9",
    )


def test_empty_variables_are_unset(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ariadne]\nverbose = true\ncache = false\n")
    s = load(tmp_path, {}, {"ARIADNE_VERBOSE": "", "ARIADNE_CACHE": "", "ARIADNE_DEADLINE": ""})
    assert s.verbose is True and s.cache is False and s.deadline == 30.0


def test_the_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(block)
    s = load(tmp_path, {}, {})
    assert s.base_url == "http://localhost:11434/v1"
    assert s.excludes()[-1] == "docs/generated/*"
    assert s.languages == {"*.mjs": "javascript"}
