"""Secrets stay on the machine, in figures: planted secrets that reach a request body, false positives on
real code, and the time redaction takes on adversarial input (old vs new, side by side).

    python benchmarks/secret_corpus.py                       # corpus, timings, hook on 64 KB strings
    python benchmarks/secret_corpus.py --fp GITDIR:REV[:RANGE] ...   # also list every redaction in real code

1. corpus: every plant of tests/secret_corpus.py (Python, JS, Go, YAML, .env, shell, JSON, TOML, DSN,
   headers, PEM bodies without BEGIN, vendor tokens) staged in a real repository; the real CLI
   (`python -m ariadne_hook`) runs against a loopback OpenAI-compatible server with a fake key; every
   planted value is searched in every captured request body.
2. timings: redact() on 64 KB adversarial strings, the package at each `--old-rev` (`git archive`) and
   this one, each input in its own process with a time limit (`--limit`; efde033 is quadratic); and a
   sweep: every rule keyword followed by a run of each character class, 64 KB each, the slowest listed.
3. hook: the CLI on a staged function holding one 64 KB kebab-case and one 64 KB base64url string,
   provider on a loopback server, `--deadline 2`: wall time.
4. --fp: every line of the files of REV (and of `git diff RANGE`) that redact() changes when it reads the
   whole file (as a request carries it: rules that span lines included), with the markers, for reading by
   hand (docs/SECRETS.md has the classification).
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ariadne_hook.summarize.redact import redact  # noqa: E402
from tests.gitutil import commit_all, init_repo, stage_all, write  # noqa: E402
from tests.llm_server import LLMServer  # noqa: E402
from tests.secret_corpus import PLANTS, leaks, run_cli, sent_whole  # noqa: E402

OLD_REVS = ("efde033", "4350ce6")  # main before the linear redaction; main before issue 16's forms
MARK = re.compile(r"\[REDACTED:[\w-]+\]")
_TIMED = """
import base64, random, sys, time
sys.path.insert(0, sys.argv[1])
from ariadne_hook.summarize.redact import redact
rnd = random.Random(0)
n = int(sys.argv[3])
text = {
    "kebab a-": "a-" * (n // 2), "A run": "A" * n, "=" : "=" * n, "/": "/" * n, ".": "." * n,
    "quotes": "'\\"" * (n // 2),
    "base64url": base64.urlsafe_b64encode(rnd.randbytes(n)).decode()[:n],
    "password=x run": "password=" * (n // 9), "token- run": "token-" * (n // 6),
    "concat run": '"a" ' * (n // 4), "concat lines": '"ab"\\n' * (n // 5),
    "<password> run": "<password>" * (n // 10),
    "xml attr run": 'key="password" value="' * (n // 22), "netrc run": "machine a login b " * (n // 18),
    "docker login run": "docker login " * (n // 13), "mysql run": "mysql " * (n // 6),
    "--password run": "--password " * (n // 11), "Password=x; run": "Password=x;" * (n // 11),
    "fromhex( run": "password = bytes.fromhex(" * (n // 25), "escaped lines": "\\\\npassword=x" * (n // 12),
    "PSK run": 'PSK "' * (n // 5),
}[sys.argv[2]]
start = time.perf_counter()
redact(text)
print(time.perf_counter() - start)
"""
TEXT_SUFFIXES = (".py", ".go", ".js", ".ts", ".md", ".rst", ".yml", ".yaml", ".toml", ".cfg", ".json")
INPUTS = ("kebab a-", "A run", "base64url", "=", "/", ".", "quotes", "password=x run", "token- run",
          "concat run", "concat lines", "<password> run", "xml attr run", "netrc run", "docker login run",
          "mysql run", "--password run", "Password=x; run", "fromhex( run", "escaped lines",
          "PSK run")  # fmt: skip


def corpus() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run = run_cli(Path(tmp), PLANTS)
    sent = [n for n in run.names if any(sent_whole(n, p) for p in run.prompts)]  # unit headers
    leaked = leaks(PLANTS, run.bodies)
    units = [p for p in run.prompts if not p.startswith(("Walkthrough", "Commit subject"))]
    trimmed = sum("lines trimmed" in p for p in units)  # a function's unit (the walkthrough lists them all)
    print(f"corpus: exit {run.exit_code}, {len(run.bodies)} requests,", end=" ")
    print(f"{len(sent)}/{len(run.names)} planted functions sent,")
    print(f"        {trimmed} function prompts trimmed;", end=" ")
    print(f"planted {len(PLANTS)}, reached a request body {len(leaked)}")
    by_form = collections.Counter(p.form for p in PLANTS)
    leaked_by_form = collections.Counter(p.form for p in leaked)
    print("        " + ", ".join(f"{form} {leaked_by_form[form]}/{n}" for form, n in sorted(by_form.items())))
    for plant in leaked:
        print(f"  LEAK {plant.form} ({plant.language}): {plant.value[:40]!r}")


def _timed(package_root: Path, name: str, size: int, limit: float) -> str:
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _TIMED, str(package_root), name, str(size)],
            capture_output=True,
            text=True,
            timeout=limit,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return f"> {limit:.0f} s"
    return f"{float(proc.stdout):.3f} s"


def _package_at(rev: str, into: Path) -> Path:
    """The ariadne_hook package as it was at ``rev`` (git archive), unpacked under ``into``."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", rev, "ariadne_hook"], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def timings(old_revs: list[str], limit: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        roots = [(rev, _package_at(rev, Path(tmp, rev))) for rev in old_revs] + [("new", ROOT)]
        names = " vs ".join(rev for rev, _ in roots)
        print(f"redact() wall time, {names}, one process per input (limit {limit:.0f} s):")
        print(f"  {'input':18} {'size':>7} " + " ".join(f"{rev:>10}" for rev, _ in roots))
        for name in INPUTS:
            for size in (16 * 1024, 64 * 1024) if name == "kebab a-" else (64 * 1024,):
                cells = [_timed(root, name, size, limit) for _, root in roots]
                print(f"  {name:18} {size:7} " + " ".join(f"{cell:>10}" for cell in cells))


def sweep() -> None:
    """Every rule keyword repeated with a run of each character class the patterns use, 64 KB each."""
    from ariadne_hook.summarize.redact import LINE_RULES

    extra = {"-----END RSA PRIVATE KEY-----\n", "eyJ", "M", ":AA", "://", "@tcp(", '"', "<", "\\n"}
    keywords = sorted({k for rule in LINE_RULES for k in rule.keywords} | extra)
    times = []
    for keyword in keywords:
        for filler in ("a", "A1-", "=", "/", ".", " ", "'", "0"):
            unit = keyword + filler * 3
            text = unit * (64 * 1024 // len(unit))
            start = time.perf_counter()
            redact(text)
            times.append((time.perf_counter() - start, unit))
    times.sort(reverse=True)
    print(f"sweep: {len(times)} inputs of 64 KB (keyword + filler, repeated); slowest:")
    print("       " + ", ".join(f"{unit!r} {t:.3f} s" for t, unit in times[:5]))


def hook() -> None:
    import base64
    import random

    from common import child_env  # benchmarks/common.py: bytecode caching on, as in a real install

    kebab = "-".join(["ab"] * (64 * 1024 // 3))[: 64 * 1024]
    blob = base64.urlsafe_b64encode(random.Random(3).randbytes(48 * 1024)).decode()
    source = f'def big():\n    a = "{kebab}"\n    b = "{blob}"\n    return a, b\n'
    start = time.perf_counter()
    redacted = redact(source)
    print(
        f"hook: redact() of the staged function ({len(source)} chars): {time.perf_counter() - start:.3f} s,",
        end=" ",
    )
    print(f"{redacted.count('[REDACTED:')} markers")
    with tempfile.TemporaryDirectory() as tmp:
        repo = init_repo(Path(tmp) / "repo")
        write(repo, "README.md", "x\n")
        commit_all(repo, "base")
        with LLMServer() as server:
            env = child_env({"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-test-fake"})
            env["PYTHONPATH"] = str(ROOT)
            command = [sys.executable, "-m", "ariadne_hook", "--deadline", "2", "--no-cache", "-o", "-", "-v"]
            for label in ("warm-up, small function", "small function", "64 KB strings"):
                write(repo, "big.py", source if label == "64 KB strings" else "def big():\n    return 1\n")
                stage_all(repo)
                start = time.perf_counter()
                proc = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)
                wall = time.perf_counter() - start
                notes = [
                    line for line in proc.stderr.splitlines() if "deadline" in line or "requests" in line
                ]
                print(f"hook ({label}), --deadline 2: exit {proc.returncode},")
                print(f"      wall {wall:.2f} s, {server.requests} request(s) so far; {' | '.join(notes)}")


def false_positives(specs: list[str]) -> None:
    for spec in specs:
        git_dir, rev, *rest = spec.split(":")
        total_chars, hits = 0, []
        texts: list[tuple[str, str]] = []
        if rest:
            texts.append((f"diff {rest[0]}", _git(git_dir, "diff", rest[0])))
        for path in _git(git_dir, "ls-tree", "-r", "--name-only", rev).splitlines():
            if path.endswith(
                (".py", ".go", ".js", ".ts", ".md", ".rst", ".yml", ".yaml", ".toml", ".cfg", ".json")
            ):
                texts.append((path, _git(git_dir, "show", f"{rev}:{path}")))
        for label, text in texts:
            total_chars += len(text)
            whole = redact(text).split("\n")  # the whole text, as it is sent: rules that span lines too
            lines = text.split("\n")
            if len(whole) != len(lines):  # a private-key block became one marker: line by line instead
                whole = [redact(line) for line in lines]
            for number, (line, out) in enumerate(zip(lines, whole, strict=True), 1):
                if out != line:
                    hits.append(f"  {label}:{number}: {' '.join(MARK.findall(out))}  {line.strip()[:150]}")
        where = f"{git_dir} {rev} {rest[0] if rest else ''}"
        print(f"fp: {where}: {len(texts)} texts, {total_chars} chars, {len(hits)} lines redacted")
        print("\n".join(hits))


def _git(git_dir: str, *args: str) -> str:
    proc = subprocess.run(
        ["git", "--git-dir", git_dir, *args], capture_output=True, text=True, errors="replace"
    )
    return proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-rev", nargs="*", default=list(OLD_REVS), help="revisions to time against")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds per timed input")
    parser.add_argument("--fp", nargs="*", default=[], metavar="GITDIR:REV[:RANGE]")
    parser.add_argument("--skip", nargs="*", default=[], choices=("corpus", "timings", "sweep", "hook"))
    args = parser.parse_args()
    if "corpus" not in args.skip:
        corpus()
    if "timings" not in args.skip:
        timings(args.old_rev, args.limit)
    if "sweep" not in args.skip:
        sweep()
    if "hook" not in args.skip:
        hook()
    false_positives(args.fp)


if __name__ == "__main__":
    main()
