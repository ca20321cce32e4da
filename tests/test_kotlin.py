"""Kotlin, added through the language seam (ariadne_hook/languages/kotlin.py): functions found on real git
history with their names, lines and kinds, the offline summary, references left behind, test files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ariadne_hook.cli import main
from ariadne_hook.languages import is_test_path, language_for, parser_for
from ariadne_hook.locate import locate
from ariadne_hook.locate.references import ReferenceScan, find_references
from ariadne_hook.models import FunctionChange, Summary
from ariadne_hook.source.git import staged
from ariadne_hook.summarize.offline import offline_summary
from ariadne_hook.summarize.offline_overview import api_changes
from ariadne_hook.summarize.route import tier
from tests.gitutil import commit_all, init_repo, stage_all, write

OLD = """\
package com.example.shop

import kotlin.math.max

fun String.shout(times: Int = 2): String {
    return this.uppercase().repeat(times)
}

class Cart(private val owner: String) {
    private val items = mutableListOf<Int>()

    fun addItem(price: Int) {
        items.add(price)
    }

    fun total(): Int {
        return items.sum()
    }

    companion object {
        fun empty(): Cart = Cart("nobody")
    }
}

object Prices {
    fun discount(price: Int): Int = max(0, price - 1)
}

fun legacy(x: Int): Int {
    return x * 2
}
"""

NEW = """\
package com.example.shop

import kotlin.math.max

fun String.shout(times: Int = 3, suffix: String = "!"): String {
    return this.uppercase().repeat(times) + suffix
}

class Cart(private val owner: String) {
    private val items = mutableListOf<Int>()

    fun addItem(price: Int) {
        // a price of zero is a gift
        items.add(price)
    }

    fun total(): Int {
        if (items.isEmpty()) {
            throw IllegalStateException("empty cart")
        }
        return items.sum()
    }

    companion object {
        fun empty(): Cart = Cart("nobody")

        suspend fun load(id: Long): Cart = Cart(id.toString())
    }
}

object Prices {
    fun discount(price: Int): Int = max(0, price - 1)
}
"""


def staged_changes(repo: Path) -> list[FunctionChange]:
    _, files = staged(repo, 1_000_000)
    return locate(files)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


def by_name(changes: list[FunctionChange]) -> dict[str, FunctionChange]:
    return {c.qualname: c for c in changes}


def test_changed_kotlin_functions_are_found_with_names_lines_and_kinds(repo: Path) -> None:
    write(repo, "src/main/kotlin/Shop.kt", OLD)
    commit_all(repo)
    write(repo, "src/main/kotlin/Shop.kt", NEW)
    stage_all(repo)
    found = {(c.qualname, c.kind, c.change, c.old_lines, c.new_lines) for c in staged_changes(repo)}
    assert found == {
        ("Cart.Companion", "class", "modified", None, (26, 26)),  # its own lines: the blank line added
        ("<module>", "module", "modified", (28, 28), None),  # the blank line before legacy
        ("String.shout", "method", "modified", (5, 7), (5, 7)),
        ("Cart.addItem", "method", "modified", (12, 14), (12, 15)),
        ("Cart.total", "method", "modified", (16, 18), (17, 22)),
        ("Cart.Companion.load", "method", "added", None, (27, 27)),
        ("legacy", "function", "deleted", (29, 31), None),
    }


def test_kotlin_names_kinds_and_facts() -> None:
    source = """\
@file:JvmName("Util")
package a.b

@Suppress("unused")
fun <T> List<T>.second(): T? = getOrNull(1)

interface Shape {
    fun area(): Double
    fun describe(): String {
        return "shape"
    }
}

enum class Level {
    LOW {
        override fun next() = HIGH
    },
    HIGH;

    open fun next(): Level = this
}

class Box(val size: Int) {
    constructor(text: String) : this(text.length) {
        println(text)
    }

    val label: String
        get() {
            return "box $size"
        }

