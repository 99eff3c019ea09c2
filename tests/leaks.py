"""The logs of the whole suite hold nothing people wrote (README, issue #17).

Every text the tests send as a person's (a slash command's ``text``, a message's
``event.text``: ``tests.slack.payloads.payload``) is remembered; a handler on the root
logger reads every record at INFO or above, from grappe or from a library, formatted
with its traceback; a record holding one of those texts, or two of their words in a row
(a single word is too often one of the log's own: "unavailable"), fails the run at its
end (``pytest_sessionfinish`` in tests/conftest.py)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

SENT: set[str] = set()
_WORDS: set[str] = set()
_WORD = re.compile(r"[^\W\d_]{4,}")
_PAIR = re.compile(r"(?=\b([^\W\d_]{4,}\s+[^\W\d_]{4,})\b)")  # two words, overlapping
MIN_TEXT = 12
_ROOT = Path(__file__).resolve().parent.parent
# not people's words: the names the directory gives (channels, resources) and the commands
_KNOWN = {w.lower() for path in (_ROOT / "examples").glob("*.toml")
          for w in _WORD.findall(path.read_text(encoding="utf-8"))} | {
    "cooperation", "resources", "reservations", "disponibilites"}


def sent(text: str) -> None:
    """``text`` was written by a person in a test."""
    if len(text) >= MIN_TEXT:
        SENT.add(text)
        _WORDS.update(" ".join(pair.lower().split()) for pair in _PAIR.findall(text)
                      if not set(pair.lower().split()) <= _KNOWN)


class LeakCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a record that does not format is not ours to judge
            return
        lowered = line.lower()
        found = next((t for t in SENT if t in line), None) or next(
            (w for w in _WORDS if w in lowered), None)
        if found is not None and len(self.leaks) < 50:
            self.leaks.append(f"{record.name} {record.levelname}: {found!r} in {line[:300]!r}")


CATCHER = LeakCatcher()


def install() -> None:
    root = logging.getLogger()
    root.addHandler(CATCHER)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
