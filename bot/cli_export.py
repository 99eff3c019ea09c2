"""``grappe export …``: each exporter registers its command on ``export_app``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli_texts import T

export_app = typer.Typer(help=T.t("Export data (requests, bookings…)."), no_args_is_help=True)
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar=T.t("FILE"), help=T.t("Write to FILE instead of the screen."))]
import bot.cli_privacy  # noqa: F401,E402
import bot.export_requests  # noqa: E402,F401
import bot.ical  # noqa: F401,E402
