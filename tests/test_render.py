"""The render stage: markdown and JSON from a Report, pure and deterministic."""

from __future__ import annotations

import json

from ariadne_hook.models import FunctionChange, Report, SourceInfo, Stats, Summary
from ariadne_hook.render.json import render_json
from ariadne_hook.render.markdown import COLLAPSE_OVER, code_span, render_markdown


def change(path: str, qualname: str, first: int, **kw: object) -> FunctionChange:
    values: dict[str, object] = {
        "path": path,
        "old_path": None,
        "qualname": qualname,
        "kind": "function",
        "change": "modified",
        "language": "python",
        "old_lines": (first, first + 2),
        "new_lines": (first, first + 3),
        "old_source": "def f(): pass",
        "new_source": "def f(): return 1",
        "diff": "@@ -1 +1 @@\n-x\n+y",
    }
    values.update(kw)
    return FunctionChange(**values)  # type: ignore[arg-type]


def report(*summaries: Summary, provider: str = "offline", notes: tuple[str, ...] = ()) -> Report:
    statuses = [s.status for s in summaries]
    stats = Stats(
        functions=len(summaries),
        summarized=statuses.count("summarized"),
        cached=statuses.count("cached"),
        fallback=statuses.count("fallback"),
        skipped=statuses.count("skipped"),
        requests=3,
        seconds=1.23456,
    )
    source = SourceInfo("range", "a" * 40, "b" * 40, "aaaaaaa..bbbbbbb")
    return Report(source, provider, "m-1" if provider != "offline" else None, summaries, stats, notes)


def test_json_has_exactly_the_schema_1_shape() -> None:
    rep = report(
        Summary(change("a.py", "f", 3), "summarized", "Adds x."),
        Summary(
            change("b.py", "G.h", 9, change="deleted", new_lines=None), "fallback", "Removed.", "timeout"
        ),
    )
    data = json.loads(render_json(rep))
    assert set(data) >= {"schema", "source", "provider", "model", "functions", "stats"}
    assert data["schema"] == 1
    assert data["source"] == {"kind": "range", "base": "a" * 40, "head": "b" * 40}
    assert data["functions"][0] == {
        "path": "a.py",
        "old_path": None,
        "qualname": "f",
        "kind": "function",
        "change": "modified",
        "language": "python",
        "old_lines": [3, 5],
        "new_lines": [3, 6],
        "status": "summarized",
        "summary": "Adds x.",
        "reason": None,
        "note": None,
        "trivial": False,
    }
    assert data["functions"][1]["new_lines"] is None
    assert data["functions"][1]["reason"] == "timeout"
    assert data["stats"] == {
        "functions": 2,
        "summarized": 1,
        "cached": 0,
        "fallback": 1,
        "skipped": 0,
        "requests": 3,
        "seconds": 1.235,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "rejected": 0,
        "by_kind": {"functions": 2, "classes": 0, "modules": 0, "files": 0, "hunks": 0, "skipped": 0},
    }


def test_markdown_lists_every_entry_with_status_and_reason() -> None:
    rep = report(
        Summary(change("a.py", "f", 3), "summarized", "Adds x."),
        Summary(change("a.py", "C.m", 10), "fallback", "Calls y.", "HTTP 500"),
        Summary(
            change("b.py", "<file>", 0, kind="module", old_lines=None, new_lines=None),
            "skipped",
            "",
            "binary file",
        ),
        provider="openai",
        notes=("deadline reached",),
    )
    text = render_markdown(rep)
    assert text.startswith("## ariadne-hook review — aaaaaaa..bbbbbbb\n")
    assert "**2 functions** in **2 files**" in text  # a skipped file is not a function
    assert "1 fallback" in text and "1 skipped" in text
    assert "### `a.py`" in text and "### `b.py`" in text
    assert "- **`f`** — modified · lines 3–6\n  Adds x." in text
    assert "LLM failed: HTTP 500" in text
    assert "skipped: binary file" in text
    assert "> deadline reached" in text
    sections = text[text.index("### `a.py`") :]  # after the overview, which names the skipped file too
    assert sections.index("`f`") < sections.index("`C.m`") < sections.index("`b.py`")
    assert text.index("### Overview") < text.index("### `a.py`")
    assert "- Skipped: `b.py` (binary file)." in text


def test_markdown_is_deterministic_and_ignores_seconds() -> None:
    one = report(Summary(change("a.py", "f", 3), "summarized", "Adds x."))
    two = Report(
        one.source, one.provider, one.model, one.summaries, Stats(**{**one.stats.__dict__, "seconds": 99.0})
    )
    assert render_markdown(one) == render_markdown(two)


def test_untrusted_names_cannot_break_out_of_code_spans() -> None:
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x") == "`` `x ``"
    assert "\n" not in code_span("a\nb")
    rep = report(Summary(change("x/<img src=y>.py", "f", 1), "summarized", "ok"))
    text = render_markdown(rep)
    assert "### `x/<img src=y>.py`" in text


def test_llm_text_is_neutralized() -> None:
    rep = report(Summary(change("a.py", "f", 1), "summarized", "ping @octocat <script>alert(1)</script>"))
    text = render_markdown(rep)
    assert "@octocat" not in text
    assert "<script>" not in text


def test_large_file_sections_collapse() -> None:
    entries = [
        Summary(change("big.py", f"f{i:03}", i * 10 + 1), "summarized", "s") for i in range(COLLAPSE_OVER + 1)
    ]
    entries.append(Summary(change("small.py", "g", 1), "summarized", "s"))
    text = render_markdown(report(*entries))
    assert "<details><summary><code>big.py</code> — 16 entries</summary>" in text
    assert "### `small.py`" in text


def test_empty_report_says_so() -> None:
    text = render_markdown(report())
    assert "No changed functions to review." in text
    assert json.loads(render_json(report()))["functions"] == []
