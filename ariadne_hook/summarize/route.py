"""Which entries are worth a request, and in what order the model's time is spent.

No request for: changes that only touch comments, blank lines, whitespace or imports (`change.trivial`),
entries of files that are not code (docs, changelogs, YAML, requirements: unless the user's `llm_non_code`),
and entries with nothing to show (a pure rename or mode change). They get the offline summary. What is code is
decided by the defaults and the user's own `languages` (`Settings.code_languages`): a repository's
`languages` picks the parser of a file, so a `*.conf` it maps to Python gets function entries in the review,
but it cannot make a file the defaults call non-code (or excluded: those are never read) go to the model.

Priority under the deadline and the entry budget: non-test source first, then tests (the one classifier,
``languages.is_test_path``); within each, the largest changes first. The report's order is not affected
(path, then line).
"""

from __future__ import annotations

from ariadne_hook.languages import has_parser, is_test_path, language_for
from ariadne_hook.models import FunctionChange

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

TRIVIAL = "only comments, whitespace or imports changed: no LLM call"
NON_CODE = "not code (no function parser for this file type): no LLM call"
NOT_YOURS = "not code by default (a repository's languages choose a parser, not what is sent): no LLM call"
NOTHING = "no content change to summarize: no LLM call"
BUDGET = "budget"


def offline_reason(
    change: FunctionChange, llm_non_code: bool, code_languages: Mapping[str, str] | None = None
) -> str | None:
    """Why this entry gets the offline summary without a request; None when it is worth one.
    ``code_languages``: the user's own globs (with the defaults, they say what is code)."""
    if change.trivial:
        return TRIVIAL
    if not change.diff.strip():
        return NOTHING
    if llm_non_code:
        return None
    if not has_parser(change.language):
        return NON_CODE
    if not has_parser(language_for(change.path, code_languages or {})):
        return NOT_YOURS
    return None


def changed_lines(change: FunctionChange) -> int:
    return sum(1 for line in change.diff.split("\n") if line[:1] in ("+", "-"))


def tier(change: FunctionChange) -> int:
    """0: source code, 1: tests."""
    return 1 if is_test_path(change.path) else 0


def priority(change: FunctionChange) -> tuple[int, int]:
    """Sort key: lower first (source before tests, then larger changes first)."""
    return tier(change), -changed_lines(change)
