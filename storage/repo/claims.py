"""Claims of exactly-once jobs: whichever replica inserts the row first does the work."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Claim, utcnow
from storage.repo.statements import insert_ignoring, run

_CLAIMS = Claim.metadata.tables[Claim.__tablename__]


async def claim(s: AsyncSession, kind: str, key: str, period: str, owner: str = "") -> bool:
    """Claim ``(kind, key, period)``; only the first caller ever gets True."""
    result = await run(s, insert_ignoring(s, _CLAIMS),
                       {"kind": kind, "key": key, "period": period, "owner": owner,
                        "claimed_at": utcnow()})
    return bool(result.rowcount)
