"""``grappe report``: the yearly cooperation report (``commands.projects.report``), as an
ODS workbook (one sheet a table, the rows behind the figures last) or one HTML page."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli_export import OutputOpt, T, read
from bot.spreadsheet import write_ods

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from commands.projects.sections import Report

FIRST_YEAR, LAST_YEAR = 2000, 2100


class ReportFormat(StrEnum):
    ods = "ods"
    html = "html"


def report(
    year: Annotated[str | None, typer.Option(
        "--year", metavar=T.t("YYYY"), help=T.t("The year, YYYY (by default this one)"))] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help=T.t("ods or html"))
                   ] = ReportFormat.ods,
    output: OutputOpt = None,
) -> None:
    """The yearly cooperation report for the funders."""
    chosen = date.today().year if year is None else (
        int(year) if year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR else None)
    if chosen is None:
        typer.echo(T.t("“{value}” is not a year from {first} to {last}, like 2026: nothing was "
                       "written.", value=year, first=FIRST_YEAR, last=LAST_YEAR), err=True)
        raise typer.Exit(2)

    from bot.report_html import write_html
    from commands.projects.report import build

    async def made(s: AsyncSession) -> Report:
        return await build(s, chosen)

    done = read(made)
    path = output or Path(T.t("cooperation-report-{year}", year=chosen) + f".{fmt.value}")
    if fmt is ReportFormat.html:
        write_html(done, path)
    else:
        write_ods([section.sheet() for section in done.sections], path)
    typer.echo(T.t("{title} written to {path}.", title=done.title, path=path))
