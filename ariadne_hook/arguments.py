"""The command line's grammar and its --help, generated from the settings table (`config.OPTIONS`).

Setting flags take their value as text: `config` checks it like a configuration or environment value, so a
bad ``--deadline`` is reported the same way (and, inside a hook, only warned about). `parse` is lenient in a
hook: an unknown option or a malformed ``args:`` line becomes a warning, never exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from ariadne_hook import __version__
from ariadne_hook.config import (
    DEFAULT_MODEL,
    DEFAULT_OUTPUT,
    NEVER,
    OPTIONS,
    OTHER_ENV,
    Option,
    default_of,
)

PROG = "ariadne-hook"
HOOK_FLAG = "--hook"
_COMMIT_MSG_FILE = "--commit-msg-file"
EXIT_CODES = (
    "Exit codes:\n"
    "  0    the review was written (also when the model failed: those functions get offline summaries)\n"
    "  1    --strict (or ARIADNE_STRICT) and a summary fell back, a setting was wrong, or the run failed\n"
    "  2    usage error by hand: a bad flag, setting or path, an unknown revision, a --diff that is not\n"
    "       a patch (never inside a hook: there it is a warning and the default)\n"
    "  130  interrupted (Ctrl-C); what was done is written"
)
OTHER_VARIABLES = (
    ("PRE_COMMIT", "set by pre-commit: hook mode (configuration mistakes only warn)"),
    ("GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY", "--pr-comment: where and how to comment"),
    ("GITHUB_EVENT_PATH", "a pull-request event: review base...head (outside hooks)"),
    ("GITHUB_STEP_SUMMARY, GITHUB_OUTPUT", "--step-summary and the Action's step outputs"),
    ("XDG_CONFIG_HOME", "the user config: $XDG_CONFIG_HOME/ariadne-hook/config.toml (~/.config/...)"),
    ("XDG_CACHE_HOME", "the cache outside a repository (~/.cache/ariadne-hook; inside: .git/ariadne)"),
)


class ArgError(Exception):
    """argparse found a bad command line (the message is argparse's, one line)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise ArgError(message)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` without importing shutil (and zlib, bz2, lzma with it)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    stream = sys.__stdout__
    if columns <= 0 and stream is not None:
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter minus its ``import shutil`` (argparse builds one for every ``add_argument``, so
    every run, even the no-op hook, would pay for that import); the epilog's tables are kept as written."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        super().__init__(prog, indent_increment, max_help_position, width or _terminal_columns())


def _default_text(option: Option) -> str:
    if option.name == "model":
        return DEFAULT_MODEL
    if option.name == "output":
        return f"{DEFAULT_OUTPUT} (.json with --format json)"
    value = default_of(option.name)
    if option.kind == "bool":
        return "on" if value else "off"
    if option.kind == "globs":
        return f"{len(value)} globs: lock files, minified, vendored, secrets" if value else "none"
    if option.kind in ("endpoints", "languages") or value is None:
        return "none"
    return f"{value:g} {option.unit}".strip() if isinstance(value, float) else str(value)


def _option_help(option: Option) -> str:
    bounds = ""
    if option.kind == "int":
        bounds = f", {option.low:g}..{option.high:g}"
    elif option.kind == "float":
        bounds = f", at most {option.high:g}"
    text = "turn the cache off: every function is asked again" if option.name == "cache" else option.help
    return f"{text} (default: {_default_text(option)}{bounds})"


def _settings_table() -> str:
    rows = []
    for o in OPTIONS:
        env = " / ".join(v for v in (o.env, o.env_fallback) if v) or "-"
        key = o.key + ("*" if o.repo == NEVER else "") if o.name != "api_key" else "(environment only)"
        rows.append(f"  {key:<19} {env:<46} {_default_text(o)}")
    others = "\n".join(f"  {name:<48} {what}" for name, what in OTHER_VARIABLES)
    return (
        "Settings, lowest first: defaults < your ~/.config/ariadne-hook/config.toml (top-level keys)\n"
        "< the repository's [tool.ariadne] (review preferences only: it can add exclusions and lower\n"
        "limits, never choose where your key goes) < environment < flags. (*: never from a repository)\n"
        f"  {'config key':<19} {'environment variable':<46} default\n"
        + "\n".join(rows)
        + "\n\nOther environment variables:\n"
        + others
        + f"\n  (also set by the Action: {', '.join(OTHER_ENV)})"
    )


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        formatter_class=_HelpFormatter,
        usage=f"{PROG} [options] [--range BASE..HEAD | --diff PATH] [--] [PATH...]",
        description="Summarize, function by function, what a change does (the staged change by default).",
        epilog=f"{_settings_table()}\n\n{EXIT_CODES}",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--range", metavar="BASE..HEAD", help="review a revision range (BASE..HEAD or BASE...HEAD)"
    )
    src.add_argument("--diff", metavar="PATH", help="review a unified diff from a file, or - for stdin")
    p.add_argument(
        "--repo", metavar="PATH", help="the repository (default: the one of the current directory)"
    )
    for option in OPTIONS:
        _add_setting(p, option)
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print the request bodies that would be sent (JSON); send nothing, write nothing",
    )
    p.add_argument("--pr-comment", action="store_true", help="upsert the review as a pull-request comment")
    p.add_argument("--step-summary", action="store_true", help="append the review to $GITHUB_STEP_SUMMARY")
    p.add_argument(_COMMIT_MSG_FILE, metavar="PATH", help="prepare-commit-msg: the message file to fill")
    p.add_argument("--commit-msg-source", metavar="SRC", help="prepare-commit-msg: git's message source")
    p.add_argument(
        HOOK_FLAG,
        action="store_true",
        help="hook mode (also when PRE_COMMIT is set): configuration mistakes only warn, never block",
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="review only these paths (git pathspecs: dirs, globs, :!x)"
    )
    return p


