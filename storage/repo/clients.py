"""Queries on the clients and their contacts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Client, ClientContact


async def all_clients(s: AsyncSession) -> list[Client]:
    """Every client, retired ones included, by name."""
    return list((await s.exec(select(Client).order_by(col(Client.name)))).all())


async def clients(s: AsyncSession) -> Sequence[Client]:
    return [c for c in await all_clients(s) if c.active]


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
