"""Queries of privacy work: forgetting a person, exporting what is held, retention."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Answer,
    Audit,
    Booking,
    Client,
    ClientContact,
    ClientRequest,
    Identity,
    Person,
    Poll,
    PollVote,
    Request,
)

CLOSED = ("won", "lost", "delivered", "cancelled")


async def forget_person(s: AsyncSession, person: Person, display_name: str) -> int:
    """Erase a person's identities and personal data; their rows keep their ``person_id``.

    Returns how many identities were deleted.
    """
    assert person.id is not None
    result = await s.exec(delete(Identity).where(col(Identity.person_id) == person.id))  # type: ignore[call-overload]
    old, person.handle = person.handle, f"ancien-{person.id}"
    await _rename_in_audit(s, old, person.handle)
    person.display_name = display_name
    person.email = None
    person.active = False
    s.add(person)
    await s.flush()
    return int(result.rowcount or 0)


async def _rename_in_audit(s: AsyncSession, old: str, new: str) -> None:
    """Coordinators' audit lines name people ("person:nadia", "link nadia slack …"): the
    handle, as a whole word only ("lea" is not in "clear"), becomes the pseudonym."""
    word = re.compile(rf"(?<![\w.-]){re.escape(old)}(?![\w-])")
    rows = await s.exec(select(Audit).where(or_(col(Audit.detail).contains(old),
                                                col(Audit.object_ref).contains(old))))
    for row in rows.all():
        row.detail = word.sub(new, row.detail)
        row.object_ref = word.sub(new, row.object_ref) if row.object_ref else row.object_ref
        s.add(row)


def _row(obj: SQLModel) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v
            for k, v in obj.model_dump().items()}


async def held_about(s: AsyncSession, person: Person) -> dict[str, list[dict[str, Any]]]:
    """Every row that names ``person``, by kind, as plain values."""
    pid = person.id
    identities = await s.exec(select(Identity).where(Identity.person_id == pid))
    answers = await s.exec(select(Answer).where(Answer.person_id == pid).order_by(col(Answer.id)))
    requests = await s.exec(select(Request).where(
        or_(col(Request.created_by) == pid, col(Request.decided_by) == pid))
        .order_by(col(Request.id)))
    bookings = await s.exec(select(Booking).where(or_(
        col(Booking.person_id) == pid, col(Booking.decided_by_id) == pid,
        col(Booking.cancelled_by_id) == pid)).order_by(col(Booking.id)))
    polls = await s.exec(select(Poll).where(Poll.author_id == pid).order_by(col(Poll.id)))
    votes = await s.exec(select(PollVote).where(PollVote.person_id == pid)
                         .order_by(col(PollVote.id)))
    audit = await s.exec(select(Audit).where(Audit.person_id == pid).order_by(col(Audit.id)))
    return {
        "identities": [_row(r) for r in identities.all()],
        "answers": [_row(r) for r in answers.all()],
        "requests": [_row(r) for r in requests.all()],
        "bookings": [_row(r) for r in bookings.all()],
        "polls": [_row(r) for r in polls.all()],
        "poll_votes": [_row(r) for r in votes.all()],
        "audit": [_row(r) for r in audit.all()],
    }


async def contact_by_handle(s: AsyncSession, handle: str) -> ClientContact | None:
    """A client's contact by their handle (active or not: a forgotten one has none)."""
    return (await s.exec(select(ClientContact).where(ClientContact.handle == handle))).first()


async def forget_contact(s: AsyncSession, contact: ClientContact, name: str) -> int:
    """Erase what identifies a client's contact; the requests they wrote keep their id.
    Returns how many platform accounts were unlinked."""
    assert contact.id is not None
    removed = sum(1 for account in (contact.slack, contact.matrix) if account)
    contact.handle, contact.name = f"ancien-contact-{contact.id}", name
    contact.email = contact.slack = contact.matrix = None
    contact.active = False
    s.add(contact)
    await s.flush()
    return removed


async def held_about_contact(s: AsyncSession,
                             contact: ClientContact) -> dict[str, Any]:
    """A contact's entry, their client, and the requests they wrote in the client's room."""
    client = await s.get(Client, contact.client_id)
    written = await s.exec(select(ClientRequest, Request)
                           .join(Request, col(Request.id) == col(ClientRequest.request_id))
                           .where(ClientRequest.contact_id == contact.id)
                           .order_by(col(ClientRequest.request_id)))
    return {"contact": {**_row(contact), "client": client.slug if client else None},
            "requests": [{**_row(request), "client_side": _row(cr)}
                         for cr, request in written.all()]}


def row_of(obj: SQLModel) -> dict[str, Any]:
    """One row as plain JSON-ready values."""
    return _row(obj)


async def closed_before(s: AsyncSession, cutoff: datetime, anonymised: str) -> Sequence[Request]:
    """Requests closed before ``cutoff`` whose client is not anonymised yet."""
    stmt = (select(Request).where(col(Request.status).in_(CLOSED))
            .where(col(Request.closed_at).is_not(None), col(Request.closed_at) < cutoff)
            .where(col(Request.client) != anonymised).order_by(col(Request.id)))
    return (await s.exec(stmt)).all()


async def anonymise_request(s: AsyncSession, request_id: int, client: str, need: str) -> None:
    await s.exec(update(Request).where(col(Request.id) == request_id)  # type: ignore[call-overload]
                 .values(client=client, need=need))


async def names_of(s: AsyncSession, person_ids: set[int]) -> dict[int, str]:
    """Display names by person id (a forgotten person's is "former member")."""
    if not person_ids:
        return {}
    rows = await s.exec(select(Person.id, Person.display_name)
                        .where(col(Person.id).in_(person_ids)))
    return {pid: name for pid, name in rows.all() if pid is not None}
