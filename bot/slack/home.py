"""The Home tab: a person's home as the core draws it, published as a ``home`` view.

``app_home_opened`` (on the Home tab; the Messages tab is nothing) is an event, which bolt
acks once its listener returns: the listener only asks for a publish. The home is drawn
(the dispatcher's ``HomeOpened``: a read, nothing recorded) and published
(``views.publish``, with the adapter's client and its retry handlers) in a background
task, after the ack.

Its buttons are the cards' own (``grappe:choice:…``, the object's ref as value), so a
click on the Home tab is the ``block_actions`` a click on the card is, less the channel
and the message: the same answer is recorded. After a person's event (a click, a
reaction, a form, a reply, a command) their home is published again when it is one Slack
shows them: they opened it since this process started, or they clicked on it. Slack
sends ``app_home_opened`` each time someone comes back to the tab, so a home nobody
looks at is not drawn on every answer, and one drawn by another replica is drawn again
when its person returns.

Coalesced per person: one publish in flight and at most one pending, drawn from the
database when it starts (the latest state wins); a burst of clicks costs two publishes.
A failure is logged by its kind, never with the view (it holds people's words), and
tried again only by slack_sdk's handlers: the next opening draws it anew.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.slack.outbound import delivery_error
from bot.slack.render import render
from commands.events import HomeOpened, Inbound
from commands.messages import Message
from commands.outcome import Outcome, Result

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

HOME_BLOCKS = 100  # Block Kit's limit for a Home tab (a message: 50)
# what a person's event may have changed on their home (a refusal too: the item it was
# about may be closed now)
CHANGED = frozenset({Result.OK, Result.REFUSED})


def home_view(message: Message) -> dict[str, Any]:
    """The ``home`` view of the core's home (``Outcome.home``)."""
    return {"type": "home", "blocks": render(message, max_blocks=HOME_BLOCKS).blocks}


def on_home_tab(body: Mapping[str, Any]) -> bool:
    """Whether an interaction was made on the bot's Home tab (its ``view`` is the home)."""
    return (body.get("view") or {}).get("type") == "home"


class Homes:
    """Each person's Home tab, published when they open it and after they act."""

    def __init__(self, adapter: SlackAdapter):
        self.adapter = adapter
        self._pending: dict[str, HomeOpened] = {}  # person → the latest ask
        self._running: set[str] = set()  # people whose publish is in flight
        self._shown: set[str] = set()  # people with a home this process published

    def opened(self, event: HomeOpened) -> None:
        self._shown.add(event.actor.user_id)
        self._ask(event)

    def acted(self, event: Inbound | None, outcome: Outcome | None, *,
              on_home: bool = False) -> None:
        """After a person's event: their home again, if they have one to see."""
        if event is None or outcome is None or outcome.result not in CHANGED:
            return
        user = event.actor.user_id
        if on_home:
            self._shown.add(user)
        if user in self._shown:
            self._ask(HomeOpened(event.actor, f"home:{event.event_id}"))

    def _ask(self, event: HomeOpened) -> None:
        user = event.actor.user_id
        self._pending[user] = event
        if user not in self._running:
            self._running.add(user)
            self.adapter.spawn(self._publish_all(user), "views.publish")

    async def _publish_all(self, user: str) -> None:
        try:
            while (event := self._pending.pop(user, None)) is not None:
                try:
                    await self._publish(event)
                except Exception:
                    log.exception("Slack: the Home tab of %s could not be drawn", user)
        finally:
            self._running.discard(user)

    async def _publish(self, event: HomeOpened) -> None:
        outcome = await self.adapter.receive(event)
        if outcome.home is None:  # the database is away: the tab keeps what it showed
            return
        try:
            await self.adapter.client.views_publish(user_id=event.actor.user_id,
                                                    view=home_view(outcome.home))
        except Exception as exc:
            log.warning("Slack: the Home tab of %s was not published (%s)",
                        event.actor.user_id, delivery_error(exc))
