"""Queries of the client's room: who writes there, the requests opened from it, what was
promised them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Channel, Client, ClientContact, ClientRequest, Request
from storage.repo import clients as clients_repo
from storage.repo import directory as dir_repo

# the column of a contact that holds their id on each platform (the console: the handle)
_ID_COLUMN = {"console": "handle", "slack": "slack", "matrix": "matrix"}


async def room(s: AsyncSession, platform: str, room_id: str) -> Channel | None:
    """The client room in use in ``room_id`` on ``platform``, if it is one (the directory's
    cached copy: asked of every message a person not of the team writes)."""
    return next((c for c in await dir_repo.channels(s, purpose="client", platforms=[platform])
                 if c.platform_channel_id == room_id), None)


async def client(s: AsyncSession, client_id: int | None) -> Client | None:
    """The client, if it is still in the directory."""
    found = await clients_repo.client_by_id(s, client_id) if client_id is not None else None
    return found if found is not None and found.active else None


async def contact_by_identity(s: AsyncSession, platform: str,
                              user_id: str) -> ClientContact | None:
    """The contact writing from this account; on the console, their handle."""
    if platform != "console":
        return await clients_repo.contact_by_account(s, platform, user_id)
    stmt = select(ClientContact).where(ClientContact.handle == user_id,
                                       col(ClientContact.active).is_(True))
    return (await s.exec(stmt)).first()


async def add_contact(s: AsyncSession, client_id: int, platform: str, user_id: str,
                      name: str, locale: str, handle: str) -> ClientContact:
    """A person met in the client's room: a contact of that client from now on, under
    ``handle`` (or ``handle-2``, ``handle-3`` … when it is taken; the console's is its id)."""
    if platform != "console":
        taken = set((await s.exec(select(ClientContact.handle).where(
            col(ClientContact.handle).startswith(handle)))).all())
        handle = next(h for n in range(1, len(taken) + 2)
                      if (h := handle if n == 1 else f"{handle}-{n}") not in taken)
    contact = ClientContact(client_id=client_id, name=name[:200], locale=locale,
                            from_file=False, handle=handle[:64])
    setattr(contact, _ID_COLUMN[platform], user_id)
    s.add(contact)
    await s.flush()
    return contact


async def of_request(s: AsyncSession, request_id: int) -> ClientRequest | None:
    return await s.get(ClientRequest, request_id)


async def of_requests(s: AsyncSession, request_ids: Sequence[int]) -> dict[int, ClientRequest]:
    """The client's side of each of these requests that has one."""
    if not request_ids:
        return {}
    stmt = select(ClientRequest).where(col(ClientRequest.request_id).in_(list(request_ids)))
    return {cr.request_id: cr for cr in (await s.exec(stmt)).all()}


async def latest_open(s: AsyncSession, client_id: int, platform: str,
                      room_id: str) -> tuple[ClientRequest, Request] | None:
    """The client's request from this room that is still open, the latest first."""
    stmt = (select(ClientRequest, Request)
            .join(Request, col(Request.id) == col(ClientRequest.request_id))
            .where(ClientRequest.client_id == client_id, ClientRequest.platform == platform,
                   ClientRequest.room == room_id,
                   col(Request.status).in_(("open", "staffed")))
            .order_by(col(ClientRequest.last_message_at).desc()).limit(1))
    found = (await s.exec(stmt)).first()
    return None if found is None else (found[0], found[1])


async def awaiting_satisfaction(s: AsyncSession, client_id: int, platform: str,
                                room_id: str) -> ClientRequest | None:
    """The latest request of this room whose satisfaction was asked and not given."""
    stmt = (select(ClientRequest)
            .where(ClientRequest.client_id == client_id, ClientRequest.platform == platform,
                   ClientRequest.room == room_id,
                   col(ClientRequest.satisfaction_asked_at).is_not(None),
                   col(ClientRequest.satisfaction).is_(None))
            .order_by(col(ClientRequest.satisfaction_asked_at).desc()).limit(1))
    return (await s.exec(stmt)).first()


async def due_between(s: AsyncSession, start: datetime,
                      end: datetime) -> Sequence[tuple[ClientRequest, Request]]:
    """Open requests not answered yet whose first answer is due in ``[start, end)``."""
    stmt = (select(ClientRequest, Request)
            .join(Request, col(Request.id) == col(ClientRequest.request_id))
            .where(col(ClientRequest.first_reply_at).is_(None),
                   col(ClientRequest.response_due_at) >= start,
                   col(ClientRequest.response_due_at) < end,
                   col(Request.status).in_(("open", "staffed")))
            .order_by(col(ClientRequest.request_id)))
    return [(cr, r) for cr, r in (await s.exec(stmt)).all()]


async def acknowledged_between(s: AsyncSession, start: datetime,
                               end: datetime) -> list[tuple[ClientRequest, Request]]:
    """The requests written in a client's room in ``[start, end)``, oldest first."""
    stmt = (select(ClientRequest, Request)
            .join(Request, col(Request.id) == col(ClientRequest.request_id))
            .where(col(ClientRequest.acknowledged_at) >= start,
                   col(ClientRequest.acknowledged_at) < end)
            .order_by(col(ClientRequest.request_id)))
    return [(cr, r) for cr, r in (await s.exec(stmt)).all()]
