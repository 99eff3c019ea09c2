"""Message references: platform, channel, message id ↔ the object a message shows.

Written when a card or a DM is delivered; read to map a thread reply to its object
and to find the card an edit replaces or a thread's messages hang under.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy import select as core_select
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DeliveryRole, MessageRef
from storage.repo.statements import run

_REFS = MessageRef.metadata.tables[MessageRef.__tablename__]
_ADD = insert(_REFS)


async def add_ref(s: AsyncSession, platform: str, channel: str, message_id: str,
                  object_ref: str, role: DeliveryRole, at: datetime) -> None:
    await run(s, _ADD, {"platform": platform, "channel": channel, "message_id": message_id,
                        "object_ref": object_ref, "role": role, "created_at": at})


def card_message(platform: Any, object_ref: Any) -> Any:
    """The message id of the first card of ``object_ref``, as a scalar subquery (built once
    into the outbox's statements, with bound parameters)."""
    return core_select(_REFS.c.message_id).where(
        _REFS.c.platform == platform, _REFS.c.object_ref == object_ref,
        _REFS.c.role == DeliveryRole.CARD).order_by(_REFS.c.id).limit(1).scalar_subquery()


async def object_of_message(
    s: AsyncSession, platform: str, channel: str | None, message_id: str
) -> str | None:
    stmt = select(MessageRef.object_ref).where(
        MessageRef.platform == platform, MessageRef.message_id == message_id
    )
    if channel is not None:
        stmt = stmt.where(MessageRef.channel == channel)
    return (await s.exec(stmt)).first()
