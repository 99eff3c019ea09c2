"""Members edit their messages: what the core makes of an edit, whatever the platform.

The events are the neutral ones a converter makes of an edit (``edit_of``: the
original's platform id; ``message_id``: the original's, where the ✅ goes). The
console bot runs them as it runs typed lines, so its printed output is what people see.
"""

from __future__ import annotations

from sqlalchemy import text

from bot.console import DEFAULT_CHANNEL
from commands.events import Actor, Command, Inbound, Thread, ThreadReply
from tests.conftest import Clock, Console
from tests.requests.test_request_flow import REQUEST, last_card

NADIA = Actor("console", "nadia")


def answer(ref: str, said: str, event_id: str, message_id: str, *,
           edit_of: str | None = None, actor: Actor = NADIA) -> ThreadReply:
    return ThreadReply(actor=actor, thread=Thread(object_ref=ref, channel=DEFAULT_CHANNEL),
                       text=said, event_id=event_id, message_id=message_id, edit_of=edit_of)


async def run(console: Console, *events: Inbound) -> str:
    """Receive the events one after the other, deliver, return what was printed."""
    for event in events:
        await console.bot.receive(event)
        await console.bot.drain()
    return await console.run()


async def rows(console: Console, sql: str) -> list[tuple[object, ...]]:
    async with console.bot.db.session(read_only=True) as s:
        return [tuple(r) for r in await (await s.connection()).execute(text(sql))]


def line_of(card: str, name: str) -> str:
    return next(line for line in card.splitlines() if name in line)


async def test_an_edited_answer_replaces_the_answer_of_its_message(console: Console,
                                                                   clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    await console.run(REQUEST)
    out = await run(console, answer("R-1", "Intéressés ! On peut piloter, dispo jeudi",
                                    "ev-a", "msg-a"))
    assert "peut piloter" in line_of(last_card(out), "Chiffres & Communs")

    clock.advance(minutes=5)
    out = await run(console, answer("R-1", "pas dispo finalement, désolés", "ev-a-edit",
                                    "msg-a", edit_of="msg-a"))
    chiffres = line_of(last_card(out), "Chiffres & Communs")
    assert "décline" in chiffres
    assert "peut piloter" not in chiffres  # the edited message's first version no longer counts
    assert "(1/5" in last_card(out)
    assert "✅ Chiffres & Communs : 👎 décline" in out  # acknowledged like an answer
    # the versions are kept, both tied to the message
    assert await rows(console, "SELECT declined, can_lead, message_id FROM answers "
                               "ORDER BY id") == [(False, True, "msg-a"), (True, False, "msg-a")]
    history = await console.run("camille: /grappe demande R-1")
    assert history.count("· ✏️ modifiée") == 1


async def test_an_edit_is_the_latest_word_and_other_messages_still_count(
        console: Console, clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    await console.run(REQUEST)
    await run(console,
              answer("R-1", "Une question : qui est le contact ?", "ev-c", "msg-c"),
              answer("R-1", "Partants, 3 jours", "ev-d", "msg-d"))
    out = await run(console, answer("R-1", "On peut piloter", "ev-c-edit", "msg-c",
                                    edit_of="msg-c"))
    chiffres = line_of(last_card(out), "Chiffres & Communs")
    assert "peut piloter" in chiffres
    assert "3 jours" in chiffres  # the other message's answer stands
    assert "💬" not in chiffres  # the comment was the edited message's: it is gone


async def test_an_edited_ballot_changes_the_tally(console: Console, clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    await console.run("nadia: /grappe dispo Réunion : mar 1 déc 14h-16h | ven 4 déc 9h-11h")
    await run(console, answer("P-1", "1", "ev-b", "msg-b"))
    assert await rows(console, "SELECT position, value FROM poll_votes ORDER BY position") == [
        (1, "yes"), (2, "no")]
    out = await run(console, answer("P-1", "2", "ev-b-edit", "msg-b", edit_of="msg-b"))
    assert await rows(console, "SELECT position, value FROM poll_votes ORDER BY position") == [
        (1, "no"), (2, "yes")]
    assert "✅ Nadia Benali : 2" in out


async def test_an_edited_command_is_not_run_again_and_its_author_is_told_once(
        console: Console, clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    sent = Command(actor=NADIA, text="/grappe demande Mairie de Roubaix : un bilan de com",
                   event_id="ev-cmd", place=DEFAULT_CHANNEL)
    await run(console, sent)
    edit = Command(actor=NADIA, text="/grappe demande Mairie de Roubaix : un bilan comptable",
                   event_id="ev-cmd-edit", place=DEFAULT_CHANNEL, edit_of="msg-cmd")
    out = await run(console, edit)
    assert out == ("[DM:nadia] - Vous avez modifié une commande déjà traitée : elle n’est pas "
                   "relancée. Envoyez-la de nouveau si besoin.\n")
    again = Command(actor=NADIA, text="/grappe demande Mairie de Roubaix : un bilan",
                    event_id="ev-cmd-edit-2", place=DEFAULT_CHANNEL, edit_of="msg-cmd")
    assert await run(console, edit, again) == ""  # a redelivery, a second edit: told once
    assert await rows(console, "SELECT count(*) FROM requests") == [(1,)]
    assert await rows(console, "SELECT need FROM requests") == [("un bilan de com",)]


async def test_an_edited_command_is_answered_in_its_authors_language(console: Console) -> None:
    out = await run(console, Command(actor=Actor("console", "olivia"), text="/grappe membres",
                                     event_id="ev-o", place=DEFAULT_CHANNEL, edit_of="msg-o"))
    assert "You edited a command that was already handled: it is not run again." in out
