"""The directory file (TOML): its schema and its validation, with no I/O but reading it.

A file with an error is refused whole, and each error names its place in the file.
Importing it is ``commands.directory.importing``; a Matrix room alias is resolved to its
room id before that, by the runtime (``bot.matrix.aliases``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from commands import identifiers
from commands.directory.problems import FileValueError, Problem, from_pydantic
from commands.i18n import N_
from commands.text import fold
from commands.unreachable import ENTERPRISE_PURPOSE

SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
HOURS = r"^\d\d:\d\d-\d\d:\d\d$"
# A room id is opaque (room version 12 ids have no server part: "!YZwi9hAuSrjv_…");
# an alias is what Element shows and a person copies ("#cooperation:example.org").
ROOM_ID = r"^![^\s]+$"
ROOM_ALIAS = r"^#[^:\s]+:\S+$"
ROOM = rf"{ROOM_ID}|{ROOM_ALIAS}"
SLACK_USER = r"^[UW][A-Z0-9]{2,}$"
SLACK_CHANNEL = r"^[CGD][A-Z0-9]{2,}$"
MATRIX_USER = r"^@[^:\s]+:\S+$"
# what a value of each pattern looks like, for the person whose value does not match
PATTERNS = {
    SLUG: N_("made of lowercase letters without accents, digits and hyphens "
             "(like compta-plus)"),
    HHMM: N_("a time like 08:30"),
    HOURS: N_("hours like 09:00-18:00"),
    ROOM: N_("a Matrix room id (!…) or alias (#name:server)"),
    SLACK_USER: N_("a Slack member id (like U07ABC123)"),
    SLACK_CHANNEL: N_("a Slack channel id (like C07ABC123)"),
    MATRIX_USER: N_("a Matrix id (like @camille:example.org)"),
}


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WORKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class CooperativeIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    timezone: str = "Europe/Paris"
    locale: Literal["fr", "en"] = "fr"
    business_hours: str = Field(default="09:00-18:00", pattern=HOURS)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise FileValueError(N_("{where}: “{zone}” is not a known time zone (like "
                                    "Europe/Paris)."), zone=value) from exc
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
    slack: str | None = Field(default=None, pattern=SLACK_USER)
    matrix: str | None = Field(default=None, pattern=MATRIX_USER)


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
    # the weekdays it can be booked; public holidays are closed unless ``holidays`` is true
    days: list[Weekday] = Field(default_factory=lambda: list(WORKDAYS), min_length=1)
    holidays: bool = False


# the kinds of clients the cooperation report counts (``grappe report``)
CLIENT_KINDS = {
    "commune": N_("municipality"),
    "intercommunalite": N_("inter-municipal body"),
    "departement": N_("département"),
    "region": N_("region"),
    "etat": N_("State service"),
    "etablissement-public": N_("public body"),
    "association": N_("association"),
    "entreprise": N_("company"),
    "autre": N_("other"),
}
ClientKind = Literal["commune", "intercommunalite", "departement", "region", "etat",
                     "etablissement-public", "association", "entreprise", "autre"]
CLIENT_PURPOSE = "client"  # a channel shared with one client


class ContactIn(_Strict):
    handle: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    locale: Literal["fr", "en"] = "fr"
    email: str | None = Field(default=None, max_length=320)
    slack: str | None = Field(default=None, pattern=SLACK_USER)
    matrix: str | None = Field(default=None, pattern=MATRIX_USER)


class ClientIn(_Strict):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    kind: ClientKind = "autre"
    locale: Literal["fr", "en"] = "fr"
    siret: str | None = None
    chorus_service: str | None = Field(default=None, min_length=1, max_length=100)
    response_hours: float | None = Field(default=None, gt=0, le=24 * 31)
    contacts: list[ContactIn] = Field(default_factory=list)

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str | None) -> str | None:
        if value is None:
            return None
        checked = identifiers.siret(value)
        if checked is None:
            raise FileValueError(N_("{where}: “{siret}” is not a SIRET (14 digits, as on "
                                    "the avis de situation INSEE)."), siret=value)
        return checked


class ChannelIn(_Strict):
    name: str = Field(pattern=SLUG)
    purpose: str = Field(pattern=SLUG)
    client: str | None = Field(default=None, pattern=SLUG)  # whose room, purpose "client"
    slack: str | None = Field(default=None, pattern=SLACK_CHANNEL)
    matrix: str | None = Field(default=None, pattern=ROOM,
                               max_length=255)

    @property
    def matrix_alias(self) -> str | None:
        """The room alias to resolve, when the file gives one instead of a room id."""
        return self.matrix if self.matrix and self.matrix.startswith("#") else None


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
    clients: list[ClientIn] = Field(default_factory=list)
    digest: DigestIn = Field(default_factory=DigestIn)

    def check_references(self) -> list[Problem]:
        """Cross-entry rules pydantic cannot see: unique keys, known skills."""
        errors: list[Problem] = []
        skill_slugs = {s.slug for s in self.skills}
        seen_terms: dict[str, str] = {}
        for i, skill in enumerate(self.skills):
            for term in [skill.slug, *skill.synonyms]:
                key = fold(term)
                if seen_terms.get(key, skill.slug) != skill.slug:
                    errors.append(Problem(N_("{where}: “{term}” names both {first} and "
                                             "{second}."), f"skills[{i}] ({skill.slug})",
                                          {"term": term, "first": seen_terms[key],
                                           "second": skill.slug}))
                seen_terms[key] = skill.slug
        for i, e in enumerate(self.enterprises):
            for skill_slug in e.skills:
                if skill_slug not in skill_slugs:
                    errors.append(Problem(N_("{where}: the skill “{skill}” is not among the "
                                             "file's skills."), f"enterprises[{i}] ({e.slug})"
                                          ".skills", {"skill": skill_slug}))
        client_slugs = {c.slug for c in self.clients}
        enterprise_slugs = {e.slug for e in self.enterprises}
        for i, c in enumerate(self.channels):
            where = f"channels[{i}] ({c.name})"
            if c.purpose == ENTERPRISE_PURPOSE and c.name not in enterprise_slugs:
                errors.append(Problem(N_("{where}: an enterprise's room is named after the "
                                         "enterprise (name = its slug)."), where, {}))
            elif c.purpose == CLIENT_PURPOSE and not c.client:
                errors.append(Problem(N_("{where}: a client's room names its client "
                                         "(client = \"slug\")."), where, {}))
            elif c.client and c.purpose != CLIENT_PURPOSE:
                errors.append(Problem(N_("{where}: a room with a client has the purpose "
                                         "“client”."), where, {}))
            elif c.client and c.client not in client_slugs:
                errors.append(Problem(N_("{where}: the client “{client}” is not among the "
                                         "file's clients."), where, {"client": c.client}))
        everyone: list[PersonIn | ContactIn] = [
            *(p for e in self.enterprises for p in e.people), *self.people,
            *(k for c in self.clients for k in c.contacts)]
        for label, values in (
            (N_("skill slug"), [s.slug for s in self.skills]),
            (N_("enterprise slug"), [e.slug for e in self.enterprises]),
            (N_("resource slug"), [r.slug for r in self.resources]),
            (N_("client slug"), [c.slug for c in self.clients]),
            (N_("person handle"), [p.handle for p in everyone]),
            (N_("Slack id"), [p.slack for p in everyone if p.slack]),
            (N_("Matrix id"), [p.matrix for p in everyone if p.matrix]),
            (N_("channel name"), [c.name for c in self.channels]),
            (N_("Slack channel id"), [c.slack for c in self.channels if c.slack]),
            (N_("Matrix room"), [c.matrix for c in self.channels if c.matrix]),
        ):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                errors.append(Problem(N_("duplicate {label}: {values}"), "",
                                      {"label": label, "values": ", ".join(dupes)},
                                      translated=("label",)))
        return errors


class DirectoryFileError(Exception):
    """The file cannot be imported; ``problems`` say where and why (``errors``: in
    English)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.errors = [str(p) for p in problems]
        super().__init__("\n".join(self.errors))


def load(path: Path) -> DirectoryFile:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DirectoryFileError([Problem(N_("{where}: the file cannot be read ({detail})."),
                                          str(path), {"detail": exc})]) from exc
    except tomllib.TOMLDecodeError as exc:  # "Invalid value (at line 3, column 9)"
        detail, _, at = str(exc).partition(" (at ")
        where = ":".join([str(path), *re.findall(r"\d+", at)])  # file:line:column
        raise DirectoryFileError([Problem(N_("{where}: this is not valid TOML ({detail})."),
                                          where, {"detail": detail})]) from exc
    try:
        parsed = DirectoryFile.model_validate(raw)
    except ValidationError as exc:
        raise DirectoryFileError([from_pydantic(err, raw, PATTERNS)
                                  for err in exc.errors()]) from exc
    errors = parsed.check_references()
    if errors:
        raise DirectoryFileError(errors)
    return parsed
