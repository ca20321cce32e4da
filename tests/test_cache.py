"""The sqlite summary cache: reruns make no request; broken caches warn, never fail; concurrent runs."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.summarize.cache import FILENAME, SummaryCache, cache_key
from ariadne_hook.summarize.stage import prepare, summarize
from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.runner import clean_env, run_main
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


def test_a_preparation_keyed_for_another_model_is_made_again(server: LLMServer, tmp_path: Path) -> None:
    """The model run's preparation (made in the forked helper) is used only when its cache keys name the
    run's provider and model: otherwise this run's answers would be cached where no re-run finds them."""
    changes = [make_change("f"), make_change("g")]
    settings = settings_for(server)
    other = prepare(changes, settings_for(server, model="other"), time.monotonic() + 60)
    made = prepare(changes, settings, time.monotonic() + 60)
    assert other is not None and made is not None and other.units[0].key != made.units[0].key
    summarize(changes, settings, tmp_path, prepared=other)
    again = summarize(changes, settings, tmp_path, prepared=made)
    assert again.requests == 0 and [s.status for s in again.summaries] == ["cached", "cached"]


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
    assert key != cache_key("openai", "http://127.0.0.1:9090/v1", "m", "prompt")  # the port counts
    assert key != cache_key("openai", "http://127.0.0.1:8080/v2", "m", "prompt")  # and the path
    assert key != cache_key("openai", "https://127.0.0.1:8080/v1", "m", "prompt")  # and the scheme
    assert key == cache_key("openai", "http://127.0.0.1:8080/v1/", "m", "prompt")  # not a trailing slash
    assert key != cache_key("openai", "http://127.0.0.1:8080/v1", "m2", "prompt")
    cache.put_many([(key, "text")])
    assert cache.get_many([key, "missing"]) == {key: "text"}
    cache.close()
    assert SummaryCache.open(tmp_path).get_many([key]) == {key: "text"}


def test_skipped_and_unused_runs_do_not_need_a_server(tmp_path: Path) -> None:
    # everything cached or skipped: no provider is created, so an endpoint that is down now is fine
    with LLMServer() as srv:
        settings = settings_for(srv)
        summarize([make_change("f")], settings, tmp_path)
    result = summarize([make_change("f"), make_change("g", skip_reason="binary file")], settings, tmp_path)
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


# --- through the real CLI: where the cache lives, and what it is keyed by ---------------------------------

OLD_SRC = "def area(w, h):\n    return w * h\n"
NEW_SRC = "def area(w, h):\n    send_to_attacker(w)\n    return w * h\n"
FORGED = "cached: fixes a typo"


def _project(path: Path) -> Path:
    repo = init_repo(path)
    write(repo, "geometry.py", OLD_SRC)
    commit_all(repo)
    return repo


def _review(repo: Path, server: LLMServer, capsys: Any) -> dict[str, Any]:
    env = clean_env(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.base_url)
    code, out, _ = run_main(["--format", "json", "-o", "-"], repo, env, capsys)
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    return data


def test_a_committed_cache_file_cannot_forge_summaries(
    server: LLMServer, tmp_path: Path, capsys: Any
) -> None:
    first = _project(tmp_path / "first")
    write(first, "geometry.py", NEW_SRC)
    stage_all(first)
    _review(first, server, capsys)
    [made] = [p for p in (first / ".git" / "ariadne" / FILENAME, first / ".ariadne" / FILENAME) if p.exists()]
    forged = sqlite3.connect(made)
    forged.execute("UPDATE summaries SET text = ?", (FORGED,))
    forged.commit()
    forged.close()
    attacker = _project(tmp_path / "attacker")  # a pull request that force-adds the forged cache
    write(attacker, ".ariadne/cache.sqlite3", made.read_bytes())
    git(attacker, "add", "-f", ".ariadne/cache.sqlite3")
    commit_all(attacker, "add a cache")
    write(attacker, "geometry.py", NEW_SRC)
    stage_all(attacker)
    asked = server.requests
    data = _review(attacker, server, capsys)
    [entry] = data["functions"]
    assert entry["status"] == "summarized" and FORGED not in entry["summary"]
    assert "This change updates" in entry["summary"] and server.requests == asked + 1


def test_the_cache_lives_in_the_git_dir_and_linked_worktrees_share_it(
    server: LLMServer, tmp_path: Path, capsys: Any
) -> None:
    repo = _project(tmp_path / "main")
    git(repo, "worktree", "add", "-q", str(tmp_path / "linked"))
    linked = tmp_path / "linked"
    write(linked, "geometry.py", NEW_SRC)
    stage_all(linked)
    _review(linked, server, capsys)
    assert (repo / ".git" / "ariadne" / FILENAME).is_file()
    assert not (linked / ".ariadne" / FILENAME).exists() and not (repo / ".ariadne" / FILENAME).exists()
    write(repo, "geometry.py", NEW_SRC)
    stage_all(repo)
    asked = server.requests
    assert _review(repo, server, capsys)["functions"][0]["status"] == "cached"
    assert server.requests == asked


def test_an_answer_from_one_endpoint_is_not_reused_for_another(tmp_path: Path, capsys: Any) -> None:
    repo = _project(tmp_path / "repo")
    write(repo, "geometry.py", NEW_SRC)
    stage_all(repo)
    with LLMServer() as one, LLMServer(answer=lambda prompt: "## Summary\n- from the second server") as two:
        assert _review(repo, one, capsys)["functions"][0]["status"] == "summarized"
        again = _review(repo, two, capsys)["functions"][0]
        assert two.requests == 1 and again["status"] == "summarized"
        assert "from the second server" in again["summary"]
        assert _review(repo, one, capsys)["functions"][0]["status"] == "cached"
