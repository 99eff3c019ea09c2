"""Socket Mode: Slack's events over a WebSocket that the bot opens (no public URL needed).

The same Bolt app handles them: slack_bolt's ``AsyncSocketModeHandler`` turns
each envelope into a request (no signature: the socket is authenticated by the
app-level token) and sends the listener's ack back on the socket.
"""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class SocketRunner:
    def __init__(self, bolt: AsyncApp, app_token: str, web_client: AsyncWebClient):
        self.bolt = bolt
        self.app_token = app_token
        self.web_client = web_client
        self.handler: AsyncSocketModeHandler | None = None

    def build(self) -> AsyncSocketModeHandler:
        """The handler, created in the running loop (its client starts a task at once)."""
        if self.handler is None:
            self.handler = AsyncSocketModeHandler(self.bolt, self.app_token, logger=log,
                                                  web_client=self.web_client)
        return self.handler

    async def start(self) -> None:
        await self.build().connect_async()
        log.warning("grappe is connected to Slack in Socket Mode")

    async def stop(self) -> None:
        if self.handler is not None:
            await self.handler.close_async()
            self.handler = None
