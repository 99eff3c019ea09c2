"""The sync loop: Matrix events in, neutral events to the bot, the sync token kept.

The ``next_batch`` token is stored in ``adapter_state`` after each batch is
handled, so a restart neither replays old events nor misses the ones sent
while the bot was down (a gap longer than one sync's timeline is fetched with
``/messages``). When the database is away, the batch stops at the event it could not
record and is handled again, from that event, until the database takes it (its sender
is told once that it waits); the token only moves past a batch wholly handled.
The very first sync, and a room's events from before the bot joined it, are
history: skipped. A crash between a dispatch and the token
write replays a few events, which the dispatcher recognises by their ids.

The replies a batch handed to the delivery (``Outcome.delivering``) go out before the next
long poll, as a bare nio bot sends from its callbacks: a sync of the bot waiting at the
homeserver is woken by the very reply it stores, and Synapse computes that answer beside
the member's, who sees the reply later (bench, one command in two each way: 96 / 111 ms).

After every sync the device's keys are kept up (``Crypto.maintain``: uploads, queries,
claims, to-device messages); an event nio could not decrypt waits for its key off the
batch's path (``Crypto.undecrypted``), so its token moves on (a restart meanwhile loses
that one event, which the bot could not read anyway).

While syncing fails, the loop waits longer each time (up to ``MAX_PAUSE``); when the
homeserver is away it is meanwhile asked for its versions every ``PROBE_EVERY`` seconds
(cheap, no token), and the loop syncs again as soon as it answers: people are answered
a moment after the homeserver is back, not at the end of a long pause. A stop cancels
the long poll at once and gives a batch in hand ``STOP_GRACE`` seconds before its
requests are cut short (its token is not kept: the next start handles it again).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nio import (
    Event,
    MegolmEvent,
    MessageDirection,
    RoomGetEventResponse,
    RoomMemberEvent,
    RoomMessagesResponse,
    SyncResponse,
)
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.base import DeliveryError, Receive
from bot.matrix import inbound
from bot.matrix.client import PLATFORM, MatrixError, TokenLost
from bot.matrix.rooms import DatabaseAway, Invitations
from commands.events import Actor, Joined, Unreadable
from commands.outcome import Result

if TYPE_CHECKING:
    from bot.matrix.adapter import MatrixAdapter

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
TIMELINE_LIMIT = 50
BACKFILL_MAX = 1000
FIRST_PAUSE = 0.5
MAX_PAUSE = 30.0
PROBE_EVERY = 1.0
STOP_GRACE = 2.0
# The token is written at most this often, off the reply's path (a crash replays the
# events of the last second, which the dispatcher recognises by their ids).
TOKEN_WRITE_DELAY = 1.0
# The longest the next sync waits for the replies of the last batch to go out (a slow send,
# a chart being drawn, a send that waits for a sync itself: the sync goes on meanwhile).
REPLIES_FIRST = 0.5


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


class Receiver:
    def __init__(self, adapter: MatrixAdapter, receive: Receive, *,
                 timeline_limit: int = TIMELINE_LIMIT):
        self.adapter = adapter
        self.session = adapter.session
        self.client = adapter.session.client
        self.crypto = adapter.session.crypto
        self.crypto.on_readable = self._event_in
        self.crypto.on_unreadable = self._undecryptable
        self.receive = receive
        self.filter: dict[str, Any] | str = sync_filter(timeline_limit)
        self.token: str | None = None
        self._unsaved: str | None = None  # a handled batch's token, not written yet
        self._writer: asyncio.Task[None] | None = None
        self._replies: set[asyncio.Future[None]] = set()  # the last batch's, being sent
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.in_sync = True  # False while syncing with the homeserver fails (/readyz)
        self.invitations = Invitations(adapter.session, receive, self._stop,
                                       adapter.opened_direct)
        # the rooms the bot is in, as the syncs said (None before the first one): nio keeps
        # a room it has left among its rooms, so this is followed here
        self.joined: set[str] | None = None

    @property
    def bot_id(self) -> str:
        return self.session.user_id

    # --- lifecycle -----------------------------------------------------------
    async def first_sync(self) -> None:
        """One full-state sync: from the stored token, or skipping history on a first start."""
        self.token = await self.session.get("next_batch")
        await self._upload_filter()
        resp = await self.session.call(self.client.sync(
            timeout=0, since=self.token, full_state=True, sync_filter=self.filter), "sync")
        assert isinstance(resp, SyncResponse)
        await self.crypto.maintain()  # a new device's keys published before any send
        await self._handle(resp, history=self.token is not None)
        await self._write_token()  # at once: a restart must not take new events for history

    async def _upload_filter(self) -> None:
        """Store the filter on the homeserver once: every sync then names it by its id."""
        if not isinstance(self.filter, dict):
            return
        wanted = self.filter
        try:
            resp = await self.session.call(self.client.upload_filter(
                presence=wanted["presence"], account_data=wanted["account_data"],
                room=wanted["room"]), "upload the sync filter")
        except DeliveryError as exc:
            log.warning("sync filter not stored (%s); sent with every sync instead", exc)
            return
        self.filter = str(resp.filter_id)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="matrix-sync")

    @property
    def running(self) -> bool:
        """The sync loop goes on (it ends at a stop, or once the token is lost)."""
        return self._task is not None and not self._task.done()

    async def stop(self, grace: float = STOP_GRACE) -> None:
        self._stop.set()
        self.invitations.stop()
        await self.crypto.stop()
        if self._task is not None:
            done, _ = await asyncio.wait({self._task}, timeout=grace)
            if not done:
                log.warning("Matrix: a sync batch still in hand after %.1fs; its requests are "
                            "cut short, the next start handles it again", grace)
                self.session.cut()
                await self._task
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        await self._write_token()

    async def _run(self) -> None:
        pause = FIRST_PAUSE
        resp: SyncResponse | None = None  # a batch that failed is handled again, not synced
        while not self._stop.is_set():  # again (the homeserver may answer from its cache)
            try:
                if resp is None:
                    resp = await self._next()
                    if resp is None:
                        return
                    await self.crypto.maintain()
                await self._handle(resp, history=True)
                resp, pause, self.in_sync = None, FIRST_PAUSE, True
            except TokenLost:  # the operator is told (Session._lose): nothing to try again
                self.in_sync = False
                log.warning("Matrix sync stopped: the access token is no longer accepted")
                return
            except Exception as exc:  # the homeserver or the database is away: try again
                self.in_sync = False
                log.warning("Matrix sync failed (%r); again in %.1fs at most", exc, pause)
                back = await self._pause(pause)
                pause = FIRST_PAUSE if back else min(pause * 2, MAX_PAUSE)

    async def _pause(self, pause: float) -> bool:
        """Wait ``pause`` seconds, or until an away homeserver answers again (True then).

        A homeserver that answers at once is there: what failed was elsewhere (the
        database, an error of the server), and the whole pause is kept.
        """
        if await self.session.answers():
            await self._sleep(pause)
            return False
        deadline = asyncio.get_running_loop().time() + pause
        while await self._sleep(min(PROBE_EVERY, deadline - asyncio.get_running_loop().time())):
            if await self.session.answers():
                log.warning("the Matrix homeserver answers again: syncing")
                return True
            if asyncio.get_running_loop().time() >= deadline:
                break
        return False

    async def _sleep(self, seconds: float) -> bool:
        """Sleep ``seconds``; False (at once) when the loop is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), max(seconds, 0))
        return not self._stop.is_set()

    async def _next(self) -> SyncResponse | None:
        """The next sync response, or None once stopping (the long poll is cancelled)."""
        replies = {r for r in self._replies if not r.done()}
        self._replies.clear()
        if replies:  # the last batch's replies out first (``REPLIES_FIRST`` at most)
            sent = asyncio.ensure_future(asyncio.wait(replies))
            if not await self._or_stop(sent, REPLIES_FIRST):
                sent.cancel()  # only this wait: the deliveries go on
        if self._stop.is_set():
            return None
        sync = asyncio.ensure_future(self.session.call(self.client.sync(
            timeout=SYNC_TIMEOUT_MS, since=self.token, sync_filter=self.filter), "sync"))
        if not await self._or_stop(sync):
            sync.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sync
            return None
        resp = sync.result()
        assert isinstance(resp, SyncResponse)
        return resp

    async def _or_stop(self, work: asyncio.Future[Any], within: float | None = None) -> bool:
        """Wait for ``work`` until a stop (or ``within`` seconds); whether it is done."""
        stop = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({work, stop}, timeout=within, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        return work.done()

    # --- one batch -------------------------------------------------------------
    async def _handle(self, resp: SyncResponse, *, history: bool) -> None:
        rooms = resp.rooms
        await self._membership(resp)
        for room_id, invite in rooms.invite.items():
            await self.invitations.invited(room_id, invite)
        for room_id, info in rooms.join.items():
            if self.crypto.encrypted(room_id) is None:  # a room the device cannot read
                await self._unreadable(room_id, "", f"e2e:{room_id}")
            if not history:
                continue
            events = list(info.timeline.events)
            prev = info.timeline.prev_batch
            if info.timeline.limited and self.token and prev and prev != self.token:
                events = await self._gap(room_id, prev, self.token) + events
            view = self.view_of(room_id)
            for event in after_own_join(events, self.bot_id):
                await self._event(event, view)
        self.token = resp.next_batch  # every event of the batch is recorded: move on
        self._unsaved = resp.next_batch  # written shortly, off the replies' path
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_later(), name="matrix-sync-token")

    async def _write_later(self) -> None:
        await asyncio.sleep(TOKEN_WRITE_DELAY)
        await self._write_token()

    async def _write_token(self) -> None:
        token, self._unsaved = self._unsaved, None
        if token is None:
            return
        try:
            await self.session.put("next_batch", token)
        except (SQLAlchemyError, OSError) as exc:  # kept at the next batch; a restart before
            log.warning("sync token not stored (%r)", exc)  # replays a few events, known
            self._unsaved = self._unsaved or token

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

    def view_of(self, room_id: str) -> inbound.RoomView:
        view = inbound.RoomView(room_id, self.bot_id, direct=self.is_direct(room_id))
        room = self.client.rooms.get(room_id)
        if room is not None:  # nio's view of the room knows its members' names
            view = dataclasses.replace(view, name_of=room.user_name)
        return view

    async def _event_in(self, event: Event, room_id: str) -> None:
        """An event decrypted late (its key came after it): handled as it came."""
        await self._event(event, self.view_of(room_id))

    async def _event(self, event: Event, view: inbound.RoomView) -> None:
        if isinstance(event, MegolmEvent) and self.crypto.enabled \
                and event.sender != self.bot_id:  # its key is asked for, and waited for
            await self.crypto.undecrypted(event, view.room_id)
            return
        original = await self._original(event, view.room_id)
        try:
            converted = inbound.convert(event, view, original)
        except Exception:  # an event no one foresaw: skip it rather than block the room
            log.exception("cannot read Matrix event %s", event.event_id)
            return
        if converted is None:
            return
        if isinstance(converted, Unreadable):
            await self._unreadable(converted.place, converted.actor.user_id, converted.event_id)
            return
        outcome = await self.receive(converted)
        self._replies.update(outcome.delivering)
        if outcome.result == Result.DB_UNAVAILABLE:  # nothing recorded: replayed by the next
            raise DatabaseAway(converted.event_id)  # sync (its author was told, once)
        if view.direct and outcome.result != Result.IGNORED \
                and await self.adapter.remember_direct(converted.actor.user_id, view.room_id):
            await self.invitations.direct_opened(converted.actor.user_id, view.room_id)

    async def _original(self, event: Event, room_id: str) -> Event | None:
        """The message an edit replaces, as the homeserver has it (its thread, its text).

        The homeserver's refusal (an event redacted, or not visible to the bot) leaves the
        edit on its own; a homeserver that does not answer fails the batch, handled again.
        """
        target = inbound.edited(event) if event.sender != self.bot_id else None
        if target is None:
            return None
        try:
            resp = await self.session.call(self.client.room_get_event(room_id, target),
                                           f"get the edited event {target}")
        except MatrixError as exc:
            if exc.throttled:
                raise
            log.info("the event edited by %s is not available (%s)", event.event_id, exc)
            return None
        assert isinstance(resp, RoomGetEventResponse)
        return self.crypto.readable(resp.event, room_id)

    async def _unreadable(self, room_id: str, sender: str, event_id: str,
                          session: str | None = None) -> None:
        """Say once (per room, and per person who writes there; with a device that can
        decrypt, per room key that never came) that encryption hides them."""
        about = sender if session is None else f"{sender}|{session}"
        if await self.adapter.told_unreadable(room_id, about):
            return
        outcome = await self.receive(Unreadable(Actor(PLATFORM, sender), room_id, event_id,
                                                undecryptable=session is not None))
        if outcome.result == Result.UNREADABLE:
            await self.adapter.remember_told(room_id, about)

    async def _undecryptable(self, event: MegolmEvent, room_id: str) -> None:
        await self._unreadable(room_id, event.sender, event.event_id, event.session_id)

    # --- rooms -------------------------------------------------------------------
    async def _membership(self, resp: SyncResponse) -> None:
        """Follow the rooms the bot is in; the core is told of the ones it came into (all
        of them at the first sync): what waited for a directory room goes out at once."""
        joined = self.joined if self.joined is not None else set()
        joined.difference_update(resp.rooms.leave)
        arrived = sorted(set(resp.rooms.join) - joined)
        joined.update(arrived)
        self.joined = joined
        if arrived:  # the database away: the rows that waited go at their next try (within
            # ``bot.absence.ABSENT_RETRY``); the batch's own events are not held for it
            await self.receive(Joined(Actor(PLATFORM, ""), tuple(arrived),
                                      f"joined:{resp.next_batch}"))

    def left(self, room_id: str) -> None:
        """The homeserver says the bot is not in ``room_id`` (removed since the last sync)."""
        if self.joined is not None:
            self.joined.discard(room_id)

    def is_direct(self, room_id: str) -> bool:
        """A one-to-one room with the bot, as the homeserver says (the core tells a
        directory channel apart)."""
        room = self.client.rooms.get(room_id)
        return room is not None and room.member_count <= 2
