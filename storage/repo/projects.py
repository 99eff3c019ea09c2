"""Queries on projects: a won request's budget, shares and logged time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Consultation, Milestone, Project, ProjectShare, Request, TimeEntry


async def get(s: AsyncSession, request_id: int) -> Project | None:
    return await s.get(Project, request_id)


async def get_or_new(s: AsyncSession, request_id: int) -> Project:
    return await get(s, request_id) or Project(request_id=request_id)


async def team(s: AsyncSession, request_id: int) -> list[Consultation]:
    """The lead first, then the partners."""
    stmt = select(Consultation).where(col(Consultation.request_id) == request_id,
                                      col(Consultation.role).in_(("lead", "partner")))
    rows = list((await s.exec(stmt)).all())
    return sorted(rows, key=lambda c: (c.role != "lead", c.enterprise_id))


async def shares(s: AsyncSession, request_id: int) -> list[ProjectShare]:
    stmt = select(ProjectShare).where(col(ProjectShare.request_id) == request_id)
    return list((await s.exec(stmt)).all())


async def replace_shares(s: AsyncSession, request_id: int,
                         new: Sequence[ProjectShare]) -> None:
    """The whole split at once; an enterprise keeps the thresholds it was told of."""
    told = {sh.enterprise_id: sh.told_percent for sh in await shares(s, request_id)}
    await s.exec(delete(ProjectShare).where(col(ProjectShare.request_id) == request_id))
    await s.flush()
    for share in new:
        share.told_percent = told.get(share.enterprise_id, 0)
        s.add(share)
    await s.flush()


async def spent(s: AsyncSession, request_id: int) -> dict[int, int]:
    """Hundredths of days logged, per enterprise."""
    stmt = select(TimeEntry.enterprise_id, func.sum(TimeEntry.days_x100)).where(
        col(TimeEntry.request_id) == request_id).group_by(col(TimeEntry.enterprise_id))
    return {enterprise: int(total or 0) for enterprise, total in await s.exec(stmt)}


async def milestones(s: AsyncSession, request_id: int) -> list[Milestone]:
    stmt = select(Milestone).where(col(Milestone.request_id) == request_id).order_by(
        col(Milestone.due_on), col(Milestone.id))
    return list((await s.exec(stmt)).all())


async def milestones_due(s: AsyncSession, first: date, last: date
                         ) -> list[tuple[Milestone, Request]]:
    """Milestones not done, due from ``first`` to ``last`` included, soonest first, each
    with its request (one statement)."""
    stmt = select(Milestone, Request).join(Request, col(Request.id) == col(Milestone.request_id)
                                           ).where(col(Milestone.done_at).is_(None),
                                                   col(Milestone.due_on) >= first,
                                                   col(Milestone.due_on) <= last).order_by(
        col(Milestone.due_on), col(Milestone.id))
    return [(m, r) for m, r in (await s.exec(stmt)).all()]


def won_on() -> ColumnElement[datetime | None]:
    """When a request was won: ``won_at``, or for one delivered before it was recorded,
    its closing."""
    return func.coalesce(col(Request.won_at), col(Request.closed_at))


async def won_between(s: AsyncSession, start: datetime | None, end: datetime | None
                      ) -> list[Request]:
    """The requests won (delivered since, or not) from ``start`` to before ``end``, by id."""
    stmt = select(Request).where(col(Request.status).in_(("won", "delivered")))
    if start is not None:
        stmt = stmt.where(won_on() >= start)
    if end is not None:
        stmt = stmt.where(won_on() < end)
    return list((await s.exec(stmt.order_by(col(Request.id)))).all())


async def projects_of(s: AsyncSession, request_ids: Iterable[int]) -> dict[int, Project]:
    wanted = list(set(request_ids))
    if not wanted:
        return {}
    stmt = select(Project).where(col(Project.request_id).in_(wanted))
    return {p.request_id: p for p in await s.exec(stmt)}


async def shares_of(s: AsyncSession, request_ids: Iterable[int]
                    ) -> dict[int, list[ProjectShare]]:
    wanted = list(set(request_ids))
    result: dict[int, list[ProjectShare]] = defaultdict(list)
    if wanted:
        stmt = select(ProjectShare).where(col(ProjectShare.request_id).in_(wanted)).order_by(
            col(ProjectShare.enterprise_id))
        for share in await s.exec(stmt):
            result[share.request_id].append(share)
    return result


async def spent_of(s: AsyncSession, request_ids: Iterable[int]
                   ) -> dict[tuple[int, int], int]:
    """Hundredths of days logged, per (request, enterprise), for several requests at once."""
    wanted = list(set(request_ids))
    if not wanted:
        return {}
    stmt = select(TimeEntry.request_id, TimeEntry.enterprise_id,
                  func.sum(TimeEntry.days_x100)).where(
        col(TimeEntry.request_id).in_(wanted)).group_by(col(TimeEntry.request_id),
                                                        col(TimeEntry.enterprise_id))
    return {(request, enterprise): int(total or 0)
            for request, enterprise, total in await s.exec(stmt)}
