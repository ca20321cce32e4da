"""Settings: defaults < [tool.ariadne] < environment < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from ariadne_hook.config import DEFAULT_EXCLUDE, ConfigError, Settings, load


def test_precedence(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ariadne]\nmax-workers = 3\nmodel = "from-toml"\ndeadline = 12\nexclude = ["*.gen.py"]\n'
        'languages = { "*.mjs" = "javascript" }\n'
    )
    env = {"ARIADNE_MODEL": "from-env", "ARIADNE_DEADLINE": "7.5"}
    s = load(tmp_path, {"deadline": 2.0, "model": None}, env)
    assert s.max_workers == 3
    assert s.model == "from-env"
    assert s.deadline == 2.0
    assert s.exclude == ("*.gen.py",)
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
        ("[tool.ariadne]\nmax-workers = 0\n", "invalid value for max_workers"),
        ("[tool.ariadne]\nprovider = 'gpt'\n", "provider must be one of"),
        ("[tool.ariadne]\nflavour = 1\n", "unknown option 'flavour'"),
        ("[tool.ariadne]\napi_key = 'x'\n", "do not put api_key"),
        ("[tool.ariadne\n", "cannot read"),
    ],
)
def test_bad_configuration_is_one_clear_line(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    with pytest.raises(ConfigError, match=message) as info:
        load(tmp_path, {}, {})
    assert "\n" not in str(info.value)


def test_bad_environment_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ARIADNE_MAX_WORKERS"):
        load(tmp_path, {}, {"ARIADNE_MAX_WORKERS": "many"})


def test_the_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(block)
    s = load(tmp_path, {}, {})
    assert s.base_url == "http://localhost:11434/v1"
    assert s.excludes()[-1] == "docs/generated/*"
    assert s.languages == {"*.mjs": "javascript"}
