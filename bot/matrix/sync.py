"""The sync loop: Matrix events in, neutral events to the bot, the sync token kept.

The ``next_batch`` token is stored in ``adapter_state`` after each batch is
handled, so a restart neither replays old events nor misses the ones sent
while the bot was down (a gap longer than one sync's timeline is fetched with
``/messages``). The very first sync, and a room's events from before the bot
joined it, are history: skipped. A crash between a dispatch and the token
write replays a few events, which the dispatcher recognises by their ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nio import (
    Event,
    InviteInfo,
    InviteMemberEvent,
    MessageDirection,
    RoomMemberEvent,
    RoomMessagesResponse,
    SyncResponse,
)

from bot.adapters.base import DeliveryError
from bot.matrix import inbound
from bot.matrix.client import PLATFORM
from commands.events import Action, Command, Inbound, Thread, ThreadReply
from storage.repo import directory as dir_repo
from storage.repo import machinery as repo

if TYPE_CHECKING:
    from bot.app import Bot
    from bot.matrix.adapter import MatrixAdapter

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
TIMELINE_LIMIT = 50
BACKFILL_MAX = 1000
MAX_PAUSE = 30.0


def sync_filter(timeline_limit: int) -> dict[str, Any]:
    """Only what the bot reads: room state and timelines, no presence, receipts or typing."""
    return {
        "presence": {"types": []},
        "account_data": {"types": []},
        "room": {
            "timeline": {"limit": timeline_limit},
            "ephemeral": {"types": []},
            "account_data": {"types": []},
        },
    }


def after_own_join(events: Sequence[Event], bot_id: str) -> list[Event]:
    """The events after the bot joined, when the join is among them (older ones are history)."""
    start = 0
    for index, event in enumerate(events):
        if (isinstance(event, RoomMemberEvent) and event.state_key == bot_id
                and event.membership == "join" and event.prev_membership != "join"):
            start = index + 1
    return list(events[start:])


def inviter_of(info: InviteInfo, bot_id: str) -> tuple[str | None, bool]:
    """Who invited the bot, and whether they meant a direct conversation."""
    for event in info.invite_state:
        if (isinstance(event, InviteMemberEvent) and event.state_key == bot_id
                and event.membership == "invite"):
            return event.sender, bool(event.content.get("is_direct"))
    return None, False


class Receiver:
    def __init__(self, adapter: MatrixAdapter, bot: Bot, *,
                 timeline_limit: int = TIMELINE_LIMIT):
        self.adapter = adapter
        self.session = adapter.session
        self.client = adapter.session.client
        self.bot = bot
        self.db = adapter.session.db
        self.filter = sync_filter(timeline_limit)
        self.token: str | None = None
        self.channels: set[str] = set()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.in_sync = True  # False while syncing with the homeserver fails (/readyz)

    @property
    def bot_id(self) -> str:
        return self.session.user_id

    # --- lifecycle -----------------------------------------------------------
    async def first_sync(self) -> None:
        """One full-state sync: from the stored token, or skipping history on a first start."""
        self.token = await self.session.get("next_batch")
        resp = await self.session.call(self.client.sync(
            timeout=0, since=self.token, full_state=True, sync_filter=self.filter), "sync")
        assert isinstance(resp, SyncResponse)
        await self._handle(resp, history=self.token is not None)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="matrix-sync")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        pause = 0.5
        while not self._stop.is_set():
            try:
                resp = await self._next()
                if resp is None:
                    return
                await self._handle(resp, history=True)
                pause, self.in_sync = 0.5, True
            except Exception as exc:  # the homeserver or the database is away: try again
                self.in_sync = False
                log.warning("Matrix sync failed (%r); again in %.1fs", exc, pause)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), pause)
                pause = min(pause * 2, MAX_PAUSE)

    async def _next(self) -> SyncResponse | None:
        """The next sync response, or None once stopping (the long poll is cancelled)."""
        sync = asyncio.ensure_future(self.session.call(self.client.sync(
            timeout=SYNC_TIMEOUT_MS, since=self.token, sync_filter=self.filter), "sync"))
        stop = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({sync, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if not sync.done():
            sync.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sync
            return None
        resp = sync.result()
        assert isinstance(resp, SyncResponse)
        return resp

    # --- one batch -------------------------------------------------------------
    async def _handle(self, resp: SyncResponse, *, history: bool) -> None:
        rooms = resp.rooms
        if rooms.invite or rooms.join:
            await self._load_channels()
        for room_id, invite in rooms.invite.items():
            await self._invited(room_id, invite)
        for room_id, info in rooms.join.items():
            room = self.client.rooms.get(room_id)
            if room is not None and room.encrypted:
                await self.adapter.encrypted_notice(room_id, "")
            if not history:
                continue
            events = list(info.timeline.events)
            prev = info.timeline.prev_batch
            if info.timeline.limited and self.token and prev and prev != self.token:
                events = await self._gap(room_id, prev, self.token) + events
            view = inbound.RoomView(room_id, self.bot_id, direct=self.is_direct(room_id))
            for event in after_own_join(events, self.bot_id):
                await self._event(event, view)
        self.token = resp.next_batch
        await self.session.put("next_batch", resp.next_batch)

    async def _gap(self, room_id: str, start: str, since: str) -> list[Event]:
        """The events between the last handled sync and a limited timeline, oldest first."""
        found: list[Event] = []
        while len(found) < BACKFILL_MAX:
            page = await self.session.call(self.client.room_messages(
                room_id, start=start, end=since, direction=MessageDirection.back, limit=100),
                "messages")
            assert isinstance(page, RoomMessagesResponse)
            found.extend(e for e in page.chunk if isinstance(e, Event))
            if not page.chunk or not page.end or page.end == start:
                break
            start = page.end
        log.info("fetched %d events missed in %s", len(found), room_id)
        return found[::-1]

    async def _event(self, event: Event, view: inbound.RoomView) -> None:
        try:
            converted = inbound.convert(event, view)
        except Exception:  # an event no one foresaw: skip it rather than block the room
            log.exception("cannot read Matrix event %s", event.event_id)
            return
        if converted is None:
            return
        if isinstance(converted, inbound.Encrypted):
            await self.adapter.encrypted_notice(converted.room_id, converted.sender)
            return
        if isinstance(converted, ThreadReply | Action):
            if not await self._is_card(converted.thread):
                if not (view.direct and isinstance(converted, ThreadReply)):
                    return  # a conversation among people, not an answer to a card
                converted = Command(actor=converted.actor, text=converted.text,
                                    event_id=converted.event_id, place=view.room_id)
        elif view.direct:
            await self.adapter.remember_direct(converted.actor.user_id, view.room_id)
        await self._dispatch(converted, view.room_id)

    async def _dispatch(self, event: Inbound, room_id: str) -> None:
        outcome = await self.bot.dispatch(event)
        for item in outcome.direct:
            try:
                await self.adapter.send_direct(item, room_id, event.actor.user_id)
            except DeliveryError as exc:
                log.warning("could not answer %s directly: %s", event.actor.user_id, exc)

    # --- rooms -------------------------------------------------------------------
    async def _load_channels(self) -> None:
        async with self.db.session(read_only=True) as s:
            found = await dir_repo.channels(s, platforms=[PLATFORM])
        self.channels = {c.platform_channel_id for c in found}

    def is_direct(self, room_id: str) -> bool:
        """A one-to-one room with the bot (not a directory channel)."""
        room = self.client.rooms.get(room_id)
        return room_id not in self.channels and room is not None and room.member_count <= 2

    async def _is_card(self, thread: Thread) -> bool:
        assert thread.message_id is not None
        async with self.db.session(read_only=True) as s:
            ref = await repo.object_of_message(s, PLATFORM, thread.channel, thread.message_id)
        return ref is not None

    async def _invited(self, room_id: str, info: InviteInfo) -> None:
        """Join directory rooms, rooms a coordinator invites to, and people's direct rooms."""
        inviter, direct = inviter_of(info, self.bot_id)
        if room_id not in self.channels and not await self._may_invite(inviter, direct):
            log.warning("declining the invitation of %s to %s", inviter, room_id)
            await self._try(self.client.room_leave(room_id), f"decline {room_id}")
            return
        await self._try(self.client.join(room_id), f"join {room_id}")

    async def _may_invite(self, inviter: str | None, direct: bool) -> bool:
        if inviter is None:
            return False
        async with self.db.session(read_only=True) as s:
            person = await dir_repo.person_by_identity(s, PLATFORM, inviter)
        return person is not None and (person.role == "coordinator" or direct)

    async def _try(self, request: Any, what: str) -> None:
        try:
            await self.session.call(request, what)
        except DeliveryError as exc:
            log.warning("%s failed: %s", what, exc)
