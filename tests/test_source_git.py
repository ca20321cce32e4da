"""The source stage against real repositories: staged changes, revision ranges and patch text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ariadne_hook.models import ADDED, DELETED, MODIFIED, RENAMED, FileChange
from ariadne_hook.source.git import SourceError, find_repo_root, from_patch_text, revision_range, staged
from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.runner import clean_env, run_main

MAX = 1_000_000
BODY = "".join(f"line {i}\n" for i in range(1, 21))


def by_path(changes: list[FileChange]) -> dict[str, FileChange]:
    return {c.path: c for c in changes}


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    write(root, "keep.py", BODY)
    write(root, "gone.py", "def gone():\n    return 1\n")
    write(root, "old name.py", BODY)
    write(root, "moved.py", BODY.replace("line", "row"))
    write(root, "tool.sh", "echo hi\n")
    commit_all(root, "base")
    return root


def test_staged_statuses(repo: Path) -> None:
    write(repo, "keep.py", BODY.replace("line 5\n", "line five\nline 5b\n"))
    write(repo, "new.py", "def new():\n    pass\n")
    (repo / "gone.py").unlink()
    git(repo, "mv", "old name.py", "new name.py")  # rename without edits
    (repo / "moved.py").unlink()
    write(repo, "sub/moved.py", BODY.replace("line", "row").replace("row 20\n", "row twenty\n"))  # with edits
    os.chmod(repo / "tool.sh", 0o755)
    stage_all(repo)
    head = git(repo, "rev-parse", "HEAD").strip()
    info, changes = staged(repo, MAX)
    assert (info.kind, info.base, info.head, info.label) == ("staged", head, None, "staged changes")
    got = by_path(changes)
    assert set(got) == {"keep.py", "new.py", "gone.py", "new name.py", "sub/moved.py", "tool.sh"}

    keep = got["keep.py"]
    assert (keep.status, keep.old_path, keep.skip_reason) == (MODIFIED, None, None)
    assert keep.old_text == BODY and keep.new_text == BODY.replace("line 5\n", "line five\nline 5b\n")
    assert keep.removed_lines == {5} and keep.added_lines == {5, 6}
    assert keep.hunks and keep.hunks[0].old_start == 2

    assert (got["new.py"].status, got["new.py"].old_text, got["new.py"].added_lines) == (
        ADDED,
        None,
        frozenset({1, 2}),
    )
    assert got["new.py"].new_text == "def new():\n    pass\n"
    assert (got["gone.py"].status, got["gone.py"].new_text, got["gone.py"].removed_lines) == (
        DELETED,
        None,
        frozenset({1, 2}),
    )
    assert got["gone.py"].old_text == "def gone():\n    return 1\n"

    pure = got["new name.py"]
    assert (pure.status, pure.old_path, pure.hunks, pure.added_lines) == (
        RENAMED,
        "old name.py",
        (),
        frozenset(),
    )
    assert pure.old_text == pure.new_text == BODY

    edited = got["sub/moved.py"]
    assert (edited.status, edited.old_path, edited.added_lines, edited.removed_lines) == (
        RENAMED,
        "moved.py",
        frozenset({20}),
        frozenset({20}),
    )
    assert edited.old_text == BODY.replace("line", "row")
    assert edited.new_text is not None and edited.new_text.endswith("row twenty\n")

    mode = got["tool.sh"]
    assert (mode.status, mode.skip_reason, mode.hunks, mode.old_text) == (
        MODIFIED,
        "mode change only",
        (),
        None,
    )


def test_a_copy_is_an_added_file_staged_and_as_a_patch_with_copy_from(repo: Path) -> None:
    """The file a copy came from is still there, so the copy's functions are new (a bubbletea example copied
    from another was reviewed as 'modified: removes ...'). git diff -C's 'copy from' patch reads alike."""
    write(repo, "keep copy.py", BODY + "extra\n")
    write(repo, "keep.py", BODY.replace("line 1\n", "line one\n"))
    stage_all(repo)
    got = by_path(staged(repo, MAX)[1])
    copy = got["keep copy.py"]
    every_line = frozenset(range(1, 22))
    assert (copy.status, copy.old_path, copy.old_text, copy.removed_lines, copy.added_lines) == (
        ADDED,
        None,
        None,
        frozenset(),
        every_line,
    )
    assert copy.new_text == BODY + "extra\n" and got["keep.py"].status == MODIFIED
    text = git(repo, "diff", "--cached", "-C")
    assert "copy from keep.py" in text
    patched = by_path(from_patch_text(text, repo, MAX)[1])["keep copy.py"]
    assert (
        patched.status,
        patched.old_path,
        patched.old_text,
        patched.removed_lines,
        patched.added_lines,
    ) == (
        ADDED,
        None,
        None,
        frozenset(),
        every_line,
    )
    assert patched.hunks == copy.hunks and patched.new_text == copy.new_text


