"""The Matrix adapter: outbox rows → Matrix events, and the sync loop's lifecycle.

By ``Delivery.role``: a card is a message whose event id is the card's
message id (``outbound.notifies`` says when a message is a notice), and the bot reacts on it
with each choice's emoji so members can answer with a click (a post that offers choices
too: a client's satisfaction question); a post with a thread root goes in that
``m.thread``; an edit is an ``m.replace``; a DM goes to a direct room created once and
remembered — or, where the bot may create no room (Tchap: ``Session.room_creation``), to
the direct room the person opened with the bot, and while there is none the row waits for
it (``DeliveryError(no_direct=True)``, ``bot.absence``) — or goes to their enterprise's
room, when the directory names one (the row's channel); Matrix has no ephemeral messages,
so those go to the person's direct room too; a reaction is an ``m.annotation``. Every send
carries the row's stable transaction id, so a retry never posts twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from bot.adapters.base import Delivery, DeliveryError, Receive, Sent
from bot.http import Installer
from bot.matrix import outbound
from bot.matrix.client import PLATFORM, MatrixError, Session, state_key
from bot.matrix.sync import TIMELINE_LIMIT, Receiver
from commands.events import Inbound, where
from commands.messages import Attachment, Message, Reaction
from storage.models import DeliveryRole

log = logging.getLogger(__name__)

# the roles whose choices are the bot's reactions on the message, as its text says: a card,
# and a post in a room (a client's satisfaction question); not a direct room's home, whose
# several objects offer the same emojis
_REACTED = frozenset({DeliveryRole.CARD, DeliveryRole.POST})

READY_WAIT = 30.0


class MatrixAdapter:
    platform = PLATFORM
    duplicates_on_retry: frozenset[str] = frozenset()  # a retry reuses its transaction id
    redelivers = True  # an event the database could not take is handled again from the sync
    concurrency = 8  # threads delivered side by side (each one in order); the HTTP session is
    # opened once by ``Session.connect``, before any send

    def __init__(self, session: Session, *, timeline_limit: int = TIMELINE_LIMIT):
        self.session = session
        self.timeline_limit = timeline_limit
        self.receiver: Receiver | None = None
        self._ready = asyncio.Event()
        self._stopped = False
        self._dm_lock = asyncio.Lock()
        self._direct: dict[str, str] = {}  # user id → direct room id
        self._told: set[str] = set()  # encryption notices already sent

    # --- lifecycle -----------------------------------------------------------
    def serve(self, routes: Sequence[Installer]) -> bool:
        return False  # no HTTP of its own: the runtime serves readiness and the feeds

    async def start(self, receive: Receive) -> None:
        """Log in (or reuse the stored session), sync once, then keep syncing."""
        self._stopped = False
        self._ready.clear()
        await self.session.connect()
        self.receiver = Receiver(self, receive, timeline_limit=self.timeline_limit)
        await self.receiver.first_sync()  # the device's keys are published there
        await self.session.signing.ensure()
        self.receiver.start()
        self._ready.set()

    async def stop(self) -> None:
        self._stopped = True
        self._ready.set()  # wakes the sends waiting for the connection: they give up
        if self.receiver is not None:
            await self.receiver.stop()
        await self.session.close()

    @property
    def connected(self) -> bool:
        """Logged in, and the last sync with the homeserver succeeded."""
        return (self._ready.is_set() and not self._stopped and self.receiver is not None
                and self.receiver.in_sync)

    def member_of(self, channel: str) -> bool | None:
        """As the syncs said (None before the first one)."""
        joined = self.receiver.joined if self.receiver is not None else None
        return None if joined is None else channel in joined

    async def _wait_ready(self) -> None:
        try:
            await asyncio.wait_for(self._ready.wait(), READY_WAIT)
        except TimeoutError:
            raise DeliveryError("the Matrix adapter is not connected yet") from None
        if self._stopped:
            raise DeliveryError("the Matrix adapter is stopped")

    # --- outbox ----------------------------------------------------------------
    async def send(self, delivery: Delivery) -> Sent:
        try:
            return await self._send(delivery)
        except DeliveryError as exc:  # "not in room": removed since the last sync said so
            if exc.absent and self.receiver is not None and delivery.channel:
                self.receiver.left(delivery.channel)
            raise

    async def _send(self, delivery: Delivery) -> Sent:
        await self._wait_ready()
        item, txn = delivery.item, delivery.transaction_id
        if isinstance(item, Reaction):
            if not delivery.channel:
                raise DeliveryError("a reaction needs a room", permanent=True)
            content = outbound.reaction(item.message_id, item.emoji)
            try:
                return Sent(delivery.channel,
                            await self.session.send(delivery.channel, "m.reaction", content, txn))
            except MatrixError as exc:  # an edited answer acknowledged again: the ✅ is there
                if exc.code != "M_DUPLICATE_ANNOTATION":
                    raise
                return Sent(delivery.channel, item.message_id)
        rendered = outbound.render(item)
        room_id = await self._room_for(delivery)
        if delivery.role == DeliveryRole.DM and room_id == delivery.channel \
                and delivery.recipient and delivery.recipient not in rendered.user_ids:
            rendered.user_ids.append(delivery.recipient)  # in their enterprise's room: noticed
        if delivery.role == DeliveryRole.EDIT and delivery.edit_target:
            content = outbound.edit(outbound.content_of(rendered), delivery.edit_target)
            return Sent(room_id, await self.session.send(room_id, "m.room.message", content, txn))
        root = delivery.thread_root if delivery.role == DeliveryRole.POST else None
        notify = outbound.notifies(delivery.role, in_place=room_id == delivery.channel)
        event_id = await self._post(room_id, outbound.content_of(rendered, notify=notify),
                                    rendered.files, txn, root)
        if delivery.role in _REACTED:
            if delivery.posted is not None and rendered.choices:
                await delivery.posted(room_id, event_id)  # answers count before its reactions
            for index, choice in enumerate(rendered.choices):
                content = outbound.reaction(event_id, choice.emoji)
                await self.session.send(room_id, "m.reaction", content, f"{txn}-r{index}")
        return Sent(room_id, event_id)

    async def _room_for(self, delivery: Delivery) -> str:
        if delivery.role == DeliveryRole.DM:
            if not delivery.recipient:
                raise DeliveryError("a direct message needs a recipient", permanent=True)
            try:
                return await self.direct_room(delivery.recipient)
            except DeliveryError as exc:  # no direct room, none may be opened: the room of
                if not exc.no_direct or not delivery.channel:  # their enterprise, if the
                    raise  # directory names one (``bot.absence``)
                return delivery.channel
        if delivery.role == DeliveryRole.EPHEMERAL:
            return await self._actor_room(delivery.channel, delivery.recipient)
        if not delivery.channel:
            raise DeliveryError(f"a {delivery.role} needs a room", permanent=True)
        return delivery.channel

    async def _post(self, room_id: str, text: outbound.Content, files: list[Attachment],
                    txn: str, root: str | None) -> str:
        """The text, then each file; returns the first event's id."""
        contents: list[tuple[str, dict[str, Any]]] = []
        if text["body"] or not files:
            contents.append((txn, text))
        for index, attachment in enumerate(files):
            uri, size, keys = await self.session.upload(
                attachment.path, attachment.mime, attachment.title,
                encrypt=await self.session.crypto.encrypts(room_id))
            contents.append((f"{txn}-f{index}", outbound.file(attachment, uri, size, keys)))
        first = ""
        for event_txn, content in contents:
            if root is not None:
                content = outbound.in_thread(content, root)
            event_id = await self.session.send(room_id, "m.room.message", content, event_txn)
            first = first or event_id
        return first

    async def send_direct(self, item: Message, event: Inbound) -> None:
        """A reply that could not go through the outbox (an unknown person, the database
        away, an encrypted room): in the same room, noticed — it says what was not done."""
        recipient = event.actor.user_id
        room_id = where(event) or await self.direct_room(recipient)
        rendered = outbound.render(item)
        if recipient and recipient not in rendered.user_ids:  # in a shared room, make sure
            rendered.user_ids.append(recipient)  # they notice it
        content = outbound.content_of(rendered, notify=True)
        await self.session.send(room_id, "m.room.message", content, uuid.uuid4().hex)

    # --- direct rooms ------------------------------------------------------------
    async def direct_room(self, user_id: str) -> str:
        """The person's direct room with the bot, created (and remembered) when needed —
        where the bot creates no room, the one the person opened (remembered when the bot
        joined it, or when they wrote there), else ``DeliveryError(no_direct=True)``."""
        key = state_key("dm", user_id)
        async with self._dm_lock:
            room_id = self._direct.get(user_id) or await self.session.get(key)
            if room_id is not None and await self._reachable(room_id, user_id):
                self._direct[user_id] = room_id
                return room_id
            if not self.session.room_creation:  # not guessed from a room of two: an
                # enterprise's room with one person in it is one too
                raise DeliveryError(f"{user_id} has opened no direct room with the bot yet, "
                                    "and none is created here", no_direct=True)
            room_id = await self.session.create_direct_room(user_id)
            self._direct[user_id] = room_id
            await self.session.put(key, room_id)
            return room_id

    async def opened_direct(self, user_id: str, room_id: str) -> bool:
        """The bot joined a direct room ``user_id`` invited it to: their direct room from now
        on (unless the one kept still holds them both); whether it is a new one."""
        self.session.created[room_id] = user_id  # joined now: no sync may show it yet
        return await self.remember_direct(user_id, room_id)

    async def _reachable(self, room_id: str, user_id: str) -> bool:
        """The bot is in the room and the person is in it or invited.

        The syncs say so most of the time; when they do not, the homeserver is asked: a
        sync can show a room the homeserver is still creating (the invitation not in it
        yet, under load), and a second room would take a retried send under the same
        transaction id where Synapse cannot recognise it.
        """
        room, created = self.session.client.rooms.get(room_id), self.session.created
        if self.member_of(room_id) is False and (room is not None or room_id not in created):
            return False  # the bot left it or was removed (nio may still list it): a new room
        if room is not None and (user_id in room.users or user_id in room.invited_users):
            return True
        if room is None and room_id in created:  # created or joined since the last sync
            return True
        return await self.session.membership(room_id, user_id) in ("join", "invite")

    async def _still_reachable(self, room_id: str, user_id: str) -> bool:
        try:
            return await self._reachable(room_id, user_id)
        except DeliveryError:  # the homeserver cannot say now: the room stays as it was
            return True

    async def remember_direct(self, user_id: str, room_id: str) -> bool:
        """A person wrote to the bot in a one-to-one room: answer there from now on. True
        when it is their direct room now and was not before (what waited for one may go)."""
        if self._direct.get(user_id) == room_id:
            return False
        key = state_key("dm", user_id)
        async with self._dm_lock:
            stored = await self.session.get(key)
            new = stored is None or not await self._still_reachable(stored, user_id)
            if new:
                await self.session.put(key, room_id)
                stored = room_id
            assert stored is not None
            self._direct[user_id] = stored
            return new

    async def _actor_room(self, channel: str | None, user_id: str | None) -> str:
        """Where to answer only the person who acted: their direct room."""
        if not user_id:
            raise DeliveryError("an ephemeral message needs a recipient", permanent=True)
        if channel and self.receiver is not None and self.receiver.is_direct(channel) \
                and await self._reachable(channel, user_id):
            return channel
        return await self.direct_room(user_id)

    # --- encrypted rooms ---------------------------------------------------------
    async def told_unreadable(self, room_id: str, sender: str) -> bool:
        """Whether this room (and this person in it) was told that encryption hides them."""
        key = state_key("e2e", f"{room_id}|{sender}")
        if key in self._told or await self.session.get(key) is not None:
            self._told.add(key)
            return True
        return False

    async def remember_told(self, room_id: str, sender: str) -> None:
        key = state_key("e2e", f"{room_id}|{sender}")
        await self.session.put(key, "told")
        self._told.add(key)
