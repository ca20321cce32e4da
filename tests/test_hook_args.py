"""Issue 18.1: a hook's ``args:`` can never block a commit, in any order, whatever they hold.

pre-commit runs a hook as ``entry + args + [the message file]`` (prepare-commit-msg), so the file comes last
whatever ``args:`` are. Through ``cli.main([...])`` on real repositories; the real pre-commit framework runs
the README's snippets in tests/test_precommit.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ariadne_hook.arguments import parse
from ariadne_hook.publish.commit_msg import BEGIN
from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.runner import clean_env, run_main

OLD = "def area(w, h):\n    return w * h\n"
NEW = "def area(w, h):\n    return abs(w * h)\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n"
ENTRY = ["--prepare-commit-msg"]  # .pre-commit-hooks.yaml's entry, less the program
OLD_ENTRY = ["--commit-msg-file"]  # the entry before this fix: still works, whatever follows it


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = init_repo(tmp_path / "project")
    write(r, "geometry.py", OLD)
    commit_all(r, "base")
    write(r, "geometry.py", NEW)
    stage_all(r)
    (r / ".git" / "COMMIT_EDITMSG").write_text("\n", encoding="utf-8")
    return r


def hook_run(repo: Path, capsys: Any, argv: list[str], **env: str) -> tuple[int, str, str]:
    """(exit code, the message file's text, stderr) of the hook's command line as pre-commit builds it."""
    code, _, err = run_main(argv, repo, clean_env(**env), capsys)
    return code, (repo / ".git" / "COMMIT_EDITMSG").read_text(encoding="utf-8"), err


ARGS = [
    ["--commit-subject"],  # the README's args: this blocked every commit
    ["--deadline", "20", "--commit-subject"],
    ["--commit-subject", "--deadline=20"],
    ["--deadline 20"],  # one YAML string for two words
    ["geometry.py", "--commit-subject"],  # a path first
    ["--", "geometry.py"],
    ["--commit-subject", "--deadline"],  # a value missing at the end
    ["--deadline", "--commit-subject"],  # a value missing in the middle
    ["--deadline", "soon"],
    ["--max-worker", "2"],  # an abbreviation argparse accepts
    ["--max-wrokers", "2"],  # unknown: never a path to review
    ["--bogus"],
    ["--comm"],  # ambiguous
    ["--help"],
    ["--version"],
    ["-h", "--commit-subject"],
    ["--diff"],
    ["--format", "xml", "-o"],
]


@pytest.mark.parametrize("entry", [ENTRY, OLD_ENTRY], ids=["entry", "old-entry"])
@pytest.mark.parametrize("args", ARGS, ids=lambda a: " ".join(a) or "none")
def test_any_args_fill_the_message_and_exit_0(
    repo: Path, capsys: Any, entry: list[str], args: list[str]
) -> None:
    code, message, err = hook_run(repo, capsys, [*entry, *args, ".git/COMMIT_EDITMSG"], PRE_COMMIT="1")
    assert code == 0, err
    assert f"# {BEGIN}" in message and "perimeter" in message, err
    assert "Traceback" not in err and "error:" not in err
    review = (repo / ".ariadne" / "review.md").read_text(encoding="utf-8")
    assert "`perimeter`" in review  # every path reviewed: no args word became a pathspec


def test_the_readme_args_with_the_old_entry_was_the_bug(repo: Path, capsys: Any) -> None:
    """The hook's entry before the fix plus ``args: [--commit-subject]``: argparse exited 2."""
    code, message, err = hook_run(repo, capsys, [*OLD_ENTRY, "--commit-subject", ".git/COMMIT_EDITMSG"])
    assert code == 0 and err.count("\n") == 1, err
    assert f"# {BEGIN}" in message


def test_a_hand_written_git_hook_keeps_working(repo: Path, capsys: Any) -> None:
    """``ariadne-hook --commit-msg-file "$1" --commit-msg-source "$2"`` in .git/hooks (no pre-commit)."""
    argv = ["--commit-msg-file", ".git/COMMIT_EDITMSG", "--commit-msg-source", "", "--commit-subject"]
    code, message, err = hook_run(repo, capsys, argv)
    assert code == 0 and "warning" not in err, err
    assert f"# {BEGIN}" in message


def test_what_a_hook_ignores_is_named(repo: Path, capsys: Any) -> None:
    argv = [*ENTRY, "--max-wrokers", "2", "--deadline", "--help", "-o", ".git/COMMIT_EDITMSG"]
    code, _, err = hook_run(repo, capsys, argv, PRE_COMMIT="1")
    assert code == 0
    assert [line for line in err.splitlines() if "warning" in line] == [
        "ariadne-hook: warning: unknown option --max-wrokers 2 ignored (did you mean --max-workers?)",
        "ariadne-hook: warning: hook args: --deadline ignored (argument --deadline: expected one argument)",
        "ariadne-hook: warning: --help ignored inside a hook (its job is the review): try it by hand",
        "ariadne-hook: warning: hook args: -o ignored (argument --output/-o: expected one argument)",
    ]


def test_without_a_message_file_the_review_is_still_written(repo: Path, capsys: Any) -> None:
    code, message, err = hook_run(repo, capsys, [*ENTRY, "--commit-subject"], PRE_COMMIT="1")
    assert code == 0 and message == "\n"
    assert "no message file after the options (pre-commit passes it last)" in err
    assert "perimeter" in (repo / ".ariadne" / "review.md").read_text(encoding="utf-8")


def test_by_hand_the_same_mistakes_are_exit_2_with_a_suggestion(repo: Path, capsys: Any) -> None:
    code, _, err = run_main(["--max-wrokers", "2"], repo, clean_env(), capsys)
    assert (code, err) == (
        2,
        "ariadne-hook: error: unknown option --max-wrokers (did you mean --max-workers?)\n",
    )
    code, _, err = run_main(["--deadline"], repo, clean_env(), capsys)
    assert (code, err) == (
        2,
        "ariadne-hook: error: argument --deadline: expected one argument (see --help)\n",
    )
    assert not (repo / ".ariadne").exists()


# every command line a hook can get: parse never raises, never exits, and the message file is always found
WORDS = st.sampled_from(
    ["--commit-subject", "--deadline", "20", "soon", "-o", "-", "--", "--range", "--diff", "--bogus", "-x",
     "--help", "-h", "--version", "--comm", "--max-worker", "--format", "json", "--no-cache", "-qv", "src/",
     "--repo", "--hook", "--commit-msg-file", "--commit-msg-source", "--exclude", "a b", "--deadline 5",
     "-1", "=", "--=x", "---", "--output=", "--prepare-commit-msg"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORDS, max_size=6))
@example(["--commit-msg-file"])
@example(["--", "--prepare-commit-msg"])
def test_a_hook_command_line_never_raises_and_keeps_the_message_file(args: list[str]) -> None:
    for entry in (ENTRY, OLD_ENTRY):
        parsed, _ = parse([*entry, *args, "MSGFILE"], hook=True, pre_commit=True)
        assert parsed.commit_msg_file == "MSGFILE"
        assert "MSGFILE" not in parsed.paths
    for words in ([*ENTRY, *args], [*OLD_ENTRY, *args], args, [*args, *OLD_ENTRY]):
        for pre_commit in (True, False):
            parse(words, hook=True, pre_commit=pre_commit)  # never raises, never exits
