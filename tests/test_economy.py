"""Economy (issue 10): packed structured requests, per-function isolation, single-request fallback, one view
per function, trivial routing, priorities, the entry budget and token usage — against the loopback server
with the real openai client over real HTTP."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ariadne_hook.models import FunctionChange
from ariadne_hook.summarize import answers, pack
from ariadne_hook.summarize.pool import THREAD_PREFIX
from ariadne_hook.summarize.provider import start_sdk_import
from ariadne_hook.summarize.stage import dry_run, summarize
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import (
    LLMServer,
    default_answer,
    format_type,
    live_threads,
    sections,
    structured_ids,
    user_prompt,
)
from tests.runner import clean_env, fresh_python, run_main
from tests.test_summarize_stage import KEY, make_change, settings_for


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(latency=0.01, seed=5) as srv:
        yield srv


def function_bodies(server: LLMServer) -> list[Any]:
    """The bodies of the function-summary requests (not the walkthrough or the commit subject after them)."""
    return [b for b in server.bodies if not user_prompt(b).startswith(("Walkthrough", "Commit subject"))]


def names_in(body: dict[str, Any]) -> list[str]:
    """The functions a request body carries (from the unit headers of its user message)."""
    prompt = user_prompt(body)
    if structured_ids(body) is None:
        return [prompt.split("\n")[1].split(" ", 2)[2]]
    # "[f1] name" (a modified function), "[f2] added function name"; the walkthrough's "[overview]" is none
    return [part.split("\n")[0].split()[-1] for i, part in sections(prompt).items() if i != "overview"]


def modified(name: str, path: str = "pkg/mod.py", line: int = 1) -> FunctionChange:
    old = f"def {name}(x, k=1):\n    y = x * 2\n    return y + k\n"
    new = f"def {name}(x, k=2):\n    y = x * 2\n    return y + k + 1\n"
    diff = (
        f"@@ -{line},3 +{line},3 @@\n-def {name}(x, k=1):\n+def {name}(x, k=2):\n     y = x * 2\n"
        f"-    return y + k\n+    return y + k + 1"
    )
    return make_change(
        name,
        path=path,
        change="modified",
        old_lines=(line, line + 2),
        new_lines=(line, line + 2),
        old_source=old.rstrip("\n"),
        new_source=new.rstrip("\n"),
        diff=diff,
    )


# ------------------------------------------------------------------------------------------------ packing


def test_functions_are_packed_into_one_request_per_worker_grouped_by_file(server: LLMServer) -> None:
    changes = [make_change(f"f{i}", path=f"pkg/m{i // 4}.py") for i in range(12)]
    result = summarize(changes, settings_for(server, max_workers=4), None)
    assert server.requests == 4 and result.requests == 4
    sent = [name for body in server.bodies for name in names_in(body)]
    assert sorted(sent) == sorted(c.qualname for c in changes)  # each function exactly once
    for body in server.bodies:
        schema = body["response_format"]["json_schema"]
        assert schema["strict"] is True and body["response_format"]["type"] == "json_schema"
        ids = schema["schema"]["required"]
        assert ids == list(schema["schema"]["properties"]) == list(sections(user_prompt(body)))
        assert schema["schema"]["additionalProperties"] is False
        assert body["messages"][0]["content"] == pack.PACK_SYSTEM  # the instruction once per request
        assert body["temperature"] <= 0.3 and body["max_tokens"] == pack.max_tokens(len(ids))
        files = {c.path for c in changes if c.qualname in names_in(body)}
        assert user_prompt(body).count("File: ") == len(files)  # one file line per run of a file's units
    # every summary is its own function's (the server answers each id with its section's name)
    assert [s.text for s in result.summaries] == [f"This change updates {c.qualname}." for c in changes]
    assert {s.status for s in result.summaries} == {"summarized"}


def test_requests_stay_within_the_prompt_budget(server: LLMServer) -> None:
    changes = [make_change(f"g{i}", "return " + " + ".join(["x"] * 150)) for i in range(10)]
    summarize(changes, settings_for(server, max_workers=2, max_prompt_chars=2500), None)
    assert server.requests > 2
    assert all(sum(len(m["content"]) for m in b["messages"]) <= 2500 for b in server.bodies)


def unit(i: int, chars: int = 100, path: str = "a.py") -> pack.Unit:
    return pack.Unit(i, path, "File: a.py\n" + "x" * chars, f"k{i}", False)


def test_each_answer_is_judged_in_the_worker_that_received_it(
    server: LLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Judging is done while the other answers are awaited, not after the last one (~0.2 ms an entry)."""
    judged_in: list[str] = []
    judge = answers.judge

    def recorded(raw: str, **kw: Any) -> answers.Judged:
        judged_in.append(threading.current_thread().name)
        return judge(raw, **kw)

    monkeypatch.setattr(answers, "judge", recorded)
    result = summarize([make_change(f"f{i}") for i in range(8)], settings_for(server, max_workers=4), None)
    assert [s.status for s in result.summaries] == ["summarized"] * 8
    assert len(judged_in) == 8 and all(name.startswith(f"{THREAD_PREFIX}_") for name in judged_in)


