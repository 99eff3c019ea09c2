"""Delivery through the outbox to the fake Slack: errors at the edge, retries, fallbacks, files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.outbox import LEASE
from commands.messages import Attachment, Message, Target, para
from storage.repo import outbox as repo
from tests.slack.conftest import (
    CAMILLE,
    CHANNEL,
    COOP,
    NADIA,
    SlackHarness,
    StartSlack,
    enqueue,
    statuses,
)

pytestmark = pytest.mark.both_backends


@pytest.fixture
async def manual(start_slack: StartSlack) -> SlackHarness:
    """The adapter with a delivery loop that the test drains, on a clock it moves."""
    return await start_slack(background=False, SLACK_TIMEOUT=1)


@pytest.mark.parametrize("fault", ["500", "timeout", "internal_error"])
async def test_transient_failures_are_retried_until_delivered(manual: SlackHarness,
                                                              fault: str) -> None:
    manual.fake.inject(fault, "chat.postEphemeral")
    assert (await manual.command("membres"))[0] == 200
    assert await manual.bot.drain() == 0
    [(role, status, error)] = await statuses(manual.db)
    assert (role, status) == ("ephemeral", "pending")
    assert error is not None
    assert error.startswith("slack")
    manual.clock.advance()
    assert await manual.bot.drain() == 1
    assert len(manual.fake.delivered("chat.postEphemeral")) == 1
    assert await statuses(manual.db) == [("ephemeral", "sent", error)]


@pytest.mark.parametrize(("fault", "lookups"), [("429", 0), ("team_added_to_org", 0),
                                               ("timeout", 1), ("500", 1),
                                               ("internal_error", 1)])
async def test_only_a_send_that_may_have_gone_through_is_looked_up(
        manual: SlackHarness, fault: str, lookups: int) -> None:
    """A refusal (a 429, an error answer) posted nothing: the retry posts at once; a
    timeout may have posted: the retry looks in the channel's history first."""
    # twice: a 429 is tried again once inside the call (slack_sdk's retry handler)
    manual.fake.inject(fault, "chat.postMessage", times=2 if fault == "429" else 1,
                       retry_after=0)
    await enqueue(manual.db, Message(target=CHANNEL, blocks=[para("une fois")]))
    assert await manual.bot.drain() == 0
    manual.clock.advance()
    assert await manual.bot.drain() == 1
    assert len(manual.fake.delivered("conversations.history")) == lookups
    assert len(manual.fake.delivered("chat.postMessage")) == 1
    assert [s for _, s, _ in await statuses(manual.db)] == ["sent"]


async def test_a_refused_channel_is_a_permanent_failure(manual: SlackHarness) -> None:
    manual.fake.inject("channel_not_found", "chat.postMessage")
    await enqueue(manual.db, Message(target=CHANNEL, blocks=[para("hello")]))
    await manual.bot.drain()
    manual.clock.advance()
    await manual.bot.drain()
    assert await statuses(manual.db) == [("post", "failed", "slack: channel_not_found")]
    assert len([c for c in manual.fake.calls if c.method == "chat.postMessage"]) == 1


async def test_an_ephemeral_reply_where_the_bot_is_absent_goes_to_dms(
        manual: SlackHarness) -> None:
    manual.fake.inject("not_in_channel", "chat.postEphemeral")
    await manual.command("membres")
    await manual.bot.drain()
    [opened] = manual.fake.delivered("conversations.open")
    [dm] = manual.fake.delivered("chat.postMessage")
    assert opened.args["users"] == CAMILLE
    assert dm.args["channel"] == "D01CAMILLE"
    assert "entreprises membres" in dm.text()


async def test_a_dm_opens_the_conversation_once(manual: SlackHarness) -> None:
    dm = Message(target=Target(kind="dm", handle="nadia"), blocks=[para("Bonjour")])
    await enqueue(manual.db, dm, dm)
    await manual.bot.drain()
    assert [c.args["users"] for c in manual.fake.delivered("conversations.open")] == [NADIA]
    assert [c.args["channel"] for c in manual.fake.delivered("chat.postMessage")] == [
        "D07GRPE031", "D07GRPE031"]


async def test_files_are_uploaded_in_the_thread_of_their_message(manual: SlackHarness,
                                                                 tmp_path: Path) -> None:
    chart = tmp_path / "semaine-48.png"
    chart.write_bytes(b"\x89PNG fake chart")
    await enqueue(manual.db, Message(target=CHANNEL, blocks=[
        para("Synthèse de la semaine"),
        Attachment(path=str(chart), title="Semaine 48", mime="image/png")]))
    await manual.bot.drain()
    [post] = manual.fake.delivered("chat.postMessage")
    [url] = manual.fake.delivered("files.getUploadURLExternal")
    [upload] = manual.fake.delivered("upload")
    [done] = manual.fake.delivered("files.completeUploadExternal")
    assert url.args["filename"] == "semaine-48.png"
    assert manual.fake.uploads[upload.args["file_id"]] == chart.read_bytes()
    assert done.args["channel_id"] == COOP
    assert done.args["thread_ts"] == post.response["ts"]
    assert done.args["files"][0]["title"] == "Semaine 48"


async def test_a_failed_upload_does_not_post_the_message_twice(manual: SlackHarness,
                                                               tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"png")
    manual.fake.inject("500", "files.getUploadURLExternal")
    await enqueue(manual.db, Message(target=CHANNEL, blocks=[
        para("Synthèse"), Attachment(path=str(chart), title="Graphique")]))
    await manual.bot.drain()
    manual.clock.advance()
    await manual.bot.drain()
    assert len(manual.fake.delivered("chat.postMessage")) == 1
    assert len(manual.fake.delivered("files.completeUploadExternal")) == 1
    assert [s for _, s, _ in await statuses(manual.db)] == ["sent"]



async def test_a_post_sent_before_a_crash_is_found_again_not_posted_twice(
        manual: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack has no idempotency key: a post whose record was lost (the process died
    between chat.postMessage and the commit) is looked up by its metadata."""
    await enqueue(manual.db, Message(target=CHANNEL, blocks=[para("une seule fois")]))

    async def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the process died before recording the send")

    monkeypatch.setattr("storage.repo.outbox.mark_sent", crash)
    async with manual.db.session(read_only=True) as s:
        [row] = await repo.due(s, "slack", manual.clock())
    with pytest.raises(RuntimeError):
        await manual.bot.loops["slack"]._deliver(row)
    monkeypatch.undo()
    assert len(manual.fake.delivered("chat.postMessage")) == 1  # it reached Slack
    assert await manual.bot.drain() == 0  # its lease, left by the dead attempt, holds it
    manual.clock.advance(LEASE.total_seconds() + 1)
    assert await manual.bot.drain() == 1
    [posted] = manual.fake.delivered("chat.postMessage")  # still one
    assert posted.args["metadata"]["event_type"] == "grappe_message"
    assert len(manual.fake.delivered("conversations.history")) == 1
    assert await statuses(manual.db) == [("post", "sent", None)]
    async with manual.db.session(read_only=True) as s:
        [ts] = (await (await s.connection()).execute(
            text("SELECT platform_message_id FROM outbox"))).scalars().all()
    assert ts == posted.response["ts"]
