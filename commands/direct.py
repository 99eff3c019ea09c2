"""The replies that cannot go through the outbox: the runtime sends them at once.

An unknown person has no row to write to (and nothing is written for them); when the
database is away nothing can be written at all; an encrypted message's author is
answered where they wrote. Each text is in the person's language when it is known,
else in the cooperative's.
"""

from __future__ import annotations

from collections.abc import Sequence

from commands.events import Inbound, Unreadable
from commands.i18n import Translator
from commands.messages import Mention, Message, Target, para
from storage.models import Cooperative, Person


def _to_actor(t: Translator, *spans: str | Mention) -> Message:
    return Message(target=Target(kind="actor"), blocks=[para(*spans)], locale=t.locale)


def unknown_person(t: Translator, coop: Cooperative, coordinators: Sequence[Person],
                   event: Inbound) -> Message:
    names = ", ".join(p.display_name for p in coordinators)
    return _to_actor(t, t.t(
        "You are not in {cooperative}'s directory yet, so I cannot act for you "
        "and nothing was recorded. Ask a coordinator ({names}) to link your account "
        "with: /grappe link <your-handle> {platform} {user_id}",
        cooperative=coop.name, names=names or t.t("a coordinator"),
        platform=event.actor.platform, user_id=event.actor.user_id))


def retry_later(t: Translator, *, redelivered: bool) -> Message:
    """The database is away; ``redelivered``: the platform gives the event again later
    (Matrix's sync), so the person must not send it again (it would count twice)."""
    if redelivered:
        return _to_actor(t, t.t("I cannot reach my database right now; your message will be "
                                "handled as soon as it is back."))
    return _to_actor(t, t.t("I cannot reach my database right now, so nothing was recorded. "
                            "Please try again in a moment."))


def unreadable(t: Translator, event: Inbound, person: Person | None) -> Message:
    """Said once per room (and per person who writes there) by the adapter's choice.

    A person of the directory is addressed by name (a mention); someone else, or the
    room as a whole, is not named: a platform id is no way to address a person (the
    adapter still makes sure the author notices it)."""
    if isinstance(event, Unreadable) and event.undecryptable:
        text = t.t("I could not decrypt your message: its encryption key did not reach me, "
                   "so I did nothing with it. Please send it again; if this happens again, "
                   "check that your app shares its keys with unverified devices.")
    else:
        text = t.t("I cannot read encrypted messages, so I cannot answer in this room. "
                   "Please write to me in a room without encryption, or in a direct "
                   "conversation without encryption.")
    user = event.actor.user_id
    if not user or person is None:
        return _to_actor(t, text)
    return _to_actor(t, Mention(handle=person.handle, name=person.display_name,
                                ids={event.actor.platform: user}), " ", text)