def test_functions_of_a_copied_file_are_added_not_modified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = init_repo(tmp_path / "copies")
    source = "".join(
        f"def f{i}(x):\n    if x > {i}:\n        return x\n    return {i}\n\n\n" for i in range(6)
    )
    write(root, "a.py", source)
    commit_all(root, "base")
    write(root, "b.py", source.replace("if x > 2:", "if x >= 2:"))
    write(root, "a.py", source.replace("return 5\n", "return 50\n"))
    stage_all(root)
    code, out, _ = run_main(
        ["--provider", "offline", "--format", "json", "--no-cache", "-o", "-"], root, clean_env(), capsys
    )
    assert code == 0
    changes = {
        (e["path"], e["qualname"]): e["change"]
        for e in json.loads(out)["functions"]
        if e["kind"] == "function"
    }
    assert changes == {("a.py", "f5"): "modified", **{("b.py", f"f{i}"): "added" for i in range(6)}}


def test_empty_files_added_deleted_and_renamed(repo: Path) -> None:
    write(repo, "empty.py", "")
    stage_all(repo)
    [added] = staged(repo, MAX)[1]
    assert (added.status, added.old_text, added.new_text, added.skip_reason) == (ADDED, None, "", None)
    commit_all(repo, "empty")
    (repo / "empty.py").unlink()
    stage_all(repo)
    [deleted] = staged(repo, MAX)[1]
    assert (deleted.status, deleted.old_text, deleted.new_text, deleted.skip_reason) == (
        DELETED,
        "",
        None,
        None,
    )
    write(repo, "also empty.py", "")
    stage_all(repo)
    [renamed] = staged(repo, MAX)[1]  # git pairs identical (empty) blobs as a 100% rename
    assert (renamed.status, renamed.old_path, renamed.old_text, renamed.new_text) == (
        RENAMED,
        "empty.py",
        "",
        "",
    )


def test_initial_commit_diffs_against_empty_tree(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "fresh")
    write(root, "a.py", "x = 1\n")
    stage_all(root)
    info, [change] = staged(root, MAX)
    assert info.base is None
    assert (change.status, change.new_text, change.added_lines) == (ADDED, "x = 1\n", frozenset({1}))


def test_nothing_staged(repo: Path) -> None:
    write(repo, "keep.py", "unstaged\n")
    assert staged(repo, MAX)[1] == []


def test_skipped_contents(repo: Path) -> None:
    write(repo, "blob.bin", b"\x00\x01\x02" * 10)
    write(repo, "latin.py", "caf\xe9 = 1\n".encode("latin-1"))
    write(repo, "nul.txt", b"text\x00more\n")
    write(repo, "big.py", "x = 1\n" * 100)
    git(repo, "add", "-A")
    git(repo, "-c", "core.attributesFile=/dev/null", "add", "-A")
    got = by_path(staged(repo, 300)[1])
    assert got["blob.bin"].skip_reason == "binary file"
    assert got["nul.txt"].skip_reason == "binary file"
    assert got["latin.py"].skip_reason == "not UTF-8 text"
    assert got["latin.py"].added_lines == {1}  # counts survive the skip
    assert got["big.py"].skip_reason == "file over 300 bytes"
    for change in got.values():
        assert change.old_text is None and change.new_text is None and change.hunks == ()


def test_nul_bytes_in_a_file_git_diffs_as_text(repo: Path) -> None:
    write(repo, ".gitattributes", "*.txt diff\n")
    write(repo, "forced.txt", b"a\x00b\n")
    stage_all(repo)
    got = by_path(staged(repo, MAX)[1])
    assert got["forced.txt"].skip_reason == "binary file"
    assert got[".gitattributes"].skip_reason is None


