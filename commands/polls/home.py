"""The home's part on polls: the open ones waiting for the reader's answer, each with its
options as the card's own choices (``view.choices``), closing soonest first."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.when import format_moment
from commands.home import MOST, Reader, home_section, section
from commands.messages import Block, Paragraph, bold, spans
from commands.polls.view import PollTally, awaits, choices, tallies
from storage.repo import polls as repo


def _draw(reader: Reader, waiting: list[PollTally]) -> list[Block]:
    t = reader.t
    body: list[Block] = []
    for current in waiting[:MOST]:
        poll = current.poll
        line = spans(bold(f"{poll.ref} · {poll.title}"))
        if poll.deadline is not None:
            line += spans(" · ", t.t("answers before {when}", when=format_moment(
                poll.deadline, reader.tz, t.locale, today=reader.today)))
        body += [Paragraph(spans=line),  # the choices name the options: no list of them
                 choices(t, poll, current.options, tz=reader.tz, today=reader.today, hint=False)]
    return section(t, t.t("Polls waiting for your answer"),
                   t.t("No poll is waiting for your answer."), body, len(waiting) - MOST)


def _closing(current: PollTally) -> tuple[bool, datetime, int]:
    poll = current.poll
    return poll.deadline is None, poll.deadline or poll.created_at, poll.id or 0


@home_section(order=30, draw=_draw, name="polls.waiting")
async def waiting_polls(s: AsyncSession, reader: Reader) -> list[PollTally]:
    """Open polls that wait for the reader (``view.awaits``), in a fixed number of
    statements whatever their number (``tallies``)."""
    current = await tallies(s, await repo.open_polls(s))
    return sorted((c for c in current if awaits(c, reader.person)), key=_closing)
