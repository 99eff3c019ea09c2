"""The audit log: written by the commands that change shared state, read by ``/grappe log``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Audit


async def add_audit(
    s: AsyncSession, person_id: int | None, action: str, object_ref: str | None, detail: str = ""
) -> None:
    s.add(Audit(person_id=person_id, action=action, object_ref=object_ref, detail=detail))


async def audit_log(s: AsyncSession, limit: int = 50) -> Sequence[Audit]:
    return (await s.exec(select(Audit).order_by(col(Audit.id).desc()).limit(limit))).all()
