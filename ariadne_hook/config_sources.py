"""Where setting values come from, each as a :class:`Raw` value (its setting, the value as written, the way
the user wrote its name): the user's own config file (``$XDG_CONFIG_HOME/ariadne-hook/config.toml``), the
reviewed repository's ``pyproject.toml`` ``[tool.ariadne]`` (both read through ``settings_file.py``), the
environment and the flags. :func:`ariadne_hook.config.load_all` coerces them and merges them under the trust
rules (:mod:`ariadne_hook.trust`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ariadne_hook.config import BY_NAME, OPTIONS, OTHER_ENV, ConfigError
from ariadne_hook.settings_file import NotSettings, read_settings_file
from ariadne_hook.words import did_you_mean

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's fast path
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class Raw:
    """One value as a source gave it, with the way the user wrote its name (for messages)."""

    name: str
    value: Any
    written: str  # "pyproject.toml [tool.ariadne] max-workers", "ARIADNE_MAX_WORKERS", "--max-workers"
    sep: str = " = "  # between written and the value in a message


def describe(raw: Raw) -> str:
    value = raw.value
    if isinstance(value, (list, tuple)):
        value = ",".join(map(str, value))
    if isinstance(value, bool):
        shown: Any = "true" if value else "false"
    else:
        shown = value if raw.sep == " " else repr(value)
    return f"{raw.written}{raw.sep}{shown}"


class Collector:
    def __init__(self, lenient: bool) -> None:
        self.lenient = lenient
        self.problems: list[tuple[str, str | None]] = []  # (message, setting name whose value is used)
        self.warnings: list[str] = []  # settings files set aside: never a usage error

    def problem(self, message: str, name: str | None = None) -> None:
        if not self.lenient:
            raise ConfigError(message)
        self.problems.append((message, name))


def _parse_toml(text: str) -> dict[str, Any]:
    """TOML text as a dict; the parser is imported here, only for a file that may configure the tool."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    data: dict[str, Any] = tomllib.loads(text)  # TOMLDecodeError is a ValueError
    return data


def _may_configure(text: str) -> bool:
    """False when the text cannot hold a ``[tool.ariadne]`` table: the key ``ariadne`` appears nowhere, not
    even spelled with a TOML ``\\u``/``\\U`` escape in a quoted key. Skips parsing most pyproject files."""
    return "ariadne" in text or "\\u" in text or "\\U" in text


def _table_raws(table: dict[str, Any], where: str, out: Collector) -> list[Raw]:
    raws: list[Raw] = []
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in BY_NAME:
            hint = did_you_mean(key, (o.key for o in OPTIONS), quote="'")
            out.problem(f"{where}: unknown key {key!r}{hint}")
            continue
        raws.append(Raw(name, value, f"{where} {key}"))
    return raws


def _read_toml(
    path: Path, label: str, out: Collector, table_path: tuple[str, ...], file_label: str
) -> list[Raw]:
    try:
        text = read_settings_file(path)
    except NotSettings as exc:
        out.warnings.append(f"{file_label} {exc}: ignored")
        return []
    except (OSError, UnicodeDecodeError) as exc:
        out.problem(f"{label}: cannot read: {exc}")
        return []
    if text is None:
        return []
    if table_path and not _may_configure(text):
        return []
    try:
        data: Any = _parse_toml(text)
    except ValueError as exc:
        out.problem(f"{label}: cannot read: {' '.join(str(exc).split())}")
        return []
    for part in table_path:
        data = data.get(part, {}) if isinstance(data, dict) else None
    if not isinstance(data, dict):
        out.problem(f"{label} must be a table")
        return []
    return _table_raws(data, label, out)


def from_pyproject(repo_root: Path, out: Collector) -> list[Raw]:
    path, label = repo_root / "pyproject.toml", "pyproject.toml [tool.ariadne]"
    return _read_toml(path, label, out, ("tool", "ariadne"), "pyproject.toml")


def xdg_dir(environ: Mapping[str, str], variable: str, default: str) -> Path | None:
    """``$<variable>/ariadne-hook`` (an absolute path), else ``~/<default>/ariadne-hook``; None without a
    home (the XDG base-directory rules)."""
    base = environ.get(variable) or ""
    if not os.path.isabs(base):
        home = environ.get("HOME") or ""
        if not home:
            return None
        base = os.path.join(home, default)
    return Path(base, "ariadne-hook")


def user_config_path(environ: Mapping[str, str]) -> Path | None:
    """``$XDG_CONFIG_HOME/ariadne-hook/config.toml`` (default ``~/.config/...``); None without a home."""
    folder = xdg_dir(environ, "XDG_CONFIG_HOME", ".config")
    return folder / "config.toml" if folder is not None else None


def from_user_config(environ: Mapping[str, str], out: Collector) -> list[Raw]:
    path = user_config_path(environ)
    if path is None:
        return []
    home = environ.get("HOME") or ""
    label = str(path)
    if home and label.startswith(home.rstrip("/") + "/"):
        label = "~" + label[len(home.rstrip("/")) :]
    raws = _read_toml(path, label, out, (), label)
    for raw in raws:
        if raw.name == "api_key":
            out.problem(f"{raw.written}: the key is read from OPENAI_API_KEY only")
    return [raw for raw in raws if raw.name != "api_key"]


def from_env(environ: Mapping[str, str], out: Collector) -> list[Raw]:
    """Values of the environment variables; an empty variable counts as unset (an empty Action input)."""
    raws: list[Raw] = []
    for option in OPTIONS:
        for var in (option.env, option.env_fallback):
            if var and environ.get(var, "") != "":
                raws.append(Raw(option.name, environ[var], var, "="))
                break
    known = {o.env for o in OPTIONS} | set(OTHER_ENV)
    for var in sorted(environ):
        if var.startswith("ARIADNE_") and var not in known:
            hint = did_you_mean(var, (v for v in known if v)) or " (see ariadne-hook --help)"
            out.problem(f"{var} is not a setting{hint}")
    return raws


def from_flags(flags: Mapping[str, Any]) -> list[Raw]:
    raws: list[Raw] = []
    for name, value in flags.items():
        if value is None:
            continue
        if name not in BY_NAME:
            raise ConfigError(f"unknown setting {name!r}")
        flag = BY_NAME[name].flag or f"--{BY_NAME[name].key}"
        raws.append(Raw(name, value, flag, " "))
    return raws
