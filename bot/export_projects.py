"""``grappe export projects``: CSV or ODS, one row per enterprise of each won project's
team (``commands.projects.ledger``), the rows ``grappe report`` adds up."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_export import T, table_export
from commands.i18n import translator

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from commands.table import Table


async def _rows(s: AsyncSession, start: datetime | None, end: datetime | None) -> Table:
    from commands.projects.export import project_table
    from commands.projects.ledger import share_rows
    from storage.repo import directory as dir_repo

    coop = await dir_repo.cooperative(s)
    return project_table(await share_rows(s, start, end), translator(coop.locale))


def _written(n: int, path: Path) -> str:
    return T.tn("{n} row written to {path}.", "{n} rows written to {path}.", n, path=path)


table_export("projects", T.t("Export the won projects, one row per enterprise of each team, "
                             "by the day they were won (CSV on the screen, or a file)."),
             _rows, _written)
