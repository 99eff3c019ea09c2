"""``grappe matrix recovery-key`` and ``grappe matrix status``: setting up the bot's
Matrix account. Each also answers to its French name (``cle-de-recuperation``, ``etat``),
left out of the help, which lists each command once."""

from __future__ import annotations

import asyncio

import typer

from bot.cli_export import database_ready
from bot.cli_texts import T, group

matrix_app = group(T.t("The bot's Matrix account: its recovery key, its device."))

RECOVERY_HELP = T.t("Make a recovery key for MATRIX_RECOVERY_KEY and print it, once.")
STATUS_HELP = T.t("Log in as the bot and say what its device looks like to the members' "
                  "clients.")


def recovery_key() -> None:
    from bot.matrix.signing import new_recovery_key

    typer.echo(new_recovery_key())
    typer.echo(err=True)
    typer.echo(T.t(
        "This is the recovery key of the bot's cross-signing keys. Put it in "
        "MATRIX_RECOVERY_KEY, in the environment grappe runs with (the hosting's secrets, "
        "an .env file out of version control), as it is written, hyphens included; at its "
        "next start grappe signs its device with it, and Element shows the device verified "
        "by its owner. It is stored nowhere else, not even in the database (which keeps "
        "the keys sealed under it): keep a copy in your password manager. Without it, "
        "the keys kept cannot be opened again."), err=True)


def status() -> None:
    from bot.cli_run import settings as _settings
    from bot.matrix.status import StatusFailed, report, status_of
    from storage.db import Database

    settings = _settings()
    database_ready()

    async def go() -> list[str]:
        db = Database(settings.database_url)
        try:
            return report(await status_of(settings, db), T)
        finally:
            await db.dispose()

    try:
        lines = asyncio.run(go())
    except StatusFailed as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo("\n".join(lines))


for names, command, help_text in ((("recovery-key", "cle-de-recuperation"), recovery_key,
                                   RECOVERY_HELP),
                                  (("status", "etat"), status, STATUS_HELP)):
    for index, name in enumerate(names):
        matrix_app.command(name, help=help_text, hidden=index > 0)(command)