def _add_setting(p: argparse.ArgumentParser, option: Option) -> None:
    if option.flag is None:
        return
    names = [option.flag, *{"output": ["-o"], "verbose": ["-v"], "quiet": ["-q"]}.get(option.name, [])]
    text = _option_help(option)
    if option.name == "cache":
        p.add_argument(*names, dest="cache", action="store_false", default=None, help=text)
    elif option.kind == "bool":
        p.add_argument(*names, dest=option.name, action="store_true", default=None, help=text)
    elif option.kind == "globs":
        p.add_argument(*names, dest=option.name, action="append", metavar="GLOB", help=text)
    else:
        metavar = {"int": "N", "float": "S", "url": "URL"}.get(option.kind, "TEXT")
        if option.choices:
            metavar = "{" + ",".join(option.choices) + "}"
        p.add_argument(*names, dest=option.name, metavar=metavar, help=text)


def in_hook(argv: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Hook mode: run by pre-commit (``PRE_COMMIT`` set), as prepare-commit-msg, or with --hook."""
    if environ.get("PRE_COMMIT"):
        return True
    return any(a in (HOOK_FLAG, _COMMIT_MSG_FILE) or a.startswith(_COMMIT_MSG_FILE + "=") for a in argv)


def parse(argv: Sequence[str], hook: bool) -> tuple[argparse.Namespace, list[str]]:
    """(arguments, problems). By hand a bad command line raises ArgError; in a hook it is a problem line
    and the options that cannot be read are dropped (the message file of prepare-commit-msg is kept)."""
    parser = build_parser()
    problems: list[str] = []
    try:
        args, extras = parser.parse_known_args(list(argv))
    except ArgError as exc:
        if not hook:
            raise
        problems.append(f"hook args ignored: {exc}")
        args, extras = parser.parse_known_args(_commit_msg_args(argv))
    unknown = [a for a in extras if a.startswith("-") and a != "--"]
    if unknown and not hook:
        raise ArgError(f"unrecognized arguments: {' '.join(unknown)}")
    if unknown:
        problems.append(f"unknown option {' '.join(unknown)} ignored")
    args.paths = [*args.paths, *(a for a in extras if not a.startswith("-"))]
    return args, problems


def _commit_msg_args(argv: Sequence[str]) -> list[str]:
    """Only ``--commit-msg-file FILE`` (and --hook) from a command line that did not parse."""
    kept: list[str] = []
    for i, arg in enumerate(argv):
        if arg == _COMMIT_MSG_FILE and i + 1 < len(argv):
            kept += [arg, argv[i + 1]]
        elif arg.startswith(_COMMIT_MSG_FILE + "=") or arg == HOOK_FLAG:
            kept.append(arg)
    return kept
