"""Issue #17: the public HTTP edge meets what anyone can post to it.

Malformed, oversized, unsigned, stale and hostile requests, over real HTTP to the real
Bolt app: never a 500 for a body, never a traceback, and never a word of what was
posted in the log, at any level from INFO up, from grappe or from a library.
"""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest

from bot.slack.app import bolt_logger
from tests.slack.conftest import SlackHarness
from tests.slack.payloads import payload, signed
from tests.snapshots import ALL_TABLES, snapshot

SECRET_TEXT = "Mairie-de-Confidentielle-Ville"  # what a person wrote: never in the log
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


async def post(slack: SlackHarness, body: bytes, content_type: str, *,
               sign: bool = True, timestamp: int | None = None,
               secret: str | None = None) -> tuple[int, str]:
    headers = {"Content-Type": content_type}
    if sign:
        kwargs = {"secret": secret} if secret else {}
        headers |= signed(body.decode("utf-8", "replace"), timestamp=timestamp, **kwargs)
    async with slack.http.post(slack.url, data=body, headers=headers) as response:
        return response.status, await response.text()


BAD_BODIES = [
    pytest.param(b'{"type": "event_callback", "event": ', JSON, id="truncated-json"),
    pytest.param(b"[1, 2, 3]", JSON, id="json-not-an-object"),
    pytest.param(b"\xff\xfe" + SECRET_TEXT.encode(), JSON, id="not-utf8"),
    pytest.param(b"payload=" + SECRET_TEXT.encode() + b"%7B", FORM, id="payload-not-json"),
    pytest.param(b"payload=%5B%5D", FORM, id="payload-not-an-object"),
    pytest.param(b"", FORM, id="empty-form"),
    pytest.param(SECRET_TEXT.encode(), "text/plain", id="another-content-type"),
]


@pytest.mark.parametrize(("body", "content_type"),
                         [b for b in BAD_BODIES if b.id != "not-utf8"])  # Slack signs text
async def test_a_signed_body_that_does_not_parse_is_a_400_without_a_traceback(
        slack: SlackHarness, body: bytes, content_type: str,
        caplog: pytest.LogCaptureFixture) -> None:
    before = await snapshot(slack.db, ALL_TABLES)
    with caplog.at_level(logging.DEBUG):
        status, text = await post(slack, body, content_type)
    assert status == 400
    assert "Traceback" not in text
    assert await snapshot(slack.db, ALL_TABLES) == before
    _clean(caplog)


@pytest.mark.parametrize(("body", "content_type"), BAD_BODIES)
async def test_an_unsigned_body_is_refused_before_it_is_read_as_anything(
        slack: SlackHarness, body: bytes, content_type: str,
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        status, _ = await post(slack, body, content_type, sign=False)
    assert status == 401
    _clean(caplog)


@pytest.mark.parametrize("timestamp", ["", "yesterday", "1e99", "-"])
async def test_an_unreadable_timestamp_is_refused(slack: SlackHarness, timestamp: str) -> None:
    body = b'{"type": "url_verification", "challenge": "x"}'
    headers = {"Content-Type": JSON, "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": "v0=" + "0" * 64}
    async with slack.http.post(slack.url, data=body, headers=headers) as response:
        assert response.status == 401


async def test_an_oversized_body_is_a_413(slack: SlackHarness,
                                          caplog: pytest.LogCaptureFixture) -> None:
    body = urlencode({"text": SECRET_TEXT * 20_000}).encode()
    with caplog.at_level(logging.DEBUG):
        status, _ = await post(slack, body, FORM)
    assert status == 413
    _clean(caplog)


@pytest.mark.parametrize(("secret", "age", "skew"), [
    pytest.param("a-rotated-secret", 0, "0s", id="rotated-secret"),
    pytest.param(None, 3600, "3600s", id="clock-drift"),
])
async def test_a_refused_signature_is_logged_without_what_was_written(
        slack: SlackHarness, caplog: pytest.LogCaptureFixture, secret: str | None, age: int,
        skew: str) -> None:
    body = urlencode(payload("slash_command", text=f"demande {SECRET_TEXT} : des affiches",
                             user_id="U01CAMILLE", channel_id="C01COOPERA",
                             trigger_id="1.1.t")).encode()
    with caplog.at_level(logging.INFO):
        status, _ = await post(slack, body, FORM, secret=secret,
                               timestamp=int(time.time()) - age)
    assert status == 401
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1
    fields = refused[0].fields  # type: ignore[attr-defined]
    assert fields["kind"] == "command"
    assert abs(int(fields["skew"].rstrip("s")) - int(skew.rstrip("s"))) <= 5
    _clean(caplog)


async def test_an_event_nobody_listens_to_is_logged_without_its_text(
        slack: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    """Bolt writes an unhandled request's body into its warning: its text is withheld."""
    event = {"type": "event_callback", "team_id": "T01", "event_id": "Ev-unheard",
             "event_time": int(time.time()),
             "event": {"type": "pin_added", "user": "U01CAMILLE", "channel_id": "C01COOPERA",
                       "item": {"message": {"text": SECRET_TEXT}}}}
    with caplog.at_level(logging.INFO):
        status, _ = await post(slack, json.dumps(event).encode(), JSON)
    assert status in (200, 404)
    _clean(caplog)


def _clean(caplog: pytest.LogCaptureFixture) -> None:
    """No line at INFO or above carries the text, and none carries a traceback."""
    for record in caplog.records:
        if record.levelno < logging.INFO:
            continue
        line = record.getMessage() + json.dumps(getattr(record, "fields", {}), default=str)
        assert SECRET_TEXT not in line, (record.name, line)
        assert record.exc_info is None, (record.name, line)
        assert "Traceback" not in line


def test_bolts_own_lines_keep_their_level_not_their_text(
        caplog: pytest.LogCaptureFixture) -> None:
    """What bolt writes at INFO and above (a listener's failure quotes its body) is
    withheld; its debug lines, off in production, are left alone."""
    logger = bolt_logger()
    with caplog.at_level(logging.DEBUG, logger=logger.name):
        try:
            raise ValueError(SECRET_TEXT)
        except ValueError:
            logger.exception("Failed to run listener function (error: %s)", SECRET_TEXT)
        logger.info("body: %s", {"text": SECRET_TEXT})
    assert [r.levelno for r in caplog.records] == [logging.ERROR, logging.INFO]
    assert "ValueError" in caplog.records[0].getMessage()
    _clean(caplog)
