"""Helpers of the digest and reminder tests: job environments, local times, rows to count."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot import features
from commands.context import Environment
from commands.jobs import JobEnv
from storage.db import Database
from storage.models import (
    Answer,
    Booking,
    Claim,
    Consultation,
    Outbox,
    Request,
)
from storage.repo import directory as dir_repo

PARIS = ZoneInfo("Europe/Paris")
BOTH = ("slack", "matrix")  # the example's cooperation channel exists on both


def paris(local: str) -> datetime:
    """A ``YYYY-MM-DD HH:MM`` in Paris, as an aware instant."""
    return datetime.fromisoformat(local).replace(tzinfo=PARIS)


def job_env(db: Database, owner: str = "test", platforms: tuple[str, ...] = BOTH,
            **environment: object) -> JobEnv:
    return JobEnv(db=db, registry=features.registry(), platforms=platforms, owner=owner,
                  environment=Environment(**environment))  # type: ignore[arg-type]


async def outbox(db: Database) -> list[Outbox]:
    async with db.session(read_only=True) as s:
        return list((await s.exec(select(Outbox).order_by(col(Outbox.id)))).all())


async def claims(db: Database, kind: str) -> list[Claim]:
    async with db.session(read_only=True) as s:
        stmt = select(Claim).where(Claim.kind == kind).order_by(col(Claim.id))
        return list((await s.exec(stmt)).all())


async def add_request(db: Database, client: str, *, created: datetime,
                      deadline: datetime | None = None, consulted: tuple[str, ...] = (),
                      answered: tuple[str, ...] = (), status: str = "open",
                      **fields: object) -> Request:
    """A request as the requests family leaves it, written directly with chosen times."""
    async with db.session() as s:
        request = Request(client=client, need=f"besoin de {client}", created_at=created,
                          deadline=deadline, status=status, **fields)
        s.add(request)
        await s.flush()
        for slug in consulted:
            enterprise = await dir_repo.enterprise_by_slug(s, slug)
            assert enterprise is not None
            s.add(Consultation(request_id=request.id or 0, enterprise_id=enterprise.id or 0,
                               added_at=created))
            if slug in answered:
                s.add(Answer(request_id=request.id or 0, enterprise_id=enterprise.id,
                             created_at=created, interested=True))
    return request


async def add_booking(db: Database, resource: str, handle: str, start: datetime,
                      end: datetime, status: str = "confirmed") -> Booking:
    async with db.session() as s:
        found = await dir_repo.resource_by_slug(s, resource)
        person = await dir_repo.person_by_handle(s, handle)
        assert found is not None
        assert person is not None
        booking = Booking(resource_id=found.id or 0, person_id=person.id or 0,
                          enterprise_id=person.enterprise_id, starts_at=start, ends_at=end,
                          status=status)
        s.add(booking)
    return booking
