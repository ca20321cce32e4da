"""One run of the pipeline: source -> locate -> summarize -> render -> publish.

:func:`review` runs the stages in that order on a :class:`Context` (what was asked, with which settings,
where the review goes) and returns an :class:`Outcome`; the CLI (``cli.py``) parses, loads the settings,
calls it and turns the outcome into an exit code. What each step needs from the run is decided here, once:
the source (a patch, a range, the pull or merge request a CI job is building, or what is staged), the share
of the deadline the references get, whether the walkthrough and a commit subject are asked, and where the
review is published. :func:`quick_skips` / :func:`skipped_outcome` are the hook's fast path (nothing to
review: no GitPython, no model); :func:`dry_run` prints the request bodies the first round would send.

Errors: :class:`BadInput` is nonsense the user typed (the CLI: exit 2 by hand, one line in a hook),
:class:`RunError` a run that cannot go on (one line, exit 0 unless strict).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from ariadne_hook.config import Settings
from ariadne_hook.console import Console, model_note, not_used_note, write_out
from ariadne_hook.counts import stats_of
from ariadne_hook.models import (
    SKIPPED,
    SUMMARIZED,
    FileChange,
    FunctionChange,
    References,
    Report,
    SourceInfo,
    Summary,
)
from ariadne_hook.publish import targets
from ariadne_hook.publish.files import display_path, write_review
from ariadne_hook.render import render
from ariadne_hook.render.redacted import redacted

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the hook's fast path
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from ariadne_hook.summarize.llm_run import Prepared
    from ariadne_hook.summarize.pack import Rider
    from ariadne_hook.summarize.provider import Provider

TRUE_WORDS = ("1", "true", "yes", "on")  # an environment switch that is on


def switched_on(env: Mapping[str, str], name: str) -> bool:
    """Whether the environment variable ``name`` is set to one of :data:`TRUE_WORDS`."""
    return env.get(name, "").strip().lower() in TRUE_WORDS


class BadInput(Exception):
    """Nonsense the user typed (a bad path, revision or patch): exit 2 by hand; in a hook one line."""


class RunError(Exception):
    """The run could not go on (not a repository...): one line, exit 0 unless strict."""


@dataclass
class Context:
    """One run: what was asked, where, with which settings, and what to tell the user."""

    args: argparse.Namespace
    env: Mapping[str, str]
    hook: bool
    console: Console
    started: float  # time.monotonic() when main began: the run's deadline counts from there
    root: Path | None = None
    settings: Settings | None = None
    notes: list[str] = field(default_factory=list)  # settings ignored or set aside: also in the report
    misconfigured: bool = False  # a setting was invalid or unknown (a hook warned and went on)
    pathspecs: list[Any] = field(default_factory=list)
    target: Any = None  # where the review is written (publish/files.Target), decided once; None: stdout

    @property
    def strict(self) -> bool:
        """From the loaded settings; before they are loaded (or when they cannot be), flag and environment."""
        if self.settings is not None:
            return self.settings.strict
        return bool(self.args.strict) or switched_on(self.env, "ARIADNE_STRICT")

    @property
    def s(self) -> Settings:
        assert self.settings is not None
        return self.settings


@dataclass(frozen=True)
class Outcome:
    report: Report
    destination: str  # where the review went, for the result line
    failed: bool  # something --strict counts as a failure
    interrupted: bool = False
    because: str | None = None  # why the model was not used or fell short (console.why)


def review(ctx: Context) -> Outcome:
    """Run the pipeline: source -> locate -> summarize -> render -> publish."""
    from ariadne_hook import forked
    from ariadne_hook.summarize.provider import open_provider, resolve_provider, start_sdk_import

    settings, deadline_at = ctx.s, ctx.started + ctx.s.deadline  # one deadline instant for every stage
    # With a model, git and locate run in a forked helper (forked.py) while this process imports the openai
    # SDK: the fork comes first, while this is the only thread
    asks = resolve_provider(settings) != "offline" and ctx.args.diff is None and forked.can_fork()
    helper = forked.Forked(lambda: _located(ctx, deadline_at)) if asks else None
    sdk = None
    try:
        sdk = start_sdk_import(settings)  # joined below
        from ariadne_hook.summarize.stage import summarize

        if sdk is not None:  # the model's run too, while the helper works (offline runs never import it)
            import ariadne_hook.summarize.llm_run  # noqa: F401

        located: Located = helper.result() if helper else _located(ctx, deadline_at)
    finally:
        if helper is not None:
            helper.cancel()  # only when this process failed first: no helper outlives the call
        if sdk is not None:
            sdk.join()
    # one provider for the run: what it learns about the endpoint holds for the walkthrough too
    provider = open_provider(settings) if resolve_provider(settings) != "offline" else None
    changes, rider = located.changes, located.rider
    if provider is not None:
        to_ask = sum(1 for c in changes if not c.skip_reason)
        ctx.console.start(to_ask, provider.model, settings.deadline, ctx.hook, deadline_at)
    progress, cache_dir = ctx.console.progress, _cache_dir(ctx)
    result = summarize(
        changes, settings, cache_dir, progress, deadline_at, provider, rider, located.prepared, _ahead
    )
    ctx.console.clear()
    summaries = with_references(result.summaries, located.found)
    report = Report(
        source=located.info,
        provider=result.provider,
        model=result.model,
        summaries=summaries,
        stats=stats_of(
            summaries,
            result.requests,
            time.monotonic() - ctx.started,
            (result.prompt_tokens, result.completion_tokens),
        ),
        notes=(*ctx.notes, *located.cut, *result.notes, *located.references_note),
    )
    interrupted = bool(getattr(result, "interrupted", False))
    subject = None
    if not interrupted:  # after Ctrl-C nothing more is asked
        ridden = (result.ridden, rider.text) if result.ridden is not None and rider is not None else None
        report, subject, interrupted = _ask_overview(ctx, report, deadline_at, provider, ridden)
    if provider is not None:
        provider.close()
    # a model not used: a note in the review
    because = model_note(report, settings, ctx.env, ctx.console.actions)
    report = replace(report, notes=(*report.notes, *not_used_note(because)))
    destination = publish(report, ctx, subject)
    failed = report.stats.fallback > 0 or ctx.misconfigured or bool(located.cut)
    return Outcome(report, destination, failed, interrupted=interrupted, because=because)


@dataclass(frozen=True)
class Located:
    """Everything before the first request that needs no SDK (`_located`); with a model it is made in the
    forked helper and sent back pickled: plain data, so unpickling it imports nothing more."""

    info: SourceInfo
    changes: Sequence[FunctionChange]  # the entries, in the report's order
    found: Mapping[int, References]  # what deleted, renamed and re-signatured entries left behind
    cut: Sequence[str]  # what the deadline cut short
    references_note: tuple[str, ...]  # why the references are incomplete, if they are
    rider: Rider | None  # the walkthrough asked along; None offline (or too big to ride)
    prepared: Prepared | None  # the model run's prompts and cache keys; None offline


def _ahead() -> None:
    """What a model run needs once the answers are in, loaded while they are awaited (the walkthrough's and
    the redaction's modules, every language's test globs: ~20 ms otherwise spent after the last answer)."""
    from ariadne_hook.languages import is_test_path
    from ariadne_hook.publish import commit_msg  # noqa: F401
    from ariadne_hook.summarize import offline_overview, overview, redact  # noqa: F401

    is_test_path("")


def _located(ctx: Context, deadline_at: float) -> Located:
    """Everything before the first request that needs no SDK."""
    from ariadne_hook.locate import cut_notes, locate
    from ariadne_hook.source.exclude import apply_excludes
    from ariadne_hook.summarize.provider import OFFLINE, resolve_provider
    from ariadne_hook.summarize.stage import prepare

    info, files = _collect(ctx)
    files = apply_excludes(files, ctx.s.excludes())
    changes = locate(files, ctx.s.languages, deadline_at)
    scan = _references(ctx, info, files, changes, deadline_at)
    asks = resolve_provider(ctx.s) != OFFLINE
    rider = _rider(ctx, info, changes, scan.found if scan else {}) if asks else None
    prepared = prepare(changes, ctx.s, deadline_at) if asks else None
    found, note = (scan.found, scan.note) if scan else ({}, None)
    cut = cut_notes(changes, ctx.s.deadline)
    return Located(info, changes, found, cut, (note,) if note else (), rider, prepared)


def _collect(ctx: Context) -> Any:
    """The source stage: (SourceInfo, [FileChange]), limited to the paths given."""
    from ariadne_hook.source import git as source_git
    from ariadne_hook.source import pathspec

    args, root, s = ctx.args, ctx.root, ctx.s
    try:
        if args.diff is not None:
            text, label = _read_patch(args.diff)
            if not text.strip():
                raise BadInput(f"{label} is empty: nothing to review")
            info, files = source_git.from_patch_text(text, root, s.max_file_bytes, label=label)
            return info, pathspec.select(files, ctx.pathspecs)
        if root is None:
            where = args.repo or os.getcwd()
            raise BadInput(f"not inside a git repository: {where} (use --diff PATH to review a patch)")
        specs = pathspec.to_git(ctx.pathspecs)
        spec = args.range
        if spec is None and _in_review_job(args, ctx.env):
            from ariadne_hook.source.ci import review_range

            spec = review_range(ctx.env)
        if spec is not None:
            info, files = source_git.revision_range(root, spec, s.max_file_bytes, specs)
            if args.range is not None and info.base == info.head:
                raise BadInput(f"range {spec} is empty: both ends are commit {str(info.head)[:7]}")
            return info, files
        return source_git.staged(root, s.max_file_bytes, specs)
    except source_git.BadInput as exc:
        raise BadInput(str(exc)) from None
    except source_git.SourceError as exc:
        raise RunError(str(exc)) from None


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


def _in_review_job(args: argparse.Namespace, env: Mapping[str, str]) -> bool:
    """A run in a CI job building a pull or merge request (source/ci.py: GitHub Actions with an event file, a
    GitLab merge-request pipeline) and no --range/--diff: review the request (``base...head``) when the job
    names both commits. Never inside a pre-commit hook, which reviews what is staged."""
    from ariadne_hook.source.ci import in_review_job

    return (
        args.range is None
        and args.diff is None
        and not args.commit_msg_file
        and not env.get("PRE_COMMIT")
        and in_review_job(env)
    )


REFERENCES_SHARE = 0.1  # of the deadline, at most REFERENCES_BUDGET seconds
REFERENCES_BUDGET = 2.0


def _references(
    ctx: Context, info: SourceInfo, files: Sequence[FileChange], changes: Sequence[Any], deadline_at: float
) -> Any:
    """What deleted, renamed and re-signatured functions left behind (locate/references.py): a small fixed
    share of the run, never past its deadline ``deadline_at``. None for a patch (no revision to search)."""
    if ctx.root is None or info.kind == "patch" or not changes:
        return None
    from ariadne_hook.locate.references import ReferenceScan, find_references

    s = ctx.s
    try:
        return find_references(
            ctx.root,
            info,
            changes,
            files,
            languages=s.languages,
            excludes=s.excludes(),
            budget_seconds=min(REFERENCES_BUDGET, REFERENCES_SHARE * s.deadline),
            deadline_at=deadline_at,
        )
    except Exception as exc:  # a bug in this extra must not cost the review
        return ReferenceScan(complete=False, note=f"references: not searched ({type(exc).__name__})")


def with_references(summaries: Sequence[Summary], found: Mapping[int, References]) -> tuple[Summary, ...]:
    """The summaries (in the entries' order) with what each entry left behind attached."""
    return tuple(replace(s, references=found[i]) if i in found else s for i, s in enumerate(summaries))


def _facts(report: Report) -> list[str]:
    """The offline overview's lines of ``report`` without its skipped (excluded) files: the walkthrough's
    facts (skipped files are not named to the model)."""
    from ariadne_hook.render.sanitize import clean
    from ariadne_hook.summarize.offline_overview import overview_lines

    sent = replace(report, summaries=tuple(x for x in report.summaries if x.status != SKIPPED))
    return overview_lines(sent, str, clean)


def _rider(ctx: Context, info: SourceInfo, changes: Sequence[Any], found: Mapping[int, References]) -> Any:
    """The walkthrough asked along with the function summaries (summarize/overview.py `rider`), from the
    entries as located and the offline facts; None when it is too big to ride."""
    from ariadne_hook.summarize.overview import rider

    s = ctx.s
    located = with_references(
        tuple(Summary(c, SKIPPED if c.skip_reason else SUMMARIZED, "") for c in changes), found
    )
    draft = Report(info, "", None, located, stats_of(located, 0, 0.0))
    return rider(located, _facts(draft), s.max_prompt_chars, s.secrets())


def _ask_overview(
    ctx: Context,
    report: Report,
    deadline_at: float,
    provider: Provider | None,
    ridden: tuple[Any, str] | None = None,
) -> tuple[Report, str | None, bool]:
    """With a model: the walkthrough (and the proposed commit subject), `overview.with_walkthrough`; the
    walkthrough the first round's answer held (``ridden``: the rider's answer and text) is judged first.
    (the report, the subject or None, whether Ctrl-C stopped it)"""
    if report.provider == "offline" or not report.summaries:
        return report, None, False
    from ariadne_hook.summarize.overview import Ridden, with_walkthrough

    said = Ridden(*ridden) if ridden is not None else None
    facts = partial(_facts, report)  # made only when something is asked
    cache_dir, subject = _cache_dir(ctx), _wants_subject(ctx)
    return with_walkthrough(report, facts, ctx.s, cache_dir, deadline_at, provider, said, subject)


def _wants_subject(ctx: Context) -> bool:
    from ariadne_hook.publish.commit_msg import wants_subject

    args = ctx.args
    return wants_subject(args.commit_msg_file, args.commit_msg_source, ctx.s, ctx.env)


def _cache_dir(ctx: Context) -> Path | None:
    if not ctx.s.cache:
        return None
    from ariadne_hook.source.root import cache_dir

    return cache_dir(ctx.root, ctx.env)


def publish(report: Report, ctx: Context, subject: str | None = None) -> str:
    """Write the review where it was asked for; returns where it went (for the result line). ``subject``: a
    proposed commit subject for the prepare-commit-msg mode. Every sink gets the report redacted, here, once
    (:mod:`~ariadne_hook.render.redacted`): the file, each target whatever its host renders, the message."""
    report = redacted(report)
    settings, args, target = ctx.s, ctx.args, ctx.target
    text = render(report, settings.format)
    if target is None:
        write_out(text)
        destination = "stdout"
    else:
        write_review(target, text)  # Refused (a symlink swapped in since): like a RunError
        destination = display_path(target.path)
    extra: list[str] = []
    for host in targets(ctx.env, comment=args.pr_comment, summary=args.step_summary):
        published = host.publish(report, target.path if target is not None else None)
        for problem in published.problems:
            ctx.console.warn(problem)
        extra.extend(published.done)
    if args.commit_msg_file:
        from ariadne_hook.publish.commit_msg import apply_to_message, message_source

        source = message_source(args.commit_msg_source, ctx.env)
        extra.append(apply_to_message(Path(args.commit_msg_file), report, source, settings, subject=subject))
    return "; ".join([destination, *[e for e in extra if e]])


def quick_skips(ctx: Context) -> list[FileChange] | None:
    """The hook's fast path: when nothing staged needs review, the skipped files (no GitPython import)."""
    args, root = ctx.args, ctx.root
    if args.diff is not None or args.range is not None or root is None or _in_review_job(args, ctx.env):
        return None
    from ariadne_hook.source.noop import excluded_only

    specs = [s.as_git() for s in ctx.pathspecs]
    return excluded_only(root, ctx.s.excludes(), specs)


def skipped_outcome(files: list[FileChange], ctx: Context) -> Outcome:
    """A report of only skipped (excluded) files, built without GitPython, the LLM or the pool."""
    from ariadne_hook.locate import locate

    settings = ctx.s
    summaries = tuple(Summary(c, SKIPPED, "", c.skip_reason) for c in locate(files, settings.languages))
    report = Report(
        SourceInfo("staged", label="staged changes"),
        "none",
        None,
        summaries,
        stats_of(summaries, 0, 0.0),
        notes=tuple(ctx.notes),
    )
    return Outcome(report, publish(report, ctx), failed=ctx.misconfigured)


def dry_run(ctx: Context) -> None:
    """--dry-run: the request bodies the first round would send, as JSON on stdout (after exclusion,
    routing, redaction and packing; the cache is not consulted). Nothing is sent, nothing written."""
    import json

    from ariadne_hook.locate import locate
    from ariadne_hook.source.exclude import apply_excludes
    from ariadne_hook.summarize.stage import dry_run as request_bodies
    from ariadne_hook.words import plural

    info, files = _collect(ctx)
    changes = locate(apply_excludes(files, ctx.s.excludes()), ctx.s.languages, ctx.started + ctx.s.deadline)
    bodies = request_bodies(changes, ctx.s, _rider(ctx, info, changes, {}))
    write_out(json.dumps(bodies, indent=2, ensure_ascii=False) + "\n")
    chars = sum(len(m["content"]) for b in bodies for m in b["messages"])
    ctx.console.line(
        f"dry run: {plural(len(bodies), 'request')}, {plural(chars, 'prompt char')} would be sent; "
        "nothing sent or written"
    )
