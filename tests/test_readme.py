"""The README's settings and configuration examples against the options table: every setting --help lists
is in the README (issue 18.3), and the TOML examples load without an error as written."""

from __future__ import annotations

import re
from pathlib import Path

from ariadne_hook.arguments import OTHER_VARIABLES
from ariadne_hook.config import DEFAULT_EXCLUDE, OPTIONS, OTHER_ENV, load_all
from tests.gitutil import init_repo, write
from tests.runner import ROOT, clean_env

README = (ROOT / "README.md").read_text(encoding="utf-8")
_TOML = re.compile(r"^```toml\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def test_every_setting_help_lists_is_in_the_readme() -> None:
    """Derived from the options table: each setting's key, flag and variables appear in the README, as do
    the other variables --help names."""
    missing = []
    for option in OPTIONS:
        names = [option.env, option.env_fallback, option.flag]
        if option.name != "api_key":
            names.append(option.key)
        missing += [n for n in names if n and not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", README)]
    for name in (*OTHER_ENV, *(n for n, _ in OTHER_VARIABLES)):
        if name not in README:
            missing.append(name)
    assert not missing, f"in --help but not in README.md: {missing}"


def test_the_readme_toml_examples_load_as_written(tmp_path: Path) -> None:
    """The [tool.ariadne] example in a repository and the user config example in ~/.config, loaded as by
    hand (where any invalid or unknown key is an error): no problem and no warning (its base-url is on this
    machine, so a repository may name it)."""
    project, user = _TOML.findall(README)
    assert project.startswith("[tool.ariadne]\n") and user.startswith(
        "# ~/.config/ariadne-hook/config.toml\n"
    )
    repo = init_repo(tmp_path / "repo")
    write(repo, "pyproject.toml", project)
    home = tmp_path / "home"
    write(home, ".config/ariadne-hook/config.toml", user)
    loaded = load_all(repo, {}, clean_env(HOME=str(home)))
    assert loaded.problems == ()
    assert loaded.warnings == ()
    s = loaded.settings
    assert s.trusted_endpoints and s.exclude != DEFAULT_EXCLUDE and s.extra_exclude == ("docs/generated/*",)
    assert s.commit_msg == "comment" and s.languages == {"*.mjs": "javascript"}
