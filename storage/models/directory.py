"""The cooperative's directory: enterprises, skills, people, identities, resources, channels."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class Enterprise(SQLModel, table=True):
    __tablename__ = "enterprises"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class Skill(SQLModel, table=True):
    __tablename__ = "skills"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    label: str = Field(max_length=200)
    label_en: str = Field(default="", max_length=200)

    def label_in(self, locale: str) -> str:
        """The label a reader of ``locale`` reads (the French one when no English)."""
        return self.label_en if locale == "en" and self.label_en else self.label


class SkillSynonym(SQLModel, table=True):
    """A word that points to a skill; ``term`` as the directory file writes it (shown with
    its accents), matched folded (``commands.lookup``)."""

    __tablename__ = "skill_synonyms"

    id: int | None = Field(default=None, primary_key=True)
    skill_id: int = Field(foreign_key="skills.id", index=True, ondelete="CASCADE")
    term: str = Field(max_length=120, unique=True)


class EnterpriseSkill(SQLModel, table=True):
    __tablename__ = "enterprise_skills"

    enterprise_id: int = Field(foreign_key="enterprises.id", primary_key=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="skills.id", primary_key=True, ondelete="CASCADE")


class PersonRole(StrEnum):
    """What a person may do: a coordinator also runs the cooperative's own commands."""

    MEMBER = "member"
    COORDINATOR = "coordinator"


class Person(SQLModel, table=True):
    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=200)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprises.id", index=True)
    role: str = Field(default=PersonRole.MEMBER.value, max_length=20)
    locale: str = Field(default="fr", max_length=8)
    email: str | None = Field(default=None, max_length=320)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class Identity(SQLModel, table=True):
    """A person's account on one platform (Slack user id, Matrix id, console handle)."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", index=True, ondelete="CASCADE")
    platform: str = Field(max_length=20)
    platform_user_id: str = Field(max_length=255)


class Resource(SQLModel, table=True):
    """A shared resource of the venue and its booking rules."""

    __tablename__ = "resources"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # salle | vehicule | materiel | personnel
    description: str = Field(default="", max_length=2000)
    capacity: int | None = Field(default=None)
    opens: str = Field(default="08:00", max_length=5)  # local time HH:MM
    closes: str = Field(default="20:00", max_length=5)
    max_minutes: int | None = Field(default=None)
    min_notice_minutes: int = Field(default=0)
    needs_approval: bool = Field(default=False)
    monthly_quota_minutes: int | None = Field(default=None)
    needs_pickup: bool = Field(default=False)
    # the weekdays it can be booked ("mon,tue,…"), and "holidays" when public holidays too
    days: str = Field(default="mon,tue,wed,thu,fri", max_length=60)
    active: bool = Field(default=True)


class Channel(SQLModel, table=True):
    """A room where the bot works, on one platform, with its purpose (``cooperation`` …).

    A channel is its name in the directory file: one row per name and platform, whose
    room id a later import may replace (a room id is opaque and may change: a room
    upgraded, a room recreated). A channel the file no longer lists is retired
    (``active`` false): its row stays, nothing is sent to it.
    """

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("platform", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, index=True)
    purpose: str = Field(max_length=40, index=True)
    platform: str = Field(max_length=20)
    platform_channel_id: str = Field(max_length=255)
    # whose room it is, for a channel with purpose "client"
    client_id: int | None = Field(default=None, foreign_key="clients.id")
    active: bool = Field(default=True)


class Cooperative(SQLModel, table=True):
    """The cluster itself: one row, from the directory file's ``[cooperative]``."""

    __tablename__ = "cooperative"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="La Grappe", max_length=200)
    timezone: str = Field(default="Europe/Paris", max_length=64)
    locale: str = Field(default="fr", max_length=8)
    business_hours: str = Field(default="09:00-18:00", max_length=11)
    digest_weekday: str = Field(default="mon", max_length=3)
    digest_time: str = Field(default="08:30", max_length=5)
    updated_at: datetime = Field(default_factory=utcnow)
