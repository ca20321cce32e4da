"""How far each source of settings is trusted (docs/SECURITY.md has the table in words).

The user (flags, environment, action inputs, the user's own config file) is trusted for everything. The
repository under review (its ``[tool.ariadne]``) is trusted for review preferences only: it may add
exclusions, lower limits, turn off what only the user may turn on (the cache, ``strict``, ``llm-non-code``,
what is added to a commit message), choose offline summaries, name its review file inside ``.ariadne/`` and
choose which parser reads a file (never whether the file's content is sent: that stays the defaults' and the
user's ``languages``). It never chooses where the user's key or code goes:
an endpoint named only by the repository is used when it is this machine (without the key) or when the user
listed it in ``ARIADNE_TRUSTED_ENDPOINTS`` (with the key); otherwise it is set aside with one warning line.

A repository value equal to the value it would replace changes nothing, not even where that value is
counted as coming from: the user's own endpoint, model and key stay the user's when a repository repeats
them (compared as endpoints for URLs: case, default port and trailing slash aside).
"""

from __future__ import annotations

from collections.abc import Mapping

from ariadne_hook import config as c
from ariadne_hook.config_sources import Raw, describe
from ariadne_hook.endpoints import endpoint_id, is_loopback, is_plain_http
from ariadne_hook.publish.files import ARIADNE_DIR, review_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's fast path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    Layers = Sequence[tuple[str, Sequence[tuple[Raw, Any]]]]

REPO = "repo"
BASE_URL_IGNORED = (
    "ignored: a repository cannot choose where your code and key go; "
    "set OPENAI_BASE_URL or ARIADNE_TRUSTED_ENDPOINTS"
)
KEY_WITHHELD = (
    "used without your API key: a repository cannot choose where your key goes; "
    "list it in ARIADNE_TRUSTED_ENDPOINTS to send the key"
)
OUTPUT_IGNORED = f"ignored: a repository can only name a file inside {ARIADNE_DIR}/"
# why a repository may only turn a switch off
OFF_WHY = {
    "cache": "a repository can only turn the cache off",
    "commit_msg": "only you can choose what is added to your commit messages (a repository can turn it off)",
    "strict": "only you can let a fallback fail your commit or job (a repository can turn strict off)",
    "llm_non_code": "only you can send files that are not code to the model (a repository can turn it off)",
}


