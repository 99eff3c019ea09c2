"""The slack-bolt ``AsyncApp``: which Slack requests reach which listener.

Bolt runs with ``process_before_response=True``: a listener runs to the end
before the HTTP response (or the Socket Mode ack) goes out, so each listener
converts the payload (``inbound``), awaits the runtime's ``receive`` — whose
commit is the whole of the work — and acks. Nothing touches the network before the ack:
replies go through the outbox; modals, the few direct replies and the Home tab
(``bot.slack.home``) are sent from background tasks once the ack is out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp

from bot.slack import inbound, modals
from bot.slack.home import on_home_tab
from bot.slack.render import render
from commands.events import HomeOpened, Inbound
from commands.outcome import Outcome

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[None]]


def _header(headers: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = headers.get(name) or []
    return values[0] if values else None


class Listeners:
    """Bolt listeners; bolt passes the arguments they name (``ack``, ``body``, ``request``).

    Each converts the payload (``inbound``), hands it to the runtime (``receive``: the
    dispatcher decides everything) and acks; a form the core answers with is opened
    after the ack, a slash command's direct reply rides in the ack itself.
    """

    def __init__(self, adapter: SlackAdapter):
        self.adapter = adapter

    async def command(self, ack: Ack, body: dict[str, Any]) -> None:
        found = inbound.slash_command(body)
        outcome = await self.adapter.receive(found, inline=True)
        if outcome.inline is None:
            await ack()
        else:
            rendered = render(outcome.inline)  # the ack itself shows it, only to this person
            await ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
        self._open(body, outcome)
        self.adapter.homes.acted(found, outcome)

    async def action(self, ack: Ack, body: dict[str, Any]) -> None:
        found = inbound.block_action(body)
        outcome = await self._run(ack, found)
        self._open(body, outcome)
        self.adapter.homes.acted(found, outcome, on_home=on_home_tab(body))

    async def view(self, ack: Ack, body: dict[str, Any]) -> None:
        found = inbound.view_submission(body)
        self.adapter.homes.acted(found, await self._run(ack, found))

    async def event(self, body: dict[str, Any], request: Any) -> None:
        """Events API: bolt acks them itself once this returns (after the commit); the
        Home tab is drawn and published after it (``bot.slack.home``)."""
        found = inbound.event_callback(body, self.adapter.bot_user_id)
        if isinstance(found, HomeOpened):
            self.adapter.homes.opened(found)
        elif found is not None:  # a retry's first delivery already answered
            retried = _header(request.headers, "x-slack-retry-num") is not None
            self.adapter.homes.acted(found, await self.adapter.receive(found, quiet=retried))

    async def _run(self, ack: Ack, found: Inbound | None) -> Outcome | None:
        outcome = await self.adapter.receive(found) if found is not None else None
        await ack()
        return outcome

    def _open(self, body: dict[str, Any], outcome: Outcome | None) -> None:
        if outcome is not None and outcome.form is not None and body.get("trigger_id"):
            self.adapter.open_view(body["trigger_id"], modals.modal(outcome.form))


class Withheld(logging.Filter):
    """Bolt's lines at INFO and above keep their level and place, not their text: bolt
    writes a request's body into some of them (an unhandled request, a listener's error)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            error = f" ({record.exc_info[0].__name__})" if record.exc_info and \
                record.exc_info[0] else ""
            record.msg = f"slack_bolt: {record.funcName}{error}: text withheld (it may quote " \
                         "what people wrote)"
            record.args, record.exc_info, record.exc_text = (), None, None
        return True


def bolt_logger() -> logging.Logger:
    logger = logging.getLogger("bot.slack.bolt")
    if not any(isinstance(f, Withheld) for f in logger.filters):
        logger.addFilter(Withheld())
    return logger


def build_app(adapter: SlackAdapter, *, client: Any, signing_secret: str,
              authorize: Callable[[], Awaitable[Any]]) -> AsyncApp:
    """The Bolt app, its client sharing the adapter's session, its listeners bound.

    Bolt passes each function the arguments it names (it reads the signature),
    hence plain functions rather than bound methods.
    """

    async def authorize_once() -> Any:
        return await authorize()

    app = AsyncApp(
        name="grappe",
        logger=bolt_logger(),
        process_before_response=True,
        signing_secret=signing_secret,
        # checked on the raw body by the HTTP edge (bot/slack/http.py), before any parsing;
        # bolt's own check would parse first and log a refused request's whole body
        request_verification_enabled=False,
        client=client,
        authorize=authorize_once,
    )
    listeners = Listeners(adapter)

    async def on_command(ack: Ack, body: dict[str, Any]) -> None:
        await listeners.command(ack, body)

    async def on_action(ack: Ack, body: dict[str, Any]) -> None:
        await listeners.action(ack, body)

    async def on_view(ack: Ack, body: dict[str, Any]) -> None:
        await listeners.view(ack, body)

    async def on_event(body: dict[str, Any], request: Any) -> None:
        await listeners.event(body, request)

    app.command(re.compile(r"^/"))(on_command)
    app.action(re.compile(r"^grappe:"))(on_action)
    app.view(re.compile(r"^grappe:"))(on_view)
    for kind in inbound.EVENTS:
        app.event(kind)(on_event)
    return app
