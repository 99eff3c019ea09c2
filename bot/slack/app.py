"""The slack-bolt ``AsyncApp``: which Slack requests reach which listener.

Bolt runs with ``process_before_response=True``: a listener runs to the end
before the HTTP response (or the Socket Mode ack) goes out, so each listener
converts the payload (``inbound``), awaits the dispatcher — whose commit is
the whole of the work — and acks. Nothing touches the network before the ack:
replies go through the outbox; modals and the few direct replies are sent
from background tasks once the ack is out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp

from bot.slack import inbound
from bot.slack.modals import AnswerPrompt, wants_request_form
from bot.slack.render import render
from commands.dispatcher import Outcome
from commands.events import Action, Command, Inbound, Thread, ThreadReply
from commands.messages import Message

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[None]]


def _header(headers: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = headers.get(name) or []
    return values[0] if values else None


def _where(event: Inbound) -> tuple[str | None, str | None]:
    """The channel (and thread) where the person acted, for a reply outside the outbox."""
    if isinstance(event, Command):
        return event.place, None
    if isinstance(event, ThreadReply):
        return event.thread.channel, event.thread.message_id
    return event.thread.channel, None


class Listeners:
    """Bolt listeners; bolt passes the arguments they name (``ack``, ``body``, ``request``)."""

    def __init__(self, adapter: SlackAdapter):
        self.adapter = adapter

    async def command(self, ack: Ack, body: dict[str, Any]) -> None:
        event = inbound.slash_command(body)
        keyword = wants_request_form(event.text)
        if keyword is not None:
            form = await self.adapter.request_form(event, keyword)
            if form is not None:
                await ack()
                self.adapter.open_view(body["trigger_id"], form)
                return
        outcome = await self.adapter.dispatch(event)
        direct = next((m for m in outcome.direct if isinstance(m, Message)), None)
        if direct is None:
            await ack()
            return
        rendered = render(direct)  # the ack itself shows it, only to this person
        await ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")

    async def action(self, ack: Ack, body: dict[str, Any]) -> None:
        found = inbound.block_action(body)
        if isinstance(found, AnswerPrompt):
            form = await self.adapter.answer_form(found)
            if form is not None:
                await ack()
                self.adapter.open_view(found.trigger_id, form)
                return
            found = Action(actor=found.actor, action=found.action,
                           event_id=f"action:{found.trigger_id}",
                           thread=Thread(object_ref=found.object_ref, channel=found.channel,
                                         message_id=found.message_ts))
        await self._run(ack, found)

    async def view(self, ack: Ack, body: dict[str, Any]) -> None:
        await self._run(ack, inbound.view_submission(body))

    async def event(self, body: dict[str, Any], request: Any) -> None:
        """Events API: bolt acks them itself once this returns (after the commit)."""
        found = inbound.event_callback(body, self.adapter.bot_user_id)
        if isinstance(found, ThreadReply | Action):
            found = await self.adapter.on_card(found)  # other threads are people's chatter
        if found is None:
            return
        retried = _header(request.headers, "x-slack-retry-num") is not None
        outcome = await self.adapter.dispatch(found)
        if not retried:  # a retry's first delivery already answered
            self._reply_direct(found, outcome)

    async def _run(self, ack: Ack, found: Inbound | None) -> None:
        if found is None:
            await ack()
            return
        outcome = await self.adapter.dispatch(found)
        await ack()
        self._reply_direct(found, outcome)

    def _reply_direct(self, event: Inbound, outcome: Outcome) -> None:
        channel, thread = _where(event)
        for item in outcome.direct:
            if isinstance(item, Message):
                self.adapter.post_direct(item, channel, event.actor.user_id, thread)


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
        logger=logging.getLogger("bot.slack.bolt"),
        process_before_response=True,
        signing_secret=signing_secret,
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
