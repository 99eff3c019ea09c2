"""``grappe member forget HANDLE`` and ``grappe export person HANDLE`` (GDPR)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from bot.cli_export import T, database_ready, export_app
from bot.cli_texts import confirm, group

if TYPE_CHECKING:  # the database's side is imported when a command runs: help is quick
    from sqlmodel.ext.asyncio.session import AsyncSession

R = TypeVar("R")

member_app = group(T.t("A person's personal data (GDPR)."))


def _run(work: Callable[[AsyncSession], Awaitable[R]], *, read_only: bool) -> R:
    from bot.config import Settings
    from commands.errors import CommandError
    from storage.db import Database

    database_ready()

    async def go() -> R:
        db = Database(Settings().database_url)
        try:
            async with db.session(read_only=read_only) as s:
                return await work(s)
        finally:
            await db.dispose()

    try:
        return asyncio.run(go())
    except CommandError as exc:
        typer.echo(T.t(exc.message, **exc.params), err=True)
        raise typer.Exit(1) from None


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

    pseudonym, removed = _run(lambda s: privacy.forget(s, handle), read_only=False)
    typer.echo(T.tn("{handle} is forgotten ({n} account unlinked); now shown as {pseudonym}.",
                    "{handle} is forgotten ({n} accounts unlinked); now shown as {pseudonym}.",
                    removed, handle=handle, pseudonym=pseudonym))


@export_app.command("person", help=T.t("Print as JSON everything the bot holds about a "
                                       "person."))
def export_person(handle: Annotated[str, typer.Argument(metavar=T.t("HANDLE"))]) -> None:
    """Print as JSON everything the bot holds about a person."""
    from commands.privacy import forget as privacy

    held: dict[str, Any] = _run(lambda s: privacy.export(s, handle), read_only=True)
    typer.echo(json.dumps(held, ensure_ascii=False, indent=2, default=str))
