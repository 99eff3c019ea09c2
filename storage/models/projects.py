"""A won request, delivered together: its budget, each enterprise's share and the time it
logs. Amounts in cents and days in hundredths: integers, exact on every database."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class Project(SQLModel, table=True):
    """The delivery of a won request (shown as its request, ``R-<id>``)."""

    __tablename__ = "projects"

    request_id: int = Field(foreign_key="requests.id", primary_key=True, ondelete="CASCADE")
    budget_cents: int | None = Field(default=None)  # excluding tax
    invoicer_id: int | None = Field(default=None, foreign_key="enterprises.id")
    # the client's invoicing identifiers for this project; None: the directory's client's
    siret: str | None = Field(default=None, max_length=14)
    chorus_service: str | None = Field(default=None, max_length=100)
    commitment: str | None = Field(default=None, max_length=50)  # numéro d'engagement
    updated_at: datetime = Field(default_factory=utcnow)


class ProjectShare(SQLModel, table=True):
    """What one enterprise of the team gets of the budget, and the days it plans for it."""

    __tablename__ = "project_shares"

    request_id: int = Field(foreign_key="requests.id", primary_key=True, ondelete="CASCADE")
    enterprise_id: int = Field(foreign_key="enterprises.id", primary_key=True)
    amount_cents: int
    planned_days_x100: int | None = Field(default=None)
    told_percent: int = Field(default=0)  # the last threshold the team was told of (80, 100)


class TimeEntry(SQLModel, table=True):
    """Time a person logged for their enterprise on a project."""

    __tablename__ = "time_entries"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True, ondelete="CASCADE")
    enterprise_id: int = Field(foreign_key="enterprises.id")
    person_id: int | None = Field(default=None, foreign_key="people.id")
    days_x100: int
    note: str = Field(default="", max_length=500)
    logged_at: datetime = Field(default_factory=utcnow)


class Milestone(SQLModel, table=True):
    """A date the team owes the client something (shown as ``J-<id>``, for jalon)."""

    __tablename__ = "milestones"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    due_on: date
    done_at: datetime | None = Field(default=None)
    created_by: int | None = Field(default=None, foreign_key="people.id")

    @property
    def ref(self) -> str:
        return f"J-{self.id}"
