"""The proposed commit subject (issue 13 item 3): how it is cleaned and where it may go."""

from __future__ import annotations

from pathlib import Path

import pytest

from ariadne_hook.config import Settings
from ariadne_hook.publish.commit_msg import apply_to_message, clean_subject, with_subject
from tests.gitutil import init_repo

FRESH = "\n# Please enter the commit message for your changes.\n#\n# On branch main\n"
TEXT = "1 changed function in 1 file:\n- a.py: f (modified)\n  Does x."


@pytest.mark.parametrize(
    ("answer", "subject"),
    [
        ("Add the overview", "Add the overview"),
        ('"Fix the parser."', "Fix the parser"),
        ("Subject: Remove old_api\nbecause it was unused", "Remove old_api"),
        ("# Drop the cache", "Drop the cache"),
        ("\x1b[31mColour\x1b[0m words\u202e", "Colour words"),
        ("Word " * 30, ("Word " * 14).strip()),  # cut at a word, at most 72 characters
        ("x" * 100, "x" * 72),
        ("\n\n", ""),
    ],
)
def test_clean_subject(answer: str, subject: str) -> None:
    assert clean_subject(answer) == subject
    assert len(clean_subject(answer)) <= 72 and "\n" not in clean_subject(answer)


def test_a_subject_goes_only_on_a_message_with_nothing_written() -> None:
    assert with_subject(FRESH, "Add x", "#") == "Add x\n" + FRESH
    assert with_subject("# only comments\n", "Add x", "#") == "Add x\n\n# only comments\n"
    written = "my own words\n" + FRESH
    assert with_subject(written, "Add x", "#") == written


@pytest.fixture
def message(tmp_path: Path) -> Path:
    init_repo(tmp_path)
    path = tmp_path / "MSG"
    path.write_text(FRESH, encoding="utf-8")
    return path


def test_fresh_message_gets_the_subject_and_the_comments(message: Path) -> None:
    status = apply_to_message(message, TEXT, None, Settings(), cwd=message.parent, subject="Add x")
    assert status == "added a proposed subject and the summaries to the commit message as comments"
    text = message.read_text(encoding="utf-8")
    assert text.startswith("Add x\n\n# Please enter") and "#   Does x." in text
    again = apply_to_message(message, TEXT, None, Settings(), cwd=message.parent, subject="Add x")
    assert again == "commit message already has the summaries" and message.read_text() == text


def test_body_mode_puts_the_subject_above_the_body(message: Path) -> None:
    apply_to_message(message, TEXT, None, Settings(commit_msg="body"), cwd=message.parent, subject="Add x")
    assert message.read_text(encoding="utf-8").startswith("Add x\n\n1 changed function in 1 file:\n")


@pytest.mark.parametrize("source", ["message", "template", "commit", "merge", "squash"])
def test_no_subject_unless_git_opened_an_empty_message(message: Path, source: str) -> None:
    settings = Settings(commit_msg="body", commit_msg_all=True)  # even where the summaries may go
    apply_to_message(message, TEXT, source, settings, cwd=message.parent, subject="Add x")
    assert not message.read_text(encoding="utf-8").startswith("Add x")


def test_no_subject_over_words_the_user_wrote(message: Path) -> None:
    message.write_text("Fix it my way\n" + FRESH, encoding="utf-8")
    apply_to_message(message, TEXT, None, Settings(), cwd=message.parent, subject="Add x")
    assert message.read_text(encoding="utf-8").startswith("Fix it my way\n")