    inner class Lid {
        fun open(vararg hands: String, force: Boolean = false) {
            val listener = object : Runnable {
                override fun run() {}
            }
            fun local() = 1
        }
    }
}
"""
    parse = parser_for("kotlin")
    assert parse is not None
    spans = parse(source)
    assert [(s.qualname, s.kind, s.start, s.end) for s in spans] == [
        ("List.second", "method", 4, 5),
        ("Shape.describe", "method", 9, 11),
        ("Level.LOW.next", "method", 16, 16),
        ("Level.next", "method", 20, 20),
        ("Box.constructor", "method", 24, 26),
        ("Box.label.get", "method", 29, 31),
        ("Box.Lid.open", "method", 34, 39),
        ("Box.Lid.open.local", "function", 38, 38),
    ]
    second = spans[0].facts
    assert (second.returns, second.decorators, second.calls, second.returns_count) == (
        "T?",
        ('@Suppress("unused")',),
        ("getOrNull",),
        1,
    )
    lid = spans[6].facts
    assert [(p.name, p.annotation, p.default, p.kind) for p in lid.params] == [
        ("hands", "String", None, "var_positional"),
        ("force", "Boolean", "false", "positional"),
    ]


def test_kotlin_offline_summaries_say_what_changed(repo: Path) -> None:
    write(repo, "src/main/kotlin/Shop.kt", OLD)
    commit_all(repo)
    write(repo, "src/main/kotlin/Shop.kt", NEW)
    stage_all(repo)
    entries = by_name(staged_changes(repo))
    assert offline_summary(entries["Cart.addItem"]).startswith("Only comments or blank lines changed")
    total = offline_summary(entries["Cart.total"])
    assert "IllegalStateException" in total and "if" in total.lower()
    shout = offline_summary(entries["String.shout"])
    assert 'added parameter suffix: String = "!"' in shout and "times default 2 → 3" in shout
    assert offline_summary(entries["Cart.Companion.load"]).startswith("New async method (1 line).")
    assert offline_summary(entries["legacy"]).startswith("Removed function (3 lines).")
    summaries = [Summary(c, "offline", offline_summary(c), None) for c in entries.values()]
    assert api_changes(summaries) == {
        "added": ["Cart.Companion.load"],
        "removed": ["legacy"],
        "re-signatured": ["String.shout"],
    }


def test_private_and_internal_kotlin_functions_are_no_public_api(repo: Path) -> None:
    write(repo, "Api.kt", "package p\n\nfun keep() = 1\n")
    commit_all(repo)
    added = (
        '@Deprecated("public")\nprivate fun hidden() = 2\n\ninternal fun inModule() = 3\n\n'
        "protected open fun forSubclasses() = 4\n\nfun shown() = 5\n"
    )
    write(repo, "Api.kt", "package p\n\nfun keep() = 1\n\n" + added)
    stage_all(repo)
    summaries = [Summary(c, "offline", "", None) for c in staged_changes(repo)]
    assert api_changes(summaries)["added"] == ["forSubclasses", "shown"]


def test_a_kotlin_comment_only_change_is_trivial(repo: Path) -> None:
    write(repo, "A.kt", 'fun f(): String {\n    return """raw // not a comment"""\n}\n')
    commit_all(repo)
    write(repo, "A.kt", 'fun f(): String {\n    // why\n    return """raw // not a comment"""\n}\n')
    stage_all(repo)
    [entry] = staged_changes(repo)
    assert entry.trivial
    write(repo, "A.kt", 'fun f(): String {\n    return """raw // changed"""\n}\n')
    stage_all(repo)
    [entry] = staged_changes(repo)
    assert not entry.trivial  # a raw string is code, even where it holds a //


def test_kotlin_import_only_change_is_trivial(repo: Path) -> None:
    write(repo, "A.kt", "package p\n\nimport a.B\n\nfun f() = 1\n")
    commit_all(repo)
    write(repo, "A.kt", "package p\n\nimport a.B\nimport a.C\n\nfun f() = 1\n")
    stage_all(repo)
    [entry] = staged_changes(repo)
    assert entry.qualname == "<module>" and entry.trivial
    assert "Imports added: a.C." in offline_summary(entry)


CART_USER = """\
package com.example.shop

import com.example.shop.legacy

class Checkout(private val cart: Cart) {
    fun pay(): Int {
        cart.addItem(1)
        cart.addItem(2, 3)
        val twice = legacy(2)
        val shouted = "hi".shout(1)
        // legacy(3) in a comment does not count
        return twice + "legacy(4)".length
    }
}
"""


def review(repo: Path) -> tuple[list[FunctionChange], ReferenceScan]:
    info, files = staged(repo, 1_000_000)
    changes = locate(files)
    return changes, find_references(repo, info, changes, files, budget_seconds=60.0)


