"""Queries on client requests, consultations and answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Answer,
    Consultation,
    Enterprise,
    EnterpriseSkill,
    Request,
    RequestSkill,
    Skill,
)


async def get(s: AsyncSession, request_id: int) -> Request | None:
    return await s.get(Request, request_id)


async def add(s: AsyncSession, request: Request, skill_ids: Iterable[int]) -> Request:
    s.add(request)
    await s.flush()
    assert request.id is not None
    for skill_id in dict.fromkeys(skill_ids):
        s.add(RequestSkill(request_id=request.id, skill_id=skill_id))
    return request


async def skills_of(s: AsyncSession, request_id: int) -> Sequence[Skill]:
    stmt = (
        select(Skill)
        .join(RequestSkill, col(RequestSkill.skill_id) == col(Skill.id))
        .where(RequestSkill.request_id == request_id)
        .order_by(col(Skill.label))
    )
    return (await s.exec(stmt)).all()


async def enterprises_with_skills(
    s: AsyncSession, skill_ids: Sequence[int]
) -> list[tuple[Enterprise, int]]:
    """Active enterprises having any of the skills, most matching skills first."""
    if not skill_ids:
        return []
    matches = func.count(col(EnterpriseSkill.skill_id)).label("matches")
    stmt = (
        select(Enterprise, matches)
        .join(EnterpriseSkill, col(EnterpriseSkill.enterprise_id) == col(Enterprise.id))
        .where(col(EnterpriseSkill.skill_id).in_(list(skill_ids)))
        .where(col(Enterprise.active).is_(True))
        .group_by(col(Enterprise.id))
        .order_by(matches.desc(), col(Enterprise.name))
    )
    return [(e, n) for e, n in await s.exec(stmt)]


async def consultations(s: AsyncSession, request_id: int) -> Sequence[Consultation]:
    stmt = select(Consultation).where(Consultation.request_id == request_id).order_by(
        col(Consultation.added_at), col(Consultation.enterprise_id))
    return (await s.exec(stmt)).all()


async def consultation(
    s: AsyncSession, request_id: int, enterprise_id: int
) -> Consultation | None:
    return await s.get(Consultation, (request_id, enterprise_id))


async def answers(s: AsyncSession, request_id: int) -> Sequence[Answer]:
    stmt = select(Answer).where(Answer.request_id == request_id).order_by(col(Answer.id))
    return (await s.exec(stmt)).all()


async def consultations_of(s: AsyncSession,
                           request_ids: Iterable[int]) -> dict[int, list[Consultation]]:
    """The consultations of several requests at once (each list as ``consultations`` orders it)."""
    wanted = list(set(request_ids))
    result: dict[int, list[Consultation]] = defaultdict(list)
    if not wanted:
        return result
    stmt = select(Consultation).where(col(Consultation.request_id).in_(wanted)).order_by(
        col(Consultation.added_at), col(Consultation.enterprise_id))
    for c in await s.exec(stmt):
        result[c.request_id].append(c)
    return result


async def answers_of(s: AsyncSession, request_ids: Iterable[int]) -> dict[int, list[Answer]]:
    """The answers of several requests at once, each list in order of creation."""
    wanted = list(set(request_ids))
    result: dict[int, list[Answer]] = defaultdict(list)
    if not wanted:
        return result
    stmt = select(Answer).where(col(Answer.request_id).in_(wanted)).order_by(col(Answer.id))
    for a in await s.exec(stmt):
        result[a.request_id].append(a)
    return result


async def listing(
    s: AsyncSession,
    *,
    statuses: Sequence[str] | None = None,
    enterprise_id: int | None = None,
    created_by: int | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    limit: int | None = 50,
) -> Sequence[Request]:
    stmt = select(Request).order_by(col(Request.id).desc())
    if statuses:
        stmt = stmt.where(col(Request.status).in_(list(statuses)))
    if enterprise_id is not None or created_by is not None:
        consulted = select(Consultation.request_id).where(
            Consultation.enterprise_id == enterprise_id, col(Consultation.active).is_(True))
        clauses: list[ColumnElement[bool]] = []
        if enterprise_id is not None:
            clauses.append(col(Request.id).in_(consulted))
        if created_by is not None:
            clauses.append(col(Request.created_by) == created_by)

        stmt = stmt.where(or_(*clauses))
    if created_from is not None:
        stmt = stmt.where(col(Request.created_at) >= created_from)
    if created_to is not None:
        stmt = stmt.where(col(Request.created_at) < created_to)
    if limit is not None:
        stmt = stmt.limit(limit)
    return (await s.exec(stmt)).all()
