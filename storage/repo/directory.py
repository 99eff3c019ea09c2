"""Queries on the directory: people, identities, enterprises, skills, resources, channels."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Channel,
    Cooperative,
    Enterprise,
    EnterpriseSkill,
    Identity,
    Person,
    Resource,
    Skill,
    SkillSynonym,
)


async def person_by_identity(s: AsyncSession, platform: str, user_id: str) -> Person | None:
    stmt = (
        select(Person)
        .join(Identity, col(Identity.person_id) == col(Person.id))
        .where(Identity.platform == platform, Identity.platform_user_id == user_id)
        .where(col(Person.active).is_(True))
    )
    return (await s.exec(stmt)).first()


async def person_by_handle(s: AsyncSession, handle: str) -> Person | None:
    return (await s.exec(select(Person).where(Person.handle == handle))).first()


async def people(s: AsyncSession, *, enterprise_id: int | None = None) -> Sequence[Person]:
    stmt = select(Person).where(col(Person.active).is_(True)).order_by(col(Person.display_name))
    if enterprise_id is not None:
        stmt = stmt.where(Person.enterprise_id == enterprise_id)
    return (await s.exec(stmt)).all()


async def coordinators(s: AsyncSession) -> Sequence[Person]:
    stmt = (
        select(Person)
        .where(Person.role == "coordinator", col(Person.active).is_(True))
        .order_by(col(Person.display_name))
    )
    return (await s.exec(stmt)).all()


async def identities_of(s: AsyncSession, person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    ids = list(person_ids)
    result: dict[int, dict[str, str]] = defaultdict(dict)
    if not ids:
        return result
    rows = await s.exec(select(Identity).where(col(Identity.person_id).in_(ids)))
    for identity in rows:
        result[identity.person_id][identity.platform] = identity.platform_user_id
    return result


async def identity_of(s: AsyncSession, platform: str, user_id: str) -> Identity | None:
    stmt = select(Identity).where(
        Identity.platform == platform, Identity.platform_user_id == user_id
    )
    return (await s.exec(stmt)).first()


async def enterprise_by_slug(s: AsyncSession, slug: str) -> Enterprise | None:
    return (await s.exec(select(Enterprise).where(Enterprise.slug == slug))).first()


async def enterprise_by_id(s: AsyncSession, enterprise_id: int) -> Enterprise | None:
    return await s.get(Enterprise, enterprise_id)


async def enterprises(s: AsyncSession) -> Sequence[Enterprise]:
    stmt = select(Enterprise).where(col(Enterprise.active).is_(True)).order_by(
        col(Enterprise.name)
    )
    return (await s.exec(stmt)).all()


async def count_enterprises(s: AsyncSession) -> int:
    return (await s.exec(select(func.count()).select_from(Enterprise))).one()


async def skills_by_enterprise(s: AsyncSession) -> dict[int, list[Skill]]:
    stmt = (
        select(EnterpriseSkill.enterprise_id, Skill)
        .join(Skill, col(Skill.id) == col(EnterpriseSkill.skill_id))
        .order_by(col(Skill.label))
    )
    result: dict[int, list[Skill]] = defaultdict(list)
    for enterprise_id, skill in await s.exec(stmt):
        result[enterprise_id].append(skill)
    return result


async def skills(s: AsyncSession) -> Sequence[Skill]:
    return (await s.exec(select(Skill).order_by(col(Skill.label)))).all()


async def skill_by_slug(s: AsyncSession, slug: str) -> Skill | None:
    return (await s.exec(select(Skill).where(Skill.slug == slug))).first()


async def synonyms(s: AsyncSession) -> dict[int, list[str]]:
    result: dict[int, list[str]] = defaultdict(list)
    for syn in await s.exec(select(SkillSynonym).order_by(col(SkillSynonym.term))):
        result[syn.skill_id].append(syn.term)
    return result


async def set_enterprise_skills(s: AsyncSession, enterprise_id: int, skill_ids: list[int]) -> None:
    await s.exec(delete(EnterpriseSkill).where(col(EnterpriseSkill.enterprise_id) == enterprise_id))
    for skill_id in dict.fromkeys(skill_ids):
        s.add(EnterpriseSkill(enterprise_id=enterprise_id, skill_id=skill_id))


async def set_synonyms(s: AsyncSession, skill_id: int, terms: list[str]) -> None:
    await s.exec(delete(SkillSynonym).where(col(SkillSynonym.skill_id) == skill_id))
    await s.flush()
    for term in dict.fromkeys(terms):
        s.add(SkillSynonym(skill_id=skill_id, term=term))


async def resources(s: AsyncSession) -> Sequence[Resource]:
    stmt = select(Resource).where(col(Resource.active).is_(True)).order_by(
        col(Resource.kind), col(Resource.name)
    )
    return (await s.exec(stmt)).all()


async def resource_by_slug(s: AsyncSession, slug: str) -> Resource | None:
    return (await s.exec(select(Resource).where(Resource.slug == slug))).first()


async def channels(
    s: AsyncSession, *, purpose: str | None = None, platforms: Iterable[str] | None = None
) -> Sequence[Channel]:
    stmt = select(Channel).order_by(col(Channel.platform), col(Channel.id))
    if purpose is not None:
        stmt = stmt.where(Channel.purpose == purpose)
    if platforms is not None:
        stmt = stmt.where(col(Channel.platform).in_(list(platforms)))
    return (await s.exec(stmt)).all()


async def channel_by_platform_id(s: AsyncSession, platform: str, channel_id: str) -> Channel | None:
    stmt = select(Channel).where(
        Channel.platform == platform, Channel.platform_channel_id == channel_id
    )
    return (await s.exec(stmt)).first()


async def cooperative(s: AsyncSession) -> Cooperative:
    row = (await s.exec(select(Cooperative).order_by(col(Cooperative.id)))).first()
    return row if row is not None else Cooperative()