def test_crlf_and_no_trailing_newline(repo: Path) -> None:
    write(repo, "crlf.py", "a = 1\r\nb = 2\r\nc = 3\r\n")
    write(repo, "tail.py", "x\ny")
    commit_all(repo, "more")
    write(repo, "crlf.py", "a = 1\r\nb = 20\r\nc = 3\r\n")
    write(repo, "tail.py", "x\ny\nz")
    stage_all(repo)
    got = by_path(staged(repo, MAX)[1])
    crlf = got["crlf.py"]
    assert crlf.new_text == "a = 1\r\nb = 20\r\nc = 3\r\n"
    assert crlf.removed_lines == {2} and crlf.added_lines == {2}
    assert crlf.new_text.split("\n")[1] == "b = 20\r"
    tail = got["tail.py"]
    assert (tail.old_text, tail.new_text) == ("x\ny", "x\ny\nz")
    assert tail.removed_lines == {2} and tail.added_lines == {2, 3}


def test_form_feed_does_not_shift_numbers(repo: Path) -> None:
    write(repo, "ff.py", "a\x0cb\nc\u2028d\ne\n")
    commit_all(repo, "ff")
    write(repo, "ff.py", "a\x0cb\nc\u2028d\nE\n")
    stage_all(repo)
    change = by_path(staged(repo, MAX)[1])["ff.py"]
    assert change.added_lines == {3} and change.new_text is not None
    assert change.new_text.split("\n")[2] == "E"


def test_unusual_paths(repo: Path) -> None:
    names = ["déjà vu.py", "tab\there.py", 'quo"te.py', "back\\slash.py", "sp ace/x y.py"]
    for name in names:
        write(repo, name, f"# {name}\n")
    stage_all(repo)
    got = by_path(staged(repo, MAX)[1])
    assert set(got) == {*names}
    for name in names:
        assert got[name].new_text == f"# {name}\n"


def test_symlink_and_submodule(repo: Path, tmp_path: Path) -> None:
    other = init_repo(tmp_path / "other")
    write(other, "lib.py", "x = 1\n")
    commit_all(other)
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(other), "vendored")
    os.symlink("keep.py", repo / "link.py")
    stage_all(repo)
    got = by_path(staged(repo, MAX)[1])
    assert got["vendored"].skip_reason == "submodule" and got["vendored"].status == ADDED
    assert got["link.py"].skip_reason == "symlink" and got["link.py"].new_text is None
    assert got[".gitmodules"].skip_reason is None
    assert find_repo_root(repo / "vendored") == (repo / "vendored").resolve()  # a ".git" file


def test_no_op_path_does_not_import_gitpython(repo: Path) -> None:
    code = (
        "import sys, pathlib\n"
        "from ariadne_hook.source import find_repo_root\n"
        f"assert find_repo_root(pathlib.Path({str(repo)!r})) is not None\n"
        "assert 'git' not in sys.modules, 'GitPython imported'\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr


def test_range_two_and_three_dots(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "keep.py", BODY + "feature\n")
    feature = commit_all(repo, "feature")
    git(repo, "checkout", "-q", "main")
    write(repo, "other.py", "main only\n")
    main = commit_all(repo, "main moves on")

    info, changes = revision_range(repo, "main...feature", MAX)
    assert (info.kind, info.base, info.head) == ("range", base, feature)
    assert info.label == f"{main[:7]}...{feature[:7]}"
    assert [c.path for c in changes] == ["keep.py"]
    assert changes[0].added_lines == {21} and changes[0].old_text == BODY

    info, changes = revision_range(repo, "main..feature", MAX)
    assert (info.base, info.head, info.label) == (main, feature, f"{main[:7]}..{feature[:7]}")
    assert {c.path: c.status for c in changes} == {"keep.py": MODIFIED, "other.py": DELETED}

    info, changes = revision_range(repo, base, MAX)  # a lone revision means REV..HEAD
    assert (info.base, info.head) == (base, main)
    assert [c.path for c in changes] == ["other.py"]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("nope..HEAD", "unknown base revision 'nope'"),
        ("HEAD...nope", "unknown head revision 'nope'"),
        ("-x..HEAD", "invalid revision range '-x..HEAD'"),
        ("  ", "empty revision range"),
    ],
)
def test_range_bad_revision(repo: Path, spec: str, expected: str) -> None:
    with pytest.raises(SourceError) as info:
        revision_range(repo, spec, MAX)
    message = str(info.value)
    assert expected in message and "\n" not in message and "fetch-depth" not in message


