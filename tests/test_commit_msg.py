"""prepare-commit-msg: real git commits with a real hook that calls apply_to_message, and a real editor."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from ariadne_hook.config import Settings
from ariadne_hook.models import FunctionChange, Report, SourceInfo, Stats, Summary
from ariadne_hook.publish import commit_msg
from ariadne_hook.publish.commit_msg import BEGIN, apply_to_message, message_text
from tests.gitutil import commit_all, git, init_repo, stage_all, write

ROOT = Path(__file__).resolve().parents[1]
TEXT = "2 changed functions in 1 file:\n- app.py: parse (modified)\n  Parses the input."

HOOK = f"""#!{sys.executable}
import os, sys
from pathlib import Path
from ariadne_hook.config import load
from ariadne_hook.publish.commit_msg import apply_to_message
source = sys.argv[2] if len(sys.argv) > 2 else None
status = apply_to_message(Path(sys.argv[1]), {TEXT!r}, source, load(None, {{}}, os.environ))
Path(os.environ["HOOK_LOG"]).open("a").write(f"{{source}}: {{status}}\\n")
"""
EDITOR = f"""#!{sys.executable}
import os, sys
from pathlib import Path
path = Path(sys.argv[1])
text = path.read_text()
Path(os.environ["EDITOR_SEEN"]).write_text(text)
if not text.split("\\n", 1)[0].strip():
    path.write_text("subject from the editor" + text)
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = init_repo(tmp_path / "repo")
    write(root, "app.py", "x = 1\n")
    commit_all(root, "first")
    for name, body in (("prepare-commit-msg", HOOK), ("editor", EDITOR)):
        target = root / ".git" / "hooks" / name
        target.write_text(body, encoding="utf-8")
        target.chmod(target.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("GIT_EDITOR", str(root / ".git" / "hooks" / "editor"))
    monkeypatch.setenv("HOOK_LOG", str(tmp_path / "hook.log"))
    monkeypatch.setenv("EDITOR_SEEN", str(tmp_path / "seen.txt"))
    for var in ("ARIADNE_COMMIT_MSG", "ARIADNE_COMMIT_MSG_ALL"):
        monkeypatch.delenv(var, raising=False)
    write(root, "app.py", "x = 2\n")
    stage_all(root)
    return root


def last_message(root: Path) -> str:
    return git(root, "log", "-1", "--format=%B")


def seen(root: Path) -> str:
    return (root.parent / "seen.txt").read_text(encoding="utf-8")


def hook_log(root: Path) -> list[str]:
    return (root.parent / "hook.log").read_text(encoding="utf-8").splitlines()


def test_plain_commit_shows_comment_lines_that_git_drops(repo: Path) -> None:
    git(repo, "commit", "-q")
    assert f"# {BEGIN}" in seen(repo)
    assert "#   Parses the input." in seen(repo)
    assert last_message(repo) == "subject from the editor\n\n"
    assert hook_log(repo) == ["None: added the summaries to the commit message as comments"]


def test_dash_m_message_is_left_alone(repo: Path) -> None:
    git(repo, "commit", "-q", "-m", "my message")
    assert last_message(repo) == "my message\n\n"
    assert hook_log(repo)[0].startswith("message: commit message left alone: git keeps comment lines")


def test_amend_is_left_alone(repo: Path) -> None:
    git(repo, "commit", "-q", "--amend")
    assert BEGIN not in seen(repo)
    assert last_message(repo) == "first\n\n"
    assert hook_log(repo) == [
        "commit: commit message left alone: the message comes from 'commit' "
        "(set commit_msg_all to include it)"
    ]


def test_merge_is_left_alone(repo: Path) -> None:
    git(repo, "commit", "-q", "-m", "second")
    git(repo, "checkout", "-q", "-b", "side", "HEAD~1")
    write(repo, "other.py", "y = 1\n")
    commit_all(repo, "side work")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "--no-edit", "side")
    assert last_message(repo) == "Merge branch 'side'\n\n"
    assert hook_log(repo)[-1].startswith("merge: commit message left alone")


