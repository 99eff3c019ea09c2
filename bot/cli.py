"""The ``grappe`` command line (typer)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot import cli_texts
from bot.cli_export import database_ready, export_app
from bot.cli_matrix import matrix_app
from bot.cli_privacy import member_app
from bot.cli_report import report
from bot.cli_texts import T, group
from commands.errors import SettingValueError
from commands.i18n import N_, one_of

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


def _settings(service: bool = False):  # type: ignore[no-untyped-def]
    """The settings, with logging configured (INFO by default for a running service)."""
    from pydantic import ValidationError

    from bot import logs
    from bot.config import Settings

    try:
        settings = Settings()
    except ValidationError as exc:  # a person's mistake in the environment: no traceback
        for error in exc.errors():
            where = ", ".join(str(part) for part in error["loc"]) or "?"
            typer.echo(T.t("Setting {name} is not valid: {error}", name=where,
                           error=_setting_error(error)), err=True)
        raise typer.Exit(2) from None
    logs.configure(settings.log_level or ("INFO" if service else "WARNING"),
                   settings.log_format)
    return settings


# pydantic's errors on the kinds of settings grappe has, in the person's language
SETTING_ERRORS = {
    "int_parsing": N_("a whole number is expected"),
    "float_parsing": N_("a number is expected"),
    "bool_parsing": N_("yes or no is expected (true, false, 1 or 0)"),
    "literal_error": N_("the possible values are {expected}"),
}


def _setting_error(error: Any) -> str:
    """What is wrong with a setting, translated: ours (SettingValueError), pydantic's
    usual ones, else pydantic's own English text."""
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, SettingValueError):
        return T.t(cause.message, **cause.params)
    known = SETTING_ERRORS.get(error["type"])
    if known is not None:
        ctx = error.get("ctx") or {}
        if "expected" in ctx:
            ctx = {**ctx, "expected": one_of(T, ctx["expected"])}
        return T.t(known, **ctx)
    return str(error["msg"]).removeprefix("Value error, ")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _run_platforms(settings: Any) -> None:
    """Run the platforms; a start a person must fix (a refused token) is said, no traceback."""
    from bot.adapters.base import StartRefused
    from bot.runner import run_platforms

    try:
        asyncio.run(run_platforms(settings, whole_process=True))
    except StartRefused as exc:
        _fail(str(exc), code=1)


@app.command(help=T.t("Start the bot: Slack and/or Matrix when configured, else the "
                      "console."))
def run(
    script: ScriptOpt = None,
    as_handle: AsOpt = None,
) -> None:
    """Start the bot: Slack and/or Matrix when configured, else the console."""
    settings = _settings()
    if settings.platforms == ["console"]:
        console(script=script, as_handle=as_handle)
        return
    _run_platforms(_settings(service=True))


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
    settings = _settings(service=True)
    if settings.slack_enabled and not (settings.slack_signing_secret
                                       or settings.slack_app_token):
        _fail(T.t("grappe serve receives Slack's events: set SLACK_BOT_TOKEN and "
                  "SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)."))
    updates: dict[str, object] = {"serve_http": True}
    if host:
        updates["host"] = host
    if port is not None:
        updates["port"] = port
    _run_platforms(settings.model_copy(update=updates))


@app.command(help=T.t("Talk to the bot in this terminal (a script when stdin is not a "
                      "terminal)."))
def console(
    script: ScriptOpt = None,
    as_handle: AsOpt = None,
) -> None:
    """Talk to the bot in this terminal (a script when stdin is not a terminal)."""
    from bot.console_session import run_console

    settings = _settings()
    if script is not None and not script.is_file():
        _fail(T.t("No such file: {path}", path=script))
    lines = script.read_text(encoding="utf-8").splitlines() if script else None
    code = asyncio.run(run_console(settings, lines=lines, default_handle=as_handle,
                                   resumable=script is not None))
    raise typer.Exit(code)


@db_app.command("upgrade", help=T.t("Bring the database schema up to date (Alembic)."))
def db_upgrade(quiet: QuietOpt = False) -> None:
    """Bring the database schema up to date (Alembic)."""
    from storage import migrate
    from storage.db import Database

    settings = _settings()

    async def go() -> str:
        db = Database(settings.database_url)
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

    settings = _settings()
    try:
        result = asyncio.run(run_import(settings, file, T, if_empty=if_empty, check=check))
    except ImportRefused as exc:
        _fail("\n".join(exc.lines))
        return
    lines = report(result, T, quiet=quiet)
    if lines:
        typer.echo("\n".join(lines))


@directory_app.command("show", help=T.t("Print the directory."))
def directory_show() -> None:
    """Print the directory."""
    from bot.cli_directory import show_directory

    settings = _settings()
    database_ready()
    asyncio.run(show_directory(settings, sys.stdout, T))


if __name__ == "__main__":  # pragma: no cover
    app()
