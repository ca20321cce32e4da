"""The real pre-commit framework runs this project's hooks, configured by the README's snippets as written.

The snapshot (every tracked and untracked-but-not-ignored file of this checkout, committed in a scratch
repository and tagged with the project's version) stands in for this repository: the README's
``.pre-commit-config.yaml`` snippet is used as text, with only the ``repo:`` URL replaced by the snapshot's
path and the pinned commit by the snapshot's, so its comments, ``# frozen:`` note and layout are the README's.
The README's ``args:`` snippet replaces the ``hooks:`` of that config. ``PRE_COMMIT_HOME`` is shared by the
session, so the hook's environment is built once. The LLM situations: no key, an endpoint that refuses
connections, and the loopback LLM server.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.gitutil import GIT_ENV, commit_all, git, init_repo, stage_all, write
from tests.llm_server import LLMServer
from tests.test_action import PRECOMMIT_HEADING, assert_a_release_of_this_repository, snippets
from tests.test_commit_msg import EDITOR
from tests.test_walkthrough import SUBJECT, answer

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
UPSTREAM = "https://github.com/ariadne-hook/ariadne-hook"
BEGIN = "ariadne-hook: function summaries"
OLD = "def area(w, h):\n    return w * h\n"
NEW = "def area(w, h):\n    return abs(w * h)\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n"
MUTABLE = "mutable reference"  # pre-commit's warning for a rev that is a branch or tag name
_FROZEN = re.compile(r"^(\s*rev: )([0-9a-f]{40})(  # frozen: (v\d+\.\d+\.\d+))$", re.MULTILINE)


def version() -> str:
    match = re.search(r'^version = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert match is not None
    return match.group(1)


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(path, commit) of a scratch repository holding this checkout's current files, committed and tagged
    as the project's version (what `pre-commit autoupdate --freeze` finds there)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    target = init_repo(tmp_path_factory.mktemp("snapshot") / "ariadne-hook")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    commit = commit_all(target, "snapshot of the working tree")
    git(target, "tag", "-a", "-m", "release", f"v{version()}")  # annotated, as a release is
    return target, commit


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def readme_snippets() -> tuple[str, str]:
    """(the README's .pre-commit-config.yaml, its ``args:`` snippet): the yaml blocks of its pre-commit
    section, as written."""
    blocks = [code for lang, code in snippets(README, PRECOMMIT_HEADING) if lang in ("yaml", "yml")]
    assert len(blocks) == 2, "the pre-commit section: the config, then the args: snippet"
    return blocks[0], blocks[1]


def config_text(snapshot: tuple[Path, str], variant: str = "as written") -> str:
    """The README's config as written, pointed at the snapshot; with ``variant="args"`` its hooks are the
    README's ``args:`` snippet."""
    text, with_args = readme_snippets()
    if variant == "args":
        assert with_args.startswith("    hooks:\n"), "the args: snippet is the hooks: of the config"
        text = text[: text.index("    hooks:\n")] + with_args
    assert text.count(f"repo: {UPSTREAM}\n") == 1
    text = text.replace(f"repo: {UPSTREAM}\n", f"repo: {snapshot[0]}\n")
    pinned = _FROZEN.findall(text)
    assert len(pinned) == 1, (
        "rev: is a commit with its release noted, as pre-commit autoupdate --freeze writes"
    )
    text = _FROZEN.sub(lambda m: m.group(1) + snapshot[1] + m.group(3), text)
    config = yaml.safe_load(text)
    [repo] = config["repos"]
    assert {h["id"] for h in repo["hooks"]} == {"ariadne-hook", "ariadne-hook-commit-msg"}
    return text


def make_project(tmp_path: Path, snapshot: tuple[Path, str], home: Path, variant: str) -> Path:
    """A user's repository with the hooks installed; the editor records what it was shown."""
    repo = init_repo(tmp_path / "user")
    write(repo, ".pre-commit-config.yaml", config_text(snapshot, variant))
    write(repo, "geometry.py", OLD)
    commit_all(repo, "first")
    editor = tmp_path / "editor"
    editor.write_text(EDITOR, encoding="utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=hook_env(tmp_path, home),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert MUTABLE not in proc.stdout + proc.stderr
    assert (repo / ".git" / "hooks" / "prepare-commit-msg").exists()
    return repo


@pytest.fixture
def project(tmp_path: Path, snapshot: tuple[Path, str], pre_commit_home: Path) -> Iterator[Path]:
    yield make_project(tmp_path, snapshot, pre_commit_home, "as written")


def hook_env(tmp_path: Path, home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "ARIADNE_", "GITHUB_", "PRE_COMMIT"))
    }
    env.pop("PYTHONPATH", None)  # the hook must run from its own installed environment
    env.update(GIT_ENV)
    env.update(
        HOME=str(tmp_path),
        PRE_COMMIT_HOME=str(home),
        PRE_COMMIT_COLOR="never",
        GIT_EDITOR=str(tmp_path / "editor"),
        EDITOR_SEEN=str(tmp_path / "seen.txt"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        ARIADNE_RETRIES="0",
        ARIADNE_TIMEOUT="10",
        ARIADNE_DEADLINE="30",
    )
    env.update(extra)
    return env


def commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def change_and_stage(repo: Path) -> None:
    write(repo, "geometry.py", NEW)
    stage_all(repo)


def review_of(repo: Path) -> str:
    return (repo / ".ariadne" / "review.md").read_text(encoding="utf-8")


def message(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%B")


def assert_committed(proc: subprocess.CompletedProcess[str], repo: Path) -> None:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    output = proc.stdout + proc.stderr  # git hands hook output to stderr
    assert "Passed" in output and "Failed" not in output, output
    assert MUTABLE not in output, output
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""  # nothing tracked was modified


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_manifest_is_valid() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_commit_without_a_key(project: Path, tmp_path: Path, pre_commit_home: Path) -> None:
    change_and_stage(project)
    write(project, "notes.txt", "untracked, never committed\n")
    proc = commit(project, hook_env(tmp_path, pre_commit_home), "-m", "no key")
    assert_committed(proc, project)
    assert "ariadne-hook: " in proc.stderr  # verbose: true shows the one-line result
    text = review_of(project)
    assert "perimeter" in text and "area" in text
    assert message(project) == "no key\n\n"
    assert git(project, "show", "HEAD:geometry.py") == NEW


def test_commit_keeps_unstaged_work(project: Path, tmp_path: Path, pre_commit_home: Path) -> None:
    change_and_stage(project)
    write(project, "geometry.py", NEW + "\n# unstaged edit\n")
    proc = commit(project, hook_env(tmp_path, pre_commit_home), "-m", "partial")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert git(project, "show", "HEAD:geometry.py") == NEW
    assert (project / "geometry.py").read_text(encoding="utf-8") == NEW + "\n# unstaged edit\n"
    assert "perimeter" in review_of(project)


def test_commit_with_the_endpoint_down(project: Path, tmp_path: Path, pre_commit_home: Path) -> None:
    change_and_stage(project)
    env = hook_env(
        tmp_path,
        pre_commit_home,
        OPENAI_API_KEY="sk-test",
        OPENAI_BASE_URL=f"http://127.0.0.1:{closed_port()}/v1",
    )
    proc = commit(project, env, "-m", "endpoint down")
    assert_committed(proc, project)
    text = review_of(project)
    assert "perimeter" in text and "fallback" in text.lower()


def test_commit_with_a_working_llm(project: Path, tmp_path: Path, pre_commit_home: Path) -> None:
    change_and_stage(project)
    with LLMServer() as server:
        env = hook_env(tmp_path, pre_commit_home, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.base_url)
        proc = commit(project, env, "-m", "with llm")
        assert server.requests > 0
    assert_committed(proc, project)
    text = review_of(project)
    assert "This change updates" in text and "perimeter" in text


def test_prepare_commit_msg_on_a_plain_commit(project: Path, tmp_path: Path, pre_commit_home: Path) -> None:
    change_and_stage(project)
    proc = commit(project, hook_env(tmp_path, pre_commit_home))
    assert_committed(proc, project)
    seen = (tmp_path / "seen.txt").read_text(encoding="utf-8")
    assert f"# {BEGIN}" in seen and "perimeter" in seen
    assert message(project) == "subject from the editor\n\n"  # git dropped the comment lines


def test_prepare_commit_msg_leaves_dash_m_alone(project: Path, tmp_path: Path, pre_commit_home: Path) -> None:
    change_and_stage(project)
    proc = commit(project, hook_env(tmp_path, pre_commit_home), "-m", "exactly this")
    assert_committed(proc, project)
    assert message(project) == "exactly this\n\n"


def test_prepare_commit_msg_leaves_an_amend_alone(
    project: Path, tmp_path: Path, pre_commit_home: Path
) -> None:
    change_and_stage(project)
    proc = commit(project, hook_env(tmp_path, pre_commit_home), "--amend")
    assert_committed(proc, project)
    assert BEGIN not in (tmp_path / "seen.txt").read_text(encoding="utf-8")
    assert message(project) == "first\n\n"


def test_prepare_commit_msg_leaves_a_merge_alone(
    project: Path, tmp_path: Path, pre_commit_home: Path
) -> None:
    env = hook_env(tmp_path, pre_commit_home)
    git(project, "checkout", "-q", "-b", "side")
    change_and_stage(project)
    assert_committed(commit(project, env, "-m", "side work"), project)
    git(project, "checkout", "-q", "main")
    write(project, "other.py", "def other():\n    return 1\n")
    stage_all(project)
    assert_committed(commit(project, env, "-m", "main work"), project)
    proc = subprocess.run(
        ["git", "merge", "--no-ff", "--no-edit", "side"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert message(project) == "Merge branch 'side'\n\n"
    assert git(project, "rev-list", "--count", "--merges", "HEAD").strip() == "1"


def test_a_bad_setting_never_blocks_the_commit(project: Path, tmp_path: Path, pre_commit_home: Path) -> None:
    change_and_stage(project)
    write(project, "pyproject.toml", '[tool.ariadne]\nmax-workers = "five"\n')
    stage_all(project)
    proc = commit(project, hook_env(tmp_path, pre_commit_home, ARIADNE_DEADLINE="inf"), "-m", "bad config")
    assert_committed(proc, project)
    output = proc.stdout + proc.stderr
    assert (
        "ariadne-hook: warning: pyproject.toml [tool.ariadne] max-workers = 'five': "
        "must be a whole number from 1 to 64; using 5"
    ) in output
    assert "ariadne-hook: warning: ARIADNE_DEADLINE='inf'" in output
    assert "perimeter" in review_of(project)


def test_a_rejected_key_is_named_in_the_hook_output(
    project: Path, tmp_path: Path, pre_commit_home: Path
) -> None:
    change_and_stage(project)
    with LLMServer(fault="401") as server:
        env = hook_env(tmp_path, pre_commit_home, OPENAI_API_KEY="sk-wrong", OPENAI_BASE_URL=server.base_url)
        proc = commit(project, env, "-m", "wrong key")
    assert_committed(proc, project)
    output = proc.stdout + proc.stderr
    assert "; model not used: 401 unauthorized — check OPENAI_API_KEY" in output
    assert "ariadne-hook: summarizing 3 functions with gpt-4o-mini (deadline 30 s)…" in output
    assert "sk-wrong" not in output


# --- issue 18: the README's snippets as written, through the real pre-commit --------------------------------


def test_the_readme_rev_is_frozen_the_way_autoupdate_writes_it(
    tmp_path: Path, snapshot: tuple[Path, str], pre_commit_home: Path
) -> None:
    """``rev: <sha>  # frozen: vX.Y.Z``: what ``pre-commit autoupdate --freeze`` writes, for a commit of
    this repository that is that version (never a branch: pre-commit warns of a mutable reference)."""
    text, _ = readme_snippets()
    [(_, commit, _, tag)] = _FROZEN.findall(text)
    assert tag == f"v{version()}"
    assert_a_release_of_this_repository(commit, tag)
    repo = init_repo(tmp_path / "user")
    config = text.replace(f"repo: {UPSTREAM}", f"repo: {snapshot[0]}").replace(commit, "v0.0.0")
    write(repo, ".pre-commit-config.yaml", config)
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "autoupdate", "--freeze"], cwd=repo,
        env=hook_env(tmp_path, pre_commit_home), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    frozen = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    tag_rev = git(snapshot[0], "rev-parse", tag).strip()  # an annotated tag's own id: pre-commit's choice
    assert frozen == text.replace(f"repo: {UPSTREAM}", f"repo: {snapshot[0]}").replace(commit, tag_rev)


CASES = [
    (variant, how, model)
    for variant in ("as written", "args")
    for how in ("-m", "editor")
    for model in ("no key", "model")
]


@pytest.mark.parametrize(("variant", "how", "model"), CASES, ids=[" ".join(c) for c in CASES])
def test_the_readme_config_commits(
    tmp_path: Path, snapshot: tuple[Path, str], pre_commit_home: Path, variant: str, how: str, model: str
) -> None:
    """A real ``git commit`` (``-m``, or through the editor) with the README's config, as written and with
    its ``args:`` (``--commit-subject`` blocked every commit before), with no key and with a model."""
    repo = make_project(tmp_path, snapshot, pre_commit_home, variant)
    change_and_stage(repo)
    argv = ["-m", "my words"] if how == "-m" else []
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(LLMServer(answer=answer)) if model == "model" else None
        extra = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.base_url} if server else {}
        proc = commit(repo, hook_env(tmp_path, pre_commit_home, **extra), *argv)
        asked = server.requests if server else 0
    assert_committed(proc, repo)
    output = proc.stdout + proc.stderr
    assert "ariadne-hook: warning" not in output and "Traceback" not in output, output
    review = review_of(repo)
    assert "`perimeter`" in review and "`area`" in review
    if model == "model":
        assert asked > 0 and "This change updates perimeter." in review  # the model's summary
    if how == "-m":
        assert message(repo) == "my words\n\n"
        return
    seen = (tmp_path / "seen.txt").read_text(encoding="utf-8")
    assert f"# {BEGIN}" in seen and "perimeter" in seen
    if variant == "args" and model == "model":  # --commit-subject with a model
        assert seen.startswith(f"{SUBJECT}\n")
        assert message(repo) == f"{SUBJECT}\n\n"
    else:
        assert message(repo) == "subject from the editor\n\n"


def test_the_readme_ls_remote_command_prints_the_release_commit(snapshot: tuple[Path, str]) -> None:
    """The README's ``git ls-remote`` command, as written, with the URL pointing at the snapshot."""
    [command] = re.findall(r"`(git ls-remote [^`]+)`", README.read_text(encoding="utf-8"))
    assert f" {UPSTREAM} " in command and f"'v{version()}*'" in command
    proc = subprocess.run(
        ["bash", "-c", command.replace(UPSTREAM, str(snapshot[0]))],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = dict(reversed(line.split("\t")) for line in proc.stdout.splitlines())
    assert lines[f"refs/tags/v{version()}^{{}}"] == snapshot[1]  # the annotated tag's commit
