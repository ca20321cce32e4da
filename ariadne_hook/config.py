"""Settings: defaults < ``[tool.ariadne]`` in the repository's pyproject.toml < environment < flags."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's fast path
if TYPE_CHECKING:
    from typing import Any

DEFAULT_EXCLUDE: tuple[str, ...] = (
    # lock files
    "*.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "poetry.lock",
    "Pipfile.lock",
    "Cargo.lock",
    "go.sum",
    "composer.lock",
    "Gemfile.lock",
    "uv.lock",
    # minified and generated
    "*.min.js",
    "*.min.css",
    "*.map",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*.pb.go",
    "*.generated.*",
    # vendored folders
    "vendor/*",
    "third_party/*",
    "node_modules/*",
    # secrets that should never be sent anywhere
    ".env",
    ".env.*",
    "*.pem",
    "*.key",
)


class ConfigError(ValueError):
    """A setting that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Settings:
    provider: str = "auto"  # auto | offline | openai
    model: str | None = None
    base_url: str | None = None
    azure_api_version: str | None = None  # set (or an *.openai.azure.com base URL): Azure OpenAI
    api_key: str | None = field(default=None, repr=False)  # never printed
    max_workers: int = 5
    timeout: float = 20.0  # seconds per request
    deadline: float = 30.0  # seconds for the whole summarize stage
    retries: int = 2
    cache: bool = True
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extra_exclude: tuple[str, ...] = ()  # added by config/flags on top of the defaults
    max_file_bytes: int = 1_000_000
    max_prompt_chars: int = 12_000  # per request
    max_per_request: int = 16  # functions packed into one request; 1: one plain request per function
    max_llm_entries: int = 300  # per run; beyond it (by priority) entries get offline summaries ("budget")
    llm_non_code: bool = False  # also send entries of files without a function parser (docs, YAML...)
    languages: Mapping[str, str] = field(default_factory=dict)  # glob -> language, e.g. "*.mjs": "javascript"
    output: str | None = None  # None: .ariadne/review.md (or .json) at the repository root; "-": stdout
    format: str = "markdown"  # markdown | json
    strict: bool = False
    verbose: bool = False
    commit_msg: str = "comment"  # prepare-commit-msg: comment | body | off
    commit_msg_all: bool = False  # also touch merges, amends, -m and squash messages

    def excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extra_exclude


_INT = {"max_workers", "retries", "max_file_bytes", "max_prompt_chars", "max_per_request", "max_llm_entries"}
_FLOAT = {"timeout", "deadline"}
_BOOL = {"cache", "strict", "verbose", "commit_msg_all", "llm_non_code"}
_CHOICES = {
    "provider": ("auto", "offline", "openai"),
    "format": ("markdown", "json"),
    "commit_msg": ("comment", "body", "off"),
}
# option name -> environment variable
ENV = {
    "provider": "ARIADNE_PROVIDER",
    "model": "ARIADNE_MODEL",
    "base_url": "ARIADNE_BASE_URL",
    "azure_api_version": "ARIADNE_AZURE_API_VERSION",
    "max_workers": "ARIADNE_MAX_WORKERS",
    "timeout": "ARIADNE_TIMEOUT",
    "deadline": "ARIADNE_DEADLINE",
    "retries": "ARIADNE_RETRIES",
    "cache": "ARIADNE_CACHE",
    "extra_exclude": "ARIADNE_EXCLUDE",
    "max_file_bytes": "ARIADNE_MAX_FILE_BYTES",
    "max_prompt_chars": "ARIADNE_MAX_PROMPT_CHARS",
    "max_per_request": "ARIADNE_MAX_PER_REQUEST",
    "max_llm_entries": "ARIADNE_MAX_LLM_ENTRIES",
    "llm_non_code": "ARIADNE_LLM_NON_CODE",
    "format": "ARIADNE_FORMAT",
    "output": "ARIADNE_OUTPUT",
    "strict": "ARIADNE_STRICT",
    "commit_msg": "ARIADNE_COMMIT_MSG",
    "commit_msg_all": "ARIADNE_COMMIT_MSG_ALL",
}
# fallbacks read when the ARIADNE_ variable is unset (the usual OpenAI SDK names)
ENV_FALLBACK = {
    "model": "OPENAI_MODEL",
    "base_url": "OPENAI_BASE_URL",
    "api_key": "OPENAI_API_KEY",
    "azure_api_version": "OPENAI_API_VERSION",
}
_NAMES = {f.name for f in fields(Settings)}


def _coerce(name: str, value: Any, origin: str) -> Any:
    """Turn a raw value (TOML or environment string) into the setting's type, or raise ConfigError."""
    try:
        if name in _INT:
            out: Any = int(value)
            if out < (1 if name in ("max_workers", "max_per_request") else 0):
                raise ValueError
            return out
        if name in _FLOAT:
            out = float(value)
            if out <= 0:
                raise ValueError
            return out
        if name in _BOOL:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off", ""):
                return False
            raise ValueError
        if name in ("exclude", "extra_exclude"):
            if isinstance(value, str):
                return tuple(p.strip() for p in value.split(",") if p.strip())
            if isinstance(value, list) and all(isinstance(p, str) for p in value):
                return tuple(value)
            raise ValueError
        if name == "languages":
            if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
                return dict(value)
            raise ValueError
        if value is not None and not isinstance(value, str):
            raise ValueError
        if name in _CHOICES and value not in _CHOICES[name]:
            raise ConfigError(f"{origin}: {name} must be one of {', '.join(_CHOICES[name])}, not {value!r}")
        return value
    except ConfigError:
        raise
    except (TypeError, ValueError):
        raise ConfigError(f"{origin}: invalid value for {name}: {value!r}") from None


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


def from_pyproject(path: Path) -> dict[str, Any]:
    """The ``[tool.ariadne]`` table of a pyproject.toml, coerced; {} when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
        data = _parse_toml(text) if _may_configure(text) else {}
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path.name}: cannot read [tool.ariadne]: {exc}") from None
    table = data.get("tool", {}).get("ariadne", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path.name}: [tool.ariadne] must be a table")
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name == "api_key":
            raise ConfigError(f"{path.name}: do not put api_key in pyproject.toml; set OPENAI_API_KEY")
        if name not in _NAMES:
            raise ConfigError(f"{path.name}: unknown option {key!r} in [tool.ariadne]")
        out[name] = _coerce(name, value, f"{path.name} [tool.ariadne]")
    return out


def from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _NAMES:
        var = ENV.get(name)
        raw = environ.get(var) if var else None
        if raw is None and name in ENV_FALLBACK:
            raw = environ.get(ENV_FALLBACK[name])
            var = ENV_FALLBACK[name]
        if raw is None or (raw == "" and name not in _BOOL):
            continue
        out[name] = _coerce(name, raw, f"environment {var}")
    return out


def load(
    repo_root: Path | None,
    flags: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Defaults < pyproject.toml < environment < flags (flags whose value is None are not set)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    if repo_root is not None:
        values.update(from_pyproject(repo_root / "pyproject.toml"))
    values.update(from_env(env))
    for name, value in flags.items():
        if value is None:
            continue
        if name not in _NAMES:
            raise ConfigError(f"unknown setting {name!r}")
        if name == "extra_exclude":
            value = values.get("extra_exclude", ()) + tuple(value)
        values[name] = value
    return replace(Settings(), **values)
