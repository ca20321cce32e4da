"""Fault and bad-input matrices through the hook path: exit 0, one clear line, the report written
atomically, every function present, and nothing the user staged or wrote touched."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.llm_server import LLMServer, pool_threads, pool_threads_left
from tests.runner import clean_env, run_main

BASE = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(6))
EDITED = BASE.replace("return x + 1\n", "return x - 1\n").replace("return x + 4\n", "raise ValueError(x)\n")
EDITED += "def added(y):\n    return y\n"
EXPECTED = {"f1", "f4", "added"}


def snapshot(repo: Path) -> dict[str, str]:
    """What the user staged and wrote: index, work tree (outside .ariadne), HEAD, stashes."""
    tree: dict[str, str] = {}
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if rel.startswith((".git/", ".ariadne")) or rel == ".git" or not path.is_file() or path.is_symlink():
            continue
        tree[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    index = subprocess.run(
        ["git", "diff", "--cached", "--binary", "--no-ext-diff"], cwd=repo, capture_output=True
    )
    tree["<index>"] = hashlib.sha256(index.stdout).hexdigest()
    tree["<status>"] = git(repo, "status", "--porcelain", "--ignore-submodules=none")
    tree["<head>"] = git(repo, "rev-parse", "--verify", "-q", "HEAD", check=False)
    tree["<stash>"] = git(repo, "stash", "list")
    return tree


@pytest.fixture()
def staged_repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    write(repo, "mod.py", BASE)
    commit_all(repo)
    write(repo, "mod.py", EDITED)
    stage_all(repo)
    return repo


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- LLM fault matrix ---------------------------------------------------------------------------------

FAULTS = ["500", "503", "429", "429:1", "garbage", "empty_choices", "401", "404", "content_filter", "drop"]


def check_hook_survived(repo: Path, code: int, err: str, before: dict[str, str]) -> dict[str, Any]:
    assert code == 0, err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    data: dict[str, Any] = json.loads((repo / ".ariadne" / "review.json").read_text())
    assert {f["qualname"] for f in data["functions"] if f["kind"] != "module"} == EXPECTED
    assert snapshot(repo) == before
    leftovers = [p.name for p in (repo / ".ariadne").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    return data


@pytest.mark.parametrize("fault", FAULTS)
def test_llm_fault_matrix(staged_repo: Path, fault: str, capsys: Any) -> None:
    before = snapshot(staged_repo)
    with LLMServer(fault=fault) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-fault-matrix-key-000")
        code, out, err = run_main(
            ["--format", "json", "--deadline", "8", "--no-cache"], staged_repo, env, capsys
        )
    data = check_hook_survived(staged_repo, code, err, before)
    assert data["provider"] == "openai"
    for entry in data["functions"]:
        assert entry["status"] == "fallback", entry
        assert entry["reason"], entry
        assert entry["summary"]
    assert "sk-fault-matrix-key-000" not in out + err + json.dumps(data)


def test_llm_timeout_and_hang_past_the_deadline(staged_repo: Path, capsys: Any) -> None:
    before, threads = snapshot(staged_repo), pool_threads()
    with LLMServer(fault="hang") as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url)
        argv = ["--format", "json", "--deadline", "1.5", "--timeout", "0.5", "--no-cache"]
        code, _, err = run_main(argv, staged_repo, env, capsys)
        assert pool_threads_left(threads) == []  # the server still hangs: the requests end by themselves
    data = check_hook_survived(staged_repo, code, err, before)
    reasons = {f["reason"] for f in data["functions"]}
    assert reasons <= {"timeout", "deadline"}, reasons
    assert all(f["status"] == "fallback" for f in data["functions"])


@pytest.mark.parametrize("where", ["refused", "unresolvable"])
def test_unreachable_endpoint(staged_repo: Path, where: str, capsys: Any) -> None:
    before = snapshot(staged_repo)
    url = f"http://127.0.0.1:{closed_port()}/v1" if where == "refused" else "https://no-such-host.invalid/v1"
    env = clean_env(OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-unreachable-key-111")
    code, out, err = run_main(["--format", "json", "--deadline", "8", "--no-cache"], staged_repo, env, capsys)
    data = check_hook_survived(staged_repo, code, err, before)
    assert all(f["status"] == "fallback" and f["reason"] for f in data["functions"])
    assert "sk-unreachable-key-111" not in out + err


def test_working_llm_then_cached_rerun_makes_no_request(staged_repo: Path, capsys: Any) -> None:
    before = snapshot(staged_repo)
    with LLMServer() as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url)
        code, _, err = run_main(["--format", "json"], staged_repo, env, capsys)
        first = check_hook_survived(staged_repo, code, err, before)
        sent = server.requests
        code, _, err = run_main(["--format", "json"], staged_repo, env, capsys)
        second = check_hook_survived(staged_repo, code, err, before)
        assert server.requests == sent
    assert {f["status"] for f in first["functions"]} == {"summarized"}
    assert {f["status"] for f in second["functions"]} == {"cached"}
    assert first["stats"]["requests"] == sent and second["stats"]["requests"] == 0


def test_two_hook_runs_at_once_never_corrupt_cache_or_review(staged_repo: Path) -> None:
    with LLMServer(latency=0.02) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url)
        cmd = [sys.executable, "-m", "ariadne_hook", "--format", "json"]
        procs = [
            subprocess.Popen(cmd, cwd=staged_repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(4)
        ]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], results
        data = json.loads((staged_repo / ".ariadne" / "review.json").read_text())
        assert {f["status"] for f in data["functions"]} <= {"summarized", "cached"}
        sent = server.requests
        again = subprocess.run(cmd, cwd=staged_repo, env=env, capture_output=True, check=True)
        assert b"Traceback" not in again.stderr
        assert server.requests == sent  # the cache holds every answer after the concurrent runs
    data = json.loads((staged_repo / ".ariadne" / "review.json").read_text())
    assert {f["status"] for f in data["functions"]} == {"cached"}


# --- bad-input matrix ---------------------------------------------------------------------------------

Scenario = Callable[[Path], tuple[Path, list[str], bytes | None]]


def _base(tmp: Path) -> Path:
    repo = init_repo(tmp / "repo")
    write(repo, "mod.py", BASE)
    commit_all(repo)
    return repo


def s_binary(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    write(repo, "img.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    stage_all(repo)
    return repo, [], None


def s_non_utf8(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    write(repo, "latin.py", "def caf\xe9():\n    return 'd\xe9j\xe0'\n".encode("latin-1"))
    stage_all(repo)
    return repo, [], None


def s_nul(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    write(repo, "mod.py", BASE + "X = '\0'\n")
    stage_all(repo)
    return repo, [], None


def s_syntax(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    write(repo, "mod.py", BASE.replace("def f2(x):", "def f2(x:"))
    stage_all(repo)
    return repo, [], None


def s_huge(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    write(repo, "big.py", "".join(f"V{i} = {i}\n" for i in range(1_000_000)))  # ~10 MB
    stage_all(repo)
    return repo, [], None


def s_crlf(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = init_repo(tmp / "repo")
    write(repo, "win.py", BASE.replace("\n", "\r\n").encode())
    commit_all(repo)
    write(repo, "win.py", EDITED.replace("\n", "\r\n").encode())
    stage_all(repo)
    return repo, [], None


def s_rename_edit(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    git(repo, "mv", "mod.py", "renamed.py")
    write(repo, "renamed.py", BASE.replace("return x + 3", "return x * 3"))
    stage_all(repo)
    return repo, [], None


def s_delete(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    git(repo, "rm", "-q", "mod.py")
    return repo, [], None


def s_initial(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = init_repo(tmp / "repo")
    write(repo, "mod.py", BASE)
    stage_all(repo)
    return repo, [], None


def s_merge_range(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    git(repo, "checkout", "-q", "-b", "side")
    write(repo, "side.py", "def side():\n    return 1\n")
    commit_all(repo, "side")
    git(repo, "checkout", "-q", "main")
    write(repo, "mod.py", EDITED)
    commit_all(repo, "main")
    git(repo, "merge", "-q", "--no-edit", "side")
    return repo, ["--range", "HEAD~1..HEAD"], None


def s_submodule(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    sub = init_repo(tmp / "sub")
    write(sub, "s.py", "def s():\n    return 1\n")
    commit_all(sub)
    repo = _base(tmp)
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendored_sub")
    return repo, [], None


def s_symlink(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    os.symlink("mod.py", repo / "link.py")
    stage_all(repo)
    return repo, [], None


def s_unicode_paths(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    write(repo, "ünï cödé/ä b.py", "def ß(x):\n    return x\n")
    stage_all(repo)
    return repo, [], None


def s_detached(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    repo = _base(tmp)
    write(repo, "mod.py", EDITED)
    commit_all(repo)
    git(repo, "checkout", "-q", "--detach", "HEAD~1")
    write(repo, "mod.py", EDITED)
    stage_all(repo)
    return repo, [], None


def s_shallow(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    origin = _base(tmp)
    write(origin, "mod.py", EDITED)
    commit_all(origin)
    first = git(origin, "rev-list", "--max-parents=0", "HEAD").strip()
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True)
    return clone, ["--range", f"{first}...HEAD"], None


def s_outside(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    folder = tmp / "plain"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a repository\n")
    return folder, [], None


def s_empty_diff(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    return _base(tmp), ["--diff", "-"], b""


def s_malformed(tmp: Path) -> tuple[Path, list[str], bytes | None]:
    return _base(tmp), ["--diff", "-"], b"@@ -1,3 +1,4 @@\nthis is not\na patch\n\x00\xff\n"


SCENARIOS: dict[str, Scenario] = {
    "binary": s_binary,
    "non-utf8": s_non_utf8,
    "nul-bytes": s_nul,
    "syntax-error": s_syntax,
    "10MB-file": s_huge,
    "crlf": s_crlf,
    "rename-with-edits": s_rename_edit,
    "deletion": s_delete,
    "initial-commit": s_initial,
    "merge-commit-range": s_merge_range,
    "submodule": s_submodule,
    "symlink": s_symlink,
    "unicode-space-paths": s_unicode_paths,
    "detached-head": s_detached,
    "shallow-clone": s_shallow,
    "outside-repo": s_outside,
    "empty-diff": s_empty_diff,
    "malformed-patch": s_malformed,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_bad_input_matrix(name: str, tmp_path: Path, capsys: Any) -> None:
    where, argv, stdin = SCENARIOS[name](tmp_path)
    before = snapshot(where) if (where / ".git").exists() else None
    # nonsense by hand: exit 2; a hook only reports it
    refused = name in ("empty-diff", "malformed-patch", "outside-repo")
    env = clean_env(PRE_COMMIT="1") if refused else clean_env()
    if refused:
        code, _, err = run_main(
            argv + ["--format", "json", "--output", "-"], where, clean_env(), capsys, stdin
        )
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    code, out, err = run_main(argv + ["--format", "json", "--output", "-"], where, env, capsys, stdin)
    assert code == 0, err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    if before is not None:
        assert snapshot(where) == before
    if name == "shallow-clone":
        assert "fetch-depth" in err
    elif name == "outside-repo":
        assert "not inside a git repository" in err
    elif name == "malformed-patch":
        assert "stdin is not a unified diff" in err
    elif name == "empty-diff":
        assert "patch from stdin is empty" in err
    else:
        data = json.loads(out)
        assert data["schema"] == 1
        entries = data["functions"]
        if name == "binary":
            assert [(e["path"], e["status"]) for e in entries] == [("img.png", "skipped")]
            assert "binary" in entries[0]["reason"]
        elif name == "non-utf8":
            assert entries[0]["status"] == "skipped" and "UTF-8" in entries[0]["reason"]
        elif name == "10MB-file":
            assert entries[0]["status"] == "skipped" and "bytes" in entries[0]["reason"]
        elif name == "syntax-error":
            assert {e["kind"] for e in entries} == {"hunk"}
        elif name == "crlf":
            assert {e["qualname"] for e in entries} - {"<module>"} == EXPECTED
        elif name == "rename-with-edits":
            assert [(e["path"], e["old_path"], e["qualname"]) for e in entries] == [
                ("renamed.py", "mod.py", "f3")
            ]
        elif name == "deletion":
            assert {e["change"] for e in entries} == {"deleted"}
            assert [e["qualname"] for e in entries if e["kind"] == "function"] == [f"f{i}" for i in range(6)]
        elif name == "initial-commit":
            assert {e["change"] for e in entries} == {"added"}
            assert [e["qualname"] for e in entries if e["kind"] == "function"] == [f"f{i}" for i in range(6)]
        elif name == "merge-commit-range":
            assert [e["qualname"] for e in entries] == ["side"]
        elif name in ("submodule", "symlink"):
            assert any(e["status"] == "skipped" for e in entries)
        elif name == "unicode-space-paths":
            assert [(e["path"], e["qualname"]) for e in entries] == [("ünï cödé/ä b.py", "ß")]
        elif name == "detached-head":
            assert {e["qualname"] for e in entries} - {"<module>"} == EXPECTED
        elif name == "empty-diff":
            assert entries == []


def test_ctrl_c_writes_what_is_done_then_exits_130(staged_repo: Path) -> None:
    import signal
    import time

    with LLMServer(fault="hang") as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url)
        cmd = [sys.executable, "-m", "ariadne_hook", "--format", "json", "--no-cache", "--deadline", "60"]
        proc = subprocess.Popen(cmd, cwd=staged_repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(600):  # until the first request is in flight (bounded: 30 s)
            if server.requests or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert server.requests, "the run reached the LLM"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    data = json.loads((staged_repo / ".ariadne" / "review.json").read_text())
    assert {f["qualname"] for f in data["functions"] if f["kind"] != "module"} == EXPECTED
    assert {f["reason"] for f in data["functions"]} == {"interrupted"}


@pytest.mark.parametrize(
    ("fault", "deadline"),
    [
        ("trickle", "20"),  # the deadline far off: each request's own total bound (--timeout) ends it
        ("trickle_headers", "20"),  # the same while the status line and headers trickle
        ("trickle", "2"),  # the case (on a busy machine `import openai` alone may use the 2 s)
    ],
)
def test_a_trickling_server_cannot_hold_the_hook(staged_repo: Path, fault: str, deadline: str) -> None:
    """One byte every 0.2 s, forever: every read succeeds within --timeout 1, yet the answer never ends.
    Before: the run never ended. The bound below is generous: it only tells "ends" from "hangs"."""
    before = snapshot(staged_repo)
    with LLMServer(fault=fault, trickle_interval=0.2) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url)
        cmd = [sys.executable, "-m", "ariadne_hook", "--format", "json", "--no-cache"]
        proc = subprocess.run(
            [*cmd, "--deadline", deadline, "--timeout", "1"],
            cwd=staged_repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        reached = server.requests
    data = check_hook_survived(staged_repo, proc.returncode, proc.stderr, before)
    assert all(f["status"] == "fallback" for f in data["functions"]), data
    if deadline == "20":
        assert reached >= len(EXPECTED), "the run reached the LLM"
        assert {f["reason"] for f in data["functions"]} == {"timeout"}, data
    else:
        assert {f["reason"] for f in data["functions"]} <= {"deadline", "timeout"}, data


# --- the repository's files are never imported as code -----------------------------------------------------

SHADOWS = ("json", "html", "difflib", "tokenize", "sqlite3", "numbers", "fnmatch", "textwrap", "hashlib")


def test_python_dash_m_never_imports_a_module_of_the_repository(tmp_path: Path) -> None:
    """`python -m ariadne_hook` puts the current folder first on sys.path: a repository file named like a
    standard module (json.py, sqlite3.py...) would run as code the moment the tool imports that module."""
    repo = tmp_path / "repo"
    init_repo(repo)
    write(repo, "app.py", "def f(x):\n    return x\n")
    commit_all(repo, "init")
    marker = tmp_path / "ran"
    for name in SHADOWS:
        hostile = f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\nraise SystemExit(3)\n"
        write(repo, f"{name}.py", hostile)
    write(repo, "app.py", "def f(x):\n    return x + 1\n")
    stage_all(repo)
    env = clean_env()
    for fmt in ("json", "markdown"):
        proc = subprocess.run(
            [sys.executable, "-m", "ariadne_hook", "--format", fmt, "--no-cache", "--output", "-"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "f" in proc.stdout and "Traceback" not in proc.stderr
    assert not marker.exists(), marker.read_text()
