"""The pure unified-diff parser and the hunk application helpers."""

from __future__ import annotations

import difflib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ariadne_hook.models import ADDED, COPIED, DELETED, MODIFIED, RENAMED
from ariadne_hook.source.patch import (
    PatchError,
    apply_hunks,
    line_sets,
    parse_patch,
    reverse_hunks,
    split_git_header,
    unquote_path,
)

SHA_A = "1" * 40
SHA_B = "2" * 40

GIT_MODIFY = f"""diff --git a/pkg/mod.py b/pkg/mod.py
index {SHA_A}..{SHA_B} 100644
--- a/pkg/mod.py
+++ b/pkg/mod.py
@@ -1,3 +1,4 @@ def f():
 a
-b
+B
+C
 c
"""


def test_git_modify() -> None:
    [pf] = parse_patch(GIT_MODIFY)
    assert (pf.old_path, pf.new_path, pf.status) == ("pkg/mod.py", "pkg/mod.py", MODIFIED)
    assert (pf.old_blob, pf.new_blob, pf.old_mode, pf.new_mode) == (SHA_A, SHA_B, "100644", "100644")
    [hunk] = pf.hunks
    assert (hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count) == (1, 3, 1, 4)
    assert hunk.header == "def f():"
    assert hunk.lines == (" a", "-b", "+B", "+C", " c")
    assert line_sets(pf.hunks) == (frozenset({2}), frozenset({2, 3}))


def test_added_deleted_and_zero_blob() -> None:
    text = (
        "diff --git a/new.py b/new.py\nnew file mode 100644\n"
        f"index 0000000000000000000000000000000000000000..{SHA_B}\n"
        "--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,2 @@\n+x\n+y\n"
        "diff --git a/old.py b/old.py\ndeleted file mode 100755\n"
        f"index {SHA_A}..0000000000000000000000000000000000000000\n"
        "--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n"
    )
    added, deleted = parse_patch(text)
    assert (added.old_path, added.new_path, added.status, added.old_blob, added.new_blob) == (
        None,
        "new.py",
        ADDED,
        None,
        SHA_B,
    )
    assert added.new_mode == "100644"
    assert (deleted.old_path, deleted.new_path, deleted.status, deleted.path) == (
        "old.py",
        None,
        DELETED,
        "old.py",
    )
    assert deleted.old_mode == "100755"
    assert deleted.hunks[0].old_count == 1 and deleted.hunks[0].new_count == 0


def test_rename_copy_mode_and_binary() -> None:
    text = (
        "diff --git a/a b.py b/c d.py\nsimilarity index 100%\nrename from a b.py\nrename to c d.py\n"
        "diff --git a/x.py b/y.py\nsimilarity index 80%\ncopy from x.py\ncopy to y.py\n"
        f"index {SHA_A}..{SHA_B} 100644\n--- a/x.py\n+++ b/y.py\n@@ -1 +1 @@\n-1\n+2\n"
        "diff --git a/run me.sh b/run me.sh\nold mode 100644\nnew mode 100755\n"
        "diff --git a/img one.png b/img one.png\nindex 1111111..2222222 100644\n"
        "Binary files a/img one.png and b/img one.png differ\n"
    )
    rename, copy, mode, binary = parse_patch(text)
    assert (rename.old_path, rename.new_path, rename.status, rename.similarity) == (
        "a b.py",
        "c d.py",
        RENAMED,
        100,
    )
    assert rename.hunks == ()
    assert (copy.old_path, copy.new_path, copy.status, copy.similarity) == ("x.py", "y.py", COPIED, 80)
    assert len(copy.hunks) == 1
    assert (mode.old_path, mode.new_path, mode.old_mode, mode.new_mode) == (
        "run me.sh",
        "run me.sh",
        "100644",
        "100755",
    )
    assert binary.binary and binary.path == "img one.png" and binary.old_blob == "1111111"


