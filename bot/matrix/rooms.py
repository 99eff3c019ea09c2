"""The rooms the bot is asked into: an invitation decided by the core, then the join.

The core says which invitations to take (directory rooms, a coordinator's, direct
conversations); the others are declined. A join the homeserver throttles (``rc_joins``)
or that fails on the way is tried again later, ``JOIN_TRIES`` times: the sync does not
repeat an invitation. A direct room a person opened is theirs from then on, and what waited
for one goes out (``direct_opened``: where the bot may create no room, Tchap).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nio import InviteInfo, InviteMemberEvent

from bot.adapters.base import DeliveryError, Receive
from bot.matrix.client import PLATFORM, Session
from commands.events import Actor, Invitation, Joined
from commands.outcome import Result

log = logging.getLogger(__name__)

JOIN_TRIES = 8  # a throttled or failed join is tried again, this many times


class DatabaseAway(Exception):
    """An event could not be recorded: the batch stops there, its token is not kept."""


def inviter_of(info: InviteInfo, bot_id: str) -> tuple[str | None, bool]:
    """Who invited the bot, and whether they meant a direct conversation."""
    for event in info.invite_state:
        if (isinstance(event, InviteMemberEvent) and event.state_key == bot_id
                and event.membership == "invite"):
            return event.sender, bool(event.content.get("is_direct"))
    return None, False


Opened = Callable[[str, str], Awaitable[bool]]  # (person, room): a direct room new to them


class Invitations:
    def __init__(self, session: Session, receive: Receive, stopping: asyncio.Event,
                 opened: Opened):
        self.session = session
        self.client = session.client
        self.receive = receive
        self.opened = opened
        self._stop = stopping
        self._joins: set[asyncio.Task[None]] = set()  # joins tried again after a refusal

    def stop(self) -> None:
        for join in list(self._joins):
            join.cancel()

    async def invited(self, room_id: str, info: InviteInfo) -> None:
        inviter, direct = inviter_of(info, self.session.user_id)
        outcome = await self.receive(Invitation(Actor(PLATFORM, inviter or ""), room_id,
                                                f"invite:{room_id}", direct=direct))
        if outcome.result in (Result.DB_UNAVAILABLE, Result.DB_ERROR):
            raise DatabaseAway(room_id)  # decided when the database is back: the batch waits
        if outcome.result != Result.ACCEPTED:
            log.warning("declining the invitation of %s to %s", inviter, room_id)
            await self._try(self.client.room_leave(room_id), f"decline {room_id}")
            return
        await self._join(room_id, direct_with=inviter if direct else None)

    async def direct_opened(self, user_id: str, room_id: str) -> None:
        """``user_id`` has a direct room with the bot now: what waited for one goes out."""
        await self.receive(Joined(Actor(PLATFORM, user_id), (room_id,),
                                  f"direct:{room_id}:{user_id}", direct=True))

    async def _join(self, room_id: str, attempt: int = 0, direct_with: str | None = None) -> None:
        try:
            await self.session.call(self.client.join(room_id), f"join {room_id}")
            if direct_with and await self.opened(direct_with, room_id):
                await self.direct_opened(direct_with, room_id)
        except DeliveryError as exc:
            if exc.permanent or attempt >= JOIN_TRIES or self._stop.is_set():
                log.warning("join %s failed: %s", room_id, exc)
                return
            delay = exc.retry_after if exc.retry_after is not None else 2.0 ** attempt
            log.info("join %s: %s; trying again in %.1fs", room_id, exc, delay)
            task = asyncio.create_task(self._join_later(room_id, delay, attempt + 1,
                                                        direct_with))
            self._joins.add(task)
            task.add_done_callback(self._joins.discard)

    async def _join_later(self, room_id: str, delay: float, attempt: int,
                          direct_with: str | None) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), delay)
        except TimeoutError:
            await self._join(room_id, attempt, direct_with)  # not stopping: try again

    async def _try(self, request: Any, what: str) -> None:
        try:
            await self.session.call(request, what)
        except DeliveryError as exc:
            log.warning("%s failed: %s", what, exc)
