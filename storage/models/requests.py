"""Client requests, who is consulted, every answer, and the team chosen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class Request(SQLModel, table=True):
    """A client's need, relayed to the member enterprises (shown as ``R-<id>``)."""

    __tablename__ = "requests"

    id: int | None = Field(default=None, primary_key=True)
    client: str = Field(max_length=200)  # as the requester wrote it
    client_id: int | None = Field(default=None, foreign_key="clients.id", index=True)
    need: str = Field(sa_column=Column(Text, nullable=False))
    deadline: datetime | None = Field(default=None)
    urgent: bool = Field(default=False)  # "urgent", "au plus vite": first in the lists
    status: str = Field(default="open", max_length=12, index=True)
    # open | staffed | won | lost | delivered | cancelled
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(default_factory=utcnow, index=True)
    first_answer_at: datetime | None = Field(default=None)
    staffed_at: datetime | None = Field(default=None)
    closed_at: datetime | None = Field(default=None)
    won_at: datetime | None = Field(default=None)  # closed_at moves on at delivery
    delivered_at: datetime | None = Field(default=None)
    lead_enterprise_id: int | None = Field(default=None, foreign_key="enterprises.id")
    decided_by: int | None = Field(default=None, foreign_key="people.id")
    decision_reason: str = Field(default="", max_length=1000)
    close_note: str = Field(default="", max_length=1000)
    purpose: str = Field(default="cooperation", max_length=40)

    @property
    def ref(self) -> str:
        return f"R-{self.id}"


class RequestSkill(SQLModel, table=True):
    __tablename__ = "request_skills"

    request_id: int = Field(foreign_key="requests.id", primary_key=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="skills.id", primary_key=True)


class Consultation(SQLModel, table=True):
    """An enterprise asked to answer (or that volunteered, ``consulted`` False)."""

    __tablename__ = "consultations"

    request_id: int = Field(foreign_key="requests.id", primary_key=True, ondelete="CASCADE")
    enterprise_id: int = Field(foreign_key="enterprises.id", primary_key=True)
    consulted: bool = Field(default=True)
    active: bool = Field(default=True)  # False once a coordinator removed it
    role: str = Field(default="", max_length=10)  # "" | lead | partner
    added_at: datetime = Field(default_factory=utcnow)


class Answer(SQLModel, table=True):
    """One version of an enterprise's answer; the latest versions fold into the current one.

    ``message_id`` is the platform message the answer was written in (None for a click):
    an edit of that message gives a new version that replaces the message's earlier ones.
    """

    __tablename__ = "answers"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True, ondelete="CASCADE")
    enterprise_id: int | None = Field(default=None, foreign_key="enterprises.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(default_factory=utcnow)
    interested: bool = Field(default=False)
    can_lead: bool = Field(default=False)
    declined: bool = Field(default=False)
    availability: str = Field(default="", max_length=500)
    capacity: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=500)
    comment: str = Field(default="", max_length=2000)
    source: str = Field(default="text", max_length=10)  # text | button | reaction
    message_id: str | None = Field(default=None, max_length=255)
