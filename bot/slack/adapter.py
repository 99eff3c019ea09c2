"""The Slack adapter: its lifecycle, its one HTTP session, and what listeners need.

``start(receive)`` opens one aiohttp session shared by every Web API call, checks
the token once (``auth.test``, so that no request waits for it later), builds
the Bolt app and starts receiving: Socket Mode when ``SLACK_APP_TOKEN`` is
set, else the HTTP endpoint of ``grappe serve``. ``send`` is called by the
outbox's delivery loop. The adapter reads no storage and knows no command.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import Delivery, Receive, Sent
from bot.config import Settings
from bot.http import HttpServer, Installer
from bot.slack.app import build_app
from bot.slack.home import Homes
from bot.slack.http import events_route
from bot.slack.inbound import PLATFORM
from bot.slack.outbound import PERMANENT, Sender
from bot.slack.render import render
from commands.events import Inbound, ThreadReply, where
from commands.messages import Message
from commands.outcome import Outcome

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.slack.socket import SocketRunner


log = logging.getLogger(__name__)


class SlackSetupError(RuntimeError):
    """The Slack settings cannot work (a refused token, a missing secret)."""


def default_retry_handlers() -> list[AsyncRetryHandler]:
    """One in-call retry on a 429 (after Retry-After) or a dropped connection."""
    return [AsyncRateLimitErrorRetryHandler(max_retry_count=1),
            AsyncConnectionErrorRetryHandler(max_retry_count=1)]


class SlackAdapter:
    platform = PLATFORM
    concurrency = 8  # threads delivered side by side (each one in order)
    # posts are found again by their metadata after a crash; an ephemeral reply cannot be
    # (Slack keeps it nowhere), so those go one at a time from send to record (bot.outbox)
    duplicates_on_retry = frozenset({"ephemeral"})
    redelivers = False  # Slack retries an event 3 times at most, then drops it

    def __init__(self, settings: Settings, *,
                 retry_handlers: list[AsyncRetryHandler] | None = None):
        if not settings.slack_bot_token:
            raise SlackSetupError("SLACK_BOT_TOKEN is not set")
        self.settings = settings
        self.mode = "socket" if settings.slack_app_token else "http"
        self.retry_handlers = retry_handlers
        self._receive: Receive | None = None
        self.auth: AuthorizeResult | None = None
        self.bolt: AsyncApp | None = None
        self.http: HttpServer | None = None
        self.routes: list[Installer] = []  # the runtime's other HTTP routes (iCal, readiness)
        self.socket: SocketRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._client: AsyncWebClient | None = None
        self._sender: Sender | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.homes = Homes(self)  # the Home tabs, published after the ack (bot/slack/home.py)

    # --- connections -------------------------------------------------------------
    def _web_client(self, token: str | None) -> AsyncWebClient:
        assert self._session is not None
        handlers = self.retry_handlers
        return AsyncWebClient(
            token=token, base_url=self.settings.slack_api_url, session=self._session,
            timeout=int(max(self.settings.slack_timeout, 1)), logger=log,
            retry_handlers=list(handlers) if handlers is not None else default_retry_handlers())

    @property
    def sender(self) -> Sender:
        """The sender, on one aiohttp session opened at first use (inside the loop)."""
        if self._sender is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.settings.slack_timeout))
            self._client = self._web_client(self.settings.slack_bot_token)
            self._sender = Sender(self._client)
        return self._sender

    @property
    def client(self) -> AsyncWebClient:
        return self.sender.client

    @property
    def connected(self) -> bool:
        """The token was checked (auth.test) and Socket Mode, if used, is running."""
        return self.auth is not None and (self.mode == "http" or self.socket is not None)

    def member_of(self, channel: str) -> bool | None:
        return None  # not followed: a channel the bot is not in answers not_in_channel

    @property
    def bot_user_id(self) -> str | None:
        return self.auth.bot_user_id if self.auth is not None else None

    async def authorize(self) -> AuthorizeResult:
        """Bolt's authorization: the ``auth.test`` of start-up, made once."""
        if self.auth is None:
            response = await self.client.auth_test()
            self.auth = AuthorizeResult.from_auth_test_response(
                auth_test_response=response, bot_token=self.settings.slack_bot_token)
        return self.auth

    # --- lifecycle ---------------------------------------------------------------
    def serve(self, routes: Sequence[Installer]) -> bool:
        """Under ``grappe serve`` in HTTP mode, the server of Slack's events carries them."""
        if self.mode == "http" and self.settings.serve_http:
            self.routes.extend(routes)
            return True
        return False

    async def prepare(self, receive: Receive) -> AsyncApp:
        """Check the token and build the Bolt app; receiving starts in ``start``."""
        self._receive = receive
        try:
            await self.authorize()
        except SlackApiError as exc:
            code = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            if code in PERMANENT:
                raise SlackSetupError(f"Slack refused the bot token ({code})") from exc
            log.warning("auth.test failed (%s); trying again at the first event", code)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Slack unreachable at start-up (%r); trying again later", exc)
        self.bolt = build_app(self, client=self._web_client(None),
                              signing_secret=self.settings.slack_signing_secret or "",
                              authorize=self.authorize)
        return self.bolt

    async def start(self, receive: Receive) -> None:
        bolt = await self.prepare(receive)
        if self.mode == "socket":  # Socket Mode's client only when it is the mode (0.3 MB)
            from bot.slack.socket import SocketRunner

            assert self.settings.slack_app_token is not None
            self.socket = SocketRunner(bolt, self.settings.slack_app_token, self.client)
            await self.socket.start()
        if self.settings.serve_http:
            if self.mode == "http" and not self.settings.slack_signing_secret:
                raise SlackSetupError("SLACK_SIGNING_SECRET is needed to receive Slack's events")
            installers = ([events_route(bolt, self.settings.slack_signing_secret or "")]
                          if self.mode == "http" else [])
            self.http = HttpServer(self.settings.host, self.settings.port,
                                   [*installers, *self.routes])
            await self.http.start()
        elif self.mode == "http":
            log.warning("Slack events arrive over HTTP: they are received by `grappe serve`; "
                        "this process only delivers messages")

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.stop()
            self.http = None
        if self.socket is not None:
            await self.socket.stop()
            self.socket = None
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=self.settings.slack_timeout)
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        self._session = self._client = self._sender = None

    # --- what the listeners need -------------------------------------------------
    async def receive(self, event: Inbound, *, inline: bool = False,
                      quiet: bool = False) -> Outcome:
        if self._receive is None:
            raise RuntimeError("the Slack adapter is not started")
        return await self._receive(event, inline=inline, quiet=quiet)

    def spawn(self, work: Coroutine[Any, Any, None], what: str) -> None:
        """Run network work after the ack; failures are logged, never raised to Slack."""

        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("Slack: %s failed", what)

        task = asyncio.create_task(guarded(), name=f"slack-{what}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self.spawn(self._open_view(trigger_id, view), "views.open")

    async def _open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        await self.client.views_open(trigger_id=trigger_id, view=view)

    # --- what the outbox needs ---------------------------------------------------
    async def send(self, delivery: Delivery) -> Sent:
        return await self.sender.send(delivery)

    async def send_direct(self, item: Message, event: Inbound) -> None:
        """Only to the person, where they acted (in the thread of a reply), after the ack."""
        thread = event.thread.message_id if isinstance(event, ThreadReply) else None
        self.spawn(self.sender.post_direct(render(item), where(event), event.actor.user_id,
                                           thread), "direct reply")
