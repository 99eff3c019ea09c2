"""Slack's Socket Mode end, faked: ``apps.connections.open`` gives the URL of a local
WebSocket, which greets the client with ``hello`` as Slack does, sends envelopes and
collects their acks (``{"envelope_id": …, "payload": …}``)."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from aiohttp import WSMsgType, web

from tests.slack.fake_slack import FakeSlack


class SocketSlack(FakeSlack):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.acks: dict[str, dict[str, Any]] = {}
        self.connections = 0
        self._socket: web.WebSocketResponse | None = None
        self._acked = asyncio.Condition()
        self._envelopes = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        super().routes(app)
        app.router.add_get("/link", self._link)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://") + "/link"}
        return super()._answer(method, args)

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(heartbeat=None)
        await socket.prepare(request)
        self._socket = socket
        self.connections += 1
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A0GRAPPE"},
                                "debug_info": {"host": "fake", "approximate_connection_time": 3600}})
        async with self._changed:
            self._changed.notify_all()
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "envelope_id" in data:
                async with self._acked:
                    self.acks[data["envelope_id"]] = data
                    self._acked.notify_all()
        return socket

    async def connected(self, within: float = 15) -> None:
        await self.wait_for(lambda f: f._socket is not None and not f._socket.closed, within)

    async def envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send one envelope (``slash_commands``, ``events_api``, ``interactive``)."""
        if self._socket is None or self._socket.closed:
            raise AssertionError("no client connected")
        envelope_id = f"env-{next(self._envelopes):04d}"
        await self._socket.send_json({"envelope_id": envelope_id, "type": kind,
                                      "accepts_response_payload": kind != "events_api",
                                      "payload": payload, "retry_attempt": 0,
                                      "retry_reason": ""})
        return envelope_id

    async def ack_of(self, envelope_id: str, within: float = 15) -> dict[str, Any]:
        async with self._acked:
            await asyncio.wait_for(self._acked.wait_for(lambda: envelope_id in self.acks),
                                   within)
        return self.acks[envelope_id]
