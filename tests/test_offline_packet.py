"""The blind grading packet's draw (benchmarks/offline_packet.py): the release ranges it tries are real."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.gitutil import commit_all, git, init_repo, write

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from offline_packet import release_tags  # noqa: E402


def test_a_release_tagged_twice_is_one_release(tmp_path: Path) -> None:
    """avast/retry-go tags some releases twice (``v1.0.0`` and ``1.0.0``): the newest release and its second
    tag made the first range tried (``1.0.0..v1.0.0``) empty, and the draw stopped on it."""
    repo = init_repo(tmp_path / "repo")
    for version in ("1.0.0", "1.1.0", "1.2.0"):
        write(repo, "f.py", f"VERSION = {version!r}\n")
        commit_all(repo, version)
        git(repo, "tag", f"v{version}")
        git(repo, "tag", "-a", version, "-m", f"release {version}")  # annotated: its commit is peeled
    git(repo, "tag", "nightly")  # not a release
    tags = release_tags(repo)
    assert tags == ["1.0.0", "1.1.0", "1.2.0"]
    commits = {git(repo, "rev-parse", f"{tag}^{{commit}}").strip() for tag in tags}
    assert len(commits) == 3  # every range between two of them has commits in it
