"""The request form (a Slack modal): its fields, and the command its values stand for.

A submitted form becomes the very text a person would have typed
(``Mairie de Roubaix : bilan #comptabilite ; pour 15/1/2027``), so one parser reads
both and a form can never accept what the command refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commands.context import Context
from commands.forms import FormField, FormSpec, Option, chosen, day_of, text_of
from commands.i18n import N_
from storage.repo import directory as dir_repo


async def fields(ctx: Context) -> list[FormField]:
    """Client, need, the directory's skills (in the person's language) and a due date."""
    options = [Option(value=k.slug, label=k.label_in(ctx.t.locale))
               for k in await dir_repo.skills(ctx.session)]
    return [
        FormField(name="client", label=ctx.tr("Client's name"),
                  placeholder=ctx.tr("e.g. Town hall of Roubaix, social services")),
        FormField(name="need", label=ctx.tr("Client's need"), kind="long_text",
                  max_length=2000, placeholder=ctx.tr("What the client asks for, in a few lines")),
        FormField(name="skills", label=ctx.tr("Skills wanted"), kind="choices", optional=True,
                  placeholder=ctx.tr("Found from the need when left empty"), options=options),
        FormField(name="deadline", label=ctx.tr("Due date"), kind="date", optional=True),
    ]


def text(values: Mapping[str, Any]) -> str:
    """The arguments of ``/grappe demande`` for the submitted values."""
    client = " ".join(text_of(values, "client").replace(":", " ").split())
    parts = [f"{client} : {text_of(values, 'need')}"]
    parts += [f"#{slug}" for slug in chosen(values, "skills")]
    deadline = day_of(values, "deadline")
    if deadline is not None:
        parts.append(f"; pour {deadline.day}/{deadline.month}/{deadline.year}")
    return " ".join(parts)


REQUEST_FORM = FormSpec(title=N_("New client request"), submit=N_("Relay"), fields=fields,
                        text=text)
