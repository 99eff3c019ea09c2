"""Queries on availability polls."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Person, Poll, PollInvitee, PollOption, PollVote


async def get(s: AsyncSession, poll_id: int) -> Poll | None:
    return await s.get(Poll, poll_id)


async def add(s: AsyncSession, poll: Poll, options: Sequence[PollOption],
              invitee_ids: Sequence[int]) -> Poll:
    s.add(poll)
    await s.flush()
    for option in options:
        option.poll_id = poll.id or 0
        s.add(option)
    for person_id in dict.fromkeys(invitee_ids):
        s.add(PollInvitee(poll_id=poll.id or 0, person_id=person_id))
    await s.flush()
    return poll


async def options(s: AsyncSession, poll_id: int) -> Sequence[PollOption]:
    stmt = select(PollOption).where(PollOption.poll_id == poll_id).order_by(
        col(PollOption.position))
    return (await s.exec(stmt)).all()


async def invitees(s: AsyncSession, poll_id: int) -> Sequence[Person]:
    stmt = (
        select(Person)
        .join(PollInvitee, col(PollInvitee.person_id) == col(Person.id))
        .where(PollInvitee.poll_id == poll_id)
        .order_by(col(Person.display_name))
    )
    return (await s.exec(stmt)).all()


async def votes(s: AsyncSession, poll_id: int) -> Sequence[PollVote]:
    stmt = select(PollVote).where(PollVote.poll_id == poll_id).order_by(
        col(PollVote.voter), col(PollVote.position))
    return (await s.exec(stmt)).all()


async def _grouped(s: AsyncSession, wanted: list[int], stmt: Any) -> dict[int, list[Any]]:
    """``stmt``'s ``(poll_id, row)`` results, by poll, in ``stmt``'s order (none asked: none)."""
    result: dict[int, list[Any]] = defaultdict(list)
    if wanted:
        for poll_id, item in await s.exec(stmt):
            result[poll_id].append(item)
    return result


async def options_of(s: AsyncSession, poll_ids: Iterable[int]) -> dict[int, list[PollOption]]:
    """The options of several polls at once, each list by position."""
    wanted = list(set(poll_ids))
    stmt = select(PollOption.poll_id, PollOption).where(
        col(PollOption.poll_id).in_(wanted)).order_by(col(PollOption.position))
    return await _grouped(s, wanted, stmt)


async def votes_of(s: AsyncSession, poll_ids: Iterable[int]) -> dict[int, list[PollVote]]:
    """The votes of several polls at once, each list in ``votes``' order."""
    wanted = list(set(poll_ids))
    stmt = select(PollVote.poll_id, PollVote).where(col(PollVote.poll_id).in_(wanted)).order_by(
        col(PollVote.voter), col(PollVote.position))
    return await _grouped(s, wanted, stmt)


async def invitees_of(s: AsyncSession, poll_ids: Iterable[int]) -> dict[int, list[Person]]:
    """The invitees of several polls at once, each list by name."""
    wanted = list(set(poll_ids))
    stmt = (
        select(PollInvitee.poll_id, Person)
        .join(PollInvitee, col(PollInvitee.person_id) == col(Person.id))
        .where(col(PollInvitee.poll_id).in_(wanted))
        .order_by(col(Person.display_name))
    )
    return await _grouped(s, wanted, stmt)


async def ballot(s: AsyncSession, poll_id: int, voter: str) -> dict[int, str]:
    """What a voter answered so far, by option position (empty: nothing yet)."""
    stmt = select(PollVote.position, PollVote.value).where(
        col(PollVote.poll_id) == poll_id, col(PollVote.voter) == voter)
    return {position: value for position, value in await s.exec(stmt)}


async def replace_ballot(s: AsyncSession, poll_id: int, voter: str, person_id: int | None,
                         values: dict[int, str], now: datetime) -> None:
    """Record a voter's whole ballot: it replaces every earlier value of that voter."""
    await s.exec(delete(PollVote).where(col(PollVote.poll_id) == poll_id,
                                        col(PollVote.voter) == voter))
    await s.flush()
    for position, value in sorted(values.items()):
        s.add(PollVote(poll_id=poll_id, voter=voter, person_id=person_id, position=position,
                       value=value, updated_at=now))


async def open_polls(s: AsyncSession) -> Sequence[Poll]:
    stmt = select(Poll).where(Poll.status == "open").order_by(col(Poll.id))
    return (await s.exec(stmt)).all()


async def listing(s: AsyncSession, *, limit: int = 30) -> Sequence[Poll]:
    return (await s.exec(select(Poll).order_by(col(Poll.id).desc()).limit(limit))).all()
