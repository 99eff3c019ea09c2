"""Approvals: the card coordinators see, ``valider``/``refuser``, and telling the booker.

A booking of a resource that needs approval is ``pending`` (it holds the slot)
until a coordinator approves or declines it, by command, by the card's
buttons or reactions, or by replying in the card's thread. The booker is told
in their own language either way; the card is edited to show the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence

from commands.bookings.view import Fmt, Names, find_booking, interval_of, refs
from commands.context import Context
from commands.errors import CommandError, UsageError
from commands.events import Command
from commands.i18n import N_, translator
from commands.messages import Block, Choice, Choices, Heading, bold, bullets, para, spans
from commands.registry import Role, command, on_action, on_reply
from commands.text import fold, shorten
from storage.models import Booking
from storage.models.bookings import BookingStatus
from storage.repo import bookings as repo

HELP_ORDER = 42  # where these commands come in the help

SERIES_WORDS = ("serie", "series", "tout", "toute", "all")
APPROVE_WORDS = ("valider", "valide", "approuver", "approve", "approved", "ok", "oui", "yes")
REJECT_WORDS = ("refuser", "refuse", "refus", "reject", "decline", "non", "no")


def set_status(booking: Booking, status: BookingStatus, ctx: Context) -> None:
    booking.status = status.value
    booking.updated_at = ctx.now
    booking.sequence += 1
    ctx.session.add(booking)


async def _group(ctx: Context, booking: Booking) -> list[Booking]:
    """The bookings one card shows: the whole series, or the booking alone."""
    if booking.series_id is None:
        return [booking]
    return list(await repo.of_series(ctx.session, booking.series_id))


def _card(ctx: Context, group: Sequence[Booking], names: Names) -> list[Block]:
    fmt = Fmt(translator(ctx.coop.locale), ctx.now, ctx.tz)
    t, first = fmt.t, group[0]
    labels = {"pending": t.t("awaiting approval"), "confirmed": t.t("approved"),
              "cancelled": t.t("cancelled"), "rejected": t.t("declined")}
    lines = []
    for b in group:
        label = labels[b.status] + (f" : {b.reason}" if b.status == "rejected" and b.reason
                                    else "")
        lines.append(spans(bold(b.ref), f" · {fmt.range(interval_of(b))} · {label}"))
    open_ = any(b.status == "pending" for b in group)
    title = t.t("Booking to approve: {resource}") if open_ else t.t("Booking of {resource}")
    blocks: list[Block] = [
        Heading(text=title.format(resource=names.resource(first).name)),
        para(t.t("Asked by {who}", who=names.who(first)),
             f" — {first.purpose}" if first.purpose else ""),
        bullets(lines)]
    if open_:
        blocks.append(Choices(object_ref=first.ref, options=[
            Choice(action="approve", label=t.t("Approve"), emoji="✅"),
            Choice(action="reject", label=t.t("Refuse"), emoji="❌", asks_text=True)]))
    return blocks


async def post_card(ctx: Context, made: Sequence[Booking], names: Names) -> None:
    ctx.post(*_card(ctx, made, names), card_of=made[0].ref)


async def refresh_card(ctx: Context, booking: Booking) -> None:
    group = await _group(ctx, booking)
    names = await Names.load(ctx.session, group)
    ctx.edit_card(group[0].ref, *_card(ctx, group, names))


async def tell_booker(ctx: Context, bookings: Sequence[Booking], names: Names, event: str,
                      reason: str = "") -> None:
    """A DM to the person who booked, in their language, unless they did it themselves."""
    booker = names.people.get(bookings[0].person_id)
    if booker is None or booker.id == ctx.person.id:
        return
    fmt = Fmt.of(ctx, booker)
    t, resource = fmt.t, names.resource(bookings[0]).name
    params = dict(actor=ctx.person.display_name, refs=refs(bookings), resource=resource)
    if event == "cancelled":
        text = t.t("{actor} cancelled your booking {refs} ({resource}):", **params)
    elif event == "approved":
        text = t.t("Your booking {refs} ({resource}) is approved by {actor}:", **params)
    else:
        text = t.t("Your booking {refs} ({resource}) was declined by {actor}:", **params)
    blocks: list[Block] = [para(text), bullets([spans(fmt.range(interval_of(b)))
                                                for b in bookings])]
    if reason:
        blocks.append(para(bold(t.t("Reason: ")), reason))
    ctx.dm(booker, *blocks)


async def decide(ctx: Context, booking: Booking, approve: bool, *, reason: str = "",
                 whole: bool = False) -> None:
    if not ctx.is_coordinator:
        raise CommandError("Only a coordinator can approve or decline a booking.")
    group = await _group(ctx, booking) if whole else [booking]
    targets = [b for b in group if b.status == BookingStatus.PENDING]
    if not targets:
        raise CommandError("{ref} is not awaiting approval.", ref=booking.ref)
    for b in targets:
        set_status(b, BookingStatus.CONFIRMED if approve else BookingStatus.REJECTED, ctx)
        b.decided_by_id, b.decided_at, b.reason = ctx.person.id, ctx.now, reason
    ctx.object_ref = booking.ref
    names = await Names.load(ctx.session, targets)
    booker = names.people.get(booking.person_id)
    who = booker.display_name if booker else "?"
    if approve:
        text = ctx.tr("{refs} approved; {booker} is told.", refs=refs(targets), booker=who)
    else:
        text = ctx.tr("{refs} declined; {booker} is told.", refs=refs(targets), booker=who)
    if isinstance(ctx.event, Command):
        ctx.reply(para(text))
    else:  # a button, a reaction or a reply on the card
        ctx.acknowledge("✅" if approve else "❌", text)
    await tell_booker(ctx, targets, names, "approved" if approve else "rejected", reason)
    await refresh_card(ctx, booking)


@command(("valider", "approve"), role=Role.COORDINATOR,
         usage=N_("/grappe approve B-9 [series]"),
         summary=N_("Approve a booking that awaits approval; the booker is told."))
async def approve_command(ctx: Context, args: str) -> None:
    words = args.split()
    if not words:
        raise UsageError("Give a booking's reference, like B-7.")
    booking = await find_booking(ctx, words[0])
    await decide(ctx, booking, True, whole=any(fold(w) in SERIES_WORDS for w in words[1:]))


@command(("refuser", "reject"), role=Role.COORDINATOR,
         usage=N_("/grappe reject B-9 [series] : reason"),
         summary=N_("Decline a booking that awaits approval; the booker is told why."))
async def reject_command(ctx: Context, args: str) -> None:
    head, _, reason = args.partition(":")
    words = head.split()
    if not words:
        raise UsageError("Give a booking's reference, like B-7.")
    if not reason.strip():
        raise UsageError("Say why, after a colon: the booker will read it.")
    booking = await find_booking(ctx, words[0])
    await decide(ctx, booking, False, reason=shorten(reason.strip(), 500),
                 whole=any(fold(w) in SERIES_WORDS for w in words[1:]))


@on_action("B", emojis={"✅": "approve", "❌": "reject"})
async def on_card_action(ctx: Context, action: str) -> None:
    """A button or reaction on an approval card: it decides for the whole card."""
    if action == "approve":
        booking = await find_booking(ctx, ctx.object_ref or "")
        await decide(ctx, booking, True, whole=True)
    elif action == "reject":
        await _reject_card(ctx, ctx.command_text)
    else:
        raise CommandError("Nothing can be answered on {ref}.", ref=ctx.object_ref or "")


@on_reply("B")
async def on_thread_reply(ctx: Context, text: str) -> None:
    """"valider" or "refuser : raison" in the card's thread."""
    word, _, rest = text.strip().partition(" ")
    word = fold(word).rstrip(":")
    if word in APPROVE_WORDS:
        await on_card_action(ctx, "approve")
    elif word in REJECT_WORDS:
        await _reject_card(ctx, rest.strip().lstrip(":"))
    else:
        raise CommandError("In a booking's thread, coordinators can reply “valider” or "
                           "“refuser : the reason”.")


async def _reject_card(ctx: Context, reason: str) -> None:
    booking = await find_booking(ctx, ctx.object_ref or "")
    if not reason.strip():
        raise CommandError("To decline {ref}, reply in its thread: “refuser : the reason”.",
                           ref=booking.ref)
    await decide(ctx, booking, False, reason=shorten(reason.strip(), 500), whole=True)
