"""Check the locate stage against real history that no one here wrote.

Usage: python benchmarks/verify_history.py ARCHIVE [ARCHIVE ...]

Each archive (an sdist .tar.gz or a wheel .whl of successive releases of one package, e.g. from
``pip download --no-deps``) is unpacked and committed as one revision of a scratch repository. For every
pair of consecutive revisions it compares the tool's JSON (``--range A..B --provider offline --format json``)
with an independent finder that shares none of the tool's code: tree-sitter-python for the function spans
and its own parse of ``git diff -U0`` for the changed lines, with the same rules (innermost function,
added/modified/deleted by name on each side). It prints, per pair, the functions checked, the misses and
the false finds, and lists every disagreement so that a person can read them against ``git show``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import tree_sitter
import tree_sitter_python

PY = tree_sitter.Language(tree_sitter_python.language())
SEVERAL = "several definitions"
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def unpack(archive: Path, into: Path) -> None:
    """The archive's files, without its top folder, as the whole work tree."""
    tmp = Path(tempfile.mkdtemp())
    if archive.name.endswith(".whl") or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as z:
            z.extractall(tmp)
    else:
        with tarfile.open(archive) as t:
            t.extractall(tmp, filter="data")
    entries = [p for p in tmp.iterdir()]
    top = entries[0] if len(entries) == 1 and entries[0].is_dir() else tmp
    for child in into.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    for child in top.iterdir():
        if child.name.endswith(".dist-info"):
            continue
        target = into / child.name
        shutil.copytree(child, target) if child.is_dir() else shutil.copy2(child, target)
    shutil.rmtree(tmp)


def spans(text: str) -> dict[str, list[tuple[int, int]]] | None:
    """qualname -> [(start, end)] from tree-sitter; None if the tree has errors."""
    tree = tree_sitter.Parser(PY).parse(text.encode())
    if tree.root_node.has_error:
        return None
    out: dict[str, list[tuple[int, int]]] = {}

    def walk(node: tree_sitter.Node, prefix: list[str]) -> None:
        for child in node.children:
            target = (
                child.child_by_field_name("definition") if child.type == "decorated_definition" else child
            )
            if target is not None and target.type in ("function_definition", "class_definition"):
                name_node = target.child_by_field_name("name")
                assert name_node is not None and name_node.text is not None
                name = name_node.text.decode()
                qual = prefix + [name]
                if target.type == "function_definition":
                    out.setdefault(".".join(qual), []).append(
                        (child.start_point[0] + 1, child.end_point[0] + 1)
                    )
                walk(target, qual)
            else:
                walk(child, prefix)

    walk(tree.root_node, [])
    return out


def innermost(line: int, found: dict[str, list[tuple[int, int]]]) -> str | None:
    best: tuple[int, str] | None = None
    for name, ranges in found.items():
        for start, end in ranges:
            if start <= line <= end and (best is None or end - start < best[0]):
                best = (end - start, name)
    return best[1] if best else None


def changed_lines(repo: Path, a: str, b: str, old: str, new: str) -> tuple[set[int], set[int]]:
    diff = git(repo, "diff", "-U0", "--no-color", "--no-ext-diff", "-M", a, b, "--", old, new)
    removed: set[int] = set()
    added: set[int] = set()
    for line in diff.splitlines():
        m = HUNK.match(line)
        if m:
            o, oc, n, nc = int(m[1]), int(m[2] or 1), int(m[3]), int(m[4] or 1)
            removed.update(range(o, o + oc))
            added.update(range(n, n + nc))
    return removed, added


def independent(repo: Path, a: str, b: str) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for row in git(repo, "diff", "--name-status", "-M", "--no-color", a, b).splitlines():
        parts = row.split("\t")
        status, old, new = parts[0], parts[1], parts[-1]
        if not new.endswith(".py") and not old.endswith(".py"):
            continue
        old_text = "" if status == "A" else git(repo, "show", f"{a}:{old}")
        new_text = "" if status == "D" else git(repo, "show", f"{b}:{new}")
        old_spans, new_spans = spans(old_text), spans(new_text)
        if old_spans is None or new_spans is None:
            continue  # the tool gives hunk entries there; not compared
        removed, added = changed_lines(repo, a, b, old, new)
        names = {innermost(n, old_spans) for n in removed} | {innermost(n, new_spans) for n in added}
        path = old if status == "D" else new
        for name in names - {None}:
            assert name is not None
            change = "added" if name not in old_spans else "deleted" if name not in new_spans else "modified"
            if len(old_spans.get(name, ())) > 1 or len(new_spans.get(name, ())) > 1:
                change = SEVERAL  # overloads, conditional definitions: compared by name only
            found.add((path, name, change))
    return found


def tool(repo: Path, a: str, b: str) -> set[tuple[str, str, str]]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ariadne_hook",
            "--range",
            f"{a}..{b}",
            "--provider",
            "offline",
            "--format",
            "json",
            "--output",
            "-",
        ],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(proc.stdout)
    return {  # a name defined twice in a file is "name#n" in the report; compared by name (see SEVERAL)
        (f["path"], re.sub(r"#\d+$", "", f["qualname"]), f["change"])
        for f in data["functions"]
        if f["kind"] in ("function", "method") and f["path"].endswith(".py")
    }


def main(archives: list[str]) -> int:
    repo = Path(tempfile.mkdtemp(prefix="ariadne-history-"))
    git(repo, "init", "-q")
    revs = []
    for archive in archives:
        unpack(Path(archive), repo)
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=v", "-c", "user.email=v@v", "commit", "-q", "--allow-empty", "-m", archive)
        revs.append(git(repo, "rev-parse", "HEAD").strip())
    total_checked = total_missed = total_false = 0
    for i in range(len(revs) - 1):
        a, b, na, nb = revs[i], revs[i + 1], archives[i], archives[i + 1]
        expected = independent(repo, a, b)
        several = {(path, name) for path, name, change in expected if change == SEVERAL}
        got = {(p, n, SEVERAL if (p, n) in several else c) for p, n, c in tool(repo, a, b)}
        missed, false = sorted(expected - got), sorted(got - expected)
        print(
            f"{Path(na).name} -> {Path(nb).name}: {len(expected)} functions checked, "
            f"{len(missed)} missed, {len(false)} false finds"
        )
        for item in missed:
            print("  missed:", item)
        for item in false:
            print("  false: ", item)
        total_checked += len(expected)
        total_missed += len(missed)
        total_false += len(false)
    print(f"TOTAL: {total_checked} checked, {total_missed} missed, {total_false} false finds (repo: {repo})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
