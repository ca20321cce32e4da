"""Settings, where they come from, and how far each source is trusted.

Sources, lowest first: defaults < the user's own config file (``$XDG_CONFIG_HOME/ariadne-hook/config.toml``)
< the reviewed repository's ``[tool.ariadne]`` (restricted: see :mod:`ariadne_hook.trust`) < environment <
flags. One table, `OPTIONS`, names every setting once: its type and bounds, its environment variable, its
flag, its help text and how far the repository may set it; `--help` is generated from it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ariadne_hook.settings_file import NotSettings, read_settings_file
from ariadne_hook.words import did_you_mean

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
    # credential files: package registries, git, containers, ssh, password stores, databases, clouds
    ".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", ".gem/credentials", ".cargo/credentials",
    ".cargo/credentials.toml", ".netrc", "_netrc", ".git-credentials", ".dockercfg", ".docker/config.json",
    ".kube/config", ".htpasswd", ".pgpass", ".my.cnf", ".s3cfg", ".boto", ".aws/credentials", ".vault-token",
    ".terraformrc", "terraform.rc", "*.tfstate", "*.tfstate.backup", "id_rsa*", "id_dsa*", "id_ecdsa*",
    "id_ed25519*", "*.ppk", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.kdbx",
)  # fmt: skip


DEFAULT_MODEL = "gpt-4o-mini"  # the OpenAI provider's model when none is set
DEFAULT_OUTPUT = ".ariadne/review.md"  # at the repository root; stdout outside a repository
TOKEN_LIMIT = 200  # characters of a model id or an API version
TOKEN_PUNCTUATION = "._:/@-"  # with ASCII letters and digits: what a model id or an API version is made of


class ConfigError(ValueError):
    """A setting that cannot be used; the message is one line for the user, naming it as they wrote it."""


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
    max_prompt_chars: int = 5_000  # per request, answers included: fits a 2k-token context slot (pack.py)
    max_per_request: int = 16  # functions packed into one request; 1: one plain request per function
    max_llm_entries: int = 300  # per run; beyond it (by priority) entries get offline summaries ("budget")
    llm_non_code: bool = False  # also send entries of files without a function parser (docs, YAML...)
    languages: Mapping[str, str] = field(default_factory=dict)  # glob -> language, e.g. "*.mjs": "javascript"
    # (the user's globs first, then the repository's: which parser reads a file); the user's own globs alone
    # decide, with the defaults, which files are code that may be sent (summarize/route.py)
    code_languages: Mapping[str, str] = field(default_factory=dict)
    output: str | None = None  # the user's: a path (relative to the current folder), "-": stdout; None:
    output_name: str | None = None  # the repository's: a file name inside .ariadne/ ("-": stdout); None:
    # review.md (review.json) — publish/files.review_target decides the path from these two, once
    format: str = "markdown"  # markdown | json
    strict: bool = False
    verbose: bool = False
    quiet: bool = False  # nothing on stderr when all went well
    commit_msg: str = "comment"  # prepare-commit-msg: comment | body | off
    commit_msg_all: bool = False  # also touch merges, amends, -m and squash messages
    commit_subject: bool = False  # prepare-commit-msg: a subject line from the model (fresh messages)
    trusted_endpoints: tuple[str, ...] = ()  # endpoint ids a repository may name and still get the key

    def excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extra_exclude


# How far the repository under review may set an option (see ariadne_hook.trust and docs/SECURITY.md).
PREFERENCE = "preference"  # taken as written
LOWER = "lower"  # a limit: taken only when it lowers the value it would replace
OFF_ONLY = "off-only"  # a switch only the user may turn on (cache, strict, llm-non-code, the commit message)
OFFLINE_ONLY = "offline-only"  # provider: only "offline"
ADD_ONLY = "add-only"  # exclusions: added to the defaults, never replacing them
NAME_ONLY = "name-only"  # output: only a file name inside .ariadne/ (publish/files.review_name)
PARSER_ONLY = "parser-only"  # languages: which parser reads a file, never whether its content is sent
ENDPOINT = "endpoint"  # base-url: never gets the user's key unless the user trusts it
WITH_ENDPOINT = "with-endpoint"  # model, azure-api-version: only with the repository's accepted endpoint
NEVER = "never"  # api-key, trusted-endpoints: only the user sets them


@dataclass(frozen=True)
class Option:
    name: str  # the Settings field
    kind: str  # int | float | bool | choice | text | url | globs | languages | endpoints
    help: str
    env: str | None = None
    env_fallback: str | None = None  # read when ``env`` is unset (the OpenAI SDK's names)
    flag: str | None = None  # the command-line spelling, when there is a flag
    low: float = 0
    high: float = 0
    choices: tuple[str, ...] = ()
    repo: str = PREFERENCE
    unit: str = ""

    @property
    def key(self) -> str:
        """The spelling in ``[tool.ariadne]`` and the user config."""
        return self.name.replace("_", "-")


OPTIONS: tuple[Option, ...] = (
    Option("provider", "choice", "summarizer: auto = openai when a key or base URL is set",
           "ARIADNE_PROVIDER", flag="--provider", choices=("auto", "offline", "openai"), repo=OFFLINE_ONLY),
    Option("model", "token", "LLM model name (Azure: the deployment)", "ARIADNE_MODEL", "OPENAI_MODEL",
           flag="--model", repo=WITH_ENDPOINT),
    Option("base_url", "url", "OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, llama.cpp, Azure...)",
           "ARIADNE_BASE_URL", "OPENAI_BASE_URL", flag="--base-url", repo=ENDPOINT),
    Option("azure_api_version", "token", "Azure OpenAI: the API version (base URL = endpoint)",
           "ARIADNE_AZURE_API_VERSION", "OPENAI_API_VERSION", flag="--azure-api-version", repo=WITH_ENDPOINT),
    Option("api_key", "text", "the API key (environment only)", None, "OPENAI_API_KEY", repo=NEVER),
    Option("max_workers", "int", "requests in flight at most", "ARIADNE_MAX_WORKERS", flag="--max-workers",
           low=1, high=64, repo=LOWER),
    Option("timeout", "float", "seconds per request", "ARIADNE_TIMEOUT", flag="--timeout", high=600,
           repo=LOWER, unit="s"),
    Option("deadline", "float", "seconds for the whole run; what is left undone is listed, reason deadline",
           "ARIADNE_DEADLINE", flag="--deadline", high=3600, repo=LOWER, unit="s"),
    Option("retries", "int", "retries per request (5xx, 429, timeouts)", "ARIADNE_RETRIES", high=10,
           repo=LOWER),
    Option("cache", "bool", "reuse summaries of unchanged functions", "ARIADNE_CACHE", flag="--no-cache",
           repo=OFF_ONLY),
    Option("exclude", "globs", "paths never read or sent (replaces the defaults)", repo=ADD_ONLY),
    Option("extra_exclude", "globs", "paths never read or sent, on top of the defaults (comma-separated)",
           "ARIADNE_EXCLUDE", flag="--exclude"),
    Option("max_file_bytes", "int", "larger files are skipped", "ARIADNE_MAX_FILE_BYTES", low=1,
           high=100_000_000, repo=LOWER),
    Option("max_prompt_chars", "int", "a longer function is trimmed with a visible marker",
           "ARIADNE_MAX_PROMPT_CHARS", low=1, high=1_000_000, repo=LOWER),
    Option("max_per_request", "int", "functions packed into one request (1: one plain request each)",
           "ARIADNE_MAX_PER_REQUEST", low=1, high=64, repo=LOWER),
    Option("max_llm_entries", "int", "entries sent to the model per run; the rest get offline summaries",
           "ARIADNE_MAX_LLM_ENTRIES", high=100_000, repo=LOWER),
    Option("llm_non_code", "bool", "also send files without a function parser (docs, YAML, requirements)",
           "ARIADNE_LLM_NON_CODE", repo=OFF_ONLY),
    Option("languages", "languages", 'extra file globs per language, e.g. { "*.mjs" = "javascript" }',
           repo=PARSER_ONLY),
    Option("output", "text", "where to write the review (never in .git/ or over a tracked file); - stdout",
           "ARIADNE_OUTPUT", flag="--output", repo=NAME_ONLY),
    Option("format", "choice", "report format", "ARIADNE_FORMAT", flag="--format",
           choices=("markdown", "json")),
    Option("strict", "bool", "exit 1 when any summary fell back or the run failed", "ARIADNE_STRICT",
           flag="--strict", repo=OFF_ONLY),
    Option("verbose", "bool", "the run's notes, every fallback and skip with its reason", "ARIADNE_VERBOSE",
           flag="--verbose"),
    Option("quiet", "bool", "print nothing when all went well (warnings and errors still print)",
           "ARIADNE_QUIET", flag="--quiet"),
    Option("commit_msg", "choice", "prepare-commit-msg: summaries as comment lines, body text, or off",
           "ARIADNE_COMMIT_MSG", choices=("comment", "body", "off"), repo=OFF_ONLY),
    Option("commit_msg_all", "bool", "prepare-commit-msg: also merges, amends, -m and squash messages",
           "ARIADNE_COMMIT_MSG_ALL", repo=OFF_ONLY),
    Option("commit_subject", "bool",
           "prepare-commit-msg: propose a subject line from the model when you have written none",
           "ARIADNE_COMMIT_SUBJECT", flag="--commit-subject", repo=OFF_ONLY),
    Option("trusted_endpoints", "endpoints",
           "endpoints a repository's base-url may name and still get your key (comma-separated URLs)",
           "ARIADNE_TRUSTED_ENDPOINTS", repo=NEVER),
)  # fmt: skip
BY_NAME = {o.name: o for o in OPTIONS}
# option name -> environment variable (kept for callers of the earlier API)
ENV = {o.name: o.env for o in OPTIONS if o.env}
ENV_FALLBACK = {o.name: o.env_fallback for o in OPTIONS if o.env_fallback}
# variables with the ARIADNE_ prefix that are not settings (set by the GitHub Action around the CLI)
OTHER_ENV = ("ARIADNE_COMMENT", "ARIADNE_HOOK_BIN")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def default_of(name: str) -> Any:
    return getattr(_DEFAULTS, name)


def _number(option: Option, value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError
    if option.kind == "int":
        out: Any = value if isinstance(value, int) else int(str(value).strip())
        if not option.low <= out <= option.high:
            raise ValueError
        return out
    out = float(value)
    if not 0 < out <= option.high:  # also refuses nan; inf is above every bound
        raise ValueError
    return out


def expectation(option: Option) -> str:
    """What a valid value looks like, for the one-line message."""
    if option.kind == "int":
        return f"must be a whole number from {option.low:g} to {option.high:g}"
    if option.kind == "float":
        return f"must be a number of seconds above 0, at most {option.high:g}"
    if option.kind == "bool":
        return "must be true or false"
    if option.kind == "choice":
        return f"must be one of {', '.join(option.choices)}"
    if option.kind == "url":
        return "must be an http:// or https:// URL with a host"
    if option.kind == "languages":
        return 'must be a table of glob = "language"'
    if option.kind in ("globs", "endpoints"):
        return "must be a list of strings (or one comma-separated string)"
    if option.kind == "token":
        what = "a model id" if option.name == "model" else "an API version"
        return f"must be {what} (letters, digits and {TOKEN_PUNCTUATION}, at most {TOKEN_LIMIT} characters)"
    return "must be a string"


def is_token(text: str) -> bool:
    """A model id or an API version: a short run of ASCII letters, digits and :data:`TOKEN_PUNCTUATION`.
    Inert in every sink: no space, quote, backtick, ``$``, ``#``, ``<``, newline or invisible character."""
    return (
        0 < len(text) <= TOKEN_LIMIT
        and text.isascii()
        and all(c.isalnum() or c in TOKEN_PUNCTUATION for c in text)
    )


