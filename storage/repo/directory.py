"""Queries on the directory: people, identities, enterprises, skills, resources, channels.

The reads that nearly every command makes (who acts, the cooperative, coordinators,
identities, skills and synonyms, channels) are answered from the process's copy of the
directory while the database's directory generation is unchanged (storage.directory_cache);
each such part is loaded whole, by the same query as the direct read, and every call hands
out the session's own instances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import delete, func
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import directory_cache as cache
from storage.models import (
    Channel,
    Cooperative,
    Enterprise,
    EnterpriseSkill,
    Identity,
    Person,
    PersonRole,
    Resource,
    Skill,
    SkillSynonym,
)

M = TypeVar("M", bound=SQLModel)
T = TypeVar("T")
SkillsBuilder = Callable[[Sequence[Skill], Mapping[int, list[str]]], T]
SkillIndexBuilder = SkillsBuilder[dict[str, Skill]]

_ACTIVE_ACCOUNTS = (
    select(Identity.platform, Identity.platform_user_id, Person)
    .join(Person, col(Identity.person_id) == col(Person.id))
    .where(col(Person.active).is_(True))
)
_PEOPLE = select(Person).order_by(col(Person.display_name), col(Person.id))
_SKILLS = select(Skill).order_by(col(Skill.label))
_SYNONYMS = select(SkillSynonym).order_by(col(SkillSynonym.term))
_CHANNELS = select(Channel).order_by(col(Channel.platform), col(Channel.id))
_COOPERATIVE = select(Cooperative).order_by(col(Cooperative.id)).limit(1)
_RESOURCES = select(Resource).order_by(col(Resource.kind), col(Resource.name))


def _identities_by_person(rows: Iterable[Identity]) -> dict[int, dict[str, str]]:
    result: dict[int, dict[str, str]] = defaultdict(dict)
    for identity in rows:
        result[identity.person_id][identity.platform] = identity.platform_user_id
    return result


def _terms_by_skill(rows: Iterable[SkillSynonym]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = defaultdict(list)
    for syn in rows:
        result[syn.skill_id].append(syn.term)
    return result


# The parts of the directory the process keeps (loaded whole on a session of their own).
ACCOUNTS = cache.Part("accounts", lambda own: {
    (platform, user_id): person for platform, user_id, person in own.exec(_ACTIVE_ACCOUNTS)})
IDENTITIES = cache.Part("identities", lambda own: dict(
    _identities_by_person(own.exec(select(Identity)))))
COOPERATIVE = cache.Part("cooperative", lambda own: tuple(own.exec(_COOPERATIVE)))
SKILLS = cache.Part("skills", lambda own: tuple(own.exec(_SKILLS)))
SKILLS_BY_ID = cache.Part("skills-by-id", lambda own: {k.id: k for k in own.exec(_SKILLS)})
SYNONYMS = cache.Part("synonyms", lambda own: dict(_terms_by_skill(own.exec(_SYNONYMS))))
CHANNELS = cache.Part("channels", lambda own: tuple(own.exec(_CHANNELS)))
RESOURCES = cache.Part("resources", lambda own: tuple(own.exec(_RESOURCES)))  # inactive too
# everyone, inactive too, in the database's name order (the lists below keep it)
PEOPLE = cache.Part("people", lambda own: {p.id: p for p in own.exec(_PEOPLE)})
ENTERPRISES = cache.Part("enterprises",
                         lambda own: {e.id: e for e in own.exec(select(Enterprise))})
_from_skills: dict[SkillsBuilder[object], cache.Part[object]] = {}


async def person_by_identity(s: AsyncSession, platform: str, user_id: str) -> Person | None:
    accounts = await cache.read(s, ACCOUNTS)
    if accounts is not None:
        found = accounts.get((platform, user_id))
        return None if found is None else cache.copy(s, found)
    stmt = _ACTIVE_ACCOUNTS.where(Identity.platform == platform,
                                  Identity.platform_user_id == user_id)
    row = (await s.exec(stmt)).first()
    return None if row is None else row[2]


async def person_by_handle(s: AsyncSession, handle: str) -> Person | None:
    """The person with this handle, retired or not (privacy and the import need both)."""
    return (await s.exec(select(Person).where(Person.handle == handle))).first()


async def all_people(s: AsyncSession) -> list[Person]:
    """Everyone, retired people included, by name."""
    cached = await cache.read(s, PEOPLE)
    if cached is not None:
        return [cache.copy(s, p) for p in cached.values()]
    return list((await s.exec(_PEOPLE)).all())


async def people(s: AsyncSession, *, enterprise_id: int | None = None) -> Sequence[Person]:
    stmt = select(Person).where(col(Person.active).is_(True)).order_by(col(Person.display_name))
    if enterprise_id is not None:
        stmt = stmt.where(Person.enterprise_id == enterprise_id)
    return (await s.exec(stmt)).all()


async def coordinators(s: AsyncSession) -> Sequence[Person]:
    cached = await cache.read(s, PEOPLE)
    if cached is not None:
        return [cache.copy(s, p) for p in cached.values()
                if p.role == PersonRole.COORDINATOR and p.active]
    return (await s.exec(_PEOPLE.where(Person.role == PersonRole.COORDINATOR,
                                       col(Person.active).is_(True)))).all()


async def identities_of(s: AsyncSession, person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    ids = list(person_ids)
    if not ids:
        return defaultdict(dict)
    cached = await cache.read(s, IDENTITIES)
    if cached is not None:
        result: dict[int, dict[str, str]] = defaultdict(dict)
        result.update({i: dict(cached[i]) for i in ids if i in cached})
        return result
    return _identities_by_person(
        await s.exec(select(Identity).where(col(Identity.person_id).in_(ids))))


async def identity_rows_of(s: AsyncSession, person_ids: Iterable[int]) -> list[Identity]:
    """The identity rows of these people (a person may have several on one platform)."""
    ids = list(person_ids)
    if not ids:
        return []
    return list((await s.exec(select(Identity).where(col(Identity.person_id).in_(ids)))).all())


async def identity_of(s: AsyncSession, platform: str, user_id: str) -> Identity | None:
    stmt = select(Identity).where(
        Identity.platform == platform, Identity.platform_user_id == user_id
    )
    return (await s.exec(stmt)).first()


async def enterprise_by_slug(s: AsyncSession, slug: str) -> Enterprise | None:
    return (await s.exec(select(Enterprise).where(Enterprise.slug == slug))).first()


async def enterprise_by_id(s: AsyncSession, enterprise_id: int) -> Enterprise | None:
    cached = await cache.read(s, ENTERPRISES)
    if cached is not None:
        found = cached.get(enterprise_id)
        return None if found is None else cache.copy(s, found)
    return await s.get(Enterprise, enterprise_id)


async def _by_id(s: AsyncSession, part: cache.Part[dict[int | None, M]], model: type[M],
                 ids: Iterable[int | None]) -> dict[int, M]:
    """The rows of ``model`` with these ids, inactive ones included (old records still
    name them), from the directory's copy when it is good."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    cached = await cache.read(s, part)
    if cached is not None:
        return {i: cache.copy(s, cached[i]) for i in wanted if i in cached}
    rows = await s.exec(select(model).where(col(model.id).in_(wanted)))  # type: ignore[attr-defined]
    return {row.id or 0: row for row in rows}  # type: ignore[attr-defined]


