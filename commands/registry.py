"""The command registry: French and English keywords, usage, help, role.

``@command(("membres", "members"), usage=…, summary=…)`` declares a handler; the
runtime composes the features it runs with ``Registry.discover(packages)``, which
imports them (this module imports none).
Keywords may have several words (``membre ajouter`` / ``member add``); the
longest match wins, accents and case ignored. Thread replies and actions are
registered per object kind (the ref's prefix: ``R`` for requests…).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from commands.forms import FormSpec
from commands.text import fold
from storage.models import PersonRole as Role  # a command's role: what its caller must be

if TYPE_CHECKING:
    from commands.context import Context

Handler = Callable[["Context", str], Awaitable[None]]


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
    form: FormSpec | None = None  # what a platform with forms shows when no argument is given

    @property
    def english(self) -> str:
        return self.keywords[1] if len(self.keywords) > 1 else self.keywords[0]


@dataclass
class Registry:
    """What the discovered features offer: commands, replies and actions per object kind,
    and the named extensions of other mechanisms (digest sections, reminder sources)."""

    commands: list[CommandSpec] = field(default_factory=list)
    _by_words: dict[tuple[str, ...], CommandSpec] = field(default_factory=dict)
    replies: dict[str, Handler] = field(default_factory=dict)
    actions: dict[str, Handler] = field(default_factory=dict)
    choice_emojis: dict[str, dict[str, str]] = field(default_factory=dict)
    extensions: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def discover(cls, packages: Iterable[str]) -> Registry:
        """Import each feature package and register what its modules declare (all of
        them but those its ``LOADED_WHEN_USED`` names).

        A module's ``HELP_ORDER`` (default 99) places its commands in the help; modules
        of the same order follow their names, commands their order in the module.
        """
        registry = cls()
        modules = [module for package in packages for module in _modules(package)]
        modules.sort(key=lambda m: (getattr(m, "HELP_ORDER", 99), m.__name__))
        for module in modules:
            for register in declared(module):
                register(registry, module.__name__)
        return registry

    def named(self, name: str) -> CommandSpec | None:
        """The command whose canonical (French) keyword is ``name``."""
        return next((spec for spec in self.commands if spec.name == name), None)

    def extend(self, kind: str, name: str, value: Any) -> None:
        """Add ``value`` to the extensions of ``kind`` (re-adding a name replaces it)."""
        self.extensions.setdefault(kind, {})[name] = value

    def extensions_of(self, kind: str) -> list[Any]:
        return list(self.extensions.get(kind, {}).values())

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


DECLARED = "__grappe_declared__"
Registration = Callable[[Registry, str], None]
F = TypeVar("F", bound=Callable[..., Any])
H = TypeVar("H", bound=Handler)


# a feature package's modules that declare nothing and serve only what imports them (the
# command line's exports, the directory file): ``discover`` leaves them to their first use
LOADED_WHEN_USED = "LOADED_WHEN_USED"


def declared(module: ModuleType) -> list[Registration]:
    """What ``module``'s own functions declare (not those it imports: their module
    registers them)."""
    return [register for value in list(vars(module).values())
            if getattr(value, "__module__", None) == module.__name__
            for register in getattr(value, DECLARED, ())]


def _modules(package: str) -> list[ModuleType]:
    root = importlib.import_module(package)
    later = {f"{package}.{name}" for name in getattr(root, LOADED_WHEN_USED, ())}
    found = [root]
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=f"{package}."):
        if info.name not in later:
            found.append(importlib.import_module(info.name))
    return found


def declare(fn: F, registration: Registration, registry: Registry | None = None) -> F:
    """Attach ``registration`` to ``fn``: run by ``Registry.discover`` on the function's
    module, or at once on ``registry`` when one is given (a test's own family)."""
    if registry is not None:
        registration(registry, fn.__module__)
    else:
        setattr(fn, DECLARED, (*getattr(fn, DECLARED, ()), registration))
    return fn


def _family(module: str) -> str:
    """``commands.bookings.flow`` → ``bookings``; a test's module keeps its last part."""
    parts = module.split(".")
    return parts[1] if parts[0] == "commands" and len(parts) > 2 else parts[-1]


def command(
    keywords: tuple[str, ...],
    *,
    usage: str,
    summary: str,
    role: Role = Role.MEMBER,
    hidden: bool = False,
    form: FormSpec | None = None,
    registry: Registry | None = None,
) -> Callable[[H], H]:
    def register(fn: H) -> H:
        def add(r: Registry, module: str) -> None:
            r.add(CommandSpec(keywords[0], keywords, usage, summary, role, fn, _family(module),
                              hidden, form))

        return declare(fn, add, registry)

    return register


def on_reply(prefix: str, *, registry: Registry | None = None) -> Callable[[H], H]:
    """Register the handler of thread replies to objects whose ref starts with ``prefix-``."""

    def register(fn: H) -> H:
        def add(r: Registry, module: str) -> None:
            r.replies[prefix] = fn

        return declare(fn, add, registry)

    return register


def on_action(
    prefix: str, *, emojis: dict[str, str] | None = None, registry: Registry | None = None
) -> Callable[[H], H]:
    """Register the handler of buttons and reactions on ``prefix-`` cards.

    ``emojis`` maps a reaction to an action (``{"👍": "interested"}``): adapters
    without buttons offer the choices as reactions.
    """

    def register(fn: H) -> H:
        def add(r: Registry, module: str) -> None:
            r.actions[prefix] = fn
            r.choice_emojis[prefix] = dict(emojis or {})

        return declare(fn, add, registry)

    return register
