"""Domain errors: a handler raises them, the dispatcher turns them into a polite reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


class CommandError(Exception):
    """A refusal to show the person, translated in their locale.

    ``message`` is a catalog id (English); ``params`` fill its placeholders.
    Raising it rolls back everything the handler wrote.
    """

    def __init__(self, message: str, *, show_usage: bool = False, **params: object):
        super().__init__(message)
        self.message = message
        self.params = params
        self.show_usage = show_usage


class UsageError(CommandError):
    """Bad arguments: the reply adds the command's usage line."""

    def __init__(self, message: str, **params: object):
        super().__init__(message, show_usage=True, **params)


class ExplainedAfterRollback(CommandError):
    """A refusal explained from the database once the handler's writes are undone: a
    statement the database refused leaves a PostgreSQL transaction unusable until its
    savepoint is rolled back. Whoever rolls the savepoint back awaits ``explain(ctx)``
    (the dispatcher runs it as a handler of its own); ``message`` says it in short."""

    def __init__(self, message: str, explain: Callable[[Any], Awaitable[None]],
                 **params: object):
        super().__init__(message)
        self.params = params
        self.explain = explain


class NotAllowed(CommandError):
    """The person's role does not allow this."""


class SettingValueError(ValueError):
    """A setting's value that cannot work; ``message`` is a catalog id, as CommandError's.

    A ValueError, so that pydantic reports it with the setting's name (bot/cli_run.py shows
    it translated)."""

    def __init__(self, message: str, **params: object):
        super().__init__(message.format(**params))
        self.message = message
        self.params = params