async def people_by_id(s: AsyncSession, ids: Iterable[int | None]) -> dict[int, Person]:
    return await _by_id(s, PEOPLE, Person, ids)


async def people_of(s: AsyncSession, enterprise_ids: Iterable[int]) -> dict[int, list[Person]]:
    """The active people of these enterprises, by enterprise, by name."""
    wanted = set(enterprise_ids)
    result: dict[int, list[Person]] = defaultdict(list)
    if not wanted:
        return result
    cached = await cache.read(s, PEOPLE)
    if cached is not None:
        people = [cache.copy(s, p) for p in cached.values()
                  if p.active and p.enterprise_id in wanted]
    else:
        people = list(await s.exec(_PEOPLE.where(col(Person.enterprise_id).in_(wanted),
                                                 col(Person.active).is_(True))))
    for person in people:
        result[person.enterprise_id or 0].append(person)
    return result


async def enterprises_by_id(s: AsyncSession,
                            ids: Iterable[int | None]) -> dict[int, Enterprise]:
    return await _by_id(s, ENTERPRISES, Enterprise, ids)


async def enterprises(s: AsyncSession) -> Sequence[Enterprise]:
    stmt = select(Enterprise).where(col(Enterprise.active).is_(True)).order_by(
        col(Enterprise.name)
    )
    return (await s.exec(stmt)).all()


async def all_enterprises(s: AsyncSession) -> list[Enterprise]:
    """Every enterprise, retired ones included."""
    cached = await cache.read(s, ENTERPRISES)
    if cached is not None:
        return [cache.copy(s, e) for e in cached.values()]
    return list((await s.exec(select(Enterprise))).all())


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
    cached = await cache.read(s, SKILLS)
    if cached is not None:
        return [cache.copy(s, k) for k in cached]
    return (await s.exec(_SKILLS)).all()


async def skills_by_id(s: AsyncSession, ids: Iterable[int | None]) -> dict[int, Skill]:
    return await _by_id(s, SKILLS_BY_ID, Skill, ids)


async def skill_by_slug(s: AsyncSession, slug: str) -> Skill | None:
    return (await s.exec(select(Skill).where(Skill.slug == slug))).first()


