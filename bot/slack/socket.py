"""Socket Mode: Slack's events over a WebSocket that the bot opens (no public URL needed).

The same Bolt app handles them: slack_bolt's ``AsyncSocketModeHandler`` turns
each envelope into a request (no signature: the socket is authenticated by the
app-level token) and sends the listener's ack back on the socket.

Stopping drains: an envelope that arrives once the bot is stopping is not handled (it
is not acknowledged, so Slack delivers it again, to the next connection); the ones in
hand finish — committed, their ack sent on the still open socket — before it closes.
"""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

DRAIN_GRACE = 10.0  # seconds the envelopes in hand get to finish (within a 30 s SIGTERM grace)


class DrainingHandler(AsyncSocketModeHandler):
    """slack_bolt's handler, which knows the envelopes in hand and takes no new one once
    it is stopping."""

    def __init__(self, app: AsyncApp, app_token: str, **kwargs: object) -> None:
        super().__init__(app, app_token, **kwargs)  # type: ignore[arg-type]
        self.stopping = False
        self._in_hand = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        if self.stopping:
            return  # not acknowledged: Slack delivers it again
        self._in_hand += 1
        self._idle.clear()
        try:
            await super().handle(client, req)
        finally:
            self._in_hand -= 1
            if not self._in_hand:
                self._idle.set()

    async def drain(self, grace: float) -> None:
        self.stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning("%d Slack envelope(s) still in hand after %.0f s: Slack delivers "
                        "them again", self._in_hand, grace)


class SocketRunner:
    def __init__(self, bolt: AsyncApp, app_token: str, web_client: AsyncWebClient):
        self.bolt = bolt
        self.app_token = app_token
        self.web_client = web_client
        self.handler: DrainingHandler | None = None

    def build(self) -> DrainingHandler:
        """The handler, created in the running loop (its client starts a task at once)."""
        if self.handler is None:
            self.handler = DrainingHandler(self.bolt, self.app_token, logger=log,
                                           web_client=self.web_client)
        return self.handler

    async def start(self) -> None:
        await self.build().connect_async()
        log.warning("grappe is connected to Slack in Socket Mode")

    async def stop(self, grace: float = DRAIN_GRACE) -> None:
        if self.handler is not None:
            await self.handler.drain(grace)
            await self.handler.close_async()
            self.handler = None
