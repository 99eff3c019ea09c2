"""What the client sees, and only that: every message for a client's room is made here.

``to_client`` is the one way in: a message addressed to that client (``Audience``), in
their language. The routing refuses anything else in their room. Nothing here names an
enterprise, an answer or a tally: status updates say where the request stands, the
letter (``requests.decisions``) presents the team the coordinators chose.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from commands.dates.when import format_time
from commands.i18n import N_, translator
from commands.messages import Block, Choice, Choices, Message, Target, bold, for_client, para
from commands.routing import CLIENT_ROOM
from storage.models import ClientRequest, Cooperative

SCORES = range(1, 6)
SCORE_EMOJIS = {"1️⃣": 1, "2️⃣": 2, "3️⃣": 3, "4️⃣": 4, "5️⃣": 5}


def to_client(cr: ClientRequest, *blocks: Block) -> Message:
    """A message for the client of ``cr``, in their rooms, in their language."""
    return Message(target=Target(kind="channel", purpose=CLIENT_ROOM), blocks=list(blocks),
                   locale=cr.locale, audience=for_client(cr.client_id))


def promise(moment: datetime, coop: Cooperative, locale: str) -> str:
    """``lundi 7 décembre à 16 h 30``: a day a client reads without a calendar."""
    from babel.dates import format_date

    local = moment.astimezone(ZoneInfo(coop.timezone))
    t = translator(locale)
    return t.t("{day} at {time}", day=format_date(local.date(), "EEEE d MMMM", locale=t.locale),
               time=format_time(local.time(), t.locale))


def acknowledgement(cr: ClientRequest, ref: str, name: str, coop: Cooperative) -> Message:
    t = translator(cr.locale)
    assert cr.response_due_at is not None
    return to_client(cr, para(t.t(
        "Hello {name}, thank you for your message. Your request is recorded under the "
        "reference {ref}; {cooperative} will answer you by {when} at the latest.",
        name=name, ref=ref, cooperative=coop.name,
        when=promise(cr.response_due_at, coop, cr.locale))))


def public_reply(cr: ClientRequest, ref: str, text: str, author: str,
                 coop: Cooperative) -> Message:
    t = translator(cr.locale)
    return to_client(cr, para(bold(f"{ref} · "), text),
                     para(t.t("— {name}, for {cooperative}", name=author,
                              cooperative=coop.name)))


STEPS = {
    "staffed": N_("{ref}: the team that will work on your request is formed. Its proposal "
                  "follows shortly."),
    "proposal": N_("{ref}: here is our proposal."),
    "closed": N_("{ref}: your request is now closed. Thank you for your trust."),
}


def status_update(cr: ClientRequest, ref: str, step: str) -> Message:
    t = translator(cr.locale)
    return to_client(cr, para(t.t(STEPS[step], ref=ref)))


def letter(cr: ClientRequest, ref: str, blocks: list[Block]) -> Message:
    return to_client(cr, *status_update(cr, ref, "proposal").blocks, *blocks)


def satisfaction_question(cr: ClientRequest, ref: str) -> Message:
    t = translator(cr.locale)
    return to_client(cr, para(t.t(
        "How satisfied are you with how {ref} was handled, from 1 (not at all) to 5 "
        "(very)? Answer with a number.", ref=ref)),
        Choices(object_ref=ref, options=[
            Choice(action=f"note-{n}", label=str(n), emoji=emoji)
            for emoji, n in SCORE_EMOJIS.items()]))


def thanks_for_score(cr: ClientRequest, ref: str, score: int) -> Message:
    t = translator(cr.locale)
    return to_client(cr, para(t.t("Thank you: your rating of {score}/5 for {ref} is recorded.",
                                  score=score, ref=ref)))