def test_plan_balances_by_count_keeps_order_and_respects_limits() -> None:
    units = [unit(i) for i in range(64)]
    requests = pack.plan(units, 5, 16, 12_000)
    assert [len(r.units) for r in requests] == [13, 13, 13, 13, 12]
    assert [u.index for r in requests for u in r.units] == list(range(64))
    assert [len(r.units) for r in pack.plan(units[:3], 5, 16, 12_000)] == [1, 1, 1]
    assert max(len(r.units) for r in pack.plan(units * 2, 5, 16, 10**6)) == 16  # max_per_request
    small = pack.plan(units[:10], 2, 16, len(pack.PACK_SYSTEM) + 350)  # ~3 units of 111 chars fit
    assert len(small) >= 4 and all(sum(len(u.text) for u in r.units) <= 350 for r in small)
    assert not any(r.structured for r in pack.plan(units[:4], 2, 1, 12_000))  # one per request: plain


def test_max_per_request_one_sends_plain_single_requests(server: LLMServer) -> None:
    changes = [make_change(f"f{i}") for i in range(5)]
    result = summarize(changes, settings_for(server, max_per_request=1), None)
    assert server.requests == 5 and all("response_format" not in b for b in server.bodies)
    assert [s.text for s in result.summaries] == [f"This change updates f{i}." for i in range(5)]


# ---------------------------------------------------------------------------------------------- isolation


def test_ids_missing_from_the_answer_are_asked_again_alone() -> None:
    with LLMServer(latency=0.01, drop_ids=0.5, seed=1) as srv:
        changes = [make_change(f"f{i}") for i in range(16)]
        result = summarize(changes, settings_for(srv, max_workers=2), None)
        packed = [b for b in srv.bodies if "response_format" in b]
        alone = [b for b in srv.bodies if "response_format" not in b]
    assert len(packed) == 2 and 0 < len(alone) < 16
    assert all(len(names_in(b)) == 1 for b in alone)
    assert [s.text for s in result.summaries] == [f"This change updates f{i}." for i in range(16)]
    assert result.requests == 2 + len(alone)


def test_a_packed_answer_that_is_not_json_is_asked_again_alone() -> None:
    with LLMServer(latency=0.01, nonjson=1.0) as srv:
        changes = [make_change(f"f{i}") for i in range(6)]
        result = summarize(changes, settings_for(srv, max_workers=2), None)
        assert srv.requests == 2 + 6
    assert [s.text for s in result.summaries] == [f"This change updates f{i}." for i in range(6)]


def test_empty_or_invalid_values_are_asked_again_then_fall_back(server: LLMServer) -> None:
    def answer(prompt: str) -> str:
        if "bad_always" in prompt:
            return "  "
        if "bad_packed" in prompt and prompt.startswith("["):  # only inside a packed answer
            return "```\n```"
        return default_answer(prompt)

    server.answer = answer
    changes = [make_change("good"), make_change("bad_packed"), make_change("bad_always")]
    result = summarize(changes, settings_for(server, max_workers=1), None)
    by_name = {s.change.qualname: s for s in result.summaries}
    assert by_name["good"].text == "This change updates good."
    assert by_name["bad_packed"].text == "This change updates bad_packed."
    assert (by_name["bad_always"].status, by_name["bad_always"].reason) == ("fallback", "empty answer")
    assert server.requests == 3  # the pack, then each bad one alone, once


