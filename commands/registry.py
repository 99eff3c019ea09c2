"""The command registry: French and English keywords, usage, help, role.

``@command(("membres", "members"), usage=…, summary=…)`` registers a handler.
Keywords may have several words (``membre ajouter`` / ``member add``); the
longest match wins, accents and case ignored. Thread replies and actions are
registered per object kind (the ref's prefix: ``R`` for requests…).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from commands.text import fold

if TYPE_CHECKING:
    from commands.context import Context

Handler = Callable[["Context", str], Awaitable[None]]


class Role(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class CommandSpec:
    name: str  # the canonical (French) keyword
    keywords: tuple[str, ...]  # every accepted keyword, French first
    usage: str  # catalog id, e.g. "/grappe member <slug>"
    summary: str  # catalog id
    role: Role
    handler: Handler
    family: str
    hidden: bool = False

    @property
    def english(self) -> str:
        return self.keywords[1] if len(self.keywords) > 1 else self.keywords[0]


@dataclass
class Registry:
    commands: list[CommandSpec] = field(default_factory=list)
    _by_words: dict[tuple[str, ...], CommandSpec] = field(default_factory=dict)
    replies: dict[str, Handler] = field(default_factory=dict)
    actions: dict[str, Handler] = field(default_factory=dict)
    choice_emojis: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        for keyword in spec.keywords:
            words = tuple(fold(keyword).split())
            if words in self._by_words:
                raise ValueError(f"keyword {keyword!r} registered twice")
            self._by_words[words] = spec
        self.commands.append(spec)

    def match(self, text: str) -> tuple[CommandSpec, str] | None:
        """The command named at the start of ``text`` and the rest of the text."""
        raw = text.split()
        folded = [fold(w) for w in raw]
        for size in range(min(3, len(folded)), 0, -1):
            spec = self._by_words.get(tuple(folded[:size]))
            if spec is not None:
                rest = text.strip()
                for word in raw[:size]:
                    rest = rest[rest.index(word) + len(word) :]
                return spec, rest.strip()
        return None

    def suggest(self, word: str) -> CommandSpec | None:
        """The closest keyword to a mistyped one, if any is close."""
        import difflib

        names = {" ".join(words): spec for words, spec in self._by_words.items()}
        close = difflib.get_close_matches(fold(word), list(names), n=1, cutoff=0.75)
        return names[close[0]] if close else None


REGISTRY = Registry()


def command(
    keywords: tuple[str, ...],
    *,
    usage: str,
    summary: str,
    role: Role = Role.MEMBER,
    hidden: bool = False,
    registry: Registry = REGISTRY,
) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        family = fn.__module__.rsplit(".", 1)[-1]
        registry.add(
            CommandSpec(keywords[0], keywords, usage, summary, role, fn, family, hidden)
        )
        return fn

    return register


def on_reply(prefix: str, *, registry: Registry = REGISTRY) -> Callable[[Handler], Handler]:
    """Register the handler of thread replies to objects whose ref starts with ``prefix-``."""

    def register(fn: Handler) -> Handler:
        registry.replies[prefix] = fn
        return fn

    return register


def on_action(
    prefix: str, *, emojis: dict[str, str] | None = None, registry: Registry = REGISTRY
) -> Callable[[Handler], Handler]:
    """Register the handler of buttons and reactions on ``prefix-`` cards.

    ``emojis`` maps a reaction to an action (``{"👍": "interested"}``): adapters
    without buttons offer the choices as reactions.
    """

    def register(fn: Handler) -> Handler:
        registry.actions[prefix] = fn
        registry.choice_emojis[prefix] = dict(emojis or {})
        return fn

    return register


def load_all() -> Registry:
    """Import every command family so their decorators run."""
    import commands.families  # noqa: F401

    return REGISTRY


