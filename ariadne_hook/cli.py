"""Command line: parse, load settings, wire the stages, own the exit-code contract.

Exit codes: 2 for a usage error (bad flag, bad flag or configuration value); 130 when interrupted; 0 in
every other case, internal errors included (one line on stderr, whatever could be written is written).
``--strict`` turns failures (fallbacks, a run that could not finish) into 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ariadne_hook import __version__
from ariadne_hook.config import ConfigError, Settings, load
from ariadne_hook.models import (
    CACHED,
    FALLBACK,
    SKIPPED,
    SUMMARIZED,
    FileChange,
    Report,
    SourceInfo,
    Stats,
    Summary,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's fast path
if TYPE_CHECKING:
    from typing import Any, TextIO

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
PROG = "ariadne-hook"


class UsageError(Exception):
    """A bad flag value the parser could not see: exit code 2."""


class RunError(Exception):
    """The run could not go on (not a repository, unknown revision...): one line, exit 0 unless --strict."""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, not {text}")
    return value


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


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter minus its ``import shutil``: argparse builds one for every ``add_argument``, so
    every run, even the no-op hook, would pay for that import."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        super().__init__(prog, indent_increment, max_help_position, width or _terminal_columns())


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=_HelpFormatter,
        description="Summarize, function by function, what a change does.",
        epilog="Exit codes: 0 (always, unless --strict), 1 (--strict and a failure), 2 (usage error).",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--range", metavar="BASE..HEAD", help="review a revision range (BASE..HEAD or BASE...HEAD)"
    )
    src.add_argument("--diff", metavar="PATH", help="review a unified diff from a file, or - for stdin")
    p.add_argument(
        "--repo", metavar="PATH", help="the repository (default: the one of the current directory)"
    )
    p.add_argument("--output", "-o", metavar="PATH", help="where to write the review; - for stdout")
    p.add_argument("--format", choices=("markdown", "json"), help="report format (default: markdown)")
    p.add_argument("--provider", choices=("auto", "offline", "openai"), help="summarizer (default: auto)")
    p.add_argument("--model", help="LLM model name")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, llama.cpp...)")
    p.add_argument(
        "--azure-api-version", metavar="V", help="Azure OpenAI: the API version (base URL = endpoint)"
    )
    p.add_argument("--max-workers", type=_positive_int, metavar="N", help="requests in flight (default: 5)")
    p.add_argument("--timeout", type=_positive_float, metavar="S", help="seconds per request")
    p.add_argument("--deadline", type=_positive_float, metavar="S", help="seconds for all summaries")
    p.add_argument("--exclude", action="append", metavar="GLOB", help="never read or send these paths")
    p.add_argument(
        "--no-cache", dest="cache", action="store_false", default=None, help="do not use the cache"
    )
    p.add_argument("--strict", action="store_true", default=None, help="exit 1 when any summary failed")
    p.add_argument("--verbose", "-v", action="store_true", default=None, help="more detail, tracebacks")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print the request bodies that would be sent (JSON); send nothing, write nothing",
    )
    p.add_argument("--pr-comment", action="store_true", help="upsert the review as a pull-request comment")
    p.add_argument("--step-summary", action="store_true", help="append the review to $GITHUB_STEP_SUMMARY")
    p.add_argument("--commit-msg-file", metavar="PATH", help="prepare-commit-msg: the message file to fill")
    p.add_argument("--commit-msg-source", metavar="SRC", help="prepare-commit-msg: git's message source")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    p.add_argument("filenames", nargs="*", help=argparse.SUPPRESS)  # what pre-commit may pass; unused
    return p


def flags_of(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line (None = not given)."""
    return {
        "provider": args.provider,
        "model": args.model,
        "base_url": args.base_url,
        "azure_api_version": args.azure_api_version,
        "max_workers": args.max_workers,
        "timeout": args.timeout,
        "deadline": args.deadline,
        "cache": args.cache,
        "extra_exclude": tuple(args.exclude) if args.exclude else None,
        "format": args.format,
        "output": args.output,
        "strict": args.strict,
        "verbose": args.verbose,
    }


@dataclass(frozen=True)
class Outcome:
    report: Report
    destination: str  # where the review went, for the result line
    failed: bool  # something --strict counts as a failure
    interrupted: bool = False


