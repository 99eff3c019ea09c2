"""Neutral outbound messages: what a handler says, never how a platform shows it.

A message is a list of blocks (paragraphs of spans, bullet lists, headings,
choices, files) sent to a target (a channel by purpose, the thread of an
object, a person's DMs, or only the person who acted). Adapters render these
types generically, so a new command never needs an adapter change. Messages
are pydantic models so the outbox stores them as JSON and reads them back.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    kind: Literal["text"] = "text"
    text: str


class Bold(BaseModel):
    kind: Literal["bold"] = "bold"
    text: str


class Mention(BaseModel):
    """A person, with their platform ids so each adapter can ping them its own way.

    ``named``: the person's name is wanted too (a list of people). A platform whose
    mention shows the name (a Matrix pill, a Slack ``<@U…>``) shows nothing more; one
    whose mention is only the handle (the console's ``@nadia``) adds the name.
    """

    kind: Literal["mention"] = "mention"
    handle: str
    name: str
    ids: dict[str, str] = Field(default_factory=dict)
    named: bool = False


class Link(BaseModel):
    kind: Literal["link"] = "link"
    url: str
    label: str


Span = Annotated[Text | Bold | Mention | Link, Field(discriminator="kind")]


class Heading(BaseModel):
    kind: Literal["heading"] = "heading"
    text: str


class Paragraph(BaseModel):
    kind: Literal["paragraph"] = "paragraph"
    spans: list[Span]


class Context(BaseModel):
    """A small line of circumstances under a heading: who relayed it, when."""

    kind: Literal["context"] = "context"
    spans: list[Span]


class FieldItem(BaseModel):
    label: str  # "Besoin :", with its punctuation
    value: list[Span]


class Fields(BaseModel):
    """Label and value pairs (a card's need, deadline, skills): side by side where the
    platform lays fields out, one line each elsewhere."""

    kind: Literal["fields"] = "fields"
    items: list[FieldItem]

    def as_paragraphs(self) -> list[Paragraph]:
        """One line each, the label in bold: how a platform without fields shows them."""
        return [Paragraph(spans=[Bold(text=item.label), *item.value]) for item in self.items]


class Bullets(BaseModel):
    kind: Literal["bullets"] = "bullets"
    items: list[list[Span]]


class Confirm(BaseModel):
    """A question asked before a choice that cannot be taken back lightly (its texts in
    the message's language): a confirmation dialog where the platform has one."""

    title: str
    text: str
    yes: str
    no: str


class Choice(BaseModel):
    """One possible answer: a button on Slack, a reaction on Matrix, a ``clicks`` line.
    ``style``: the answer a card hopes for (``positive``) or a refusal (``negative``)."""

    action: str
    label: str
    emoji: str = ""
    asks_text: bool = False  # the answer needs free text (dates…): a modal on Slack
    style: Literal["default", "positive", "negative"] = "default"
    confirm: Confirm | None = None
    group: str = ""  # choices of one group answer one thing (a poll's option): one row of buttons


class Choices(BaseModel):
    """The answers a card offers, and ``hint``: how to answer in words instead, in the
    message's language ("Answer in this thread: …"). The core never names the controls:
    each platform shows the hint beside its own (buttons, reactions, ``clicks`` lines)."""

    kind: Literal["choices"] = "choices"
    object_ref: str
    options: list[Choice]
    hint: str = ""


class Attachment(BaseModel):
    kind: Literal["file"] = "file"
    path: str
    title: str
    mime: str = "application/octet-stream"


class ChartRow(BaseModel):
    name: str
    grid: list[list[float]]  # grid[day][i]: the busy share (0–1) of hour ``hours[i]``


class Chart(BaseModel):
    """A picture still to be drawn: the delivery draws it, after the command's ack, and
    sends it as an ``Attachment`` (drawing takes a second; an ack may not wait)."""

    kind: Literal["chart"] = "chart"
    title: str
    locale: str
    days: list[date]
    hours: list[int]
    rows: list[ChartRow]


Block = Annotated[
    Heading | Paragraph | Context | Fields | Bullets | Choices | Attachment | Chart,
    Field(discriminator="kind"),
]


class Audience(BaseModel):
    """Who may read a message: the team (``client_id`` None, the default) or one client.

    The team is the cooperation channels and the DMs of the cluster's people; a client is
    that client's room. ``commands.routing`` refuses a message for the team in a client
    room whoever produced it: only what is addressed to the client on purpose gets in.
    """

    model_config = ConfigDict(frozen=True)

    client_id: int | None = None

    @property
    def team(self) -> bool:
        return self.client_id is None


TEAM = Audience()


def for_client(client_id: int) -> Audience:
    return Audience(client_id=client_id)


class Target(BaseModel):
    """Where a message goes.

    - ``channel``: every channel with ``purpose`` on every running platform;
    - ``thread``: the thread of ``object_ref``'s card, in those channels;
    - ``dm``: ``handle``'s direct messages (``object_ref``: what it is about, if anything);
    - ``actor``: only the person who acted, where they acted (ephemeral on Slack).
    """

    kind: Literal["channel", "thread", "dm", "actor"]
    purpose: str | None = None
    object_ref: str | None = None
    handle: str | None = None


class Message(BaseModel):
    type: Literal["message"] = "message"
    target: Target
    blocks: list[Block]
    card_of: str | None = None  # this message is the card of an object (R-3, P-2…)
    edit_of: str | None = None  # replace the card of this object instead of posting
    locale: str = "fr"
    audience: Audience = TEAM

    @property
    def to_draw(self) -> bool:
        """Whether a block is still to be drawn (a ``Chart``) before the message is sent:
        only then does the delivery hand it to a worker thread."""
        return any(isinstance(block, Chart) for block in self.blocks)


class Reaction(BaseModel):
    """An acknowledgement on the person's own message (✅ where platforms have reactions)."""

    type: Literal["reaction"] = "reaction"
    emoji: str
    message_id: str
    object_ref: str | None = None
    note: str = ""  # what the console prints instead of a reaction
    audience: Audience = TEAM


Outbound = Annotated[Message | Reaction, Field(discriminator="type")]


class Envelope(BaseModel):
    """What an outbox row stores."""

    item: Outbound


def spans(*parts: str | Text | Bold | Mention | Link) -> list[Span]:
    """Build a list of spans; plain strings become ``Text``."""
    return [Text(text=p) if isinstance(p, str) else p for p in parts]


def para(*parts: str | Text | Bold | Mention | Link) -> Paragraph:
    return Paragraph(spans=spans(*parts))


def bullets(items: list[list[Span]]) -> Bullets:
    return Bullets(items=items)


def bold(text: str) -> Bold:
    return Bold(text=text)
