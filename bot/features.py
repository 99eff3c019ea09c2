"""The features this bot runs: the one place where the runtime composes the core.

The kernel of ``commands/`` imports no feature; ``registry()`` discovers these
packages once per process (their commands, replies, actions, digest sections and
reminder sources). A deployment or a test may compose another list.
"""

from __future__ import annotations

from functools import cache

from commands.registry import Registry

FEATURES = (
    "commands.help",
    "commands.directory",
    "commands.requests",
    "commands.clients",
    "commands.projects",
    "commands.bookings",
    "commands.polls",
    "commands.digest",
    "commands.journal",
    "commands.privacy",
)


@cache
def registry() -> Registry:
    """The registry of ``FEATURES`` (built once; handlers are shared, never changed)."""
    return Registry.discover(FEATURES)
