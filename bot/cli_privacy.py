"""``grappe member forget HANDLE`` and ``grappe export person HANDLE`` (GDPR)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from bot.cli_export import T, database_ready, export_app, read
from bot.cli_texts import confirm, group

member_app = group(T.t("A person's personal data (GDPR)."))


@member_app.command("forget", help=T.t("Erase a person's identities and personal data; "
                                       "their history shows “former member”."))
def member_forget(
    handle: Annotated[str, typer.Argument(metavar=T.t("HANDLE"))],
    yes: bool = typer.Option(False, "--yes", "-y", help=T.t("Do not ask for confirmation.")),
) -> None:
    """Erase a person's identities and personal data; their history shows “former member”."""
    database_ready()  # before asking
    if not yes and not confirm(T.t("Forget {handle} for good?", handle=handle)):
        typer.echo(T.t("Nothing was changed."), err=True)
        raise typer.Exit(1)
    from commands.privacy import forget as privacy

    pseudonym, removed = read(lambda s: privacy.forget(s, handle), read_only=False)
    typer.echo(T.tn("{handle} is forgotten ({n} account unlinked); now shown as {pseudonym}.",
                    "{handle} is forgotten ({n} accounts unlinked); now shown as {pseudonym}.",
                    removed, handle=handle, pseudonym=pseudonym))


@export_app.command("person", help=T.t("Print as JSON everything the bot holds about a "
                                       "person."))
def export_person(handle: Annotated[str, typer.Argument(metavar=T.t("HANDLE"))]) -> None:
    """Print as JSON everything the bot holds about a person."""
    from commands.privacy import forget as privacy

    held: dict[str, Any] = read(lambda s: privacy.export(s, handle), read_only=True)
    typer.echo(json.dumps(held, ensure_ascii=False, indent=2, default=str))
