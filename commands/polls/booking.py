"""Closing a poll "et reserver <ressource>": the chosen slot goes through the booking rules.

A refusal (taken, outside opening hours, over quota…) is reported and the poll
stays closed with its result: closing never depends on the booking.
"""

from __future__ import annotations

from commands.bookings.flow import book
from commands.context import Context
from commands.errors import CommandError, ExplainedAfterRollback
from commands.i18n import translator
from commands.messages import para
from storage.models import Poll, PollOption


async def book_chosen(ctx: Context, poll: Poll, chosen: PollOption, resource: str) -> str:
    """Book ``resource`` for the chosen option; the note to show on the card."""
    t = translator(ctx.coop.locale)
    start, end = chosen.starts_at.astimezone(ctx.tz), chosen.ends_at.astimezone(ctx.tz)
    when = f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"
    if chosen.all_day or end.date() != start.date():
        return t.t("Not booked: a whole-day option needs hours; book it with /grappe book.")
    ctx.object_ref = None
    try:
        async with ctx.session.begin_nested():
            await book(ctx, f"{resource} {when} : {poll.title}")
    except ExplainedAfterRollback as exc:  # taken after all: explained as a taken slot is
        await exc.explain(ctx)
    except CommandError as exc:
        ctx.reply(para(ctx.tr("The poll is closed, but the booking was refused: ")
                       + ctx.tr(exc.message, **exc.params)))
        return t.t("Not booked: {reason}", reason=t.t(exc.message, **exc.params))
    finally:
        booked, ctx.object_ref = ctx.object_ref, poll.ref
    if booked and booked.startswith("B-"):
        return t.t("Booked: {ref}.", ref=booked)
    return t.t("Not booked: the slot is already taken (details sent to {name}).",
               name=ctx.person.display_name)