def test_range_in_shallow_clone_names_fetch_depth(repo: Path, tmp_path: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    write(repo, "keep.py", BODY + "more\n")
    commit_all(repo, "second")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    with pytest.raises(SourceError, match="fetch-depth") as info:
        revision_range(clone, f"{first}..HEAD", MAX)
    assert first in str(info.value) and "shallow" in str(info.value)


def _diverged(repo: Path) -> tuple[str, str]:
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "keep.py", BODY + "feature\n")
    feature = commit_all(repo, "feature")
    git(repo, "checkout", "-q", "main")
    write(repo, "other.py", "main\n")
    return commit_all(repo, "main"), feature


def test_merge_base_missing_in_shallow_clone(repo: Path, tmp_path: Path) -> None:
    _diverged(repo)
    clone = tmp_path / "shallow2"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{repo}", str(clone))
    with pytest.raises(SourceError, match=r"no merge base .*\(shallow\?\).*fetch-depth: 0"):
        revision_range(clone, "origin/main...origin/feature", MAX)


def test_unrelated_histories(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "alone")
    write(repo, "alone.py", "x\n")
    commit_all(repo, "alone")
    with pytest.raises(SourceError, match="no common history"):
        revision_range(repo, "main...alone", MAX)
    assert revision_range(repo, "main..alone", MAX)[1]  # two dots need no merge base


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(SourceError, match="not a git repository"):
        staged(tmp_path / "plain", MAX)


def test_find_repo_root(repo: Path, tmp_path: Path) -> None:
    (repo / "deep" / "er").mkdir(parents=True)
    assert find_repo_root(repo / "deep" / "er") == repo.resolve()
    assert find_repo_root(repo) == repo.resolve()
    (tmp_path / "outside").mkdir()
    assert find_repo_root(tmp_path / "outside") is None


def _git_text(repo: Path, *args: str, quotepath: str = "false") -> str:
    """git's output as the CLI would read it: bytes decoded, no newline translation (CRLF survives)."""
    command = ["git", "-c", f"core.quotepath={quotepath}", *args]
    proc = subprocess.run(command, cwd=repo, capture_output=True, check=True)
    return proc.stdout.decode("utf-8", "surrogateescape")


def test_patch_from_git_diff_reads_whole_files(repo: Path) -> None:
    write(repo, "keep.py", BODY.replace("line 10\n", "line ten\n"))
    write(repo, "fresh.py", "a\nb\n")
    git(repo, "add", "-N", "fresh.py")
    (repo / "gone.py").unlink()
    text = _git_text(repo, "diff")
    info, changes = from_patch_text(text, repo, MAX)
    assert (info.kind, info.label, info.base) == ("patch", "patch from stdin", None)
    got = by_path(changes)
    keep = got["keep.py"]
    assert keep.old_text == BODY and keep.new_text == BODY.replace("line 10\n", "line ten\n")
    assert keep.added_lines == {10} and keep.removed_lines == {10}
    assert got["fresh.py"].new_text == "a\nb\n" and got["fresh.py"].status == ADDED
    assert got["gone.py"].old_text == "def gone():\n    return 1\n" and got["gone.py"].status == DELETED


def test_patch_uses_old_blob_when_worktree_moved_on(repo: Path) -> None:
    write(repo, "keep.py", BODY.replace("line 10\n", "line ten\n"))
    text = _git_text(repo, "diff")
    write(repo, "keep.py", "something else entirely\n")  # worktree no longer matches the patch
    [change] = from_patch_text(text, repo, MAX, label="patch fix.diff")[1]
    assert change.old_text == BODY and change.new_text == BODY.replace("line 10\n", "line ten\n")


