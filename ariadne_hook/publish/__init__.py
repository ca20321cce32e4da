"""The publish stage: where a finished review goes.

- The review file or stdout: :mod:`~ariadne_hook.publish.files` decides where a file may be written and
  writes it (always, first).
- The commit message being edited (prepare-commit-msg): :mod:`~ariadne_hook.publish.commit_msg`.
- The pull or merge request a CI job is building (``--pr-comment``, ``--step-summary``): a *target*, one
  module per host, named in :data:`TARGETS`. A target module has ``detected(env) -> bool`` (this is its CI)
  and ``target(env, comment=, summary=) -> Target``; the target's ``publish(report, review_path)`` renders
  the review with its host's markdown rules and size limits, creates or updates its one sticky comment or
  note, and returns what it did and what it could not do (:class:`Published`); it never raises, and nothing
  it cannot do fails the job. :func:`targets` picks the module whose CI this is; outside any CI, the first
  (GitHub's), which says why it posted nothing.

To publish to another host: one module here with ``detected`` and ``target``, its name in :data:`TARGETS`,
and, for the range its CI job reviews, one module in ``source/`` (see :mod:`ariadne_hook.source.ci`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

from ariadne_hook.models import Report

TARGETS = ("github", "gitlab")  # modules of this package, in the order their CI is looked for
MARKER = "<!-- ariadne-hook:review -->"  # the first line of the one comment or note a target keeps


@dataclass(frozen=True)
class Published:
    """What a target did (for the result line) and what it skipped or failed at (a warning each)."""

    done: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


class Target(Protocol):
    def publish(self, report: Report, review_path: Path | None) -> Published:
        """Render ``report`` for this host and publish it; ``review_path``: the review file, if one was
        written (a path the tool built and checked). Never raises. ``report`` comes redacted (every text it
        quotes: :mod:`ariadne_hook.render.redacted`), so whatever a host shows of it is."""
        ...


class TargetModule(Protocol):
    """What a module named in :data:`TARGETS` provides."""

    def detected(self, env: Mapping[str, str]) -> bool: ...

    def target(self, env: Mapping[str, str], *, comment: bool, summary: bool) -> Target: ...


def target_module(name: str) -> TargetModule:
    import importlib

    return cast(TargetModule, importlib.import_module(f"{__name__}.{name}"))


def targets(env: Mapping[str, str], *, comment: bool, summary: bool) -> list[Target]:
    """Where ``--pr-comment`` (``comment``) and ``--step-summary`` (``summary``) go in this environment: the
    target of the CI this is (or, outside any, the first one); none when neither was asked."""
    if not (comment or summary):
        return []
    modules = [target_module(name) for name in TARGETS]
    chosen = next((module for module in modules if module.detected(env)), modules[0])
    return [chosen.target(env, comment=comment, summary=summary)]
