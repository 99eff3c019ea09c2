"""What a handler gets: who acts, where, a storage session, the clock, the locale.

Handlers never call a platform: they change rows through ``storage.repo`` and
collect neutral messages here; the dispatcher writes them to the outbox in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.day_parts import DayParts
from commands.events import Action, Command, Inbound, RoomMessage, ThreadReply
from commands.i18n import Translator, translator
from commands.messages import (
    TEAM,
    Audience,
    Block,
    Mention,
    Message,
    Outbound,
    Reaction,
    Target,
    para,
)
from commands.registry import CommandSpec, Registry
from storage.models import Cooperative, Person, PersonRole
from storage.repo import audit as audit_repo
from storage.repo import directory as dir_repo

COOPERATION = "cooperation"


@dataclass(frozen=True)
class Environment:
    """What the runtime decides once, from its settings, and the core only reads.

    It travels with every ``Context`` (``ctx.env``) and every job (``JobEnv.environment``)
    instead of living in module-level state that a runtime would write: two bots in one
    process (tests, replicas) never see each other's. ``files_dir`` is where charts are
    written (None: no chart); ``day_parts`` what "matin", "soir" … mean to the slot
    parsers; ``retention_months`` after how long closed requests are anonymised (None or
    0: never); ``nudge_hours`` how many business hours before a deadline the silent
    enterprises are reminded; ``first_response_hours`` the first answer promised to a
    client, in business hours, when the directory gives that client no target of its own.
    """

    files_dir: Path | None = None
    day_parts: DayParts = DayParts()
    retention_months: int | None = None
    nudge_hours: float = 24.0
    first_response_hours: float = 8.0


def mentions_with(people: Sequence[Person],
                  ids: Mapping[int, Mapping[str, str]]) -> list[Mention]:
    """Mentions of ``people`` with their platform ids (as ``identities_of`` gives them): the
    pure half of a card that pings people, its loader having read the ids."""
    return [Mention(handle=p.handle, name=p.display_name, ids=dict(ids.get(p.id or 0, {})))
            for p in people]


@dataclass
class Context:
    session: AsyncSession
    person: Person
    event: Inbound
    now: datetime
    coop: Cooperative
    registry: Registry
    env: Environment = Environment()
    spec: CommandSpec | None = None
    object_ref: str | None = None
    out: list[Outbound] = field(default_factory=list)
    audience: Audience = TEAM  # who ``reply`` speaks to: a client, when one of theirs acted

    # --- who and where -------------------------------------------------
    @property
    def t(self) -> Translator:
        """The actor's translator: ``ctx.t.t("…")`` is spelled ``ctx.tr("…")``."""
        return translator(self.person.locale)

    def tr(self, message: str, **params: object) -> str:
        return self.t.t(message, **params)

    def trn(self, singular: str, plural: str, n: int, **params: object) -> str:
        return self.t.tn(singular, plural, n, **params)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.coop.timezone)

    @property
    def is_coordinator(self) -> bool:
        return self.person.role == PersonRole.COORDINATOR

    @property
    def platform(self) -> str:
        return self.event.actor.platform

    # --- what to say ---------------------------------------------------
    def reply(self, *blocks: Block) -> None:
        """Only to the person who acted (ephemeral on Slack, their DM line in the console)."""
        self.out.append(Message(target=Target(kind="actor"), blocks=list(blocks),
                                locale=self.t.locale, audience=self.audience))

    def post(self, *blocks: Block, purpose: str = COOPERATION, card_of: str | None = None) -> None:
        """To the channels of ``purpose``; with ``card_of``, the message is that object's card."""
        self.out.append(
            Message(
                target=Target(kind="channel", purpose=purpose),
                blocks=list(blocks),
                card_of=card_of,
                locale=self.coop.locale,
            )
        )

    def in_thread(self, object_ref: str, *blocks: Block, purpose: str = COOPERATION,
                  card_of: str | None = None) -> None:
        """In the thread of ``object_ref``'s card; with ``card_of``, as that object's card
        (a poll tied to a request lives in the request's thread)."""
        self.out.append(
            Message(
                target=Target(kind="thread", purpose=purpose, object_ref=object_ref),
                blocks=list(blocks),
                card_of=card_of,
                locale=self.coop.locale,
            )
        )

    def edit_card(self, object_ref: str, *blocks: Block, purpose: str = COOPERATION) -> None:
        self.out.append(
            Message(
                target=Target(kind="channel", purpose=purpose),
                blocks=list(blocks),
                edit_of=object_ref,
                locale=self.coop.locale,
            )
        )

    def dm(self, person: Person, *blocks: Block, about: str | None = None) -> None:
        """To a person's DMs; build ``blocks`` with ``translator(person.locale)``. ``about``:
        the object it is about (where to ask the person for a direct room, when needed)."""
        self.out.append(
            Message(
                target=Target(kind="dm", handle=person.handle, object_ref=about),
                blocks=list(blocks),
                locale=translator(person.locale).locale,
            )
        )

    def acknowledge(self, emoji: str = "✅", note: str = "") -> None:
        """Tell the person their answer is recorded.

        A text reply gets a reaction on the person's own message (a short line in
        the console); a button gets a reply only to them; a reaction needs
        nothing more, the card's edit shows it.
        """
        event = self.event
        if isinstance(event, ThreadReply):
            self.out.append(Reaction(emoji=emoji, message_id=event.message_id or event.event_id,
                                     object_ref=self.object_ref, note=note))
        elif isinstance(event, Action) and not event.reaction:
            self.reply(para(f"{emoji} {note}".strip()))

    def discard(self) -> None:
        self.out.clear()

    # --- helpers -------------------------------------------------------
    async def mention(self, person: Person, *, named: bool = False) -> Mention:
        """``named``: the name is shown too, where a platform's mention does not show it."""
        assert person.id is not None
        ids = (await dir_repo.identities_of(self.session, [person.id])).get(person.id, {})
        return Mention(handle=person.handle, name=person.display_name, ids=dict(ids),
                       named=named)

    async def mentions(self, people: list[Person]) -> list[Mention]:
        ids = await dir_repo.identities_of(self.session, [p.id for p in people if p.id])
        return mentions_with(people, ids)

    async def audit(self, action: str, object_ref: str | None = None, detail: str = "") -> None:
        await audit_repo.add_audit(self.session, self.person.id, action, object_ref, detail)

    @property
    def command_text(self) -> str:
        if isinstance(self.event, Command | ThreadReply | RoomMessage):
            return self.event.text
        if isinstance(self.event, Action):
            return self.event.value
        return ""  # pragma: no cover
