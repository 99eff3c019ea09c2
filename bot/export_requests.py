"""``grappe export requests``: CSV (for spreadsheets, or RFC 4180) or ODS, one row per
request (``commands.requests.export``), written by ``bot.spreadsheet``."""

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
from commands.requests.export import export_rows
from commands.table import Table
from storage.repo import directory as dir_repo


@export_app.command("requests", help=T.t("Export the requests, one row each (CSV on the "
                                         "screen, or a file)."))
def export_requests(fmt: FormatOpt = Format.csv, dialect: DialectOpt = Dialect.SPREADSHEET,
                    start: FromOpt = None, end: ToOpt = None, output: OutputOpt = None) -> None:
    first, after = period(start, end)

    async def rows(s: AsyncSession) -> Table:
        since, until = moments(ZoneInfo((await dir_repo.cooperative(s)).timezone), first, after)
        return await export_rows(s, start=since, end=until)

    table = read(rows)
    if (path := emit(table, fmt, dialect, output)) is not None:
        typer.echo(T.tn("{n} request written to {path}.", "{n} requests written to {path}.",
                        len(table.rows), path=path))