def test_quoted_paths() -> None:
    assert unquote_path('"a\\303\\251.py"') == "aé.py"
    assert unquote_path('"tab\\there \\"q\\" back\\\\slash"') == 'tab\there "q" back\\slash'
    assert unquote_path("plain name.py") == "plain name.py"
    assert unquote_path('"bad\\377"') == "bad\udcff"  # not UTF-8: surrogate escape, like os.fsdecode
    text = (
        'diff --git "a/d\\303\\251j\\303\\240.py" "b/d\\303\\251j\\303\\240.py"\n'
        "index 1111111..2222222 100644\n"
        '--- "a/d\\303\\251j\\303\\240.py"\n+++ "b/d\\303\\251j\\303\\240.py"\n'
        "@@ -1 +1 @@\n-a\n+b\n"
    )
    [pf] = parse_patch(text)
    assert pf.old_path == pf.new_path == "déjà.py"


def test_split_git_header() -> None:
    assert split_git_header("a/x y.py b/x y.py") == ("a/x y.py", "b/x y.py")
    assert split_git_header('"a/t\\tb" "b/t\\tb"') == ("a/t\tb", "b/t\tb")
    assert split_git_header('a/x "b/\\303\\251"') == ("a/x", "b/é")


def test_no_prefix_output_keeps_paths() -> None:
    text = "diff --git src/m.py src/m.py\nindex 1111111..2222222 100644\n--- src/m.py\n+++ src/m.py\n"
    text += "@@ -1 +1 @@\n-a\n+b\n"
    [pf] = parse_patch(text)
    assert pf.new_path == "src/m.py"


def test_mnemonic_prefixes_are_stripped() -> None:
    text = "diff --git i/src/m.py w/src/m.py\nindex 1111111..2222222 100644\n--- i/src/m.py\n+++ w/src/m.py\n"
    text += "@@ -1 +1 @@\n-a\n+b\n"
    [pf] = parse_patch(text)
    assert pf.old_path == pf.new_path == "src/m.py"


def test_plain_diff_u() -> None:
    text = (
        "--- a.py\t2024-01-01 10:00:00.000000000 +0100\n"
        "+++ b.py\t2024-01-02 10:00:00.000000000 +0100\n"
        "@@ -1,2 +1,2 @@\n x\n-y\n+z\n"
    )
    [pf] = parse_patch(text)
    assert (pf.old_path, pf.new_path, pf.status) == ("a.py", "b.py", MODIFIED)
    assert pf.old_blob is None and pf.hunks[0].lines == (" x", "-y", "+z")


def test_plain_diff_ruN() -> None:
    text = (
        "Only in b: other\n"
        "diff -ruN a/src/x.py b/src/x.py\n"
        "--- a/src/x.py\t2024-01-01 10:00:00.000000000 +0000\n"
        "+++ b/src/x.py\t2024-01-02 10:00:00.000000000 +0000\n"
        "@@ -1 +1 @@\n-1\n+2\n"
        "diff -ruN a/src/new.py b/src/new.py\n"
        "--- a/src/new.py\t1970-01-01 00:00:00.000000000 +0000\n"
        "+++ b/src/new.py\t2024-01-02 10:00:00.000000000 +0000\n"
        "@@ -0,0 +1 @@\n+n\n"
        "diff -ruN a/src/gone.py b/src/gone.py\n"
        "--- a/src/gone.py\t2024-01-01 10:00:00.000000000 +0000\n"
        "+++ b/src/gone.py\t1970-01-01 00:00:00.000000000 +0000\n"
        "@@ -1 +0,0 @@\n-g\n"
    )
    modified, added, deleted = parse_patch(text)
    assert (modified.new_path, modified.status) == ("src/x.py", MODIFIED)
    assert (added.old_path, added.new_path, added.status) == (None, "src/new.py", ADDED)
    assert (deleted.old_path, deleted.new_path, deleted.status) == ("src/gone.py", None, DELETED)


def test_mail_header_and_signature() -> None:
    text = (
        "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
        "From: Test <test@example.invalid>\nSubject: [PATCH] change\n\n"
        "A message body mentioning --- and +++ and @@ in passing.\n---\n"
        " pkg/mod.py | 3 ++-\n 1 file changed\n\n" + GIT_MODIFY + "-- \n2.39.5\n\n"
    )
    [pf] = parse_patch(text)
    assert pf.new_path == "pkg/mod.py" and len(pf.hunks[0].lines) == 5


