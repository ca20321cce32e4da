"""The sqlite summary cache: reruns make no request; broken caches warn, never fail; concurrent runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ariadne_hook.summarize.cache import FILENAME, SummaryCache, cache_key
from ariadne_hook.summarize.stage import summarize
from tests.llm_server import LLMServer
from tests.test_summarize_stage import make_change, settings_for


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(latency=0.01) as srv:
        yield srv


def test_rerun_over_the_same_content_makes_zero_requests(server: LLMServer, tmp_path: Path) -> None:
    changes = [make_change(f"f{i}") for i in range(6)]
    first = summarize(changes, settings_for(server), tmp_path)
    assert first.requests == 4 and (tmp_path / FILENAME).is_file()  # packed: one request per worker
    second = summarize(changes, settings_for(server), tmp_path)
    assert second.requests == 0 and server.requests == 4
    assert [s.status for s in second.summaries] == ["cached"] * 6
    assert [s.text for s in second.summaries] == [s.text for s in first.summaries]


def test_changed_function_or_model_misses(server: LLMServer, tmp_path: Path) -> None:
    summarize([make_change("f")], settings_for(server), tmp_path)
    edited = summarize([make_change("f", "return x + 2")], settings_for(server), tmp_path)
    other_model = summarize([make_change("f")], settings_for(server, model="other"), tmp_path)
    assert edited.summaries[0].status == "summarized" and other_model.summaries[0].status == "summarized"
    assert server.requests == 3


def test_fallbacks_are_not_cached(server: LLMServer, tmp_path: Path) -> None:
    change = make_change("f", "return 1  # llm-fault:500")
    summarize([change], settings_for(server, retries=0), tmp_path)
    again = summarize([change], settings_for(server, retries=0), tmp_path)
    assert again.summaries[0].status == "fallback" and server.requests == 2


def test_no_cache_setting_writes_nothing(server: LLMServer, tmp_path: Path) -> None:
    summarize([make_change("f")], settings_for(server, cache=False), tmp_path)
    summarize([make_change("f")], settings_for(server, cache=False), tmp_path)
    assert server.requests == 2 and not (tmp_path / FILENAME).exists()


def test_corrupt_cache_is_ignored_with_a_warning(server: LLMServer, tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"this is not a database" * 100)
    result = summarize([make_change("f")], settings_for(server), tmp_path)
    assert result.summaries[0].status == "summarized"
    assert any(n.startswith("cache unavailable (file is not a database)") for n in result.notes)


def test_unusable_cache_dir_is_ignored_with_a_warning(server: LLMServer, tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    result = summarize([make_change("f")], settings_for(server), not_a_dir)
    assert result.summaries[0].status == "summarized"
    assert any(n.startswith("cache unavailable") for n in result.notes)


def test_concurrent_runs_share_the_cache(server: LLMServer, tmp_path: Path) -> None:
    changes = [make_change(f"f{i}") for i in range(8)]
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result = summarize(changes, settings_for(server), tmp_path)
            assert all(s.status in ("summarized", "cached") for s in result.summaries)
            assert not any("cache" in n for n in result.notes)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert summarize(changes, settings_for(server), tmp_path).requests == 0


def test_cache_api_roundtrip_and_key(tmp_path: Path) -> None:
    cache = SummaryCache.open(tmp_path)
    assert cache.enabled and cache.warning is None
    key = cache_key("openai", "http://127.0.0.1:8080/v1", "m", "prompt")
    assert key == cache_key("openai", "http://127.0.0.1:9090/v1", "m", "prompt")  # the host, not the port
    assert key != cache_key("openai", "http://127.0.0.1:8080/v1", "m2", "prompt")
    cache.put_many([(key, "text")])
    assert cache.get_many([key, "missing"]) == {key: "text"}
    cache.close()
    assert SummaryCache.open(tmp_path).get_many([key]) == {key: "text"}


def test_skipped_and_unused_runs_do_not_need_a_server(tmp_path: Path) -> None:
    # everything cached or skipped: no provider is created, so an unreachable endpoint is fine
    with LLMServer() as srv:
        settings = settings_for(srv)
        summarize([make_change("f")], settings, tmp_path)
    result = summarize(
        [make_change("f"), make_change("g", skip_reason="binary file")],
        replace(settings, base_url="http://127.0.0.1:9/v1"),
        tmp_path,
    )
    assert [s.status for s in result.summaries] == ["cached", "skipped"] and result.requests == 0


def test_runs_creating_the_cache_at_once_all_get_it(tmp_path: Path) -> None:
    """A new database switched to WAL by several openers at once: sqlite answers "locked" without waiting."""
    from ariadne_hook.summarize.cache import SummaryCache

    warnings: list[str] = []

    def use(folder: Path) -> None:
        cache = SummaryCache.open(folder)
        cache.get_many(["a", "b"])
        cache.put_many([("a", "x"), ("b", "y")])
        warnings.extend([cache.warning] if cache.warning else [])
        cache.close()

    for trial in range(40):
        folder = tmp_path / str(trial)
        folder.mkdir()
        threads = [threading.Thread(target=use, args=(folder,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert warnings == []
