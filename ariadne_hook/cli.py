"""Command line: parse, load settings, hand the run to :func:`ariadne_hook.pipeline.review`, own the exit-code
contract.

Exit codes: 2 for a usage error by hand (a bad flag, setting or path, an unknown revision, a --diff that is
not a patch); 130 when interrupted; 0 in every other case, internal errors included (one line on stderr,
whatever could be written is written). ``--strict`` turns failures (fallbacks, a run that could not finish, a
setting that had to be ignored) into 1. Inside a hook (``PRE_COMMIT`` set, prepare-commit-msg, or --hook) no
configuration mistake is a usage error: it is one warning line, the value it would have replaced is used.
Strictness comes from the loaded settings on every path (flag, environment and files alike).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from ariadne_hook.arguments import ArgError, build_parser, in_hook, parse
from ariadne_hook.config import ConfigError, load_all
from ariadne_hook.console import Console, detail_lines, result_line, to_the_end
from ariadne_hook.pipeline import (
    BadInput,
    Context,
    RunError,
    dry_run,
    quick_skips,
    review,
    skipped_outcome,
    switched_on,
)
from ariadne_hook.publish.actions_env import annotation, in_actions
from ariadne_hook.publish.files import Refused, review_target

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's fast path
if TYPE_CHECKING:
    import argparse
    from typing import Any

__all__ = ["build_parser", "main", "main_entry"]
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Nonsense by hand (a bad value, an unknown revision...): one line, exit code 2."""


