"""Logging: one line per inbound event and per delivery, as text or JSON.

Code that reports an operation logs ``log.info("inbound", extra={"fields": {...}})``
with ids, latency and outcome — never the text a person wrote or reads (that stays
at DEBUG). ``GRAPPE_LOG_FORMAT=json`` gives one JSON object per line for a log
collector (python-json-logger, in ``bot.logs_json``); the default text format appends
``key=value`` pairs.
"""

from __future__ import annotations

import logging
import sys

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _pair(key: str, value: object) -> str:
    shown = str(value)
    if not shown or any(c.isspace() or c in '"=' for c in shown):
        shown = '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{key}={shown}"


class TextFormatter(logging.Formatter):
    """``2026-12-03 14:00:00,123 INFO commands.dispatcher: inbound platform=slack …``"""

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        fields = getattr(record, "fields", None)
        if fields:
            line += " " + " ".join(_pair(k, v) for k, v in fields.items() if v is not None)
        return line


def configure(level: str, fmt: str = "text") -> None:
    """Send the log to stderr at ``level`` in ``fmt`` ("text" or "json")."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        from bot.logs_json import FlatJsonFormatter

        handler.setFormatter(FlatJsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False))
    else:
        handler.setFormatter(TextFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
