"""Neutral forms: what a command asks when a platform can show a form (a Slack modal).

A command family declares its form (``@command(…, form=FormSpec(…))``): the fields, in
the person's language, and how the submitted values read as the arguments a person
would have typed — so a submission runs the very command, through the same parser.
A choice that asks for text (``Choice.asks_text``) gets a one-field form of its own.
Platforms without forms (Matrix, the console) show the command's usage instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from commands.context import Context

COMMAND = "command:"  # a command's form: ``command:<name>``
ANSWER = "answer:"  # a choice's text: ``answer:<ref>:<action>``


class Option(BaseModel):
    value: str
    label: str


class FormField(BaseModel):
    """One field: ``text`` (one line), ``long_text``, ``choices`` (several of ``options``)
    or ``date``."""

    name: str
    label: str
    kind: Literal["text", "long_text", "choices", "date"] = "text"
    optional: bool = False
    placeholder: str = ""
    max_length: int = 200
    options: list[Option] = Field(default_factory=list)


class Form(BaseModel):
    """A form to show the person who acted; ``key`` comes back with the submission, as do
    ``place`` and ``message_id`` (where it was opened)."""

    key: str
    title: str
    submit: str
    cancel: str
    fields: list[FormField]
    place: str | None = None
    message_id: str | None = None


FieldsFn = Callable[["Context"], Awaitable[list[FormField]]]


@dataclass(frozen=True)
class FormSpec:
    """A command's form: ``fields`` (built for the person), and ``text``, the command's
    arguments for the submitted values; ``title`` and ``submit`` are catalog ids."""

    title: str
    submit: str
    fields: FieldsFn
    text: Callable[[Mapping[str, Any]], str]


def text_of(values: Mapping[str, Any], name: str) -> str:
    """A text field's value, on one line."""
    value = values.get(name)
    return " ".join(value.split()) if isinstance(value, str) else ""


def chosen(values: Mapping[str, Any], name: str) -> list[str]:
    value = values.get(name)
    return [str(v) for v in value] if isinstance(value, list) else []


def day_of(values: Mapping[str, Any], name: str) -> date | None:
    value = values.get(name)
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
