"""Issue 16 cases 1-3: one place decides where the review is written. The repository may only name a file
inside ``.ariadne/``; a path elsewhere is the user's alone, and even the user's never lands in the git
directory, on a file git tracks, on a special file or through a symbolic link into those. Real git repos,
the real CLI, run from other folders, subfolders and linked worktrees."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.gitutil import commit_all, git, init_repo, stage_all, write
from tests.runner import clean_env, run_main

OLD = "def area(w, h):\n    return w * h\n"
NEW = "def area(w, h):\n    return abs(w * h)\n"
HOOK = "#!/bin/sh\necho user hook\n"


def hostile(tmp_path: Path, table: str = "") -> Path:
    """A cloned repository with a change staged, a user's own pre-commit hook and ``[tool.ariadne]``."""
    repo = init_repo(tmp_path / "src" / "evil")
    write(repo, "geometry.py", OLD)
    write(repo, "pyproject.toml", f'[project]\nname = "x"\n\n[tool.ariadne]\n{table}')
    commit_all(repo)
    write(repo, "geometry.py", NEW)
    stage_all(repo)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(HOOK)
    hook.chmod(0o755)
    return repo


def untouched_git_dir(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    assert hook.read_text() == HOOK and stat.S_IMODE(hook.stat().st_mode) == 0o755
    assert "[core]" in (repo / ".git" / "config").read_text()
    assert git(repo, "config", "user.name").strip() == "Test"


def review_names(repo: Path) -> list[str]:
    folder = repo / ".ariadne"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def hook_run(cwd: Path, capsys: Any, *argv: str, **env: str) -> tuple[int, str]:
    code, _, err = run_main(list(argv), cwd, clean_env(PRE_COMMIT="1", HOME=str(cwd), **env), capsys)
    return code, err


@pytest.mark.parametrize("where", ["other folder with --repo", "subfolder", "linked worktree"])
@pytest.mark.parametrize("output", ["notes.md", ".bashrc", ".ariadne/notes.md"])
def test_a_repository_output_lands_in_its_ariadne_folder_from_any_folder(
    tmp_path: Path, capsys: Any, where: str, output: str
) -> None:
    """Case 1: checked against the root, written relative to the current folder (``~/.bashrc``) — no more:
    the one resolved path is the one written."""
    repo = hostile(tmp_path, f'output = "{output}"\n')
    home = tmp_path / "home"
    home.mkdir()
    argv: list[str] = []
    if where == "other folder with --repo":
        cwd, root = home, repo
        argv = ["--repo", str(repo.relative_to(tmp_path)).replace("src", "../src", 1)]
    elif where == "subfolder":
        root = repo
        cwd = repo / "pkg"
        cwd.mkdir()
    else:
        root = tmp_path / "wt"
        git(repo, "worktree", "add", "-q", str(root))
        write(root, "geometry.py", NEW)
        stage_all(root)
        cwd = root
    code, err = hook_run(cwd, capsys, *argv)
    assert code == 0, err
    assert sorted(p.name for p in home.iterdir()) == []
    assert not (cwd / output).exists() or cwd == root and output.startswith(".ariadne/")
    name = output.removeprefix(".ariadne/")
    if name.startswith("."):  # a hidden name is no review name: the default, with one warning line
        assert review_names(root) == [".gitignore", "review.md"]
        assert f"[tool.ariadne] output = '{output}' ignored" in err
    else:
        assert review_names(root) == [".gitignore", name]
        assert "warning" not in err


@pytest.mark.parametrize(
    "output", [".git/hooks/pre-commit", ".git/config", ".git/HEAD", "docs/../.git/hooks/pre-commit", "a.py"]
)
def test_a_repository_can_only_name_a_file_inside_ariadne(tmp_path: Path, capsys: Any, output: str) -> None:
    """Cases 2 and 3: ``output = ".git/hooks/pre-commit"`` replaced the user's hook with a 0644 file (every
    other hook silently off); ``.git/config`` was corrupted; ``a.py`` overwrote a tracked file and the
    user's unstaged edits."""
    repo = hostile(tmp_path, f'output = "{output}"\n')
    write(repo, "a.py", "A = 1\n")
    commit_all(repo, "a")
    write(repo, "a.py", "A = 2  # unstaged edit\n")
    write(repo, "geometry.py", OLD + "\n")
    git(repo, "add", "geometry.py")
    code, err = hook_run(repo, capsys)
    assert code == 0, err
    untouched_git_dir(repo)
    assert (repo / "a.py").read_text() == "A = 2  # unstaged edit\n"
    assert git(repo, "show", "HEAD:a.py") == "A = 1\n"
    if output == "a.py":  # a bare name is a name inside .ariadne
        assert review_names(repo) == [".gitignore", "a.py"]
    else:
        assert review_names(repo) == [".gitignore", "review.md"]
        [warning] = [line for line in err.splitlines() if "warning" in line]
        assert warning.endswith("ignored: a repository can only name a file inside .ariadne/")


@pytest.mark.parametrize(
    "output", [".git/hooks/pre-commit", ".git/config", "a.py", "hooks/pre-commit", "sub/../a.py"]
)
def test_the_users_own_path_is_never_the_git_dir_or_a_tracked_file(
    tmp_path: Path, capsys: Any, output: str
) -> None:
    """The user may choose a path elsewhere (flag, environment, own config), but never into the git
    directory (also through a symlinked folder) or over a tracked file: by hand exit 2, nothing written; in
    a hook one warning line and the review goes to the default place."""
    repo = hostile(tmp_path)
    (repo / "hooks").symlink_to(repo / ".git" / "hooks")  # an uncommitted symlink into the git dir
    (repo / "sub").mkdir()
    write(repo, "a.py", "A = 1\n")
    commit_all(repo, "a")
    write(repo, "a.py", "A = 2  # unstaged edit\n")
    write(repo, "geometry.py", OLD + "\n")
    git(repo, "add", "geometry.py")
    code, _, err = run_main(["-o", output], repo, clean_env(HOME=str(tmp_path)), capsys)
    assert code == 2 and err.startswith("ariadne-hook: error: --output "), err
    assert review_names(repo) == []
    code, err = hook_run(repo, capsys, "-o", output)
    assert code == 0 and "warning: --output " in err, err
    assert review_names(repo) == [".gitignore", "review.md"]
    untouched_git_dir(repo)
    assert (repo / "a.py").read_text() == "A = 2  # unstaged edit\n"
    code, err = hook_run(repo, capsys, ARIADNE_OUTPUT=output)
    assert code == 0 and "warning: ARIADNE_OUTPUT=" in err, err
    untouched_git_dir(repo)


def test_the_users_own_path_elsewhere_is_written_where_they_said(tmp_path: Path, capsys: Any) -> None:
    """A relative --output is the user's: relative to the folder they ran in, also with --repo."""
    repo = hostile(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    code, _, err = run_main(
        ["--repo", str(repo), "-o", "reviews/today.md", "--format", "json"], home, clean_env(), capsys
    )
    assert code == 0, err
    assert json.loads((home / "reviews" / "today.md").read_text())["functions"]
    assert review_names(repo) == []


@pytest.mark.parametrize("kind", ["committed", "uncommitted"])
@pytest.mark.parametrize("into", [".git/hooks", "outside"])
def test_an_ariadne_symlink_is_never_written_through(
    tmp_path: Path, capsys: Any, kind: str, into: str
) -> None:
    repo = hostile(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / ".ariadne").symlink_to(
        ".git/hooks" if into == ".git/hooks" else outside, target_is_directory=True
    )
    if kind == "committed":
        commit_all(repo)
        write(repo, "geometry.py", NEW + "\n")
        stage_all(repo)
    code, err = hook_run(repo, capsys, "--format", "json")
    assert code == 0 and "is a symlink" in err, err
    # the user's own path through it: lexically inside the repository, resolved elsewhere
    code, err = hook_run(repo, capsys, "-o", ".ariadne/mine.md")
    why = (
        "inside a git directory" if into == ".git/hooks" else "leads out of the repository through a symlink"
    )
    assert code == 0 and why in err, err
    hooks = [p.name for p in (repo / ".git" / "hooks").iterdir() if not p.name.endswith(".sample")]
    assert hooks == ["pre-commit"] and list(outside.iterdir()) == []
    untouched_git_dir(repo)


def test_the_users_own_path_into_ariadne_gets_its_gitignore(tmp_path: Path, capsys: Any) -> None:
    repo = hostile(tmp_path)
    (repo / "pkg").mkdir()
    code, err = hook_run(repo / "pkg", capsys, "-o", "../.ariadne/x.md")
    assert code == 0 and "warning" not in err, err
    assert review_names(repo) == [".gitignore", "x.md"]
    assert ".ariadne" not in git(repo, "status", "--porcelain", "--untracked-files=all")


def test_a_committed_review_file_is_never_overwritten(tmp_path: Path, capsys: Any) -> None:
    """``.ariadne/review.md`` committed by the repository (a file or a symlink into ``.git``) is tracked:
    the tool never writes over it, and says so."""
    repo = hostile(tmp_path)
    write(repo, ".ariadne/review.md", "committed review\n")
    (repo / ".ariadne" / "review.json").symlink_to("../.git/hooks/pre-commit")
    commit_all(repo)
    write(repo, ".ariadne/review.md", "committed review, edited\n")
    write(repo, "geometry.py", OLD + "\n")
    git(repo, "add", "geometry.py")
    for fmt, why in (("markdown", "is tracked by git"), ("json", "not a regular file (a symbolic link)")):
        code, err = hook_run(repo, capsys, "--format", fmt)
        assert code == 0 and why in err, err
    assert (repo / ".ariadne" / "review.md").read_text() == "committed review, edited\n"
    assert os.readlink(repo / ".ariadne" / "review.json") == "../.git/hooks/pre-commit"
    untouched_git_dir(repo)
    code, err = hook_run(repo, capsys, "--strict")
    assert code == 1, err


def test_special_files_are_never_written(tmp_path: Path, capsys: Any) -> None:
    """A FIFO or a symlink where the review would go is left as it is (never a system path in this test:
    the code before the fix, run as root, would replace it)."""
    repo = hostile(tmp_path)
    (repo / ".ariadne").mkdir()
    os.mkfifo(repo / ".ariadne" / "review.md")
    code, err = hook_run(repo, capsys)
    assert code == 0 and "not a regular file (a FIFO)" in err, err
    assert stat.S_ISFIFO((repo / ".ariadne" / "review.md").lstat().st_mode)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.mkfifo(elsewhere / "pipe")
    (elsewhere / "link.md").symlink_to(tmp_path / "kept.md")
    (tmp_path / "kept.md").write_text("kept\n")
    for name, kind in (("pipe", "a FIFO"), ("link.md", "a symbolic link")):
        code, _, err = run_main(["-o", str(elsewhere / name)], repo, clean_env(), capsys)
        assert code == 2 and f"not a regular file ({kind})" in err and "use - for stdout" in err, err
    assert stat.S_ISFIFO((elsewhere / "pipe").lstat().st_mode) and (elsewhere / "link.md").is_symlink()
    assert (tmp_path / "kept.md").read_text() == "kept\n"


@pytest.mark.parametrize("index", ["version 4", "split", "GIT_INDEX_FILE", "a longer path ending alike"])
def test_tracked_is_what_git_says_whatever_the_index(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch, index: str
) -> None:
    """The index is searched for the path's bytes before git is asked: a version-4 (prefix-compressed) or
    split index, and the index git names in ``GIT_INDEX_FILE`` (``git commit -a`` runs hooks with one), are
    still seen as git sees them; a tracked ``x/.ariadne/review.md`` does not make ours tracked."""
    repo = hostile(tmp_path)
    tracked = "x/.ariadne/review.md" if index.startswith("a longer") else ".ariadne/review.md"
    write(repo, tracked, "committed review\n")
    if index == "GIT_INDEX_FILE":
        alternate = tmp_path / "next-index"
        (tmp_path / "next-index").write_bytes((repo / ".git" / "index").read_bytes())
        monkeypatch.setenv("GIT_INDEX_FILE", str(alternate))
        git(repo, "add", tracked)  # into the alternate index only
        assert tracked.encode() not in (repo / ".git" / "index").read_bytes()
    else:
        git(repo, "add", tracked)
    if index == "version 4":  # paths shortened against the previous entry: ".ariadne/" is not repeated
        write(repo, ".ariadne/a.md", "a\n")
        git(repo, "add", ".ariadne/a.md")
        git(repo, "update-index", "--index-version", "4")
        assert b".ariadne/review.md" not in (repo / ".git" / "index").read_bytes()
    elif index == "split":
        git(repo, "update-index", "--split-index")
        assert any(p.name.startswith("sharedindex.") for p in (repo / ".git").iterdir())
    code, err = hook_run(repo, capsys)  # (the environment, GIT_INDEX_FILE included, is this process's)
    assert code == 0, err
    if index.startswith("a longer"):
        assert "warning" not in err and (repo / ".ariadne" / "review.md").read_text().startswith("## ariadne")
    else:
        assert "is tracked by git" in err, err
        assert (repo / tracked).read_text() == "committed review\n"
