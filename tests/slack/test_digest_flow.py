"""The weekly digest on Slack: a coordinator's preview, and the scheduled job's post.

The commands' clock is stopped at ``NOW`` (Thursday 26 November 2026, 10:00 in
Paris); a booking for tomorrow makes the digest draw its occupancy chart.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot import drawing as drawing_process
from bot import features
from commands.digest import chart as digest_chart
from commands.digest.sections import post_digest
from commands.jobs import JobEnv
from tests.slack.conftest import CAMILLE, COOP, NADIA, NOW, SlackHarness
from tests.slack.fake_slack import Call, FakeSlack

pytestmark = pytest.mark.both_backends

HEADING = "Résumé de la semaine du"
CHART = "Occupation des ressources partagées, semaine du"


def uploaded_to(channel: str):  # type: ignore[no-untyped-def]
    """A wait condition: a file upload to ``channel`` is complete; returns its call."""
    def check(fake: FakeSlack) -> Call | None:
        return next((c for c in fake.delivered("files.completeUploadExternal")
                     if c.args.get("channel_id") == channel), None)
    return check


def digests(fake: FakeSlack) -> list[Call]:
    return [c for c in fake.delivered("chat.postMessage")
            if c.args["channel"] == COOP and HEADING in c.text()]


async def test_preview_then_the_job_posts_once_with_its_chart(slack_now: SlackHarness) -> None:
    slack, fake = slack_now, slack_now.fake
    assert await slack.command("reserver salle-garance demain 14h-16h : point compta",
                               user=NADIA) == (200, "")
    await fake.wait_calls("chat.postEphemeral")

    # the preview: to the coordinator alone; its chart goes to their DMs (files cannot be ephemeral)
    assert await slack.command("resume apercu") == (200, "")
    preview = await fake.wait_for(lambda f: next(
        (c for c in f.delivered("chat.postEphemeral") if HEADING in c.text()), None))
    assert (preview.args["channel"], preview.args["user"]) == (COOP, CAMILLE)
    assert "Salle Garance" in preview.text()
    assert "1 réservation" in preview.text()
    dm = "D" + CAMILLE[1:]
    shared = await fake.wait_for(uploaded_to(dm))
    [asked] = fake.delivered("files.getUploadURLExternal")
    [sent] = fake.delivered("upload")
    assert sent.args["file_id"] == asked.response["file_id"]
    assert int(asked.args["length"]) == sent.args["size"] > 1000
    assert fake.uploads[sent.args["file_id"]].startswith(b"\x89PNG")
    assert shared.args["files"][0]["id"] == asked.response["file_id"]
    assert CHART in shared.args["files"][0]["title"]
    assert not digests(fake)  # nothing in the channel

    # the job: once in the cooperation channel, the chart uploaded in the digest's thread
    env = JobEnv(db=slack.db, registry=features.registry(), platforms=("slack",), owner="test",
                 environment=slack.bot.environment,
                 on_commit=slack.bot.loops["slack"].notify)
    assert await post_digest(env, "cooperation", NOW) is True
    assert await post_digest(env, "cooperation", NOW) is False  # this week's is claimed
    [digest] = await fake.wait_for(lambda f: digests(f) or None)
    assert "thread_ts" not in digest.args
    assert "Salle Garance" in digest.text()
    chart = await fake.wait_for(uploaded_to(COOP))
    assert chart.args["thread_ts"] == digest.response["ts"]
    assert CHART in chart.args["files"][0]["title"]
    assert len(fake.delivered("upload")) == 2
    await slack.settle()
    assert len(digests(fake)) == 1
    assert len(fake.delivered("files.completeUploadExternal")) == 2


async def test_the_preview_is_acked_while_its_chart_is_still_being_drawn(
        slack_now: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #17: the drawing is made slow on purpose, held until the ack has come back;
    the ack does not wait for it, and the chart still goes once it is drawn."""
    slack, fake = slack_now, slack_now.fake
    assert await slack.command("reserver salle-garance demain 14h-16h : point compta",
                               user=NADIA) == (200, "")
    await fake.wait_calls("chat.postEphemeral")
    drawing, acked = threading.Event(), threading.Event()
    real_draw = digest_chart.draw

    def slow_draw(*args: object, **kwargs: object) -> bytes:
        drawing.set()
        assert acked.wait(30), "the drawing waited for an ack that never came"
        return real_draw(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(digest_chart, "draw", slow_draw)
    # the bot draws in a process of its own (tests/test_drawing.py), which this patch
    # cannot reach: here the chart is drawn in a thread, the drawing process's fallback
    slack.bot.loops["slack"].drawer = drawing_process.in_thread
    assert await slack.command("resume apercu") == (200, "")  # answered: nothing drawn yet
    acked.set()
    await asyncio.to_thread(drawing.wait, 30)
    assert drawing.is_set()
    await fake.wait_for(uploaded_to("D" + CAMILLE[1:]))
