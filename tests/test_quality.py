"""The project's own rules, checked with every test run: ruff (lint and format), mypy --strict, vulture (no
dead code), no private names used across modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint_is_clean() -> None:
    proc = tool("ruff", "check", "--output-format", "concise", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = tool("ruff", "format", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_the_package_is_clean() -> None:
    proc = tool("mypy", "--no-incremental")  # files and strictness come from pyproject.toml
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_vulture_finds_no_dead_code() -> None:
    """Unused functions, classes, variables, imports and unreachable code, at vulture's 80% confidence (what
    it reports there is dead for sure: an unused import, argument or local, code after a return)."""
    proc = tool("vulture", "ariadne_hook", "--min-confidence", "80")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_asyncio_and_no_eager_openai_import_in_the_package() -> None:
    for path in (ROOT / "ariadne_hook").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            assert not stripped.startswith(("import asyncio", "from asyncio")), f"{path}:{number}"
            if line.startswith(("import openai", "from openai")):
                raise AssertionError(f"{path}:{number}: openai must be imported lazily")


# Private names another module still uses: (importing module, imported module, name). Issue 19 part 1 (a
# language is one module) removed the last ones; keep it empty.
KNOWN_PRIVATE_IMPORTS: set[tuple[str, str, str]] = set()


def private_uses(text: str, here: str) -> set[tuple[str, str, str]]:
    """(this module, other module, name) for every ``from <package module> import _name`` and every
    ``module._name`` where ``module`` was imported from the package (relative imports included); ``here``:
    the module's path from the repository's root."""
    package = here.removesuffix(".py").split("/")
    if not here.endswith("/__init__.py"):
        package = package[:-1]
    found: set[tuple[str, str, str]] = set()
    modules: dict[str, str] = {}  # a dotted name in this module -> the package module (or name) it is
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            if not source.startswith("ariadne_hook"):
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.add((here, source, alias.name))
                modules[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ariadne_hook"):
                    modules[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = modules.get(ast.unparse(node.value))
            if owner is not None:
                found.add((here, owner, node.attr))
    return found


def test_no_private_name_is_used_across_modules() -> None:
    found: set[tuple[str, str, str]] = set()
    for path in sorted((ROOT / "ariadne_hook").rglob("*.py")):
        found |= private_uses(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    new = sorted(found - KNOWN_PRIVATE_IMPORTS)
    assert not new, "private names used across modules (make the shared thing public in its one home):\n" + (
        "\n".join(f"{here}: {source}.{name}" for here, source, name in new)
    )
    gone = sorted(KNOWN_PRIVATE_IMPORTS - found)
    assert not gone, f"no longer used across modules, remove from KNOWN_PRIVATE_IMPORTS: {gone}"


def test_the_private_import_check_sees_each_form() -> None:
    """The check above can fail: each form of a private use across modules is found, a module's own is not."""
    text = (
        "from ariadne_hook.summarize.stage import _hidden\n"
        "from . import pool\n"
        "from .. import config as settings\n"
        "import ariadne_hook.console\n"
        "import json\n"
        "_mine = 1\n"
        "print(_hidden, pool._late, settings._table, ariadne_hook.console._end, json._default_encoder)\n"
        "print(_mine, pool.map_bounded, ariadne_hook.console.Console)\n"
    )
    here = "ariadne_hook/summarize/probe.py"
    assert private_uses(text, here) == {
        (here, "ariadne_hook.summarize.stage", "_hidden"),
        (here, "ariadne_hook.summarize.pool", "_late"),
        (here, "ariadne_hook.config", "_table"),
        (here, "ariadne_hook.console", "_end"),
    }
