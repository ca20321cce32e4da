"""Issue 18.5: what a package index and its users expect: an MIT LICENSE, the license as an SPDX expression
(PEP 639, so setuptools >= 77 builds it), project URLs, classifiers, keywords, authors, a changelog."""

from __future__ import annotations

import re
import sys
from typing import Any

from tests.runner import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def pyproject() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data


def test_the_license_is_an_spdx_expression_with_its_file() -> None:
    project = pyproject()["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 ariadne-hook\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    # PEP 639: a license expression excludes license classifiers
    assert not any(c.startswith("License ::") for c in project["classifiers"])


def test_the_build_backend_supports_pep_639() -> None:
    requires = pyproject()["build-system"]["requires"]
    [setuptools] = [r for r in requires if r.startswith("setuptools")]
    floor = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", setuptools)
    assert floor is not None and int(floor.group(1)) >= 77, setuptools


def test_index_metadata() -> None:
    project = pyproject()["project"]
    assert project["authors"] and project["keywords"]
    urls = project["urls"]
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(u.startswith("https://github.com/ariadne-hook/ariadne-hook") for u in urls.values())
    versions = {c.rsplit(" :: ", 1)[1] for c in project["classifiers"] if re.search(r":: 3\.\d+$", c)}
    assert versions == {"3.10", "3.11", "3.12", "3.13"}  # the versions the suite runs on, >= requires-python
    assert project["requires-python"] == ">=3.10"
    assert (ROOT / "ariadne_hook" / "py.typed").exists()  # "Typing :: Typed" is true


def test_the_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "## [Unreleased]" in text
    for section in ("### Added", "### Changed", "### Fixed"):
        assert section in text
    assert re.search(r"^\[Unreleased\]: https://", text, re.MULTILINE)


def test_the_readme_links_the_changelog_and_the_license() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(CHANGELOG.md)" in readme and "(LICENSE)" in readme
