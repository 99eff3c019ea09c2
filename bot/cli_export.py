"""``grappe export …``: each exporter registers its command on ``export_app``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bot.cli_texts import T, group

OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar=T.t("FILE"), help=T.t("Write to FILE instead of the screen."))]


def database_ready() -> None:
    """A command that reads the database needs one set up: say so, rather than SQL's
    "no such table"."""
    from bot.config import Settings
    from storage import migrate
    from storage.db import Database

    async def check() -> bool:
        db = Database(Settings().database_url)
        try:
            return await migrate.up_to_date(db)
        finally:
            await db.dispose()

    if not asyncio.run(check()):
        typer.echo(T.t("The database is not set up (or not up to date): run grappe db upgrade, "
                       "then grappe directory import FILE."), err=True)
        raise typer.Exit(2)


export_app = group(T.t("Export data (requests, bookings…)."))
import bot.cli_privacy  # noqa: F401,E402
import bot.export_requests  # noqa: E402,F401
import bot.ical  # noqa: F401,E402
