"""``grappe export …``: each exporter registers its command on ``export_app``."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer

from bot.cli_texts import T, group
from bot.spreadsheet import Dialect, csv_bytes, write_ods
from commands.table import Table

if TYPE_CHECKING:  # the database's side is imported when a command runs, never for its
    # help: `grappe --help` loads no SQL (1.4 s → 0.4 s)
    from sqlmodel.ext.asyncio.session import AsyncSession

    from storage.db import Database

R = TypeVar("R")
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar=T.t("FILE"), help=T.t("Write to FILE instead of the screen."))]
FromOpt = Annotated[str | None, typer.Option(
    "--from", metavar=T.t("YYYY-MM-DD"), help=T.t("First day, YYYY-MM-DD"))]
ToOpt = Annotated[str | None, typer.Option(
    "--to", metavar=T.t("YYYY-MM-DD"), help=T.t("Day after the last, YYYY-MM-DD"))]


def period(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """``--from`` and ``--to`` as days, or a clear refusal (exit 2) before anything is
    read or written."""
    days: list[date | None] = []
    for value in (start, end):
        try:
            days.append(datetime.strptime(value, "%Y-%m-%d").date() if value else None)
        except ValueError:
            typer.echo(T.t("“{value}” is not a date like 2026-12-31.", value=value), err=True)
            raise typer.Exit(2) from None
    first, after = days
    if first is not None and after is not None and first >= after:
        typer.echo(T.t("--from {start} must come before --to {end} (the day after the last): "
                       "nothing was written.", start=start, end=end), err=True)
        raise typer.Exit(2)
    return first, after


def moments(tz: ZoneInfo, *days: date | None) -> list[datetime | None]:
    """Days as the midnights that start them in the cooperative's time zone."""
    return [datetime.combine(d, time(0), tzinfo=tz) if d else None for d in days]


def read(work: Callable[[AsyncSession], Awaitable[R]], *, read_only: bool = True) -> R:
    """``work`` in one session of the configured database, checked set up on the same
    connection pool first; a ``CommandError`` is said in the person's language (exit 1)."""
    from commands.errors import CommandError

    async def go(db: Database) -> R:
        await _set_up(db)
        async with db.session(read_only=read_only) as s:
            return await work(s)

    try:
        return _on_database(go)
    except CommandError as exc:
        typer.echo(T.t(exc.message, **exc.params), err=True)
        raise typer.Exit(1) from None


def database_ready() -> None:
    """A command that reads the database needs one set up: say so, rather than SQL's
    "no such table"."""
    _on_database(_set_up)


def _on_database(work: Callable[[Database], Awaitable[R]]) -> R:
    """``work`` on the configured database, disposed of afterwards."""
    from bot.config import Settings
    from storage.db import Database

    async def go() -> R:
        db = Database(Settings().database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(go())


async def _set_up(db: Database) -> None:
    from storage import migrate

    if not await migrate.up_to_date(db):
        typer.echo(T.t("The database is not set up (or not up to date): run grappe db upgrade, "
                       "then grappe directory import FILE."), err=True)
        raise typer.Exit(2)


class Format(StrEnum):
    csv = "csv"
    ods = "ods"


FormatOpt = Annotated[Format, typer.Option("--format", help=T.t("csv or ods"))]
DialectOpt = Annotated[Dialect, typer.Option(
    "--dialect", help=T.t("CSV for spreadsheets (in the cooperative's language: “;” and "
                          "a decimal comma in French, with a BOM) or rfc4180 (“,”, "
                          "for programs)."))]


def emit(table: Table, fmt: Format, dialect: Dialect, output: Path | None) -> Path | None:
    """The table as ODS (to ``output``, or a file named for the sheet) or CSV (to
    ``output``, or the screen); the path written, None for the screen."""
    if fmt is Format.ods:
        path = output or Path(f"{table.name.lower()}.ods")
        write_ods(table, path)
        return path
    if output is not None:
        output.write_bytes(csv_bytes(table, dialect))
        return output
    sys.stdout.buffer.write(csv_bytes(table, dialect))
    sys.stdout.flush()
    return None


Rows = Callable[["AsyncSession", datetime | None, datetime | None], Awaitable[Table]]


def table_export(name: str, help_text: str, rows: Rows, written: Callable[[int, Path], str]
                 ) -> None:
    """Register ``grappe export NAME``: a table of ``rows`` for the period, as CSV or ODS;
    ``written`` says how many rows went to which file."""

    def command(fmt: FormatOpt = Format.csv, dialect: DialectOpt = Dialect.SPREADSHEET,
                start: FromOpt = None, end: ToOpt = None, output: OutputOpt = None) -> None:
        first, after = period(start, end)

        async def made(s: AsyncSession) -> Table:
            from storage.repo import directory as dir_repo

            tz = ZoneInfo((await dir_repo.cooperative(s)).timezone)
            return await rows(s, *moments(tz, first, after))

        table = read(made)
        if (path := emit(table, fmt, dialect, output)) is not None:
            typer.echo(written(len(table.rows), path))

    export_app.command(name, help=help_text)(command)


export_app = group(T.t("Export data (requests, bookings…)."))
import bot.cli_privacy  # noqa: F401,E402
import bot.export_ical  # noqa: E402,F401
import bot.export_projects  # noqa: E402,F401
import bot.export_requests  # noqa: E402,F401
