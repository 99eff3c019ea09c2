"""``grappe export requests``: CSV or ODS (odfpy), one row per request."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from datetime import datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli_export import T, export_app
from bot.config import Settings
from commands.requests.export import export_rows
from storage.db import Database
from storage.repo import directory as dir_repo


class Format(StrEnum):
    csv = "csv"
    ods = "ods"


def write_csv(header: list[str], rows: list[list[str]], out: io.TextIOBase) -> None:
    writer = csv.writer(out)  # type: ignore[arg-type]
    writer.writerow(header)
    writer.writerows(rows)


def write_ods(header: list[str], rows: list[list[str]], path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Demandes")
    for values in [header, *rows]:
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


async def collect(database_url: str, start: str | None, end: str | None
                  ) -> tuple[list[str], list[list[str]]]:
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


@export_app.command("requests")
def export_requests(
    fmt: Annotated[Format, typer.Option("--format", help=T.t("csv or ods"))] = Format.csv,
    start: Annotated[str | None, typer.Option("--from", help=T.t("First day, YYYY-MM-DD"))] = None,
    end: Annotated[str | None, typer.Option("--to", help=T.t("Day after the last, "
                                                              "YYYY-MM-DD"))] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Export the requests, one row each (CSV on stdout, or a file)."""
    for value in (start, end):
        if value:
            try:
                datetime.strptime(value, "%Y-%m-%d")
            except ValueError:
                typer.echo(T.t("“{value}” is not a date like 2026-12-31.", value=value),
                           err=True)
                raise typer.Exit(2) from None
    header, rows = asyncio.run(collect(Settings().database_url, start, end))
    if fmt is Format.ods:
        path = output or Path("demandes.ods")
        write_ods(header, rows, path)
        typer.echo(T.tn("{n} request written to {path}.", "{n} requests written to {path}.",
                        len(rows), path=path))
    elif output is not None:
        with output.open("w", encoding="utf-8", newline="") as fp:
            write_csv(header, rows, fp)  # type: ignore[arg-type]
        typer.echo(T.tn("{n} request written to {path}.", "{n} requests written to {path}.",
                        len(rows), path=output))
    else:
        write_csv(header, rows, sys.stdout)  # type: ignore[arg-type]