async def synonyms(s: AsyncSession) -> dict[int, list[str]]:
    cached = await cache.read(s, SYNONYMS)
    if cached is None:
        return _terms_by_skill(await s.exec(_SYNONYMS))
    result: dict[int, list[str]] = defaultdict(list)
    result.update({k: list(terms) for k, terms in cached.items()})
    return result


def _skills_part(build: SkillsBuilder[T]) -> cache.Part[T]:
    """The cache's part of ``build(skills, synonyms)``: one per builder."""
    part = _from_skills.get(build)
    if part is None:
        part = _from_skills[build] = cache.Part(
            f"from-skills:{build.__qualname__}",
            lambda own: build(SKILLS.load(own), SYNONYMS.load(own)))
    return part  # type: ignore[return-value]


async def from_skills(s: AsyncSession, build: SkillsBuilder[T]) -> T:
    """``build(skills, synonyms)``, a pure function kept per directory generation while the
    cache may answer, handed out as it is: what it builds holds no row (words and ids, as
    the skills' vocabulary of commands/requests/skills.py), and no reader changes what it
    says (a memo of its own aside)."""
    found: T | None = await cache.read(s, _skills_part(build))
    return build(await skills(s), await synonyms(s)) if found is None else found


async def skill_index(s: AsyncSession, build: SkillIndexBuilder) -> dict[str, Skill]:
    """``build(skills, synonyms)``, a pure function (kept per directory generation while the
    cache may answer), with the session's own instances of the skills."""
    index = await cache.read(s, _skills_part(build))
    if index is None:
        return build(await skills(s), await synonyms(s))
    copies: dict[int | None, Skill] = {}
    for skill in index.values():
        if skill.id not in copies:
            copies[skill.id] = cache.copy(s, skill)
    return {term: copies[skill.id] for term, skill in index.items()}


async def set_enterprise_skills(s: AsyncSession, enterprise_id: int, skill_ids: list[int]) -> None:
    await s.exec(delete(EnterpriseSkill).where(col(EnterpriseSkill.enterprise_id) == enterprise_id))
    for skill_id in dict.fromkeys(skill_ids):
        s.add(EnterpriseSkill(enterprise_id=enterprise_id, skill_id=skill_id))


async def set_synonyms(s: AsyncSession, skill_id: int, terms: list[str]) -> None:
    await replace_synonyms(s, {skill_id: terms})


async def replace_synonyms(s: AsyncSession, terms_by_skill: Mapping[int, list[str]]) -> None:
    """Give these skills these terms: every old term goes first, so that a term may move
    from one skill to another."""
    if not terms_by_skill:
        return
    await s.exec(delete(SkillSynonym).where(  # type: ignore[call-overload]
        col(SkillSynonym.skill_id).in_(list(terms_by_skill))))
    await s.flush()
    for skill_id, terms in terms_by_skill.items():
        for term in dict.fromkeys(terms):
            s.add(SkillSynonym(skill_id=skill_id, term=term))


async def all_resources(s: AsyncSession) -> list[Resource]:
    """Every resource, inactive ones included (old bookings still name them)."""
    cached = await cache.read(s, RESOURCES)
    if cached is not None:
        return [cache.copy(s, r) for r in cached]
    return list((await s.exec(_RESOURCES)).all())


async def resources(s: AsyncSession) -> Sequence[Resource]:
    return [r for r in await all_resources(s) if r.active]


async def resource_by_slug(s: AsyncSession, slug: str) -> Resource | None:
    return (await s.exec(select(Resource).where(Resource.slug == slug))).first()


async def channels(
    s: AsyncSession, *, purpose: str | None = None, platforms: Iterable[str] | None = None
) -> Sequence[Channel]:
    """The channels in use (retired ones left out), by platform."""
    cached = await cache.read(s, CHANNELS)
    every = cached if cached is not None else (await s.exec(_CHANNELS)).all()
    wanted = None if platforms is None else set(platforms)
    chosen = [c for c in every if c.active and (purpose is None or c.purpose == purpose)
              and (wanted is None or c.platform in wanted)]
    return chosen if cached is None else [cache.copy(s, c) for c in chosen]


async def all_channels(s: AsyncSession) -> list[Channel]:
    """Every channel row, retired ones included."""
    return list((await s.exec(_CHANNELS)).all())


async def channel_by_platform_id(s: AsyncSession, platform: str, channel_id: str) -> Channel | None:
    """The channel in use in this room, if any (a retired one may have had the same id)."""
    stmt = select(Channel).where(
        Channel.platform == platform, Channel.platform_channel_id == channel_id,
        col(Channel.active).is_(True))
    return (await s.exec(stmt)).first()


async def cooperative(s: AsyncSession) -> Cooperative:
    cached = await cache.read(s, COOPERATIVE)
    if cached is not None:
        return cache.copy(s, cached[0]) if cached else Cooperative()
    row = (await s.exec(_COOPERATIVE)).first()
    return row if row is not None else Cooperative()
