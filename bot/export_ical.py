"""``grappe export ical [--resource SLUG]``: the bookings' iCal calendar (``bot.ical``'s
feed) on the screen or in a file. Apart from ``bot.ical``, which a running bot imports for
its HTTP feeds without the command line."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer

from bot.cli_export import OutputOpt, T, database_ready, export_app
from bot.ical import feed


async def _export(database_url: str, slug: str | None) -> bytes | None:
    from storage.db import Database

    db = Database(database_url)
    try:
        return await feed(db, slug)
    finally:
        await db.dispose()


@export_app.command("ical", help=T.t("Export the bookings as an iCal calendar (on the "
                                     "screen, or in a file)."))
def export_ical(
    resource: Annotated[str | None, typer.Option(
        "--resource", metavar=T.t("SLUG"), help=T.t("Only this resource (its slug)."))] = None,
    output: OutputOpt = None,
) -> None:
    """Export the bookings as an iCal calendar (on stdout, or a file)."""
    from bot.config import Settings

    database_ready()
    data = asyncio.run(_export(Settings().database_url, resource))
    if data is None:
        typer.echo(T.t("No resource “{slug}”. Type grappe directory show for the list.",
                       slug=resource), err=True)
        raise typer.Exit(2)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    output.write_bytes(data)
    typer.echo(T.t("Calendar written to {path}.", path=output))