def test_patch_hunks_only_when_nothing_matches(tmp_path: Path) -> None:
    text = "--- a/x.py\n+++ b/x.py\n@@ -3,2 +3,2 @@\n c\n-d\n+D\n"
    [change] = from_patch_text(text, None, MAX)[1]
    assert (change.old_text, change.new_text, change.skip_reason) == (None, None, None)
    assert change.added_lines == {4} and change.removed_lines == {4} and len(change.hunks) == 1


def test_plain_diff_u_against_worktree(repo: Path) -> None:
    new = BODY.replace("line 3\n", "line three\n")
    (repo / "keep.py.orig").write_text(BODY)
    write(repo, "keep.py", new)
    proc = subprocess.run(
        ["diff", "-u", "keep.py.orig", "keep.py"], cwd=repo, capture_output=True, text=True, check=False
    )
    [change] = from_patch_text(proc.stdout, repo, MAX, label="patch x.diff")[1]
    assert (change.path, change.status, change.old_path) == ("keep.py", MODIFIED, None)
    assert change.old_text == BODY and change.new_text == new


def test_diff_ruN_outside_repo(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "m.py").write_text("x = 1\ny = 2\n")
    (tmp_path / "b" / "m.py").write_text("x = 1\ny = 3\n")
    (tmp_path / "b" / "n.py").write_text("new\n")
    proc = subprocess.run(
        ["diff", "-ruN", "a", "b"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    got = by_path(from_patch_text(proc.stdout, None, MAX)[1])
    assert (got["m.py"].status, got["m.py"].new_text) == (MODIFIED, None)
    assert got["m.py"].added_lines == {2}
    assert (got["n.py"].status, got["n.py"].new_text) == (ADDED, "new\n")


def test_patch_with_mail_header(repo: Path) -> None:
    write(repo, "keep.py", BODY + "tail\n")
    commit_all(repo, "add tail")
    text = _git_text(repo, "format-patch", "-1", "--stdout")
    assert text.startswith("From ")
    [change] = from_patch_text(text, repo, MAX)[1]
    assert change.old_text == BODY and change.new_text == BODY + "tail\n"
    shown = _git_text(repo, "show", "HEAD")
    [again] = from_patch_text(shown, repo, MAX)[1]
    assert again.added_lines == {21} and again.new_text == BODY + "tail\n"


def test_patch_with_unusual_path_and_crlf(repo: Path) -> None:
    write(repo, "déjà vu.py", "a\r\nb\r\n")
    commit_all(repo, "crlf")
    write(repo, "déjà vu.py", "a\r\nB\r\n")
    text = _git_text(repo, "diff", quotepath="true")
    assert '"a/d\\303\\251j\\303\\240 vu.py"' in text
    [change] = from_patch_text(text, repo, MAX)[1]
    assert change.path == "déjà vu.py" and change.new_text == "a\r\nB\r\n" and change.old_text == "a\r\nb\r\n"


def test_patch_binary_and_non_utf8(repo: Path) -> None:
    write(repo, "blob.bin", b"\x00\xff")
    write(repo, "latin.py", "caf\xe9\n".encode("latin-1"))
    stage_all(repo)
    got = by_path(from_patch_text(_git_text(repo, "diff", "--cached"), repo, MAX)[1])
    assert got["blob.bin"].skip_reason == "binary file"
    assert got["latin.py"].skip_reason == "not UTF-8 text" and got["latin.py"].hunks == ()


def test_patch_path_outside_root_is_not_read(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("s1\ns2\n")
    for path in ("../secret.txt", str(tmp_path / "secret.txt")):
        text = f"--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-s0\n+s1\n"
        [change] = from_patch_text(text, repo, MAX)[1]
        assert change.new_text is None and change.old_text is None and change.added_lines == {1}


@pytest.mark.parametrize("label", ["patch from stdin", "patch changes.diff"])
def test_malformed_patch_message(label: str) -> None:
    where = "stdin" if label.endswith("stdin") else "changes.diff"
    with pytest.raises(SourceError, match=f"^{where} is not a unified diff: ") as info:
        from_patch_text("this is\nnot a diff\n", None, MAX, label=label)
    assert "\n" not in str(info.value)


def test_empty_patch() -> None:
    info, changes = from_patch_text("", None, MAX)
    assert changes == [] and info.kind == "patch"