def coerce(option: Option, value: Any) -> Any:
    """A raw value (TOML value, environment or flag string) as the setting's type; ValueError when invalid."""
    kind = option.kind
    if kind in ("int", "float"):
        try:
            return _number(option, value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(expectation(option)) from None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError(expectation(option))
    if kind in ("globs", "endpoints"):
        items: Any = value
        if isinstance(value, str):
            items = value.replace(",", " ").split() if kind == "endpoints" else value.split(",")
        if not isinstance(items, (list, tuple)) or not all(isinstance(p, str) for p in items):
            raise ValueError(expectation(option))
        out = tuple(p.strip() for p in items if p.strip())
        return _endpoint_ids(out) if kind == "endpoints" else out
    if kind == "languages":
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            return dict(value)
        raise ValueError(expectation(option))
    if not isinstance(value, str):
        raise ValueError(expectation(option))
    if kind == "choice" and value not in option.choices:
        raise ValueError(expectation(option))
    if kind == "token" and not is_token(value):
        raise ValueError(expectation(option))
    if kind == "url":
        from ariadne_hook.endpoints import endpoint_id

        if endpoint_id(value) is None:
            raise ValueError(expectation(option))
    return value


def _endpoint_ids(urls: tuple[str, ...]) -> tuple[str, ...]:
    from ariadne_hook.endpoints import endpoint_id

    ids = tuple(endpoint_id(u) for u in urls)
    if any(i is None for i in ids):
        raise ValueError("must list http:// or https:// URLs with a host")
    return tuple(i for i in ids if i is not None)


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


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    problems: tuple[str, ...] = ()  # invalid or unknown settings: a usage error by hand, a warning in a hook
    warnings: tuple[str, ...] = ()  # values the trust rules set aside, files that are no settings: a warning
    written: Mapping[str, str] = field(default_factory=dict)  # name -> the value as its source wrote it


class _Collector:
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


def _table_raws(table: dict[str, Any], where: str, out: _Collector) -> list[Raw]:
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
    path: Path, label: str, out: _Collector, table_path: tuple[str, ...], file_label: str
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


def from_pyproject(repo_root: Path, out: _Collector) -> list[Raw]:
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


def from_user_config(environ: Mapping[str, str], out: _Collector) -> list[Raw]:
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


def from_env(environ: Mapping[str, str], out: _Collector) -> list[Raw]:
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


def load_all(
    repo_root: Path | None,
    flags: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    *,
    lenient: bool = False,
) -> Loaded:
    """Every source, coerced and merged under the trust rules.

    By hand (``lenient`` False) the first invalid or unknown setting raises ConfigError. In a hook it becomes
    a problem line and the value it would have replaced is used instead.
    """
    from ariadne_hook.trust import merge

    env = os.environ if environ is None else environ
    out = _Collector(lenient)
    layers: list[tuple[str, list[Raw]]] = [("user", from_user_config(env, out))]
    if repo_root is not None:
        layers.append(("repo", from_pyproject(repo_root, out)))
    layers.append(("env", from_env(env, out)))
    layers.append(("flag", from_flags(flags)))
    coerced: list[tuple[str, list[tuple[Raw, Any]]]] = []
    for layer, raws in layers:
        good: list[tuple[Raw, Any]] = []
        for raw in raws:
            try:
                good.append((raw, coerce(BY_NAME[raw.name], raw.value)))
            except ValueError as exc:
                out.problem(f"{describe(raw)}: {exc}", raw.name)
        coerced.append((layer, good))
    values, warnings, written = merge(coerced, env)
    settings = replace(Settings(), **values)
    problems = tuple(
        f"{message}; using {_shown(getattr(settings, name))}" if name else f"{message}; ignored"
        for message, name in out.problems
    )
    return Loaded(settings, problems, (*out.warnings, *warnings), written)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "the default"
    return f"{value:g}" if isinstance(value, float) else str(value)


def load(
    repo_root: Path | None,
    flags: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The settings; ConfigError on the first invalid or unknown one. Trust warnings are dropped here: the
    CLI uses `load_all` to print them."""
    return load_all(repo_root, flags, environ).settings


_DEFAULTS = Settings()