def test_split_answer_never_attributes_to_the_wrong_id() -> None:
    ids = ["f1", "f2", "f3", "f4"]
    texts, bad = pack.split_answer(
        '{"f1": "One.", "f2": 3, "f3": "", "f9": "Other.", "f4": "a", "f4": "b"}', ids
    )
    assert texts == {"f1": "One."}
    assert bad == {"f2": pack.INVALID, "f3": pack.EMPTY, "f4": pack.INVALID}
    assert pack.split_answer("[1, 2]", ids)[1] == dict.fromkeys(ids, pack.NOT_JSON)
    assert pack.split_answer("sure! here", ids)[1] == dict.fromkeys(ids, pack.NOT_JSON)
    assert pack.split_answer('{"f1": "x"}', ids)[1]["f2"] == pack.MISSING
    fenced = '```json\n{"f1": "One.", "f2": "Two.", "f3": "Three.", "f4": "Four."}\n```'
    assert pack.split_answer('{"f1": "a"} and more', ids)[0] == {"f1": "a"}
    assert pack.split_answer(fenced, ids) == ({"f1": "One.", "f2": "Two.", "f3": "Three.", "f4": "Four."}, {})


def test_an_endpoint_rejecting_response_format_still_gets_packed_requests_said_once() -> None:
    """Issue 17.6. Before: one plain request per function for the rest of the run (2 + 8 requests here, 69 on
    the 64-function bench). Now json_schema, then json_object, then JSON asked in the prompt: still packed."""
    with LLMServer(latency=0.01, reject_format=True) as srv:
        changes = [make_change(f"f{i}") for i in range(8)]
        result = summarize(changes, settings_for(srv, max_workers=2), None)
        bodies = list(srv.bodies)
    kinds = [format_type(b) for b in bodies]  # each worker's request refused once per step at most
    assert 1 <= kinds.count("json_schema") <= 2 and 1 <= kinds.count("json_object") <= 2
    assert kinds.count(None) == 2 and result.requests == len(bodies)
    assert all(len(sections(user_prompt(b))) == 4 for b in bodies)  # packed all along
    assert [s.text for s in result.summaries] == [f"This change updates f{i}." for i in range(8)]
    assert [n for n in result.notes if "refused" in n] == [
        "the endpoint refused structured outputs (json_schema): packed requests ask for a JSON object "
        "(json_object) for the rest of the run",
        "the endpoint refused response_format: packed requests ask for JSON in the prompt only, for the rest "
        "of the run",
    ]


def test_an_endpoint_without_json_schema_gets_json_object_requests() -> None:
    """Issue 17.6: an endpoint that takes `json_object` but not `json_schema` (DeepSeek's API)."""
    with LLMServer(latency=0.01, reject_format="json_schema") as srv:
        changes = [make_change(f"f{i}") for i in range(8)]
        result = summarize(changes, settings_for(srv, max_workers=2), None)
        kinds = [format_type(b) for b in srv.bodies]
    assert 1 <= kinds.count("json_schema") <= 2 and kinds.count("json_object") == 2 and len(kinds) <= 4
    assert [s.text for s in result.summaries] == [f"This change updates f{i}." for i in range(8)]
    assert sum("refused" in n for n in result.notes) == 1


# ------------------------------------------------------------------------------------------------- views


def test_one_view_per_function_the_code_once(server: LLMServer) -> None:
    changes = [modified("mod_fn"), make_change("brand_new", "return 'only once'")]
    summarize(changes, settings_for(server, max_workers=1), None)
    prompt = user_prompt(server.bodies[0])
    assert (
        "-def mod_fn(x, k=1):\n+def mod_fn(x, k=2):\n     y = x * 2\n-    return y + k\n+    return" in prompt
    )
    assert prompt.count("y = x * 2") == 1 and "@@" not in prompt and "source" not in prompt.lower()
    assert prompt.count("return 'only once'") == 1 and "\ndef brand_new(x):\n" in prompt