def _err(message: str, stream: TextIO | None = None) -> None:
    print(f"{PROG}: {message}", file=stream or sys.stderr)


def _stats(
    summaries: Sequence[Summary], requests: int, seconds: float, tokens: tuple[int, int] = (0, 0)
) -> Stats:
    def count(status: str) -> int:
        return sum(1 for s in summaries if s.status == status)

    return Stats(
        functions=len(summaries),
        summarized=count(SUMMARIZED),
        cached=count(CACHED),
        fallback=count(FALLBACK),
        skipped=count(SKIPPED),
        requests=requests,
        seconds=seconds,
        prompt_tokens=tokens[0],
        completion_tokens=tokens[1],
    )


def _read_patch(spec: str) -> tuple[str, str]:
    if spec == "-":
        data = sys.stdin.buffer.read()
        label = "patch from stdin"
    else:
        try:
            data = Path(spec).read_bytes()
        except OSError as exc:
            raise RunError(f"cannot read patch {spec}: {exc.strerror or exc}") from None
        label = f"patch {spec}"
    return data.decode("utf-8", errors="surrogateescape"), label


def _collect(args: argparse.Namespace, root: Path | None, settings: Settings, env: Mapping[str, str]) -> Any:
    """The source stage: (SourceInfo, [FileChange])."""
    from ariadne_hook.source import git as source_git

    try:
        if args.diff is not None:
            text, label = _read_patch(args.diff)
            return source_git.from_patch_text(text, root, settings.max_file_bytes, label=label)
        if root is None:
            where = args.repo or os.getcwd()
            raise RunError(f"not inside a git repository: {where} (use --diff PATH to review a patch)")
        spec = args.range
        if spec is None and _in_pull_request_job(args, env):
            from ariadne_hook.publish.actions_env import pr_range

            spec = pr_range(env)
        if spec is not None:
            return source_git.revision_range(root, spec, settings.max_file_bytes)
        return source_git.staged(root, settings.max_file_bytes)
    except source_git.SourceError as exc:
        raise RunError(str(exc)) from None


def _default_output(root: Path | None, settings: Settings) -> str:
    if settings.output:
        return settings.output
    if root is None:
        return "-"
    from ariadne_hook.publish.files import ariadne_dir

    name = "review.json" if settings.format == "json" else "review.md"
    return str(ariadne_dir(root) / name)


def _cache_dir(root: Path | None, settings: Settings) -> Path | None:
    if root is None or not settings.cache:
        return None
    from ariadne_hook.publish.files import ariadne_dir

    try:
        return ariadne_dir(root)
    except OSError:
        return None


