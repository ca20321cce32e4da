"""Settings, where they come from, and how far each source is trusted.

Sources, lowest first: defaults < the user's own config file (``$XDG_CONFIG_HOME/ariadne-hook/config.toml``)
< the reviewed repository's ``[tool.ariadne]`` (restricted: see :mod:`ariadne_hook.trust`) < environment <
flags. One table, `OPTIONS`, names every setting once: its type and bounds, its environment variable, its
flag, its help text and how far the repository may set it; `--help` is generated from it.

Here the table, what a valid value is (:func:`coerce`) and :func:`load_all`, which reads every source
(``config_sources.py``: files, environment, flags) and merges them under the trust rules (``trust.py``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ariadne_hook.render import FORMATS

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


# max_prompt_chars when none is set and the endpoint is hosted (endpoints.is_hosted: OpenAI, Azure, any https
# service): ~3-4k tokens with the answers, far within any hosted model's context, so the 8 x 8 economy
# change is 5 requests in one round of the 5 workers (with the local 5,000: 10 requests, two rounds)
HOSTED_PROMPT_CHARS = 12_000
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
    max_prompt_chars: int = 5_000  # per request, answers included: fits a local server's 2k-token context
    # slot (pack.py); a hosted endpoint's default is HOSTED_PROMPT_CHARS (load_all)
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

    def secrets(self) -> tuple[str, ...]:
        """What redaction removes beyond its own rules, from prompts and from what is shown: the API key."""
        return (self.api_key,) if self.api_key else ()


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
           choices=tuple(FORMATS)),
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
class Loaded:
    settings: Settings
    problems: tuple[str, ...] = ()  # invalid or unknown settings: a usage error by hand, a warning in a hook
    warnings: tuple[str, ...] = ()  # values the trust rules set aside, files that are no settings: a warning
    written: Mapping[str, str] = field(default_factory=dict)  # name -> the value as its source wrote it


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
    from ariadne_hook.config_sources import (
        Collector,
        Raw,
        describe,
        from_env,
        from_flags,
        from_pyproject,
        from_user_config,
    )
    from ariadne_hook.trust import merge

    env = os.environ if environ is None else environ
    out = Collector(lenient)
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
    if "max_prompt_chars" not in values and _hosted(settings):
        settings = replace(settings, max_prompt_chars=HOSTED_PROMPT_CHARS)
    problems = tuple(
        f"{message}; using {_shown(getattr(settings, name))}" if name else f"{message}; ignored"
        for message, name in out.problems
    )
    return Loaded(settings, problems, (*out.warnings, *warnings), written)


def _hosted(settings: Settings) -> bool:
    """Whether the run asks a hosted model (offline: no model at all)."""
    from ariadne_hook.summarize.provider import OFFLINE, resolve_provider

    if resolve_provider(settings) == OFFLINE:
        return False
    from ariadne_hook.endpoints import is_hosted

    return is_hosted(settings.base_url)


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