def flags_of(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line (None = not given), as written: config checks them."""
    return {
        "provider": args.provider,
        "model": args.model,
        "base_url": args.base_url,
        "azure_api_version": args.azure_api_version,
        "max_workers": args.max_workers,
        "timeout": args.timeout,
        "deadline": args.deadline,
        "cache": args.cache,
        "extra_exclude": tuple(args.extra_exclude) if args.extra_exclude else None,
        "format": args.format,
        "output": args.output,
        "strict": args.strict,
        "verbose": args.verbose,
        "quiet": args.quiet,
        "commit_subject": args.commit_subject,
    }


def _target(ctx: Context, written: str) -> Any:
    """Where the review goes (publish/files.review_target), decided once before anything is asked. The
    user's path that may not be written: exit 2 by hand; in a hook one warning line, the default place."""
    s = ctx.s
    try:
        return review_target(ctx.root, s.output, s.output_name, s.format)
    except Refused as exc:
        if not s.output or not ctx.hook:
            raise (UsageError(f"{written}: {exc}") if s.output else exc) from None
        ctx.notes.append(f"{written}: {exc}; written to the default place instead")
        ctx.console.warn(ctx.notes[-1])
        ctx.misconfigured = True
    return review_target(ctx.root, None, s.output_name, s.format)


def _root_of(args: argparse.Namespace) -> tuple[Path | None, str | None]:
    """(the repository root or None, why the run cannot go on); raises nothing, so that the settings are
    loaded (and strictness known) before any error is reported."""
    from ariadne_hook.source.root import find_repo_root

    start = Path(args.repo) if args.repo else Path.cwd()
    if args.repo and not start.is_dir():
        return None, f"--repo {args.repo}: no such directory"
    return find_repo_root(start), None


def _load(ctx: Context, problems: list[str]) -> None:
    """Settings first, so that strictness is known on every later path; then the warnings, one line each."""
    root, root_error = _root_of(ctx.args)
    ctx.root = root
    try:
        loaded = load_all(root, flags_of(ctx.args), ctx.env, lenient=ctx.hook)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    ctx.settings = loaded.settings
    ctx.console.quiet = loaded.settings.quiet
    ctx.misconfigured = bool(problems or loaded.problems)
    for line in (*problems, *loaded.problems, *loaded.warnings):
        ctx.console.warn(line)
    ctx.notes.extend((*problems, *loaded.problems, *loaded.warnings))
    if root_error:
        raise BadInput(root_error)
    if ctx.args.paths:
        _resolve_paths(ctx)
    if not ctx.args.dry_run:
        ctx.target = _target(ctx, loaded.written.get("output", "output"))


def _resolve_paths(ctx: Context) -> None:
    from ariadne_hook.source.pathspec import PathspecError, resolve

    root = str(ctx.root) if ctx.root is not None else None  # patch paths, too, are relative to the root
    try:
        ctx.pathspecs = resolve(ctx.args.paths, os.getcwd(), root)
    except PathspecError as exc:
        if not ctx.hook:
            raise UsageError(str(exc)) from None
        ctx.console.warn(f"{exc}; reviewing every path")
        ctx.misconfigured = True


def run(ctx: Context, problems: list[str]) -> int:
    _load(ctx, problems)
    if ctx.args.dry_run:
        dry_run(ctx)
        return EXIT_OK
    skips = quick_skips(ctx)
    outcome = skipped_outcome(skips, ctx) if skips is not None else review(ctx)
    report, because = outcome.report, outcome.because
    if because is not None or not ctx.s.quiet:
        line = result_line(report, outcome.destination)
        ctx.console.line(f"{line}; {because}" if because else line)
    if because is not None and ctx.console.actions:
        ctx.console.warn(because)
    if ctx.s.verbose:
        for line in detail_lines(report):
            ctx.console.line(line)
    if outcome.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if ctx.strict and outcome.failed else EXIT_OK


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    started = time.monotonic()  # the deadline bounds the whole run: it counts from here
    env = os.environ if environ is None else environ
    words = list(sys.argv[1:] if argv is None else argv)
    hook = in_hook(words, env)
    console = Console(sys.stderr, annotate=annotation if in_actions(env) else None)
    try:
        args, problems = parse(words, hook, pre_commit=bool(env.get("PRE_COMMIT")))
    except SystemExit as exc:  # --help / --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except ArgError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    ctx = Context(args, env, hook, console, started)
    verbose = bool(args.verbose) or switched_on(env, "ARIADNE_VERBOSE")
    try:
        return run(ctx, problems)
    except BadInput as exc:  # by hand a usage error; inside a hook it cannot block anything
        console.error(str(exc), prefix="" if hook else "error: ")
        return (EXIT_FAILED if ctx.strict else EXIT_OK) if hook else EXIT_USAGE
    except UsageError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        console.line("interrupted")
        return EXIT_INTERRUPTED
    except (RunError, Refused) as exc:
        console.error(str(exc), prefix="")
        return EXIT_FAILED if ctx.strict else EXIT_OK
    except Exception as exc:  # the hook never blocks a commit: one line, exit 0
        if verbose:
            import traceback

            console.clear()
            traceback.print_exc()
        problem = f"internal error ({type(exc).__name__}): {_one_line(exc)}; nothing was blocked"
        console.error(problem, prefix="")
        return EXIT_FAILED if ctx.strict else EXIT_OK
    finally:
        console.clear()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] if text else "no detail"


def main_entry() -> None:
    code = to_the_end(main)  # output flushed; a reader that went away (`| head -1`) is no error
    if code == EXIT_INTERRUPTED or _threads_left():
        # What was done is written. Requests still in flight (after Ctrl-C, or past the deadline) cannot be
        # interrupted and would hold the interpreter's exit until they end: end the process now.
        os._exit(code)
    # The run is over and this process ends: what is still alive (the report, the caches, the modules) is
    # freed by reference counting as the interpreter ends, and the collector's last full pass over it would
    # only cost time (~0.1 s after a review of 2,000 functions). Frozen, it is not walked
    import gc

    gc.freeze()
    sys.exit(code)


def _threads_left() -> bool:
    """Whether a thread the interpreter would wait for at exit is still running (a pool worker left in a
    request at the deadline). No import: without `threading` loaded, no thread was started."""
    threading = sys.modules.get("threading")
    if threading is None:
        return False
    current = threading.current_thread()
    return any(t is not current and not t.daemon and t.is_alive() for t in threading.enumerate())
