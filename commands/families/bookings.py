"""Shared resources: book, cancel, the agenda, what is free, the rules, approvals, quotas.

The work is done in ``commands/booking_*.py``; this family declares the
commands (French and English keywords) and the card's buttons, reactions and
thread replies.
"""

from __future__ import annotations

from commands import booking_agenda, booking_decide, booking_flow
from commands.context import Context
from commands.i18n import N_
from commands.registry import Role, command, on_action, on_reply


@command(("reserver", "book"),
         usage=N_("/grappe book <resource> <when> [: purpose] [for <enterprise>]"),
         summary=N_("Book a room, the vehicle, equipment or staff time; "
                    "“every tuesday 9h-11h x6” repeats it."))
async def book(ctx: Context, args: str) -> None:
    await booking_flow.book(ctx, args)


@command(("annuler", "cancel"), usage=N_("/grappe cancel B-7 [series]"),
         summary=N_("Cancel a booking, or what is left of its series."))
async def cancel(ctx: Context, args: str) -> None:
    await booking_flow.cancel(ctx, args)


@command(("reservations", "bookings"),
         usage=N_("/grappe bookings [mine|pending] [resource|kind] [day|week|month|<date>]"),
         summary=N_("The agenda of the shared resources."))
async def agenda(ctx: Context, args: str) -> None:
    await booking_agenda.agenda(ctx, args)


@command(("mes reservations", "my bookings"), usage=N_("/grappe my bookings"),
         summary=N_("Your enterprise's coming bookings."))
async def my_bookings(ctx: Context, args: str) -> None:
    await booking_agenda.agenda(ctx, args, mine=True)


@command(("libre", "free"), usage=N_("/grappe free <kind|resource> <when>"),
         summary=N_("What is free: a resource's day, or the resources of a kind at a time."))
async def free(ctx: Context, args: str) -> None:
    await booking_agenda.free(ctx, args)


@command(("ressources", "resources"), usage=N_("/grappe resources [kind|resource]"),
         summary=N_("The shared resources and their booking rules."))
async def resources(ctx: Context, args: str) -> None:
    await booking_agenda.resources_list(ctx, args)


@command(("quota", "quotas"), usage=N_("/grappe quota [enterprise]"),
         summary=N_("An enterprise's monthly quotas: booked and left."))
async def quota(ctx: Context, args: str) -> None:
    await booking_agenda.quota(ctx, args)


@command(("valider", "approve"), role=Role.COORDINATOR,
         usage=N_("/grappe approve B-9 [series]"),
         summary=N_("Approve a booking that awaits approval; the booker is told."))
async def approve(ctx: Context, args: str) -> None:
    await booking_decide.approve_command(ctx, args)


@command(("refuser", "reject"), role=Role.COORDINATOR,
         usage=N_("/grappe reject B-9 [series] : reason"),
         summary=N_("Decline a booking that awaits approval; the booker is told why."))
async def reject(ctx: Context, args: str) -> None:
    await booking_decide.reject_command(ctx, args)


@on_action("B", emojis={"✅": "approve", "❌": "reject"})
async def card_action(ctx: Context, action: str) -> None:
    await booking_decide.on_card_action(ctx, action)


@on_reply("B")
async def card_reply(ctx: Context, text: str) -> None:
    await booking_decide.on_thread_reply(ctx, text)
