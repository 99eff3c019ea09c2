"""The digest's chart is drawn in a process of its own (bot.drawing), so that the acks of
the commands arriving meanwhile do not wait for matplotlib; when that process cannot
be used, the chart is still drawn, in a thread."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from datetime import date
from pathlib import Path

import pytest

from bot import drawing
from commands.digest import chart
from commands.messages import Attachment, Chart, ChartRow, Message, Target, para

WEEK = Chart(title="Occupation de la semaine", locale="fr",
             days=[date(2026, 12, 7), date(2026, 12, 8)], hours=[9, 10, 11],
             rows=[ChartRow(name="Salle Garance", grid=[[1, 0.5, 0], [0, 0, 1]])])


def digest() -> Message:
    return Message(target=Target(kind="channel", purpose="cooperation"),
                   blocks=[para("Le résumé de la semaine"), WEEK])


def drawn_by(message: Message) -> Message:
    """Says which process prepared ``message`` (a module's function: it pickles)."""
    return message.model_copy(update={"blocks": [para(str(os.getpid()))]})


async def test_the_chart_is_drawn_into_a_file_by_another_process(tmp_path: Path) -> None:
    [who] = (await drawing.in_process(drawn_by, digest())).blocks
    assert int(who.spans[0].text) != os.getpid()  # type: ignore[union-attr]

    done = await drawing.in_process(functools.partial(chart.drawn, files_dir=tmp_path),
                                    digest())
    text, picture = done.blocks
    assert text == para("Le résumé de la semaine")
    assert isinstance(picture, Attachment)
    assert picture.mime == "image/png"
    png = await asyncio.to_thread(Path(picture.path).read_bytes)
    assert png.startswith(b"\x89PNG")


def niceness(message: Message) -> Message:
    """Says the niceness of the process that prepared ``message``."""
    return message.model_copy(update={"blocks": [para(str(os.nice(0)))]})


async def test_the_drawing_process_yields_to_the_acks() -> None:
    [nice] = (await drawing.in_process(niceness, digest())).blocks
    assert int(nice.spans[0].text) == min(os.nice(0) + drawing.NICE, 19)  # type: ignore[union-attr]


async def test_what_cannot_go_to_the_process_is_drawn_in_a_thread(
        caplog: pytest.LogCaptureFixture) -> None:
    seen: list[int] = []

    def local(message: Message) -> Message:  # a closure: it does not pickle
        seen.append(os.getpid())
        return message.model_copy(update={"blocks": message.blocks[:1]})

    with caplog.at_level(logging.WARNING, logger="bot.drawing"):
        done = await drawing.in_process(local, digest())
    assert done.blocks == [para("Le résumé de la semaine")]
    assert seen == [os.getpid()]
    assert "drawing process failed" in caplog.text
    [who] = (await drawing.in_process(drawn_by, digest())).blocks  # a new process after
    assert int(who.spans[0].text) != os.getpid()  # type: ignore[union-attr]
