"""``grappe export requests``: CSV (for spreadsheets, or RFC 4180) or ODS, one row per
request (``commands.requests.export``), written by ``bot.spreadsheet``."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli_export import OutputOpt, T, database_ready, export_app
from bot.spreadsheet import Dialect, csv_bytes, write_ods
from commands.table import Table


class Format(StrEnum):
    csv = "csv"
    ods = "ods"


async def collect(database_url: str, start: str | None, end: str | None) -> Table:
    # the database's side is imported when the export runs: `grappe --help` need not load it
    from commands.requests.export import export_rows
    from storage.db import Database
    from storage.repo import directory as dir_repo

    db = Database(database_url)
    try:
        async with db.session(read_only=True) as s:
            tz = ZoneInfo((await dir_repo.cooperative(s)).timezone)

            def bound(text: str | None) -> datetime | None:
                if not text:
                    return None
                return datetime.combine(datetime.strptime(text, "%Y-%m-%d").date(), time(0),
                                        tzinfo=tz)

            return await export_rows(s, start=bound(start), end=bound(end))
    finally:
        await db.dispose()


@export_app.command("requests", help=T.t("Export the requests, one row each (CSV on the "
                                         "screen, or a file)."))
def export_requests(
    fmt: Annotated[Format, typer.Option("--format", help=T.t("csv or ods"))] = Format.csv,
    dialect: Annotated[Dialect, typer.Option(
        "--dialect", help=T.t("CSV for spreadsheets (in the cooperative's language: “;” and "
                              "a decimal comma in French, with a BOM) or rfc4180 (“,”, "
                              "for programs)."))] = Dialect.SPREADSHEET,
    start: Annotated[str | None, typer.Option(
        "--from", metavar=T.t("YYYY-MM-DD"), help=T.t("First day, YYYY-MM-DD"))] = None,
    end: Annotated[str | None, typer.Option(
        "--to", metavar=T.t("YYYY-MM-DD"), help=T.t("Day after the last, YYYY-MM-DD"))] = None,
    output: OutputOpt = None,
) -> None:
    for value in (start, end):
        if value:
            try:
                datetime.strptime(value, "%Y-%m-%d")
            except ValueError:
                typer.echo(T.t("“{value}” is not a date like 2026-12-31.", value=value),
                           err=True)
                raise typer.Exit(2) from None
    from bot.config import Settings

    database_ready()
    table = asyncio.run(collect(Settings().database_url, start, end))
    if fmt is Format.ods:
        path = output or Path(f"{table.name.lower()}.ods")
        write_ods(table, path)
    elif output is not None:
        path = output
        path.write_bytes(csv_bytes(table, dialect))
    else:
        sys.stdout.buffer.write(csv_bytes(table, dialect))
        sys.stdout.flush()
        return
    typer.echo(T.tn("{n} request written to {path}.", "{n} requests written to {path}.",
                    len(table.rows), path=path))
