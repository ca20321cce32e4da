"""The JSON report, schema 1 (keys may be added later, none removed)."""

from __future__ import annotations

import json
from typing import Any

from ariadne_hook.models import Report, Summary

SCHEMA = 1


def _lines(span: tuple[int, int] | None) -> list[int] | None:
    return None if span is None else [span[0], span[1]]


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
        "summary": summary.text,
        "reason": summary.reason,
        "note": change.note,
    }


def report_dict(report: Report) -> dict[str, Any]:
    stats = report.stats
    return {
        "schema": SCHEMA,
        "source": {"kind": report.source.kind, "base": report.source.base, "head": report.source.head},
        "provider": report.provider,
        "model": report.model,
        "functions": [function_entry(s) for s in report.summaries],
        "stats": {
            "functions": stats.functions,
            "summarized": stats.summarized,
            "cached": stats.cached,
            "fallback": stats.fallback,
            "skipped": stats.skipped,
            "requests": stats.requests,
            "seconds": round(stats.seconds, 3),
            "prompt_tokens": stats.prompt_tokens,
            "completion_tokens": stats.completion_tokens,
        },
        "notes": list(report.notes),
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
