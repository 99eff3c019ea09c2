"""Availability polls: a question, dated options, who is asked, and the ballots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class Poll(SQLModel, table=True):
    """``P-<id>``: find a date together, then book it."""

    __tablename__ = "polls"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    author_id: int | None = Field(default=None, foreign_key="people.id")
    request_id: int | None = Field(default=None, foreign_key="requests.id", index=True)
    deadline: datetime | None = Field(default=None)
    status: str = Field(default="open", max_length=10, index=True)  # open | closed
    hidden: bool = Field(default=False)  # results shown only once closed
    per_enterprise: bool = Field(default=False)  # one ballot per enterprise
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = Field(default=None)
    chosen_position: int | None = Field(default=None)
    booking_note: str = Field(default="", max_length=500)
    purpose: str = Field(default="cooperation", max_length=40)

    @property
    def ref(self) -> str:
        return f"P-{self.id}"


class PollOption(SQLModel, table=True):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="polls.id", index=True, ondelete="CASCADE")
    position: int  # 1, 2, 3… as people type them
    label: str = Field(max_length=200)
    starts_at: datetime
    ends_at: datetime
    all_day: bool = Field(default=False)


class PollInvitee(SQLModel, table=True):
    """A person asked to answer (their absence shows as "not answered yet")."""

    __tablename__ = "poll_invitees"

    poll_id: int = Field(foreign_key="polls.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="people.id", primary_key=True)


class PollVote(SQLModel, table=True):
    """The current value of one voter on one option; a new ballot replaces the voter's rows.

    ``voter`` is ``person:<id>`` or ``enterprise:<id>`` (polls answered per enterprise).
    """

    __tablename__ = "poll_votes"
    __table_args__ = (UniqueConstraint("poll_id", "voter", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="polls.id", index=True, ondelete="CASCADE")
    voter: str = Field(max_length=40)
    person_id: int | None = Field(default=None, foreign_key="people.id")
    position: int
    value: str = Field(max_length=6)  # yes | maybe | no
    updated_at: datetime = Field(default_factory=utcnow)
