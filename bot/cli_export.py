"""``grappe export …``: each exporter registers its command on ``export_app``."""

from __future__ import annotations

import os

import typer

from commands.i18n import translator

T = translator(os.environ.get("GRAPPE_LOCALE"))

export_app = typer.Typer(help=T.t("Export data (requests, bookings…)."), no_args_is_help=True)
import bot.cli_privacy  # noqa: F401,E402
import bot.export_requests  # noqa: E402,F401
import bot.ical  # noqa: F401,E402
