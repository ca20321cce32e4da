"""A call's arguments compared as a reader sees them, and a decorator whose arguments changed told as a change
of that decorator (tenacity's ``@functools.wraps(f)`` -> ``@functools.wraps(f, …)``, issue 21's samples), with
the words of a changed call: what it passes now. Real git repositories (tests.test_offline_facts.summary_of).
"""

from __future__ import annotations

from pathlib import Path

from tests.test_offline_facts import summary_of

# -------------------------------------------------------------- the arguments of a call in the body

LEVELS_OLD = """\
def pick(random, logging):
    level = random.choice((logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL))
    return level
"""
LEVELS_NEW = LEVELS_OLD.replace(
    "random.choice((logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL))",
    "random.choice(\n        (\n            logging.DEBUG,\n            logging.INFO,\n            logging.WARNING,\n"
    "            logging.ERROR,\n            logging.CRITICAL,\n        )\n    )",
)


def test_an_argument_rewrapped_with_a_trailing_comma_is_no_argument_change(tmp_path: Path) -> None:
    """tenacity's TestAfterLogFormat.setUp read ``Passes `( logging.DEBUG, …` instead of `(logging.DEBUG…``."""
    assert LEVELS_NEW.count("\n") == LEVELS_OLD.count("\n") + 8  # the replacement took
    text = summary_of(tmp_path, "m.py", LEVELS_OLD, LEVELS_NEW, "pick")
    assert "Passes" not in text, text
    assert text.startswith("Only the layout changed (`level = random.choice(…)` re-wrapped)."), text


def test_a_long_argument_put_for_another_is_quoted_where_it_differs(tmp_path: Path) -> None:
    """quart's ``cast`` of an event: both sides cut at 40 characters read the same."""
    old = (
        "def send_body(send, cast, body):\n"
        '    send(cast(Event, {"type": "http.response.body", "body": body, "more_body": True}))\n'
    )
    new = old.replace('"more_body": True', '"more_body": False')
    text = summary_of(tmp_path, "m.py", old, new, "send_body")
    assert 'Passes `\u2026body, "more_body": False\u2026` instead of `\u2026body, "more_body": True\u2026`' in text, text
