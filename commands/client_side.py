"""The client's side of the one path: what the dispatcher asks when someone who is not of
the team writes in a client's room, or a client's contact acts.

The kernel imports no feature: the feature that knows clients declares ``@client_side``
on a function that says, for an event, whether it is the client's (an ``Entry``: who
speaks, to which audience the replies go, and the work to run in the dispatcher's
transaction like any command), a room that is no longer any client's (``Closed``: a
clear answer and nothing written), or none of its business (None).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.events import Inbound
from commands.messages import Audience, Message
from commands.registry import Registry, declare
from storage.models import Cooperative, Person

if TYPE_CHECKING:
    from commands.context import Context

CLIENT_SIDE = "client-side"  # the registry's extension kind


@dataclass(frozen=True)
class Entry:
    """``person`` is the client's contact as the handlers see a person: of no enterprise,
    never stored as one (their row is a ``ClientContact``)."""

    person: Person
    audience: Audience
    work: Callable[[Context], Awaitable[None]]


@dataclass(frozen=True)
class Closed:
    message: Message


Enter = Callable[[AsyncSession, Inbound, Cooperative], Awaitable[Entry | Closed | None]]


def client_side(*, emojis: Iterable[str] = ()) -> Callable[[Enter], Enter]:
    """Declare the function that tells the client's events; ``emojis``: the reactions a
    client may answer with (the dispatcher ignores any other reaction before reading)."""
    def register(fn: Enter) -> Enter:
        def add(registry: Registry, module: str) -> None:
            registry.extend(CLIENT_SIDE, "enter", fn)
            registry.extend(CLIENT_SIDE, "emojis", frozenset(emojis))

        return declare(fn, add)

    return register


def enter_of(registry: Registry) -> Enter | None:
    found: Enter | None = registry.extensions.get(CLIENT_SIDE, {}).get("enter")
    return found


def emojis_of(registry: Registry) -> frozenset[str]:
    found: frozenset[str] = registry.extensions.get(CLIENT_SIDE, {}).get("emojis", frozenset())
    return found
