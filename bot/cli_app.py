"""The ``grappe`` command line (typer): every subcommand and the help (``bot.cli`` runs a
bare ``grappe run`` without it)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from bot import cli_run, cli_texts
from bot.cli_export import database_ready, export_app
from bot.cli_matrix import matrix_app
from bot.cli_privacy import member_app
from bot.cli_report import report
from bot.cli_run import fail, run_platforms, settings
from bot.cli_texts import T, group

cli_texts.install(T)
app = group(T.t("grappe, the cooperation bot of the cluster."),
            pretty_exceptions_enable=False, add_completion=False)
db_app = group(T.t("The database."))
directory_app = group(T.t("The cooperative's directory."))
ScriptOpt = Annotated[Path | None, typer.Option(
    "--script", metavar=T.t("FILE"), help=T.t("Run the lines of FILE."))]
AsOpt = Annotated[str | None, typer.Option(
    "--as", metavar=T.t("HANDLE"),
    help=T.t("Speak as this person (their handle): lines need no “handle:” prefix."))]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q",
                                        help=T.t("Print only what needs your attention."))]
app.add_typer(db_app, name="db")
app.add_typer(export_app, name="export")
app.add_typer(directory_app, name="directory")
app.add_typer(member_app, name="member")
app.add_typer(matrix_app, name="matrix")
app.command("report", help=T.t("The yearly cooperation report for the funders: requests, "
                               "projects won together, amounts, days and times (ODS or "
                               "HTML)."))(report)


def _with_script(body: Callable[..., None]) -> Callable[..., None]:
    """``grappe run`` and ``grappe console``: ``body`` (``bot.cli_run``) with their options."""

    def command(script: ScriptOpt = None, as_handle: AsOpt = None) -> None:
        body(script=script, as_handle=as_handle)

    return command


app.command("run", help=T.t("Start the bot: Slack and/or Matrix when configured, else the "
                            "console."))(_with_script(cli_run.run))


@app.command(help=T.t("Run the bot with its HTTP endpoints: Slack's events, the iCal "
                      "feeds, /healthz."))
def serve(
    host: Annotated[str | None, typer.Option(
        metavar=T.t("ADDRESS"),
        help=T.t("Address to listen on (default: GRAPPE_HOST, else 0.0.0.0)."))] = None,
    port: Annotated[int | None, typer.Option(
        metavar=T.t("NUMBER"),
        help=T.t("Port to listen on (default: PORT, else 3000)."))] = None,
) -> None:
    """Run the bot with its HTTP endpoints: Slack's events, the iCal feeds, /healthz."""
    configured = settings(service=True)
    if configured.slack_enabled and not (configured.slack_signing_secret
                                         or configured.slack_app_token):
        fail(T.t("grappe serve receives Slack's events: set SLACK_BOT_TOKEN and "
                 "SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)."))
    updates: dict[str, object] = {"serve_http": True}
    if host:
        updates["host"] = host
    if port is not None:
        updates["port"] = port
    run_platforms(configured.model_copy(update=updates))


app.command("console", help=T.t("Talk to the bot in this terminal (a script when stdin is "
                                "not a terminal)."))(_with_script(cli_run.console))


@db_app.command("upgrade", help=T.t("Bring the database schema up to date (Alembic)."))
def db_upgrade(quiet: QuietOpt = False) -> None:
    """Bring the database schema up to date (Alembic)."""
    from storage import migrate
    from storage.db import Database

    configured = settings()

    async def go() -> str:
        db = Database(configured.database_url)
        try:
            await migrate.upgrade(db)
            return ", ".join(await migrate.current_heads(db))
        finally:
            await db.dispose()

    revision = asyncio.run(go())
    if not quiet:
        typer.echo(T.t("Database up to date (revision {revision}).", revision=revision))


@directory_app.command("import", help=T.t("Import (or update) the directory from a TOML "
                                          "file."))
def directory_import(
    file: Annotated[Path, typer.Argument(metavar=T.t("FILE"))],
    if_empty: Annotated[bool, typer.Option(
        "--if-empty", help=T.t("Only when the directory is empty."))] = False,
    check: Annotated[bool, typer.Option(
        "--check", help=T.t("Print what the import would change, and change nothing."))
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Import (or update) the directory from a TOML file."""
    from bot.cli_directory import ImportRefused, report, run_import

    configured = settings()
    try:
        result = asyncio.run(run_import(configured, file, T, if_empty=if_empty, check=check))
    except ImportRefused as exc:
        fail("\n".join(exc.lines))
        return
    lines = report(result, T, quiet=quiet)
    if lines:
        typer.echo("\n".join(lines))


@directory_app.command("show", help=T.t("Print the directory."))
def directory_show() -> None:
    """Print the directory."""
    from bot.cli_directory import show_directory

    configured = settings()
    database_ready()
    asyncio.run(show_directory(configured, sys.stdout, T))
