"""Slack payloads kept as files (tests/data/slack/), and requests signed exactly as Slack signs them."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.leaks import sent

DATA = Path(__file__).resolve().parent.parent / "data" / "slack"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def case(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def payload(name: str, **changes: Any) -> dict[str, Any]:
    """A stored payload with some fields changed: ``payload("x", **{"event.text": "hi"})``."""
    data = copy.deepcopy(case(name)["payload"])
    for dotted, value in changes.items():
        *path, last = dotted.split(".")
        target = data
        for key in path:
            target = target[key]
        target[last] = value
    for text in (data.get("text"), (data.get("event") or {}).get("text")):
        if isinstance(text, str):
            sent(text)  # a person's words: the logs must never hold them (tests/leaks.py)
    return data


def body_of(kind: str, data: dict[str, Any]) -> tuple[str, str]:
    """The raw body and content type Slack uses for each kind of payload."""
    if kind == "command":
        return urlencode(data), "application/x-www-form-urlencoded"
    if kind in ("block_actions", "view_submission"):
        return urlencode({"payload": json.dumps(data)}), "application/x-www-form-urlencoded"
    return json.dumps(data), "application/json"


def signed(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """``X-Slack-Signature: v0=`` + hex HMAC-SHA256(secret, ``v0:{ts}:{raw body}``)."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}
