"""Claims of exactly-once jobs: whichever replica inserts the row first does the work."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, delete
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Claim, utcnow
from storage.repo.statements import insert_ignoring, run

_CLAIMS = Claim.metadata.tables[Claim.__tablename__]
_WITHDRAW = delete(_CLAIMS).where(_CLAIMS.c.kind == bindparam("b_kind"),
                                  _CLAIMS.c.key.in_(bindparam("b_keys", expanding=True)))


async def claim(s: AsyncSession, kind: str, key: str, period: str, owner: str = "") -> bool:
    """Claim ``(kind, key, period)``; only the first caller ever gets True."""
    result = await run(s, insert_ignoring(s, _CLAIMS),
                       {"kind": kind, "key": key, "period": period, "owner": owner,
                        "claimed_at": utcnow()})
    return bool(result.rowcount)


async def withdraw(s: AsyncSession, kind: str, keys: Iterable[str]) -> int:
    """Withdraw the claims of ``kind`` on ``keys`` (any period): the work may be done again."""
    wanted = list(keys)
    if not wanted:
        return 0
    return int((await run(s, _WITHDRAW, {"b_kind": kind, "b_keys": wanted})).rowcount or 0)
