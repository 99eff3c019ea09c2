"""The directory file (TOML): its schema, its validation, and its import.

Import is an upsert keyed by slug and handle, in one transaction: a file with
an error changes nothing, and the error names the place in the file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel.ext.asyncio.session import AsyncSession

from commands.text import fold
from storage.models import (
    Channel,
    Enterprise,
    Identity,
    Person,
    Resource,
    Skill,
)
from storage.repo import directory as dir_repo

SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CooperativeIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    timezone: str = "Europe/Paris"
    locale: Literal["fr", "en"] = "fr"
    business_hours: str = Field(default="09:00-18:00", pattern=r"^\d\d:\d\d-\d\d:\d\d$")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class SkillIn(_Strict):
    slug: str = Field(pattern=SLUG)
    label: str = Field(min_length=1, max_length=200)
    label_en: str = Field(default="", max_length=200)
    synonyms: list[str] = Field(default_factory=list)


class PersonIn(_Strict):
    handle: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    role: Literal["member", "coordinator"] = "member"
    locale: Literal["fr", "en"] = "fr"
    email: str | None = Field(default=None, max_length=320)
    slack: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,}$")
    matrix: str | None = Field(default=None, pattern=r"^@[^:\s]+:\S+$")


class EnterpriseIn(_Strict):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    skills: list[str] = Field(default_factory=list)
    people: list[PersonIn] = Field(default_factory=list)


class ResourceIn(_Strict):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["salle", "vehicule", "materiel", "personnel"]
    description: str = Field(default="", max_length=2000)
    capacity: int | None = Field(default=None, ge=1)
    opens: str = Field(default="08:00", pattern=HHMM)
    closes: str = Field(default="20:00", pattern=HHMM)
    max_hours: float | None = Field(default=None, gt=0, le=24 * 31)
    min_notice_hours: float = Field(default=0, ge=0)
    approval: bool = False
    monthly_quota_hours: float = Field(default=0, ge=0)
    pickup: bool = False


class ChannelIn(_Strict):
    name: str = Field(pattern=SLUG)
    purpose: str = Field(pattern=SLUG)
    slack: str | None = Field(default=None, pattern=r"^[CGD][A-Z0-9]{2,}$")
    matrix: str | None = Field(default=None, pattern=r"^!\S+:\S+$")


class DigestIn(_Strict):
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    time: str = Field(default="08:30", pattern=HHMM)


class DirectoryFile(_Strict):
    cooperative: CooperativeIn
    skills: list[SkillIn] = Field(default_factory=list)
    enterprises: list[EnterpriseIn] = Field(default_factory=list)
    people: list[PersonIn] = Field(default_factory=list)
    resources: list[ResourceIn] = Field(default_factory=list)
    channels: list[ChannelIn] = Field(default_factory=list)
    digest: DigestIn = Field(default_factory=DigestIn)

    def check_references(self) -> list[str]:
        """Cross-entry rules pydantic cannot see: unique keys, known skills."""
        errors: list[str] = []
        skill_slugs = {s.slug for s in self.skills}
        seen_terms: dict[str, str] = {}
        for skill in self.skills:
            for term in [skill.slug, *skill.synonyms]:
                key = fold(term)
                if seen_terms.get(key, skill.slug) != skill.slug:
                    errors.append(f"skills: {term!r} names both {seen_terms[key]!r} "
                                  f"and {skill.slug!r}")
                seen_terms[key] = skill.slug
        for i, e in enumerate(self.enterprises):
            for skill_slug in e.skills:
                if skill_slug not in skill_slugs:
                    errors.append(f"enterprises[{i}] ({e.slug}): unknown skill {skill_slug!r}")
        everyone = [p for e in self.enterprises for p in e.people] + self.people
        for label, values in (
            ("skill slug", [s.slug for s in self.skills]),
            ("enterprise slug", [e.slug for e in self.enterprises]),
            ("resource slug", [r.slug for r in self.resources]),
            ("person handle", [p.handle for p in everyone]),
            ("Slack id", [p.slack for p in everyone if p.slack]),
            ("Matrix id", [p.matrix for p in everyone if p.matrix]),
            ("channel name", [c.name for c in self.channels]),
        ):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                errors.append(f"duplicate {label}: {', '.join(dupes)}")
        return errors


class DirectoryFileError(Exception):
    """The file cannot be imported; ``errors`` says where and why."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def load(path: Path) -> DirectoryFile:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DirectoryFileError([f"{path}: {exc}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise DirectoryFileError([f"{path}: not valid TOML: {exc}"]) from exc
    try:
        parsed = DirectoryFile.model_validate(raw)
    except ValidationError as exc:
        raise DirectoryFileError([
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        ]) from exc
    errors = parsed.check_references()
    if errors:
        raise DirectoryFileError(errors)
    return parsed


