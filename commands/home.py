"""A person's home: what waits for them, drawn for them alone (Slack's Home tab).

Each feature declares its part where it knows its subject (``requests/home.py``,
``bookings/home.py``, ``polls/home.py``), found by the registry's discovery like digest
sections: ``@home_section(order, draw=…)`` on a loader ``(s, reader) -> data`` that reads
what the part shows in a fixed number of statements, whatever the number of items, and
``draw(reader, data) -> blocks`` that draws it without touching storage. ``build`` loads
every part, then draws them all: the home costs the same statements for one item or ten.

A part offers the same choices as the cards it stands for (the families' own ``choices``),
so a click on the home takes the path a click on the card takes and records the same
answer. The home is in the reader's language, times in the cooperative's zone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.when import format_moment
from commands.direct import unknown_person
from commands.events import HomeOpened
from commands.i18n import LOCALES, Translator, translator
from commands.messages import Block, Heading, Message, Target, para
from commands.registry import Registry, declare
from storage.models import Cooperative, Enterprise, Person
from storage.repo import directory as dir_repo

HOME_SECTIONS = "home"  # the registry's extension kind
MOST = 8  # items a part shows; the others are counted ("… and 3 more.")

T = TypeVar("T")


@dataclass(frozen=True)
class Reader:
    """Whose home it is, and what every part formats with."""

    person: Person
    enterprise: Enterprise | None
    coop: Cooperative
    now: datetime

    @property
    def t(self) -> Translator:
        return translator(self.person.locale)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.coop.timezone)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


@dataclass(frozen=True)
class HomeSection:
    order: int
    name: str
    load: Callable[[AsyncSession, Reader], Awaitable[Any]]
    draw: Callable[[Reader, Any], list[Block]]

    def __lt__(self, other: HomeSection) -> bool:
        return (self.order, self.name) < (other.order, other.name)


def home_section(order: int, *, draw: Callable[[Reader, T], list[Block]], name: str | None = None
                 ) -> Callable[[Callable[[AsyncSession, Reader], Awaitable[T]]],
                               Callable[[AsyncSession, Reader], Awaitable[T]]]:
    """Declare a part of the home: the decorated loader, and ``draw``; lower orders first."""

    def register(load: Callable[[AsyncSession, Reader], Awaitable[T]]
                 ) -> Callable[[AsyncSession, Reader], Awaitable[T]]:
        def add(registry: Registry, module: str) -> None:
            key = name or f"{module}.{load.__name__}"
            registry.extend(HOME_SECTIONS, key, HomeSection(order, key, load, draw))

        return declare(load, add)

    return register


def section(t: Translator, title: str, empty: str, body: Sequence[Block], hidden: int = 0
            ) -> list[Block]:
    """A titled part: its blocks, or ``empty`` (a sentence) when it has none, and how many
    items were left out."""
    blocks: list[Block] = [Heading(text=title), *(body or [para(empty)])]
    if hidden > 0:
        blocks.append(para(t.tn("… and {n} more.", "… and {n} more.", hidden)))
    return blocks


async def build(s: AsyncSession, registry: Registry, reader: Reader) -> Message:
    """The reader's home: every part loaded, then every part drawn."""
    sections = sorted(registry.extensions_of(HOME_SECTIONS))
    loaded = [await part.load(s, reader) for part in sections]
    return draw(reader, [(part, data) for part, data in zip(sections, loaded, strict=True)])


def draw(reader: Reader, parts: Sequence[tuple[HomeSection, Any]]) -> Message:
    t = reader.t
    who = reader.person.display_name
    if reader.enterprise is not None:
        who = f"{who} · {reader.enterprise.name}"
    blocks: list[Block] = [
        Heading(text=reader.coop.name),
        para(t.t("{who} — updated {when}", who=who, when=format_moment(
            reader.now, reader.tz, t.locale, today=reader.today)))]
    for part, data in parts:
        blocks.extend(part.draw(reader, data))
    return Message(target=Target(kind="actor"), blocks=blocks, locale=t.locale)


def stranger(coop: Cooperative, coordinators: Sequence[Person], event: HomeOpened) -> Message:
    """The home of someone the directory does not know: how to get linked, in the
    cooperative's language and then the other one (theirs is not known)."""
    locales = sorted(LOCALES, key=lambda locale: locale != translator(coop.locale).locale)
    blocks: list[Block] = [Heading(text=coop.name)]
    for locale in locales:
        blocks.extend(unknown_person(translator(locale), coop, coordinators, event).blocks)
    return Message(target=Target(kind="actor"), blocks=blocks, locale=locales[0])


async def home_of(s: AsyncSession, registry: Registry, event: HomeOpened,
                  now: datetime) -> tuple[Message, Person | None]:
    """The home of the person who opened it, and that person (None: not in the directory)."""
    person = await dir_repo.person_by_identity(s, event.actor.platform, event.actor.user_id)
    coop = await dir_repo.cooperative(s)
    if person is None:
        return stranger(coop, await dir_repo.coordinators(s), event), None
    enterprise = (await dir_repo.enterprise_by_id(s, person.enterprise_id)
                  if person.enterprise_id is not None else None)
    return await build(s, registry, Reader(person, enterprise, coop, now)), person