def test_a_nested_function_with_its_own_entry_is_not_sent_twice(server: LLMServer) -> None:
    outer_old = "def outer(a):\n    def inner(b):\n        return b + 1\n    return inner(a)"
    outer_new = "def outer(a):\n    def inner(b):\n        return b + 2\n    return inner(a) * 2"
    outer = make_change(
        "outer",
        change="modified",
        old_lines=(1, 4),
        new_lines=(1, 4),
        old_source=outer_old,
        new_source=outer_new,
        diff="@@ -4 +4 @@\n-    return inner(a)\n+    return inner(a) * 2",
    )
    inner = make_change(
        "outer.inner",
        change="modified",
        old_lines=(2, 3),
        new_lines=(2, 3),
        old_source="    def inner(b):\n        return b + 1",
        new_source="    def inner(b):\n        return b + 2",
        diff="@@ -3 +3 @@\n-        return b + 1\n+        return b + 2",
    )
    summarize([outer, inner], settings_for(server, max_workers=1), None)
    prompt = user_prompt(server.bodies[0])
    assert prompt.count("return b + 2") == 1 and prompt.count("def inner(b)") == 1
    assert "    ... (nested function with its own entry)" in prompt


# --------------------------------------------------------------------------------------------- routing


def test_trivial_non_code_and_empty_entries_get_no_request(server: LLMServer) -> None:
    changes = [
        modified("real_one"),
        replace(modified("comment_only"), trivial=True),
        make_change("hunk at line 3", path="CHANGES.rst", kind="hunk", language="text"),
        make_change("hunk at line 1", path=".github/workflows/ci.yml", kind="hunk", language="text"),
        make_change("<file>", path="renamed.py", kind="module", diff=""),
    ]
    result = summarize(changes, settings_for(server), None)
    assert [n for b in server.bodies for n in names_in(b)] == ["real_one"]
    assert [s.status for s in result.summaries] == ["summarized"] * 5
    assert [s.reason is None for s in result.summaries] == [True, False, False, False, False]
    assert "no LLM call" in (result.summaries[2].reason or "")

    opted = summarize(changes[2:3], settings_for(server, llm_non_code=True, cache=False), None)
    assert opted.summaries[0].reason is None and server.requests == 2


# --------------------------------------------------------------------------------- priorities and budget


def sized(name: str, path: str, lines: int) -> FunctionChange:
    return make_change(name, "\n    ".join(f"x += {i}" for i in range(lines)), path=path)


def test_source_first_then_tests_largest_first(server: LLMServer) -> None:
    changes = [
        sized("t_big", "pkg/test_a.py", 9),
        sized("t_small", "tests/helpers.py", 2),
        sized("s_small", "pkg/widgets.py", 1),
        sized("s_big", "pkg/widgets.py", 6),
        sized("s_mid", "src/zeta.py", 3),
    ]
    result = summarize(changes, settings_for(server, max_workers=1, max_per_request=1), None)
    assert [n for b in server.bodies for n in names_in(b)] == [
        "s_big",
        "s_mid",
        "s_small",
        "t_big",
        "t_small",
    ]
    assert [s.change.qualname for s in result.summaries] == [c.qualname for c in changes]  # report order kept


def test_entry_budget_caps_model_summaries_by_priority(server: LLMServer) -> None:
    changes = [sized("t1", "tests/test_x.py", 5), sized("s1", "a.py", 1), sized("s2", "b.py", 3)]
    result = summarize(changes, settings_for(server, max_llm_entries=2), None)
    by_name = {s.change.qualname: s for s in result.summaries}
    assert (by_name["t1"].status, by_name["t1"].reason) == ("fallback", "budget")
    assert by_name["s1"].reason is None and by_name["s2"].reason is None
    assert "entry budget of 2 reached: 1 entry got offline summaries" in result.notes


# ------------------------------------------------------------------------------------------- accounting


