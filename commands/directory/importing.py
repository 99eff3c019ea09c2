"""Importing the directory file: the directory becomes what the file says.

Entries are known by their key in the file: skills, enterprises and resources by slug,
people by handle, channels by name (one row per name and platform, whose room id the
file may correct). What the file no longer lists — an enterprise, a person, a resource,
a channel or one platform of a channel — is retired: its row stays (history names it),
marked inactive, and nothing uses it any more; a file that lists it again brings it
back. Skills are not retired (no enterprise has a skill the file dropped).

``apply`` makes the changes and says which, so ``grappe directory import --check``
shows the changes of an import by making them and rolling them back: one rule for the
import and its preview. The caller's transaction makes it all or nothing.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.directory import clients
from commands.directory.changes import Change, Changes, Kind, outcome, set_values
from commands.directory.file import DirectoryFile, DirectoryFileError, PersonIn, ResourceIn
from commands.directory.problems import Problem
from commands.i18n import N_
from commands.text import fold
from storage.models import Channel, Enterprise, Identity, Person, Resource, Skill, utcnow
from storage.repo import directory as dir_repo


def counts(data: DirectoryFile) -> dict[str, int]:
    return {"enterprises": len(data.enterprises), "skills": len(data.skills),
            "people": sum(len(e.people) for e in data.enterprises) + len(data.people),
            "resources": len(data.resources), "channels": len(data.channels),
            "clients": len(data.clients)}


async def apply(s: AsyncSession, data: DirectoryFile) -> Changes:
    """Bring the directory to ``data``; what changed. Matrix room aliases must have been
    resolved to room ids before (``bot.matrix.aliases``)."""
    aliases = [Problem(N_("{where}: the room alias {alias} is not resolved."),
                       f"channels[{i}] ({c.name})", {"alias": c.matrix})
               for i, c in enumerate(data.channels) if c.matrix_alias]
    if aliases:
        raise DirectoryFileError(aliases)
    changes = Changes(counts=counts(data))
    await _cooperative(s, data, changes)
    skill_ids = await _skills(s, data, changes)
    enterprise_ids = await _enterprises(s, data, skill_ids, changes)
    await _people(s, data, enterprise_ids, changes)
    await _resources(s, data.resources, changes)
    client_ids = await clients.apply(s, data.clients, changes)
    await _channels(s, data, client_ids, changes)
    await s.flush()
    return changes


async def _cooperative(s: AsyncSession, data: DirectoryFile, changes: Changes) -> None:
    coop = await dir_repo.cooperative(s)
    c = data.cooperative
    different = set_values(coop, {"name": c.name, "timezone": c.timezone, "locale": c.locale,
                            "business_hours": c.business_hours,
                            "digest_weekday": data.digest.weekday,
                            "digest_time": data.digest.time})
    if different:
        coop.updated_at = utcnow()
        changes.note(Change.CHANGED, Kind.COOPERATIVE, c.name)
    if different or coop.id is None:
        s.add(coop)


async def _skills(s: AsyncSession, data: DirectoryFile, changes: Changes) -> dict[str, int]:
    existing = {k.slug: k for k in await dir_repo.skills(s)}
    terms_now = await dir_repo.synonyms(s)
    ids: dict[str, int] = {}
    replaced: dict[int, list[str]] = {}
    for item in data.skills:
        skill = existing.get(item.slug)
        new = skill is None
        if skill is None:
            skill = Skill(slug=item.slug, label=item.label, label_en=item.label_en)
            s.add(skill)
            await s.flush()
        assert skill.id is not None
        ids[item.slug] = skill.id
        different = set_values(skill, {"label": item.label, "label_en": item.label_en})
        terms = _spellings(item.synonyms)
        if sorted(terms_now.get(skill.id, [])) != sorted(terms):
            replaced[skill.id] = terms
            different = True
        outcome(changes, Kind.SKILL, item.slug, new=new, was_active=True, different=different)
    wanted = {fold(term) for terms in replaced.values() for term in terms}
    for skill_id, terms in terms_now.items():  # a term taken from a skill the file dropped
        if skill_id not in ids.values() and wanted.intersection(map(fold, terms)):
            replaced[skill_id] = [t for t in terms if fold(t) not in wanted]
    await dir_repo.replace_synonyms(s, replaced)
    return ids


def _spellings(synonyms: list[str]) -> list[str]:
    """The synonyms as the file writes them (they are shown), one per folded form (they
    are matched folded: ``commands.lookup``)."""
    spelled: dict[str, str] = {}
    for term in synonyms:
        spelled.setdefault(fold(term).strip(), " ".join(term.split()))
    return [term for key, term in spelled.items() if key]


async def _enterprises(s: AsyncSession, data: DirectoryFile, skill_ids: dict[str, int],
                       changes: Changes) -> dict[str, int]:
    existing = {e.slug: e for e in await dir_repo.all_enterprises(s)}
    skills_now = await dir_repo.skills_by_enterprise(s)
    ids: dict[str, int] = {}
    for item in data.enterprises:
        enterprise = existing.get(item.slug)
        new = enterprise is None
        if enterprise is None:
            enterprise = Enterprise(slug=item.slug, name=item.name)
            s.add(enterprise)
            await s.flush()
        assert enterprise.id is not None
        ids[item.slug] = enterprise.id
        was_active = enterprise.active
        different = set_values(enterprise, {"name": item.name, "description": item.description,
                                      "active": True})
        wanted = list(dict.fromkeys(skill_ids[k] for k in item.skills))
        if {k.id for k in skills_now.get(enterprise.id, [])} != set(wanted):
            await dir_repo.set_enterprise_skills(s, enterprise.id, wanted)
            different = True
        outcome(changes, Kind.ENTERPRISE, item.slug, new=new, was_active=was_active,
                 different=different)
    for slug, enterprise in existing.items():
        if slug not in ids and enterprise.active:
            enterprise.active = False
            changes.note(Change.RETIRED, Kind.ENTERPRISE, slug)
    return ids


async def _people(s: AsyncSession, data: DirectoryFile, enterprise_ids: dict[str, int],
                  changes: Changes) -> None:
    existing = {p.handle: p for p in await dir_repo.all_people(s)}
    rows: dict[int, list[Identity]] = defaultdict(list)
    for identity in await dir_repo.identity_rows_of(s, [p.id or 0 for p in existing.values()]):
        rows[identity.person_id].append(identity)
    listed = [(p, enterprise_ids[e.slug]) for e in data.enterprises for p in e.people]
    for item, enterprise_id in [*listed, *((p, None) for p in data.people)]:
        person = existing.get(item.handle)
        new = person is None
        if person is None:
            person = Person(handle=item.handle, display_name=item.name)
            s.add(person)
            await s.flush()
        was_active = person.active
        different = set_values(person, {
            "display_name": item.name, "enterprise_id": enterprise_id, "role": item.role,
            "locale": item.locale, "email": item.email, "active": True})
        different |= await _accounts(s, person, item, rows.get(person.id or 0, []))
        outcome(changes, Kind.PERSON, item.handle, new=new, was_active=was_active,
                 different=different)
    handles = {p.handle for p, _ in listed} | {p.handle for p in data.people}
    for handle, person in existing.items():
        if handle not in handles and person.active:
            person.active = False
            changes.note(Change.RETIRED, Kind.PERSON, handle)


async def _accounts(s: AsyncSession, person: Person, item: PersonIn,
                    rows: list[Identity]) -> bool:
    """The person's account on each platform the file names is the file's one (an old id
    goes); an account linked in chat on a platform the file leaves out stays."""
    assert person.id is not None
    different = False
    wanted = {"console": item.handle, "slack": item.slack, "matrix": item.matrix}
    for platform, user_id in wanted.items():
        if not user_id:
            continue
        stale = [i for i in rows if i.platform == platform and i.platform_user_id != user_id
                 and i.person_id == person.id]  # not one another person took meanwhile
        for identity in stale:
            await s.delete(identity)
        if stale:
            await s.flush()  # before another person's row takes the id
            different = True
        holder = await dir_repo.identity_of(s, platform, user_id)
        if holder is None:
            s.add(Identity(person_id=person.id, platform=platform, platform_user_id=user_id))
            different = True
        elif holder.person_id != person.id:
            holder.person_id = person.id  # the account was someone else's
            s.add(holder)
            different = True
    return different


def _minutes(hours: float | None) -> int | None:
    return None if hours is None else round(hours * 60)


def resource_values(r: ResourceIn) -> dict[str, Any]:
    return {"name": r.name, "kind": r.kind, "description": r.description,
            "capacity": r.capacity, "opens": r.opens, "closes": r.closes,
            "max_minutes": _minutes(r.max_hours),
            "min_notice_minutes": _minutes(r.min_notice_hours) or 0,
            "needs_approval": r.approval,
            "monthly_quota_minutes": _minutes(r.monthly_quota_hours) or None,
            "needs_pickup": r.pickup, "active": True,
            "days": ",".join([*dict.fromkeys(r.days), *(["holidays"] if r.holidays else [])])}


async def _resources(s: AsyncSession, items: list[ResourceIn], changes: Changes) -> None:
    existing = {r.slug: r for r in await dir_repo.all_resources(s)}
    for item in items:
        resource = existing.get(item.slug)
        if resource is None:
            s.add(Resource(slug=item.slug, **resource_values(item)))
            changes.note(Change.ADDED, Kind.RESOURCE, item.slug)
            continue
        was_active = resource.active
        different = set_values(resource, resource_values(item))
        outcome(changes, Kind.RESOURCE, item.slug, new=False, was_active=was_active,
                 different=different)
    slugs = {r.slug for r in items}
    for slug, resource in existing.items():
        if slug not in slugs and resource.active:
            resource.active = False
            changes.note(Change.RETIRED, Kind.RESOURCE, slug)


async def _channels(s: AsyncSession, data: DirectoryFile, client_ids: dict[str, int],
                    changes: Changes) -> None:
    existing = {(c.name, c.platform): c for c in await dir_repo.all_channels(s)}
    listed: set[tuple[str, str]] = set()
    for item in data.channels:
        rooms = {"console": f"#{item.name}", "slack": item.slack, "matrix": item.matrix}
        for platform, room in rooms.items():
            if not room:
                continue
            listed.add((item.name, platform))
            name = f"{item.name} ({platform})"
            channel = existing.get((item.name, platform))
            client_id = client_ids.get(item.client) if item.client else None
            if channel is None:
                s.add(Channel(name=item.name, purpose=item.purpose, platform=platform,
                              platform_channel_id=room, client_id=client_id))
                changes.note(Change.ADDED, Kind.CHANNEL, name)
                continue
            was_active, moved = channel.active, channel.platform_channel_id != room
            different = set_values(channel, {"purpose": item.purpose, "platform_channel_id": room,
                                       "client_id": client_id, "active": True})
            outcome(changes, Kind.CHANNEL, f"{name} → {room}" if moved else name,
                     new=False, was_active=was_active, different=different)
    for key, channel in existing.items():
        if key not in listed and channel.active:
            channel.active = False
            changes.note(Change.RETIRED, Kind.CHANNEL, f"{key[0]} ({key[1]})")