def _progress_printer(stream: TextIO) -> Any:
    if not stream.isatty():
        return None

    def progress(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        stream.write(f"\r{PROG}: summarized {done}/{total}{end}")
        stream.flush()

    return progress


def review(
    args: argparse.Namespace, root: Path | None, settings: Settings, env: Mapping[str, str]
) -> Outcome:
    """Run the pipeline: source -> locate -> summarize -> render -> publish."""
    from ariadne_hook.locate import locate
    from ariadne_hook.source.exclude import apply_excludes
    from ariadne_hook.summarize.stage import start_sdk_import, summarize

    started = time.monotonic()
    sdk = start_sdk_import(settings)  # the openai import overlaps git and locate; joined below
    try:
        info, files = _collect(args, root, settings, env)
        files = apply_excludes(files, settings.excludes())
        changes = locate(files, settings.languages)
    finally:
        if sdk is not None:
            sdk.join()
    result = summarize(changes, settings, _cache_dir(root, settings), _progress_printer(sys.stderr))
    summaries = tuple(result.summaries)
    report = Report(
        source=info,
        provider=result.provider,
        model=result.model,
        summaries=summaries,
        stats=_stats(
            summaries,
            result.requests,
            time.monotonic() - started,
            (result.prompt_tokens, result.completion_tokens),
        ),
        notes=tuple(result.notes),
    )
    destination = publish(report, args, root, settings, env)
    failed = report.stats.fallback > 0
    return Outcome(report, destination, failed, interrupted=bool(getattr(result, "interrupted", False)))


def rendered(report: Report, fmt: str) -> str:
    """The review file's (or stdout's) text: the local form, text as is and terminal-safe."""
    if fmt == "json":
        from ariadne_hook.render.json import render_json

        return render_json(report)
    from ariadne_hook.render.markdown import LOCAL, render_markdown

    return render_markdown(report, LOCAL)


def publish(
    report: Report, args: argparse.Namespace, root: Path | None, settings: Settings, env: Mapping[str, str]
) -> str:
    """Write the review where it was asked for; returns where it went (for the result line)."""
    from ariadne_hook.publish.files import atomic_write

    text = rendered(report, settings.format)
    output = _default_output(root, settings)
    target: Path | None = None
    if output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        destination = "stdout"
    else:
        target = Path(output)
        atomic_write(target, text)
        destination = _display_path(target)
    extra = _publish_github(report, args, target, env)
    if args.commit_msg_file:
        extra.append(_commit_message(report, args, settings, env))
    return "; ".join([destination, *[e for e in extra if e]])


def _display_path(target: Path) -> str:
    """The path relative to the current folder when it lies below it, else absolute."""
    absolute = os.path.abspath(target)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


def _publish_github(
    report: Report, args: argparse.Namespace, target: Path | None, env: Mapping[str, str]
) -> list[str]:
    """Job summary, PR comment and step outputs; each returns a one-line status and never raises. Both get
    the review rendered for GitHub (neutralized), never the review file's text."""
    if not (args.pr_comment or args.step_summary):
        return []
    from ariadne_hook.publish import actions_env, github, step_summary
    from ariadne_hook.render.markdown import GITHUB, render_markdown

    markdown = render_markdown(report, GITHUB)
    done: list[str | None] = []
    if args.step_summary:
        done.append(step_summary.append_step_summary(markdown, env))
    if args.pr_comment:
        done.append(github.publish_pr_comment(markdown, env))
    outputs = {
        "review-path": str(target.resolve()) if target is not None else "",
        "functions": report.stats.functions,
        "fallbacks": report.stats.fallback,
    }
    actions_env.write_outputs(env, outputs)
    return [d for d in done if d]


def _commit_message(
    report: Report, args: argparse.Namespace, settings: Settings, env: Mapping[str, str]
) -> str:
    from ariadne_hook.publish.commit_msg import apply_to_message

    source = args.commit_msg_source or env.get("PRE_COMMIT_COMMIT_MSG_SOURCE") or None
    return apply_to_message(Path(args.commit_msg_file), report, source, settings)


def result_line(outcome: Outcome) -> str:
    stats = outcome.report.stats
    files = len({s.change.path for s in outcome.report.summaries})
    parts = [f"{stats.summarized} summarized"]
    for count, word in ((stats.cached, "cached"), (stats.fallback, "fallback"), (stats.skipped, "skipped")):
        if count:
            parts.append(f"{count} {word}")
    if stats.requests:
        parts.append(f"{stats.requests} requests, {stats.prompt_tokens}+{stats.completion_tokens} tokens")
    noun = "function" if stats.functions == 1 else "functions"
    fnoun = "file" if files == 1 else "files"
    return f"{stats.functions} {noun} in {files} {fnoun} ({', '.join(parts)}) -> {outcome.destination}"


def detail_lines(report: Report) -> list[str]:
    """--verbose: the run's notes, and every entry that fell back or was skipped, with its reason."""
    lines = [f"note: {note}" for note in report.notes]
    for s in report.summaries:
        if s.status in (FALLBACK, SKIPPED):
            where = (
                s.change.path if s.change.qualname == "<file>" else f"{s.change.path}: {s.change.qualname}"
            )
            lines.append(f"{s.status}: {where}: {s.reason or 'no reason given'}")
    lines.append(f"{report.stats.requests} requests, {report.stats.seconds:.2f} s")
    return lines


def _root_of(args: argparse.Namespace) -> Path | None:
    from ariadne_hook.source.root import find_repo_root

    start = Path(args.repo) if args.repo else Path.cwd()
    if args.repo and not start.is_dir():
        raise RunError(f"--repo {args.repo}: no such directory")
    return find_repo_root(start)


def _in_pull_request_job(args: argparse.Namespace, env: Mapping[str, str]) -> bool:
    """A run in a GitHub Actions job with an event file and no --range/--diff: review the pull request
    (``base...head``) when the event is one. Never inside a pre-commit hook, which reviews what is staged."""
    return (
        args.range is None
        and args.diff is None
        and not args.commit_msg_file
        and not env.get("PRE_COMMIT")
        and bool(env.get("GITHUB_EVENT_PATH"))
    )


def _quick_skips(
    args: argparse.Namespace, root: Path | None, settings: Settings, env: Mapping[str, str]
) -> list[FileChange] | None:
    """The hook's fast path: when nothing staged needs review, the skipped files (no GitPython import)."""
    if args.diff is not None or args.range is not None or root is None or _in_pull_request_job(args, env):
        return None
    from ariadne_hook.source.noop import excluded_only

    return excluded_only(root, settings.excludes())


def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    root = _root_of(args)
    try:
        settings = load(root, flags_of(args), env)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if args.dry_run:
        return dry_run(args, root, settings, env)
    skips = _quick_skips(args, root, settings, env)
    if skips is not None:
        outcome = _skipped_outcome(skips, args, root, settings, env)
    else:
        outcome = review(args, root, settings, env)
    _err(result_line(outcome))
    if settings.verbose:
        for line in detail_lines(outcome.report):
            _err(line)
    if outcome.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if settings.strict and outcome.failed else EXIT_OK


def dry_run(args: argparse.Namespace, root: Path | None, settings: Settings, env: Mapping[str, str]) -> int:
    """--dry-run: the request bodies the first round would send, as JSON on stdout (after exclusion,
    routing, redaction and packing; the cache is not consulted). Nothing is sent, nothing written."""
    import json

    from ariadne_hook.locate import locate
    from ariadne_hook.source.exclude import apply_excludes
    from ariadne_hook.summarize.stage import dry_run as request_bodies

    _, files = _collect(args, root, settings, env)
    bodies = request_bodies(locate(apply_excludes(files, settings.excludes()), settings.languages), settings)
    sys.stdout.write(json.dumps(bodies, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    chars = sum(len(m["content"]) for b in bodies for m in b["messages"])
    _err(
        f"dry run: {len(bodies)} requests, {chars} prompt chars would be sent; nothing sent, nothing written"
    )
    return EXIT_OK


def _skipped_outcome(
    files: list[FileChange],
    args: argparse.Namespace,
    root: Path | None,
    settings: Settings,
    env: Mapping[str, str],
) -> Outcome:
    """A report of only skipped (excluded) files, built without GitPython, the LLM or the pool."""
    from ariadne_hook.locate import locate

    summaries = tuple(Summary(c, SKIPPED, "", c.skip_reason) for c in locate(files, settings.languages))
    report = Report(
        SourceInfo("staged", label="staged changes"), "none", None, summaries, _stats(summaries, 0, 0.0)
    )
    return Outcome(report, publish(report, args, root, settings, env), failed=False)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help/--version exit 0
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    verbose = bool(args.verbose) or env.get("ARIADNE_VERBOSE", "") not in ("", "0")
    try:
        return run(args, env)
    except UsageError as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except RunError as exc:
        _err(str(exc))
        return EXIT_FAILED if args.strict else EXIT_OK
    except Exception as exc:  # the hook never blocks a commit: one line, exit 0
        if verbose:
            import traceback

            traceback.print_exc()
        _err(f"internal error ({type(exc).__name__}): {_one_line(exc)}; nothing was blocked")
        return EXIT_FAILED if args.strict else EXIT_OK


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] if text else "no detail"


def main_entry() -> None:
    code = main()
    if code == EXIT_INTERRUPTED or _threads_left():
        # What was done is written. Requests still in flight (after Ctrl-C, or past the deadline) cannot be
        # interrupted and would hold the interpreter's exit until they end: end the process now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _threads_left() -> bool:
    """Whether a thread the interpreter would wait for at exit is still running (a pool worker left in a
    request at the deadline). No import: without `threading` loaded, no thread was started."""
    threading = sys.modules.get("threading")
    if threading is None:
        return False
    current = threading.current_thread()
    return any(t is not current and not t.daemon and t.is_alive() for t in threading.enumerate())