class _Merge:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.origin: dict[str, str] = {}
        self.written: dict[str, str] = {}  # repository keys as written, for warnings
        self.described: dict[str, str] = {}  # name -> its value as the source that set it wrote it
        self.before_repo: dict[str, tuple[Any, str | None]] = {}  # endpoint settings the repo replaced
        self.warnings: list[str] = []

    def current(self, name: str) -> Any:
        return self.values[name] if name in self.values else c.default_of(name)

    def set(self, name: str, value: Any, layer: str, raw: Raw | None = None) -> None:
        if name == "extra_exclude":  # exclusions add up across every source
            value = tuple(self.values.get("extra_exclude", ())) + tuple(value)
        elif name == "languages" and layer != REPO:  # the user's globs: they also decide what is code
            self.values["code_languages"] = value
        self.values[name] = value
        self.origin[name] = layer
        if raw is not None:
            self.described[name] = describe(raw)

    def restore(self, name: str) -> None:
        value, origin = self.before_repo.get(name, (None, None))
        if origin is None:
            self.values.pop(name, None)
            self.origin.pop(name, None)
        else:
            self.values[name], self.origin[name] = value, origin

    def warn(self, name: str, why: str) -> None:
        self.warnings.append(f"{self.written[name]} {why}")

    def from_repo(self, raw: Raw, value: Any) -> None:
        """Apply one ``[tool.ariadne]`` value under its option's repository rule."""
        option = c.BY_NAME[raw.name]
        name, rule, current = raw.name, option.repo, self.current(raw.name)
        self.written[name] = raw.written
        shown = describe(raw)
        if _same(option, value, current):
            return  # nothing changes: the value, and where it came from, stay the user's (or the default)
        if rule == c.PREFERENCE:
            self.set(name, value, REPO)
        elif rule == c.LOWER:
            if value < current:
                self.set(name, value, REPO)
            else:
                self.warnings.append(
                    f"{shown} ignored: a repository can only lower this limit (now {current:g})"
                )
        elif rule == c.OFF_ONLY:
            if value is False or value == "off":
                self.set(name, value, REPO)
            else:
                self.warnings.append(f"{shown} ignored: {OFF_WHY.get(name, OFF_WHY['commit_msg'])}")
        elif rule == c.PARSER_ONLY:  # the repository's globs, tried after the user's, pick parsers only:
            # what is code that may be sent stays the defaults' and the user's (code_languages)
            self.set(name, {**current, **{g: v for g, v in value.items() if g not in current}}, REPO)
        elif rule == c.OFFLINE_ONLY:
            if value == "offline":
                self.set(name, value, REPO)
            else:
                self.warnings.append(f"{shown} ignored: a repository can only choose offline summaries")
        elif rule == c.ADD_ONLY:
            self.set("extra_exclude", value, REPO)
            self.warn(name, "only adds to the default exclusions here (a repository cannot remove them)")
        elif rule == c.NAME_ONLY:
            file_name = review_name(value)
            if file_name is None:
                self.warnings.append(f"{shown} {OUTPUT_IGNORED}")
            else:
                self.set("output_name", file_name, REPO)
        elif rule in (c.ENDPOINT, c.WITH_ENDPOINT):
            self.before_repo[name] = (self.values.get(name), self.origin.get(name))
            self.set(name, value, REPO)  # decided in route_key, once every source is known
        else:  # NEVER
            why = "the key is read from OPENAI_API_KEY only" if name == "api_key" else "only you can set it"
            self.warn(name, f"ignored: {why}")

    def route_key(self, env: Mapping[str, str]) -> None:
        """Where the key may go, once every source is in."""
        url = self.values.get("base_url")
        key = self.values.get("api_key")
        refused = False
        if self.origin.get("base_url") == REPO and url:
            if endpoint_id(url) in self.current("trusted_endpoints"):
                pass  # the user listed it: the key goes there
            elif is_loopback(url):  # a team's local server (Ollama...): used, without the key
                if self.values.pop("api_key", None):
                    self.warn("base_url", KEY_WITHHELD)
            else:
                self.warn("base_url", BASE_URL_IGNORED)
                self.restore("base_url")
                refused = True
        for name in ("model", "azure_api_version"):
            if self.origin.get(name) == REPO and self.origin.get("base_url") != REPO:
                if key and not refused:  # (a refused base-url has said it already)
                    var = "OPENAI_MODEL" if name == "model" else "OPENAI_API_VERSION"
                    self.warn(
                        name, f"ignored: a repository cannot choose what your key is used for; set {var}"
                    )
                self.restore(name)
        url, key = self.values.get("base_url"), self.values.get("api_key")
        if key and url and is_plain_http(url) and not is_loopback(url):
            self.values.pop("api_key", None)
            self.warnings.append(f"{url}: plain http to another host: the API key is not sent; use https")


def _same(option: c.Option, value: Any, current: Any) -> bool:
    """Whether a repository value is the one it would replace (URLs compared as endpoints)."""
    if option.kind == "url" and isinstance(value, str) and isinstance(current, str):
        return endpoint_id(value) == endpoint_id(current)
    return bool(value == current)


def merge(layers: Layers, env: Mapping[str, str]) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """The settings' values from coerced layers (lowest first), the warnings of the trust rules, and each
    value as its source wrote it (for messages about it later, e.g. an output path that is refused)."""
    m = _Merge()
    for layer, items in layers:
        for raw, value in items:
            if layer == REPO:
                m.from_repo(raw, value)
            else:
                m.set(raw.name, value, layer, raw)
    m.route_key(env)
    return m.values, m.warnings, m.described
