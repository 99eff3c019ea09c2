"""The HTTP endpoints of ``grappe serve``: ``/healthz`` and the routes features add
(Slack's events, the iCal feeds).

Routes are installed before the server starts (aiohttp freezes its router).
Several replicas can serve behind a load balancer: idempotency and the outbox
live in the database.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterable

from aiohttp import web

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
MAX_BODY = 256 * 1024  # bytes: Slack's payloads are a few kilobytes, a view's tens
Installer = Callable[[web.Application], None]


class HttpServer:
    """Listens on ``host:port`` (port 0: any free port, see ``port`` once started)."""

    def __init__(self, host: str, port: int, installers: Iterable[Installer] = ()):
        self.application = web.Application(client_max_size=MAX_BODY)
        self.application.router.add_get(HEALTH_PATH, _health)
        for install in installers:
            install(self.application)
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.requested_port))
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(self.application, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        paths = sorted({r.canonical for r in self.application.router.resources()})
        log.warning("grappe serves HTTP on %s (%s)", self.url, ", ".join(paths))

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _health(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})