def found(changes: list[FunctionChange], scan: ReferenceScan) -> dict[str, list[str]]:
    return {changes[i].qualname: [f"{r.path}:{r.line}" for r in refs.items] for i, refs in scan.found.items()}


def test_kotlin_references_left_behind(repo: Path) -> None:
    write(repo, "src/main/kotlin/com/example/shop/Shop.kt", OLD)
    write(repo, "src/main/kotlin/com/example/shop/Checkout.kt", CART_USER)
    commit_all(repo)
    new = NEW.replace("fun addItem(price: Int)", "fun addItem(price: Int, count: Int)")
    write(repo, "src/main/kotlin/com/example/shop/Shop.kt", new)
    stage_all(repo)
    changes, scan = review(repo)
    checkout = "src/main/kotlin/com/example/shop/Checkout.kt"
    assert found(changes, scan) == {
        "legacy": [f"{checkout}:3", f"{checkout}:9"],  # the import and the call; not the comment, the string
        "Cart.addItem": [f"{checkout}:7"],  # called the old way; addItem(2, 3) fits the new signature
        # "hi".shout(1) fits both signatures (times and suffix have defaults): nothing to report
    }
    reasons = {changes[i].qualname: refs.why for i, refs in scan.found.items()}
    assert reasons == {"legacy": "deleted", "Cart.addItem": "signature changed"}


def test_kotlin_test_files_are_tests_everywhere() -> None:
    for path in ("app/src/test/kotlin/ShopTest.kt", "src/test/kotlin/a/Helpers.kt", "CartTest.kt"):
        assert is_test_path(path), path
    assert is_test_path("app/src/androidTest/java/com/x/ScreenCheck.kt")
    assert not is_test_path("src/main/kotlin/Shop.kt")
    assert language_for("build.gradle.kts", {}) == "kotlin" and language_for("A.kt", {}) == "kotlin"


def test_a_kotlin_test_file_is_summarized_after_source_and_is_no_api(repo: Path) -> None:
    write(repo, "src/main/kotlin/Shop.kt", "fun price() = 1\n")
    write(repo, "src/test/kotlin/ShopTest.kt", "class ShopTest {\n    fun checks() {\n    }\n}\n")
    commit_all(repo)
    write(repo, "src/main/kotlin/Shop.kt", "fun price() = 2\n\nfun extra() = 3\n")
    write(
        repo,
        "src/test/kotlin/ShopTest.kt",
        "class ShopTest {\n    fun checks() {\n    }\n\n    fun more() {\n    }\n}\n",
    )
    stage_all(repo)
    changes = staged_changes(repo)
    tiers = {c.qualname: tier(c) for c in changes if c.kind in ("function", "method")}
    assert tiers == {"price": 0, "extra": 0, "ShopTest.more": 1}
    summaries = [Summary(c, "offline", "", None) for c in changes]
    assert api_changes(summaries)["added"] == ["extra"]


def test_the_hook_reviews_a_kotlin_change_offline(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "src/main/kotlin/Shop.kt", OLD)
    commit_all(repo)
    write(repo, "src/main/kotlin/Shop.kt", NEW)
    stage_all(repo)
    monkeypatch.chdir(repo)
    for name in ("OPENAI_API_KEY", "ARIADNE_API_KEY", "ARIADNE_MODEL", "ARIADNE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["-o", "review.md"]) == 0
    review = (repo / "review.md").read_text(encoding="utf-8")
    for name in ("String.shout", "Cart.total", "Cart.Companion.load", "legacy"):
        assert name in review


def test_a_kotlin_file_that_does_not_parse_gets_hunk_entries_that_name_what_they_define(repo: Path) -> None:
    write(repo, "A.kt", "fun ok() = 1\n")
    commit_all(repo)
    write(repo, "A.kt", "fun ok() = 1\n\nfun broken(x: Int {\n    return helper(x)\n}\n")
    stage_all(repo)
    [entry] = staged_changes(repo)
    assert entry.kind == "hunk" and entry.note is not None and "syntax error on the new side" in entry.note
    summary = offline_summary(entry)
    assert "Defines broken." in summary and "Calls helper." in summary


def test_kotlin_callees_are_calls_not_names_read() -> None:
    parse = parser_for("kotlin")
    assert parse is not None
    [total] = parse("fun total(items: List<Int>): Int {\n    check(items.isEmpty())\n    return size\n}\n")
    assert total.facts.calls == ("check", "items.isEmpty")
    assert total.facts.names == ("size",)