def _minutes(hours: float | None) -> int | None:
    return None if hours is None else round(hours * 60)


async def apply(s: AsyncSession, data: DirectoryFile) -> dict[str, int]:
    """Upsert everything in ``data``; the caller's transaction makes it all or nothing."""
    coop = await dir_repo.cooperative(s)
    coop.name, coop.timezone, coop.locale = (
        data.cooperative.name, data.cooperative.timezone, data.cooperative.locale)
    coop.business_hours = data.cooperative.business_hours
    coop.digest_weekday, coop.digest_time = data.digest.weekday, data.digest.time
    s.add(coop)

    skill_ids: dict[str, int] = {}
    for item in data.skills:
        skill = await dir_repo.skill_by_slug(s, item.slug) or Skill(slug=item.slug, label="")
        skill.label, skill.label_en = item.label, item.label_en
        s.add(skill)
        await s.flush()
        skill_ids[item.slug] = skill.id or 0
    for item in data.skills:
        terms = [fold(t).strip() for t in item.synonyms if fold(t).strip()]
        await dir_repo.set_synonyms(s, skill_ids[item.slug], terms)

    for e_item in data.enterprises:
        enterprise = await dir_repo.enterprise_by_slug(s, e_item.slug) or Enterprise(
            slug=e_item.slug, name="")
        enterprise.name, enterprise.description = e_item.name, e_item.description
        enterprise.active = True
        s.add(enterprise)
        await s.flush()
        await dir_repo.set_enterprise_skills(
            s, enterprise.id or 0, [skill_ids[k] for k in e_item.skills])
        for p_item in e_item.people:
            await _upsert_person(s, p_item, enterprise.id)
    for p_item in data.people:
        await _upsert_person(s, p_item, None)

    for r in data.resources:
        resource = await dir_repo.resource_by_slug(s, r.slug) or Resource(
            slug=r.slug, name="", kind=r.kind)
        resource.sqlmodel_update({
            "name": r.name, "kind": r.kind, "description": r.description,
            "capacity": r.capacity, "opens": r.opens, "closes": r.closes,
            "max_minutes": _minutes(r.max_hours),
            "min_notice_minutes": _minutes(r.min_notice_hours) or 0,
            "needs_approval": r.approval,
            "monthly_quota_minutes": _minutes(r.monthly_quota_hours) or None,
            "needs_pickup": r.pickup, "active": True,
        })
        s.add(resource)

    for c in data.channels:
        ids = {"console": f"#{c.name}", "slack": c.slack, "matrix": c.matrix}
        for platform, channel_id in ids.items():
            if channel_id:
                await _upsert_channel(s, c, platform, channel_id)
    await s.flush()
    return {"enterprises": len(data.enterprises), "skills": len(data.skills),
            "people": sum(len(e.people) for e in data.enterprises) + len(data.people),
            "resources": len(data.resources), "channels": len(data.channels)}


async def _upsert_person(s: AsyncSession, item: PersonIn, enterprise_id: int | None) -> None:
    person = await dir_repo.person_by_handle(s, item.handle) or Person(
        handle=item.handle, display_name="")
    person.sqlmodel_update({
        "display_name": item.name, "enterprise_id": enterprise_id, "role": item.role,
        "locale": item.locale, "email": item.email, "active": True,
    })
    s.add(person)
    await s.flush()
    accounts = {"console": item.handle, "slack": item.slack, "matrix": item.matrix}
    for platform, user_id in accounts.items():
        if not user_id:
            continue
        identity = await dir_repo.identity_of(s, platform, user_id)
        if identity is None:
            s.add(Identity(person_id=person.id or 0, platform=platform, platform_user_id=user_id))
        else:
            identity.person_id = person.id or 0
            s.add(identity)


async def _upsert_channel(s: AsyncSession, item: ChannelIn, platform: str, channel_id: str) -> None:
    channel = await dir_repo.channel_by_platform_id(s, platform, channel_id) or Channel(
        name=item.name, purpose=item.purpose, platform=platform, platform_channel_id=channel_id)
    channel.name, channel.purpose = item.name, item.purpose
    s.add(channel)


