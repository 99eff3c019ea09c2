"""``GRAPPE_LOG_FORMAT=json``: one JSON object per line (python-json-logger), imported by
``bot.logs`` only when that format is asked for (a text log need not load it)."""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter


class FlatJsonFormatter(JsonFormatter):
    """One JSON object per line; the ``fields`` of a record become top-level keys."""

    def add_fields(self, log_record: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        super().add_fields(log_record, record, message_dict)
        fields = log_record.pop("fields", None) or {}
        log_record.update({k: v for k, v in fields.items() if v is not None})