def test_commit_msg_all_includes_an_amend(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARIADNE_COMMIT_MSG_ALL", "1")
    git(repo, "commit", "-q", "--amend")
    assert f"# {BEGIN}" in seen(repo)
    assert last_message(repo) == "first\n\n"


def test_body_mode_writes_real_body_text(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARIADNE_COMMIT_MSG", "body")
    git(repo, "commit", "-q")
    assert last_message(repo) == f"subject from the editor\n\n{TEXT}\n\n"


def test_body_mode_with_all_extends_a_dash_m_message(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARIADNE_COMMIT_MSG", "body")
    monkeypatch.setenv("ARIADNE_COMMIT_MSG_ALL", "true")
    git(repo, "commit", "-q", "-m", "subject")
    assert last_message(repo) == f"subject\n\n{TEXT}\n\n"


def test_off_mode(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARIADNE_COMMIT_MSG", "off")
    git(repo, "commit", "-q")
    assert BEGIN not in seen(repo)
    assert hook_log(repo) == ["None: commit message left alone: commit_msg is off"]


def test_custom_comment_char(repo: Path) -> None:
    git(repo, "config", "core.commentChar", ";")
    git(repo, "commit", "-q")
    assert f"; {BEGIN}" in seen(repo) and f"# {BEGIN}" not in seen(repo)
    assert last_message(repo) == "subject from the editor\n\n"


def test_auto_comment_char(repo: Path) -> None:
    git(repo, "config", "core.commentChar", "auto")
    git(repo, "commit", "-q")
    assert f"# {BEGIN}" in seen(repo)
    assert last_message(repo) == "subject from the editor\n\n"


def test_verbatim_cleanup_is_left_alone(repo: Path) -> None:
    git(repo, "config", "commit.cleanup", "verbatim")
    git(repo, "commit", "-q")  # verbatim keeps comment lines: the hook must not add any
    assert BEGIN not in seen(repo) and BEGIN not in last_message(repo)
    assert hook_log(repo) == [
        "None: commit message left alone: commit.cleanup=verbatim would keep comment lines"
    ]


def test_verbose_commit_puts_the_block_above_the_scissors(repo: Path) -> None:
    git(repo, "commit", "-q", "-v")
    text = seen(repo)
    assert text.index(BEGIN) < text.index(">8") < text.index("diff --git")
    assert last_message(repo) == "subject from the editor\n\n"


def test_running_twice_changes_nothing_more(tmp_path: Path) -> None:
    path = tmp_path / "COMMIT_EDITMSG"
    path.write_text("\n# Please enter the commit message\n#\n", encoding="utf-8")
    settings = Settings()
    first = apply_to_message(path, TEXT, None, settings, cwd=tmp_path)
    once = path.read_text(encoding="utf-8")
    second = apply_to_message(path, TEXT, None, settings, cwd=tmp_path)
    assert first == "added the summaries to the commit message as comments"
    assert second == "commit message already has the summaries"
    assert path.read_text(encoding="utf-8") == once and once.count(BEGIN) == 1
    apply_to_message(path, "other text", None, settings, cwd=tmp_path)
    replaced = path.read_text(encoding="utf-8")
    assert replaced.count(BEGIN) == 1 and "# other text" in replaced and "Parses" not in replaced
    body = Settings(commit_msg="body")
    apply_to_message(path, TEXT, None, body, cwd=tmp_path)
    twice = path.read_text(encoding="utf-8")
    assert (
        apply_to_message(path, TEXT, None, body, cwd=tmp_path) == "commit message already has the summaries"
    )
    assert path.read_text(encoding="utf-8") == twice


def test_unreadable_message_file_is_one_line(tmp_path: Path) -> None:
    status = apply_to_message(tmp_path / "missing", TEXT, None, Settings(), cwd=tmp_path)
    assert status.startswith("cannot read the commit message file: ")
    assert "\n" not in status


def test_empty_summaries_leave_the_message_alone(tmp_path: Path) -> None:
    path = tmp_path / "msg"
    path.write_text("\n# c\n", encoding="utf-8")
    assert apply_to_message(path, "  \n", None, Settings(), cwd=tmp_path) == (
        "commit message left alone: no summaries"
    )
    assert path.read_text(encoding="utf-8") == "\n# c\n"


def test_message_text_from_a_report() -> None:
    change = FunctionChange(
        "src/app.py", None, "Parser.parse", "method", "modified", "python", (1, 3), (1, 4), "a", "b", "@@"
    )
    summaries = (
        Summary(change, "summarized", "Now accepts bytes as well as str, and " + "strips whitespace " * 8),
        Summary(change, "skipped", "", "binary file"),
    )
    report = Report(SourceInfo("staged"), "offline", None, summaries, Stats(functions=2))
    text = message_text(report)
    lines = text.splitlines()
    assert lines[0] == "2 changed functions in 1 file:"
    assert lines[1] == "- src/app.py: Parser.parse (modified)"
    assert all(len(line) <= 72 for line in lines)
    assert lines[-1] == "  skipped: binary file"


def test_auto_comment_char_rule() -> None:
    assert commit_msg.auto_comment_char("subject\n\n; git comment\n; more\n") == ";"
    assert commit_msg.auto_comment_char("#1 is fixed\nby this\n") == ";"  # no template: git's own rule
    assert commit_msg.auto_comment_char("subject\n") == "#"


# --- what is written is inert for git and GitHub, whatever the summaries say ---------------------------

HOSTILE = (
    "# a heading line",
    "Signed-off-by: Mallory <mallory@example.com>",
    "Fixes #1",
    "Co-authored-by: Mallory <mallory@example.com>",
    "ariadne-hook: end of summaries",
    "------------------------ >8 ------------------------",
)
REPORT_HOOK = f"""#!{sys.executable}
import os, sys
from pathlib import Path
from ariadne_hook.config import load
from ariadne_hook.models import FunctionChange, Report, SourceInfo, Stats, Summary
from ariadne_hook.publish.commit_msg import apply_to_message
def entry(i, text):
    change = FunctionChange("app.py", None, f"f{{i}}", "function", "modified", "python", (1, 2), (1, 2),
                            "a", "b", "@@")
    return Summary(change, "summarized", text)
summaries = tuple(entry(i, t) for i, t in enumerate({HOSTILE!r}))
report = Report(SourceInfo("staged"), "offline", None, summaries, Stats(functions=len(summaries)))
source = sys.argv[2] if len(sys.argv) > 2 else None
status = apply_to_message(Path(sys.argv[1]), report, source, load(None, {{}}, os.environ))
Path(os.environ["HOOK_LOG"]).open("a").write(f"{{source}}: {{status}}\\n")
"""


def with_report_hook(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "prepare-commit-msg"
    hook.write_text(REPORT_HOOK, encoding="utf-8")


def trailers(message: str, repo: Path) -> str:
    return git(repo, "interpret-trailers", "--parse", input=message)


@pytest.mark.parametrize("comment_char", [None, "-", " ", ";"])
@pytest.mark.parametrize("sign_off", [False, True])
def test_body_lines_are_kept_as_written_and_nothing_acts_on_them(
    repo: Path, monkeypatch: pytest.MonkeyPatch, comment_char: str | None, sign_off: bool
) -> None:
    """As body text no line vanishes as a comment (whatever core.commentChar), none is a trailer, the
    user's own trailers stay the message's trailers, and ``Fixes #1`` closes nothing."""
    with_report_hook(repo)
    if comment_char is not None:
        git(repo, "config", "core.commentChar", comment_char)
    monkeypatch.setenv("ARIADNE_COMMIT_MSG", "body")
    git(repo, "commit", "-q", *(["-s"] if sign_off else []))
    message = last_message(repo)
    assert hook_log(repo) == ["None: added the summaries to the commit message as body text"]
    for n in range(len(HOSTILE)):
        assert f"app.py: f{n} (modified)" in message  # every entry's line, none taken for a comment
    for text in HOSTILE:
        assert text.replace("@", "@\u200d").replace("#1", "#\u200d1") in message
    assert "#1" not in message and "mallory@example.com" not in message
    own = "Signed-off-by: Test <test@example.invalid>\n" if sign_off else ""
    assert trailers(message, repo) == own
    if sign_off:
        assert message.rstrip("\n").endswith(own.rstrip("\n"))


def test_a_comment_string_is_the_one_this_git_uses(repo: Path) -> None:
    """core.commentString is read by git 2.45 and later only: the prefix is asked of git itself (``git
    stripspace --comment-lines``), so the block is comments for the git that commits, whatever its version."""
    with_report_hook(repo)
    git(repo, "config", "core.commentString", ";")
    git(repo, "commit", "-q")
    assert last_message(repo) == "subject from the editor\n\n"
    prefix = git(repo, "stripspace", "--comment-lines", input="x\n")[: -len(" x\n")]
    assert f"{prefix} {BEGIN}" in seen(repo)


def test_summary_lines_cannot_end_the_comment_block_or_cut_the_message(tmp_path: Path) -> None:
    path = tmp_path / "COMMIT_EDITMSG"
    path.write_text("\n# Please enter the commit message\n#\n", encoding="utf-8")
    text = "\n".join(("2 changed functions in 1 file:", *HOSTILE))
    apply_to_message(path, text, None, Settings(), cwd=tmp_path)
    once = path.read_text(encoding="utf-8")
    assert (
        "# ariadne-hook: end of summaries\n" in once and once.count("# ariadne-hook: end of summaries\n") == 1
    )
    assert "# ------------------------ >8" not in once
    apply_to_message(path, "other text", None, Settings(), cwd=tmp_path)
    replaced = path.read_text(encoding="utf-8")
    assert "other text" in replaced and not any(line in replaced for line in HOSTILE[:4])
    assert ">8" not in replaced and replaced.count("ariadne-hook: end of summaries") == 1
