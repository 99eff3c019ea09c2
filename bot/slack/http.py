"""Slack's events at ``/slack/events`` under ``grappe serve``: a hardened public edge.

Anyone who finds the URL can post to it, so nothing reaches Bolt that Slack did not
sign, and nothing a person wrote reaches the log:

1. a body past the server's ``MAX_BODY`` (bot/http.py) is refused (413) unread;
2. the signature is checked on the raw body (slack_sdk's ``SignatureVerifier``, which
   also refuses a timestamp more than five minutes off): 401, and one log line that says
   it was refused, the timestamp's skew and the request's kind — never the body;
3. a signed body that does not parse (JSON, a form, a form's ``payload=``) is a 400;
4. only then does Bolt dispatch it (its own verification is off: it is done here, and
   Bolt would log the whole body of a refused request). An error past this point is a
   500 with one line naming the exception's type, no traceback, no body.
"""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.http import Installer

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def kind_of(content_type: str, body: bytes) -> str:
    """What the request claims to be, for the log: never a word of its content."""
    if content_type.startswith("application/json"):
        return "event"
    if content_type.startswith("application/x-www-form-urlencoded"):
        return "interaction" if body.startswith(b"payload=") else "command"
    return "unknown"


def parses(content_type: str, body: bytes) -> bool:
    """Whether Bolt can read ``body``: a JSON object, or a form (whose ``payload`` is)."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            return isinstance(json.loads(text), dict)
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text))
            if "payload" in form:
                return isinstance(json.loads(form["payload"][0]), dict)
            return bool(form)
    except (UnicodeDecodeError, ValueError):
        return False
    return False


def skew(timestamp: str | None) -> str:
    try:
        return f"{round(time.time() - int(timestamp or ''))}s"
    except ValueError:
        return "unreadable"


def _signed(verifier: SignatureVerifier, body: bytes, timestamp: str | None,
            signature: str | None) -> bool:
    """Slack signs UTF-8 text with a numeric timestamp: anything else is not its request."""
    try:
        return verifier.is_valid(body, timestamp, signature)
    except (ValueError, UnicodeDecodeError):
        return False


def events_route(bolt: AsyncApp, signing_secret: str) -> Installer:
    """The installer of ``POST /slack/events`` for ``bolt``."""
    verifier = SignatureVerifier(signing_secret)

    def install(application: web.Application) -> None:
        async def events(request: web.Request) -> web.Response:
            try:  # aiohttp stops reading past the server's client_max_size
                body = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return web.Response(status=413, text="payload too large")
            content_type = request.headers.get("Content-Type", "")
            timestamp = request.headers.get("X-Slack-Request-Timestamp")
            if not _signed(verifier, body, timestamp,
                           request.headers.get("X-Slack-Signature")):
                log.warning("Slack request refused: its signature does not check",
                            extra={"fields": {"skew": skew(timestamp),
                                              "kind": kind_of(content_type, body)}})
                return web.Response(status=401, text="invalid signature")
            if not parses(content_type, body):
                log.warning("Slack request refused: signed, but its body does not parse",
                            extra={"fields": {"kind": kind_of(content_type, body)}})
                return web.Response(status=400, text="bad request")
            try:
                response = await bolt.async_dispatch(await to_bolt_request(request))
                return await to_aiohttp_response(response)
            except Exception as exc:  # never a traceback: it could quote the body
                log.error("Slack request failed", extra={"fields": {
                    "kind": kind_of(content_type, body), "error": type(exc).__name__}})
                return web.Response(status=500, text="internal error")

        application.router.add_post(EVENTS_PATH, events)

    return install

