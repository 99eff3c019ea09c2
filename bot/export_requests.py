"""``grappe export requests``: CSV (for spreadsheets, or RFC 4180) or ODS, one row per
request (``commands.requests.export``), written by ``bot.spreadsheet``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_export import T, table_export

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from commands.table import Table


async def _rows(s: AsyncSession, start: datetime | None, end: datetime | None) -> Table:
    from commands.requests.export import export_rows

    return await export_rows(s, start=start, end=end)


def _written(n: int, path: Path) -> str:
    return T.tn("{n} request written to {path}.", "{n} requests written to {path}.", n,
                path=path)


table_export("requests", T.t("Export the requests, one row each (CSV on the screen, or a "
                             "file)."), _rows, _written)
