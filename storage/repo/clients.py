"""Queries on the clients and their contacts (directory entries: storage.directory_cache
watches them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import directory_cache as cache
from storage.models import Client, ClientContact

_CLIENTS = select(Client).order_by(col(Client.name), col(Client.id))
# a request names its client: read at every /grappe demande, from the directory's copy
CLIENTS = cache.Part("clients", lambda own: tuple(own.exec(_CLIENTS)))


async def all_clients(s: AsyncSession) -> list[Client]:
    """Every client, retired ones included, by name."""
    return list((await s.exec(_CLIENTS)).all())


async def clients(s: AsyncSession) -> Sequence[Client]:
    """The clients in use, by name (from the directory's copy when it is good)."""
    cached = await cache.read(s, CLIENTS)
    if cached is None:
        return [c for c in await all_clients(s) if c.active]
    return [cache.copy(s, c) for c in cached if c.active]


async def client_by_id(s: AsyncSession, client_id: int) -> Client | None:
    return await s.get(Client, client_id)


async def all_contacts(s: AsyncSession) -> list[ClientContact]:
    return list((await s.exec(select(ClientContact).order_by(col(ClientContact.id)))).all())


async def contacts_of(s: AsyncSession, client_id: int) -> list[ClientContact]:
    stmt = (select(ClientContact).where(ClientContact.client_id == client_id,
                                        col(ClientContact.active).is_(True))
            .order_by(col(ClientContact.name)))
    return list((await s.exec(stmt)).all())


async def contact_by_account(s: AsyncSession, platform: str, user_id: str) -> ClientContact | None:
    """The contact who writes from this Slack or Matrix account, if any."""
    column = {"slack": ClientContact.slack, "matrix": ClientContact.matrix}.get(platform)
    if column is None:
        return None
    stmt = select(ClientContact).where(column == user_id, col(ClientContact.active).is_(True))
    return (await s.exec(stmt)).first()
