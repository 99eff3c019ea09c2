"""``grappe export projects``: CSV or ODS, one row per enterprise of each won project's
team (``commands.projects.ledger``), the rows ``grappe report`` adds up."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli_export import (
    DialectOpt,
    Format,
    FormatOpt,
    FromOpt,
    OutputOpt,
    T,
    ToOpt,
    emit,
    export_app,
    moments,
    period,
    read,
)
from bot.spreadsheet import Dialect
from commands.i18n import translator
from commands.projects.export import project_table
from commands.projects.ledger import share_rows
from commands.table import Table
from storage.repo import directory as dir_repo


@export_app.command("projects", help=T.t("Export the won projects, one row per enterprise of "
                                         "each team, by the day they were won (CSV on the "
                                         "screen, or a file)."))
def export_projects(fmt: FormatOpt = Format.csv, dialect: DialectOpt = Dialect.SPREADSHEET,
                    start: FromOpt = None, end: ToOpt = None, output: OutputOpt = None) -> None:
    first, after = period(start, end)

    async def rows(s: AsyncSession) -> Table:
        coop = await dir_repo.cooperative(s)
        since, until = moments(ZoneInfo(coop.timezone), first, after)
        return project_table(await share_rows(s, since, until), translator(coop.locale))

    table = read(rows)
    if (path := emit(table, fmt, dialect, output)) is not None:
        typer.echo(T.tn("{n} row written to {path}.", "{n} rows written to {path}.",
                        len(table.rows), path=path))