def test_token_usage_is_summed_from_the_api() -> None:
    with LLMServer(latency=0.01, drop_ids=0.3, seed=2) as srv:
        result = summarize([make_change(f"f{i}") for i in range(9)], settings_for(srv, max_workers=3), None)
        bodies = list(srv.bodies)
    prompt = sum(sum(len(m["content"]) for m in b["messages"]) // 4 for b in bodies)
    assert result.prompt_tokens == prompt > 0 and result.completion_tokens > 0
    offline = summarize([make_change("f")], replace(settings_for(srv), provider="offline"), None)
    assert (offline.prompt_tokens, offline.completion_tokens) == (0, 0)


# ------------------------------------------------------------------------------ dry run and the CLI path

OLD = "def a(x, k=1):\n    return x + k\n\n\ndef b(y, k=1):\n    return y * k\n"
NEW = "def a(x, k=2):\n    return x + k + 1\n\n\ndef b(y, k=3):\n    return y * k - 1\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    write(root, "app.py", OLD)
    write(root, "conf.py", "def c():\n    return 1\n")
    commit_all(root)
    write(root, "app.py", NEW + f"\n\ndef leak():\n    return '{KEY}'\n")
    write(root, "conf.py", "def c():\n    return 2\n")
    stage_all(root)
    return root


def test_dry_run_prints_exactly_what_a_real_run_sends(
    repo: Path, server: LLMServer, capsys: pytest.CaptureFixture[str]
) -> None:
    env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=KEY)
    code, out, err = run_main(["--dry-run", "--exclude", "conf.py"], repo, env, capsys)
    assert code == 0 and server.requests == 0
    assert not (repo / ".ariadne").exists()  # nothing written: no review,
    assert not (repo / ".git" / "ariadne").exists()  # no cache
    printed = json.loads(out)
    assert KEY not in out and KEY not in err and "[REDACTED" in out
    assert "conf.py" not in out and "dry run: " in err
    code, _, err = run_main(["--format", "json", "--exclude", "conf.py"], repo, env, capsys)
    assert code == 0
    canon = sorted(json.dumps(b, sort_keys=True) for b in function_bodies(server))
    assert canon == sorted(json.dumps(b, sort_keys=True) for b in printed)  # the walkthrough comes after
    assert " tokens" in err and "requests" in err
    stats = json.loads((repo / ".ariadne" / "review.json").read_text())["stats"]
    assert stats["prompt_tokens"] > 0 and stats["completion_tokens"] > 0


def test_dry_run_offline_sends_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(["--dry-run"], repo, clean_env(), capsys)
    assert code == 0 and json.loads(out) == [] and not (repo / ".ariadne").exists()


def test_dry_run_bodies_match_the_stage(server: LLMServer) -> None:
    changes = [make_change(f"f{i}") for i in range(7)]
    printed = dry_run(changes, settings_for(server, max_workers=3))
    summarize(changes, settings_for(server, max_workers=3), None)
    assert sorted(map(json.dumps, printed)) == sorted(map(json.dumps, server.bodies))


def test_sdk_import_thread_is_joined_and_never_started_offline(
    repo: Path, server: LLMServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert start_sdk_import(settings_for(server, provider="offline")) is None
    before = live_threads()
    env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=KEY)
    assert run_main([], repo, env, capsys)[0] == 0
    assert live_threads() == before and not any(t.name == "ariadne-sdk-import" for t in threading.enumerate())


SDK_SCRIPT = """
import gc, platform, sys
spawned = []
sys.addaudithook(lambda event, args: spawned.append(args[1]) if event == "subprocess.Popen" else None)
from ariadne_hook.config import Settings
from ariadne_hook.summarize.provider import start_sdk_import
thread = start_sdk_import(Settings(base_url="http://127.0.0.1:9/v1"))
thread.join()
before = len(spawned)
platform.platform()  # what the SDK's first request asks, to name the platform in its headers
print("openai" in sys.modules, thread.is_alive(), gc.isenabled(), gc.get_freeze_count() > 10000,
      before > 0 and len(spawned) == before)
"""


def test_sdk_import_thread_loads_openai_and_sets_its_objects_aside() -> None:
    """The thread ends having imported the SDK; the collector is on again, and what the import made is
    frozen (never walked again by a full collection: it lives as long as the process). The platform the
    SDK's headers name was worked out beside the import (`uname -p` spawned then, not by the request)."""
    assert fresh_python(SDK_SCRIPT) == "True False True True True"


