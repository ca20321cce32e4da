"""What each path imports, checked in a fresh interpreter: the hook's no-op path stays light, a Python-only
change loads no tree-sitter grammar, and configuration is still read when a pyproject.toml has it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitutil import commit_all, git, init_repo, stage_all, write

ROOT = Path(__file__).resolve().parent.parent
# never on the no-op path (nothing staged, or only excluded files)
NOT_ON_NO_OP = (
    "git",  # GitPython
    "openai",
    "tree_sitter",
    "concurrent.futures",
    "multiprocessing",
    "asyncio",
    "tomllib",  # read only when a pyproject.toml may hold [tool.ariadne]
    "tomli",
    "tempfile",
    "shutil",  # argparse's help formatter would import it
    "ariadne_hook.source.git",
    "ariadne_hook.source.patch",
    "ariadne_hook.locate.core",
    "ariadne_hook.locate.python",
    "ariadne_hook.summarize.stage",
)
MODULE = "def area(w, h):\n    return w * h\n\n\ndef label(x):\n    return str(x)\n"


def run_main(repo: Path, *args: str) -> tuple[int, set[str]]:
    """``cli.main(args)`` in a fresh interpreter in repo: (exit code, the modules it imported)."""
    code = (
        "import json, sys\n"
        "from ariadne_hook.cli import main\n"
        f"rc = main({list(args)!r})\n"
        "print(json.dumps({'rc': rc, 'modules': sorted(sys.modules)}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARIADNE_", "OPENAI_", "GITHUB_"))}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return data["rc"], set(data["modules"])


def loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    write(repo, "app.py", MODULE)
    write(repo, "yarn.lock", "# yarn lockfile v1\n")
    write(repo, "pyproject.toml", '[project]\nname = "demo"\nversion = "1.0"\n')
    commit_all(repo)
    return repo


@pytest.mark.parametrize("staged", ["nothing", "only a lock file"])
def test_no_op_path_imports_nothing_heavy(repo: Path, staged: str) -> None:
    if staged != "nothing":
        write(repo, "yarn.lock", '# yarn lockfile v1\n\nleft-pad@^1.3.0:\n  version "1.3.0"\n')
        git(repo, "add", "yarn.lock")
    rc, modules = run_main(repo, "-o", "review.md")
    assert rc == 0
    review = (repo / "review.md").read_text(encoding="utf-8")
    if staged == "nothing":
        assert "No changed functions to review." in review
    else:
        assert "`yarn.lock`" in review and "excluded by" in review
    heavy = [name for name in NOT_ON_NO_OP if loaded(modules, name)]
    assert heavy == [], f"the no-op path imported {heavy}"
    assert "ariadne_hook.source.noop" in modules  # the fast path was the one taken


def test_tool_ariadne_in_pyproject_is_still_read(repo: Path) -> None:
    write(repo, "pyproject.toml", '[project]\nname = "demo"\n\n[tool.ariadne]\nexclude = ["*.py"]\n')
    commit_all(repo)
    write(repo, "app.py", MODULE.replace("w * h", "h * w"))
    stage_all(repo)
    rc, modules = run_main(repo, "-o", "review.md")
    assert rc == 0
    assert loaded(modules, "tomllib") or loaded(modules, "tomli")
    assert "excluded by" in (repo / "review.md").read_text(encoding="utf-8")  # the table's exclude applied
    assert not loaded(modules, "git")  # every staged file excluded: still the fast path


def test_python_only_change_loads_no_tree_sitter(repo: Path) -> None:
    write(repo, "app.py", MODULE.replace("return w * h", "return w * h * 1"))
    stage_all(repo)
    rc, modules = run_main(repo, "--provider", "offline", "-o", "review.md")
    assert rc == 0
    assert "`area`" in (repo / "review.md").read_text(encoding="utf-8")
    assert "ariadne_hook.locate.python" in modules and loaded(modules, "git")  # the full path ran
    grammars = sorted(m for m in modules if m.startswith(("tree_sitter", "ariadne_hook.locate.treesitter")))
    assert grammars == []
    assert not loaded(modules, "openai")
    assert not loaded(modules, "multiprocessing")  # a small diff is mapped in this process


# the model's run: an offline review imports none of it (each costs import time on the offline path)
MODEL_RUN = (
    "ariadne_hook.summarize.llm_run",
    "ariadne_hook.summarize.pack",
    "ariadne_hook.summarize.pool",
    "ariadne_hook.summarize.answers",
    "ariadne_hook.summarize.prompt",
    "ariadne_hook.summarize.client",
    "ariadne_hook.summarize.ratelimit",
    "concurrent.futures",
)


def test_offline_review_imports_nothing_of_the_model_run(repo: Path) -> None:
    write(repo, "app.py", MODULE.replace("return w * h", "return w * h * 1"))
    stage_all(repo)
    rc, modules = run_main(repo, "--provider", "offline", "--format", "json", "-o", "review.json")
    assert rc == 0
    entries = json.loads((repo / "review.json").read_text(encoding="utf-8"))["functions"]
    assert [(e["qualname"], e["status"]) for e in entries] == [("area", "summarized")]
    assert "ariadne_hook.summarize.stage" in modules  # the stage ran, offline
    assert [name for name in MODEL_RUN if loaded(modules, name)] == []


def test_a_model_run_loads_the_offline_summarizer_only_when_it_needs_it(repo: Path) -> None:
    """Every answer a summary, nothing moved or trivial: no offline text is written, so the summarizer
    (~20 ms of imports before the first request) is never loaded."""
    from tests.llm_server import LLMServer

    write(repo, "app.py", MODULE.replace("return w * h", "return w * h * 1").replace("str(x)", "repr(x)"))
    stage_all(repo)
    with LLMServer() as server:
        rc, modules = run_main(repo, "--base-url", server.base_url, "--format", "json", "-o", "r.json")
        assert rc == 0 and server.requests >= 1
    entries = json.loads((repo / "r.json").read_text(encoding="utf-8"))["functions"]
    statuses = [(e["qualname"], e["status"]) for e in entries]
    assert statuses == [("area", "summarized"), ("label", "summarized")]
    assert "ariadne_hook.summarize.llm_run" in modules and loaded(modules, "openai")
    assert not loaded(modules, "ariadne_hook.summarize.offline")
