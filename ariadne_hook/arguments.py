"""The command line's grammar and its --help, generated from the settings table (`config.OPTIONS`).

Setting flags take their value as text: `config` checks it like a configuration or environment value, so a
bad ``--deadline`` is reported the same way (and, inside a hook, only warned about). `parse` is lenient in a
hook: whatever of a hook's ``args:`` cannot be read (an unknown option, a missing or bad value, options that
exclude each other, ``--help``) becomes a warning that names it, the rest is used, and nothing exits.

prepare-commit-msg: pre-commit appends the message file's name after the hook's entry and its ``args:``, so
with ``--prepare-commit-msg`` the last word is the message file, whatever the ``args:`` are.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

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
from ariadne_hook.words import did_you_mean, plural

PROG = "ariadne-hook"
HOOK_FLAG = "--hook"
PREPARE_FLAG = "--prepare-commit-msg"  # the hook's entry: the message file is the last word
COMMIT_MSG_FILE = "--commit-msg-file"
HELP_WIDTH = 80
EXIT_CODES = """\
Exit codes:
  0    the review was written (also when the model failed: offline summaries)
  1    --strict (or ARIADNE_STRICT): a summary fell back, a setting was wrong,
       or the run could not finish
  2    by hand: a bad flag, setting or path, an unknown revision, a --diff that
       is not a patch, no repository (inside a hook: a warning, and exit 0)
  130  interrupted (Ctrl-C); what was done is written"""
EXAMPLES = """\
Examples:
  ariadne-hook                           the staged change -> .ariadne/review.md
  ariadne-hook --range main...HEAD -o -  a branch since it left main, to stdout
  git diff | ariadne-hook --diff -       any unified diff (git's or diff -u)"""
OTHER_VARIABLES = (
    ("PRE_COMMIT", "set by pre-commit: hook mode (mistakes only warn)"),
    ("GITHUB_ACTIONS", "set by GitHub Actions: warnings become annotations"),
    ("GITHUB_TOKEN", "--pr-comment: the token (pull-requests: write)"),
    ("GITHUB_API_URL", "--pr-comment: the API (default https://api.github.com)"),
    ("GITHUB_REPOSITORY", "--pr-comment: the repository (owner/name)"),
    ("GITHUB_EVENT_PATH", "a pull-request event: review base...head (no hook)"),
    ("GITHUB_STEP_SUMMARY", "--step-summary: the file the review is added to"),
    ("GITHUB_OUTPUT", "the Action's step outputs (review-path, functions...)"),
    ("GITLAB_CI", "set by GitLab CI: --pr-comment is a merge-request note"),
    ("GITLAB_TOKEN", "--pr-comment in GitLab: the token (api scope)"),
    ("CI_API_V4_URL", "--pr-comment in GitLab: the API (set by GitLab CI)"),
    ("CI_MERGE_REQUEST_IID", "a merge-request pipeline: review its base...head"),
    ("XDG_CONFIG_HOME", "your config: $XDG_CONFIG_HOME/ariadne-hook/config.toml"),
    ("XDG_CACHE_HOME", "the cache outside a repository (inside: .git/ariadne)"),
    *((name, "set by the Action around the tool; not a setting") for name in OTHER_ENV),
)


class ArgError(Exception):
    """A bad command line by hand: one line for the user (argparse's words, or ours)."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, knows its option names (for "did you mean"), and builds the
    settings table of its --help only when help is asked for."""

    def __init__(self, **kwargs: Any) -> None:
        self.option_names: list[str] = []
        super().__init__(**kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.option_names.extend(action.option_strings)
        return action

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ArgError(message)

    def format_help(self) -> str:
        if self.epilog is None:
            self.epilog = "\n\n".join((settings_table(), other_variables(), EXIT_CODES, EXAMPLES))
        return super().format_help()


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
    return min(columns, HELP_WIDTH) if columns > 0 else HELP_WIDTH


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter minus its ``import shutil`` (argparse builds one for every ``add_argument``, so
    every run, even the no-op hook, would pay for that import), at most 80 columns wide; the epilog's tables
    are kept as written (they fit 80 columns)."""

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
        return f"{plural(len(value), 'glob')}: lock files, minified, vendored, secrets" if value else "none"
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


_COLUMNS = ((2, "config key"), (21, "flag"), (42, "environment variable"), (69, "default"))


def _row(cells: Sequence[str]) -> str:
    line = ""
    for (start, _), cell in zip(_COLUMNS, cells, strict=True):
        line = f"{line:<{start}}{cell}" if cell else line
    return line.rstrip()


def settings_table() -> str:
    """Every setting: its config key, flag, environment variable and default, in at most 80 columns (a
    default too long for its column goes on the next line, as does a second variable name)."""
    lines = [
        "Settings, lowest first: defaults < your ~/.config/ariadne-hook/config.toml",
        "(top-level keys) < the repository's [tool.ariadne] (review preferences only:",
        "it can add exclusions and lower limits, never choose where your key goes)",
        "< environment < flags. *: never from a repository. -: none.",
        "",
        _row([title for _, title in _COLUMNS]),
    ]
    for o in OPTIONS:
        key = "-" if o.name == "api_key" else o.key + ("*" if o.repo == NEVER else "")
        default = _default_text(o)
        fits = _COLUMNS[3][0] + len(default) <= HELP_WIDTH
        lines.append(_row([key, o.flag or "-", o.env or o.env_fallback or "-", default if fits else ""]))
        if o.env and o.env_fallback:
            lines.append(_row(["", "", f"or {o.env_fallback}", ""]))
        if not fits:
            lines.append(_row(["", f"default: {default}", "", ""]))
    return "\n".join(lines)


def other_variables() -> str:
    return "Other environment variables:\n" + "\n".join(f"  {n:<20} {w}" for n, w in OTHER_VARIABLES)


def build_parser(hook: bool = False) -> argparse.ArgumentParser:
    """The grammar. In a hook (``hook``) there is no --help or --version: a hook's job is the review."""
    p = _Parser(
        prog=PROG,
        formatter_class=_HelpFormatter,
        usage=f"{PROG} [options] [--range BASE..HEAD | --diff PATH] [--] [PATH...]",
        description="Summarize what a change does, function by function (default: what is staged).",
        add_help=not hook,
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
    p.add_argument(
        "--pr-comment", action="store_true", help="upsert the review as the PR comment (GitLab: the MR note)"
    )
    p.add_argument("--step-summary", action="store_true", help="append the review to $GITHUB_STEP_SUMMARY")
    p.add_argument(
        PREPARE_FLAG,
        action="store_true",
        help="the prepare-commit-msg hook: the last argument is the message file (as pre-commit passes it)",
    )
    p.add_argument(COMMIT_MSG_FILE, metavar="PATH", help="prepare-commit-msg: the message file to fill")
    p.add_argument("--commit-msg-source", metavar="SRC", help="prepare-commit-msg: git's message source")
    p.add_argument(
        HOOK_FLAG,
        action="store_true",
        help="hook mode (also when PRE_COMMIT is set): configuration mistakes only warn, never block",
    )
    if not hook:
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
    marks = (HOOK_FLAG, PREPARE_FLAG, COMMIT_MSG_FILE)
    return any(a in marks or a.startswith(COMMIT_MSG_FILE + "=") for a in argv)


def _is_option(word: str) -> bool:
    """An option word as argparse sees one: ``-x``, ``--name``, ``--name=value``; not ``-``, not ``-1``."""
    if not word.startswith("-") or word == "-":
        return False
    try:
        float(word)
    except ValueError:
        return True
    return False


def _spaced(words: Sequence[str]) -> list[str]:
    """``"--deadline 60"`` written as one word (a common ``args:`` slip) as the two words it means."""
    out: list[str] = []
    for i, word in enumerate(words):
        if word == "--":
            return [*out, *words[i:]]
        out.extend(word.split() if _is_option(word) and len(word.split()) > 1 else [word])
    return out


def message_file(words: Sequence[str], pre_commit: bool = False) -> tuple[list[str], str | None, list[str]]:
    """(the other words, the prepare-commit-msg message file or None, problems). With --prepare-commit-msg
    the file is the last word (pre-commit passes it after the ``args:``). So it is with ``--commit-msg-file``
    as the first word under pre-commit (the hook's entry used to end with it, so ``args:`` came in
    between), or followed by another option or by nothing; ``--commit-msg-file FILE`` anywhere else (a git
    hook of your own) is read as written."""
    words = list(words)
    end = words.index("--") if "--" in words else len(words)
    flag = PREPARE_FLAG if PREPARE_FLAG in words[:end] else None
    if flag is None and COMMIT_MSG_FILE in words[:end]:
        at = words.index(COMMIT_MSG_FILE)
        after = words[at + 1] if at + 1 < len(words) else "--"
        if (pre_commit and at == 0) or _is_option(after) or after == "--":
            flag = COMMIT_MSG_FILE
            del words[at]
            end -= 1
    if flag is None:
        return words, None, []
    last = len(words) - 1
    if last < 0 or words[last] in (PREPARE_FLAG, "--") or (last < end and _is_option(words[last])):
        return words, None, [f"{flag}: no message file after the options (pre-commit passes it last)"]
    return words[:last], words[last], []


def parse(argv: Sequence[str], hook: bool, pre_commit: bool = False) -> tuple[argparse.Namespace, list[str]]:
    """(arguments, problems). By hand a bad command line raises ArgError; in a hook whatever cannot be read
    is a problem line naming it, and the rest is used. ``pre_commit``: run by pre-commit (``PRE_COMMIT``)."""
    words = _spaced(argv)
    problems: list[str] = []
    file = None
    if hook:
        words, file, problems = message_file(words, pre_commit)
    parser = build_parser(hook)
    assert isinstance(parser, _Parser)
    if hook:
        args, extras = _lenient(parser, words, problems)
    else:
        try:
            args, extras = parser.parse_known_args(words)
        except ArgError as exc:
            raise ArgError(f"{exc} (see --help)") from None
        unknown = [a for a in extras if _is_option(a)]
        if unknown:
            hint = _did_you_mean(parser, unknown[0]) or " (see --help)"
            raise ArgError(f"unknown option {' '.join(unknown)}{hint}")
    args.paths = [*args.paths, *(a for a in extras if not _is_option(a))]
    if file is not None:
        args.commit_msg_file = file
    return args, problems


def _did_you_mean(parser: _Parser, word: str) -> str:
    return did_you_mean(word.split("=", 1)[0], parser.option_names)


def _units(words: Sequence[str]) -> list[list[str]]:
    """The words in the pieces a hook keeps or drops whole: an option with the word after it (its value,
    when it takes one), a lone word, and everything after ``--``."""
    units: list[list[str]] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            units.append(list(words[i:]))
            break
        nxt = words[i + 1] if i + 1 < len(words) else None
        if _is_option(word) and "=" not in word and nxt is not None and nxt != "--" and not _is_option(nxt):
            units.append([word, nxt])
            i += 2
        else:
            units.append([word])
            i += 1
    return units


def _lenient(
    parser: _Parser, words: Sequence[str], problems: list[str]
) -> tuple[argparse.Namespace, list[str]]:
    """A hook's command line, piece by piece: a piece argparse rejects alone or next to the pieces kept so
    far (a missing or extra value, options that exclude each other) is dropped with a problem line, as is an
    unknown option with the word after it (its value, most likely: never a path to review)."""
    kept: list[str] = []
    for unit in _units(words):
        if unit[0] in ("-h", "--help", "--version"):
            problems.append(f"{unit[0]} ignored inside a hook (its job is the review): try it by hand")
            kept.extend(unit[1:])
            continue
        try:
            _, extras = parser.parse_known_args(unit)
            unknown = [w for w in extras if _is_option(w)]
            if unknown:
                problems.append(f"unknown option {' '.join(unit)} ignored{_did_you_mean(parser, unknown[0])}")
                continue
            parser.parse_known_args([*kept, *unit])
        except ArgError as exc:
            problems.append(f"hook args: {' '.join(unit)} ignored ({exc})")
            continue
        kept.extend(unit)
    return parser.parse_known_args(kept)
