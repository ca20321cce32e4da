"""Scale benchmark: 5,000 changed functions with the offline summarizer.

    python benchmarks/bench_scale.py [--repeats 3]

A scratch repository of 400 generated Python modules: 250 with all 16 functions/methods edited, 150 with 7
(5,050 changed functions). It times the whole offline run (markdown and JSON, interleaved, after a warm-up),
then checks that the review stays usable:

- markdown: every file section with more than 15 entries is folded into ``<details>``, the others are not;
- PR comment: the same change, committed, is published with ``--pr-comment`` to a loopback GitHub server
  (tests/github_server.py, 127.0.0.1 only); the comment must fit GitHub's 65,536-character limit and end
  with the trim note.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, SCRIPT, build_python_repo, child_env, git, interleaved, machine, table

sys.path.insert(0, str(ROOT))
from ariadne_hook.publish.github import MARKER, MAX_COMMENT_CHARS, TRIM_NOTE  # noqa: E402
from ariadne_hook.render.markdown import COLLAPSE_OVER  # noqa: E402
from tests.github_server import GitHubServer  # noqa: E402

FILES, BIG, FULL, SOME = 400, 250, 16, 7  # the first BIG files get FULL edits, the others SOME
TOKEN = "ghs_benchTOKEN"
OWNER_REPO = ("octo", "app")


def edits(index: int) -> int:
    return FULL if index < BIG else SOME


def check_markdown(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    folded = re.findall(r"<details><summary>(.*?) — (\d+) entries</summary>", text)
    open_sections = re.findall(r"^### ", text, flags=re.M)
    wrong = [name for name, count in folded if int(count) <= COLLAPSE_OVER]
    return [
        f"markdown: {len(text):,} chars, {text.count(chr(10)):,} lines",
        f"  {len(folded)} file sections folded into <details> (more than {COLLAPSE_OVER} entries each), "
        f"{len(open_sections)} left open; folded with {COLLAPSE_OVER} or fewer: {len(wrong)}",
    ]


def pr_comment(repo: Path, tmp: Path) -> list[str]:
    """Commit the change, publish it as a PR comment to the loopback server, and describe the comment."""
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "commit", "-q", "-m", "edit 5,050 functions")
    head = git(repo, "rev-parse", "HEAD").strip()
    event = tmp / "event.json"
    pull = {"number": 7, "base": {"sha": base}, "head": {"sha": head}}
    event.write_text(json.dumps({"action": "synchronize", "number": 7, "pull_request": pull}))
    with GitHubServer() as gh:
        gh.add_token(TOKEN, "github-actions[bot]", kind="Bot", read_user=False)
        gh.add_pull(OWNER_REPO, 7)
        env = child_env(
            {
                "GITHUB_API_URL": gh.api_url,
                "GITHUB_TOKEN": TOKEN,
                "GITHUB_REPOSITORY": "/".join(OWNER_REPO),
                "GITHUB_EVENT_PATH": str(event),
            }
        )
        proc = subprocess.run(
            [SCRIPT, "--provider", "offline", "--pr-comment", "-o", str(tmp / "pr.md")],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        bodies = [str(c["body"]) for c in gh.comments(OWNER_REPO, 7) if str(c["body"]).startswith(MARKER)]
    full = (tmp / "pr.md").read_text(encoding="utf-8")
    body = bodies[-1] if bodies else ""
    note = TRIM_NOTE.strip()
    return [
        f"PR comment ({proc.stderr.strip().splitlines()[-1]})",
        f"  full review {len(full):,} chars; comment {len(body):,} chars "
        f"(GitHub's limit {MAX_COMMENT_CHARS:,}): {'fits' if 0 < len(body) <= MAX_COMMENT_CHARS else 'NO'}",
        f"  ends with the trim note: {'yes' if body.rstrip().endswith(note) else 'NO'}",
        f"  last line: {body.rstrip().splitlines()[-1] if body else '(no comment)'}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="ariadne-scale-") as name:
        tmp = Path(name)
        repo = build_python_repo(tmp / "repo", FILES, edits)
        expected = sum(edits(i) for i in range(FILES))
        md, js = tmp / "review.md", tmp / "review.json"
        offline = [SCRIPT, "--provider", "offline", "--no-cache"]
        commands = {
            "offline, markdown": [*offline, "-o", str(md)],
            "offline, JSON": [*offline, "--format", "json", "-o", str(js)],
        }
        timings = interleaved(commands, repo, child_env(), args.repeats)
        rows = [["run (whole process)", "median", "best"]]
        rows += [[t.name, f"{t.median:.2f} s", f"{t.best:.2f} s"] for t in timings.values()]
        stats = json.loads(js.read_text())["stats"]
        print(f"{FILES} files, {expected:,} functions edited; the tool reports {stats['functions']:,}")
        print(f"{args.repeats} interleaved rounds after one warm-up\n{table(rows)}")
        print("\n".join(check_markdown(md)))
        print("\n".join(pr_comment(repo, tmp)))
    print(f"load after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