def test_an_endpoint_refusing_temperature_gets_requests_without_it() -> None:
    # both first requests are in flight before the first refusal comes back (a request built after it is
    # built without temperature at once): 0.2 s of latency holds that on a loaded machine
    with LLMServer(latency=0.2, reject_params=("temperature",)) as srv:
        changes = [make_change(f"f{i}") for i in range(6)]
        result = summarize(changes, settings_for(srv, max_workers=2), None)
        bodies = list(srv.bodies)
    assert [s.text for s in result.summaries] == [f"This change updates f{i}." for i in range(6)]
    assert len(bodies) == 4 and all("temperature" not in b and "max_tokens" not in b for b in bodies[2:])
    assert all("response_format" in b for b in bodies)  # still packed
    assert sum("temperature/max_tokens" in n for n in result.notes) == 1


# ------------------------------------------------------------------------------------- the deadline


def test_prompt_building_counts_against_the_deadline(server: LLMServer) -> None:
    """Units are built inside the deadline: when building them all would take far longer than the deadline,
    the stage stops building at the deadline (the rest fall back) instead of building everything first."""
    from ariadne_hook.summarize.prompt import build_unit

    big = make_change("big", "\n    ".join(f"value_{i} = compute('x', {i}) + other_{i}" for i in range(6000)))
    start = time.perf_counter()
    build_unit(big, 10**9)
    one = max(time.perf_counter() - start, 1e-4)
    count = max(20, math.ceil(6.0 / one))  # building them all: >= 6 s on this machine
    changes = [replace(big, qualname=f"big{i}", path=f"m{i}.py") for i in range(count)]
    result = summarize(changes, settings_for(server, deadline=1.0, max_prompt_chars=10**9), None)
    late = [s for s in result.summaries if s.reason == "deadline"]
    assert len(late) >= count // 2
    # structure, not time: the stage stopped building at the deadline instead of building everything first
    note = next(n for n in result.notes if n.startswith("deadline reached while building prompts"))
    assert int(note.split(": ")[1].split()[0]) >= count // 2
    assert server.requests == 0 or len(late) < count


NOISE_OLD = {
    "app/core.py": (
        "import os\n\n\ndef real_one(a, b=1):\n    return a + b\n\n\n"
        "def commented(x):\n    # add one\n    return x + 1\n\n\n"
        "def real_two(s, sep=','):\n    return s.split(sep)\n"
    ),
    "app/util.py": "import os\n\n\ndef helper():\n    return os.sep\n",
    "CHANGES.rst": "Changes\n=======\n\n1.0\n---\n- first release\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    "requirements.txt": "requests==2.31.0\n",
}
NOISE_NEW = {
    "app/core.py": (
        "import os\n\n\ndef real_one(a, b=2):\n    return a + b * 2\n\n\n"
        "def commented(x):\n    # add one to x\n\n    return x + 1\n\n\n"
        "def real_two(s, sep=';'):\n    return s.strip().split(sep)\n"
    ),
    "app/util.py": "import os\nimport sys\n\n\ndef helper():\n    return os.sep\n",
    "CHANGES.rst": "Changes\n=======\n\n1.1\n---\n- faster\n\n1.0\n---\n- first release\n",
    ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    "requirements.txt": "requests==2.32.3\nurllib3<3\n",
}


def test_only_real_function_edits_reach_the_model(
    tmp_path: Path, server: LLMServer, capsys: pytest.CaptureFixture[str]
) -> None:
    root = init_repo(tmp_path / "noise")
    for name, text in NOISE_OLD.items():
        write(root, name, text)
    commit_all(root)
    for name, text in NOISE_NEW.items():
        write(root, name, text)
    stage_all(root)
    env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=KEY)
    code, _, _ = run_main(["--format", "json"], root, env, capsys)
    assert code == 0
    assert sorted(n for b in function_bodies(server) for n in names_in(b)) == ["real_one", "real_two"]
    report = json.loads((root / ".ariadne" / "review.json").read_text())
    assert {f["path"] for f in report["functions"]} == set(NOISE_NEW)  # every file still in the review
    assert all(f["status"] in ("summarized", "cached") for f in report["functions"])
