"""The JSON report, schema 1 (keys may be added later, none removed).

Entries (``functions``) are in path-then-line order (the markdown moves non-code files to the end; the JSON
keeps the one stable order). Each entry's ``kind`` is ``function``, ``method``, ``class`` (a class's own
lines outside its methods), ``module`` (a block of module-level lines, ``<module>`` / ``<module:N>``;
also ``<file>`` entries of skipped files and of files without content changes), ``file`` (a file without
a function parser: all its hunks in one entry, ``<file>``) or ``hunk`` (a code file that did not parse).
``trivial`` is true when only comments, blank lines, whitespace or (module level) imports changed.
``stats.functions`` is the number of entries (all kinds); ``stats.by_kind`` counts them by kind:
``functions`` (functions and methods), ``classes``, ``modules``, ``files``, ``hunks``, ``skipped``.
``stats.rejected`` counts the fallback entries whose model answer was no summary (their ``reason`` starts
with ``rejected: ``); they are counted in ``stats.fallback`` too.
Text goes in as is, made safe for a terminal: the model's summaries and the tool's reasons and notes through
:func:`~ariadne_hook.render.sanitize.clean` (controls, ANSI sequences, invisible and bidi characters removed;
newlines kept), after the report's redaction (:mod:`ariadne_hook.render.redacted`: summaries, the walkthrough,
the references' lines and a hunk entry's name, which quotes git's hunk context). Repository identifiers
(``path``, ``old_path``, ``qualname``) keep their exact value, so a consumer can open the file; in the JSON
text every unsafe character of any string is written as a ``\\u`` escape, so the file itself shows nothing
hidden when printed (and a path that was not UTF-8 can be written).
"""

from __future__ import annotations

import json
from typing import Any

from ariadne_hook.counts import kind_counts
from ariadne_hook.models import References, Report, Summary
from ariadne_hook.render.redacted import redacted
from ariadne_hook.render.sanitize import clean, map_unsafe
from ariadne_hook.summarize.offline_overview import overview_lines

SCHEMA = 1


def _lines(span: tuple[int, int] | None) -> list[int] | None:
    return None if span is None else [span[0], span[1]]


def _clean(text: str | None) -> str | None:
    return None if text is None else clean(text)


def _references(refs: References | None) -> dict[str, Any]:
    """``references`` (each ``{"path", "line", "text"}``), ``references_total`` and ``references_why``, only
    on an entry that left references behind."""
    if refs is None:
        return {}
    return {
        "references": [{"path": r.path, "line": r.line, "text": clean(r.text)} for r in refs.items],
        "references_total": refs.total,
        "references_why": clean(refs.why),
    }


def overview_text(report: Report) -> str:
    """The overview as plain text: the walkthrough (when the model wrote one), then the offline lines."""
    facts = "\n".join(overview_lines(report, lambda name: name, clean))
    return f"{clean(report.walkthrough)}\n\n{facts}" if report.walkthrough else facts


def function_entry(summary: Summary) -> dict[str, Any]:
    change = summary.change
    return {
        "path": change.path,
        "old_path": change.old_path,
        "qualname": change.qualname,
        "kind": change.kind,
        "change": change.change,
        "language": change.language,
        "old_lines": _lines(change.old_lines),
        "new_lines": _lines(change.new_lines),
        "status": summary.status,
        "summary": clean(summary.text),
        "reason": _clean(summary.reason),
        "note": _clean(change.note),
        "trivial": change.trivial,
        **_references(summary.references),
    }


def report_dict(report: Report) -> dict[str, Any]:
    stats = report.stats
    return {
        "schema": SCHEMA,
        "source": {"kind": report.source.kind, "base": report.source.base, "head": report.source.head},
        "provider": report.provider,
        "model": report.model,
        "overview": overview_text(report),
        "walkthrough": _clean(report.walkthrough),
        "functions": [function_entry(s) for s in report.summaries],
        "stats": {
            "functions": stats.functions,
            "summarized": stats.summarized,
            "cached": stats.cached,
            "fallback": stats.fallback,
            "skipped": stats.skipped,
            "rejected": stats.rejected,
            "requests": stats.requests,
            "seconds": round(stats.seconds, 3),
            "prompt_tokens": stats.prompt_tokens,
            "completion_tokens": stats.completion_tokens,
            "by_kind": kind_counts(report.summaries),
        },
        "notes": [clean(note) for note in report.notes],
    }


def _json_escape(char: str) -> str:
    """``char`` as JSON ``\\u`` escapes (a surrogate pair above the BMP)."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def render_json(report: Report) -> str:
    """The report as JSON text, every text it quotes redacted first (:mod:`ariadne_hook.render.redacted`)."""
    text = json.dumps(report_dict(redacted(report)), indent=2, ensure_ascii=False)
    # json.dumps has escaped every newline inside a string already: a raw one is the indentation's, and stays
    return map_unsafe(text, _json_escape, keep_newlines=True) + "\n"