def test_crlf_lines_keep_carriage_return() -> None:
    text = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n"
    [pf] = parse_patch(text)
    assert pf.hunks[0].lines == (" a\r", "-b\r", "+c\r")
    assert apply_hunks("a\r\nb\r\n", pf.hunks) == "a\r\nc\r\n"


def test_no_newline_marker() -> None:
    text = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
    [pf] = parse_patch(text)
    assert pf.hunks[0].lines[-2] == "\\ No newline at end of file"
    assert line_sets(pf.hunks) == (frozenset({2}), frozenset({2}))
    assert apply_hunks("a\nb", pf.hunks) == "a\nb\n"
    assert apply_hunks("a\nb\n", reverse_hunks(pf.hunks)) == "a\nb"


@pytest.mark.parametrize("text", ["", "\n", "  \n"])
def test_empty_patch(text: str) -> None:
    assert parse_patch(text) == []


def test_git_show_of_empty_commit_is_empty() -> None:
    assert parse_patch("commit 0123456789abcdef0123456789abcdef01234567\nAuthor: T\n\n    empty\n") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello world\nthis is not a diff\n", "no file header"),
        ("@@ -1 +1 @@\n-a\n+b\n", "hunk without a ---/+++ file header"),
        ("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n", "ends before its line counts"),
        ("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n+d\n", "outside any hunk"),
        ("--- a/x\n+++ b/x\n@@ -1,2 +1,1 @@\n a\n+c\nrandom\n", "cut short"),
        ("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n-b\n+c\n", "more lines than its header"),
        ("--- a/x\n+++ b/x\n@@ bogus @@\n", "malformed header"),
        ("diff --cc x.py\nindex 1,2..3\n", "combined"),
    ],
)
def test_malformed(text: str, message: str) -> None:
    with pytest.raises(PatchError, match=re.escape(message)) as info:
        parse_patch(text)
    assert "\n" not in str(info.value)


def test_apply_rejects_mismatch() -> None:
    [pf] = parse_patch(GIT_MODIFY)
    assert apply_hunks("a\nb\nc\n", pf.hunks) == "a\nB\nC\nc\n"
    assert apply_hunks("a\nX\nc\n", pf.hunks) is None
    assert apply_hunks("a\nB\nC\nc\n", reverse_hunks(pf.hunks)) == "a\nb\nc\n"


def test_split_lines_semantics_not_splitlines() -> None:
    # \x0c and \u2028 are not line breaks for git: numbering must follow "\n" only.
    old = "a\x0cb\nc\u2028d\ne\n"
    new = "a\x0cb\nc\u2028d\nE\n"
    diff = "\n".join(difflib.unified_diff(old.split("\n")[:-1], new.split("\n")[:-1], "a", "b", lineterm=""))
    [pf] = parse_patch(diff + "\n")
    assert line_sets(pf.hunks) == (frozenset({3}), frozenset({3}))
    assert apply_hunks(old, pf.hunks) == new


_LINE = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n"), max_size=6)
_LINES = st.lists(st.one_of(st.sampled_from(["a", "b", "", "-- x", "+ y", "@@ z"]), _LINE), max_size=25)


@settings(max_examples=100, deadline=None)
@given(old=_LINES, new=_LINES, context=st.integers(min_value=0, max_value=3))
def test_difflib_hunks_reproduce_new_text(old: list[str], new: list[str], context: int) -> None:
    diff = list(difflib.unified_diff(old, new, "a.txt", "b.txt", n=context, lineterm=""))
    files = parse_patch("\n".join(diff) + "\n")
    if old == new:
        assert files == []
        return
    [pf] = files
    removed, added = line_sets(pf.hunks)
    texts = {n: text for h in pf.hunks for tag, _, n, text in h.numbered() if tag == "+"}
    assert set(texts) == added
    kept = iter(line for number, line in enumerate(old, 1) if number not in removed)
    rebuilt = [texts[n] if n in added else next(kept) for n in range(1, len(new) + 1)]
    assert rebuilt == new
    assert next(kept, None) is None
    old_text, new_text = "".join(f"{line}\n" for line in old), "".join(f"{line}\n" for line in new)
    assert apply_hunks(old_text, pf.hunks) == new_text
    assert apply_hunks(new_text, reverse_hunks(pf.hunks)) == old_text
