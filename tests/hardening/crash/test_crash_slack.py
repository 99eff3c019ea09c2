"""Issue #9, crashes, on Slack: ``grappe serve`` (the Bolt app over real HTTP, Slack's Web API
faked locally) killed with SIGKILL at random points and started again while Slack keeps
delivering the script's events.

Must hold: every step applied exactly once (0 half-applied commands), every message
delivered (0 lost). Slack's API has no idempotency key: a bot that dies between Slack's
answer and the outbox's record does not know the message went. Every post carries its
row's transaction id as message metadata and is looked up before it is sent again, so
posts are never doubled (asserted: 0). An ephemeral reply is kept nowhere and cannot be
looked up: the Slack adapter says so (``duplicates_on_retry``) and the outbox lets one
at a time be in that window, so those duplicates are counted and no more than the
kills. Half of the kills land right after Slack received a message, to aim at that window.
"""

from __future__ import annotations

from pathlib import Path

from storage.db import Database
from tests.hardening import figures
from tests.hardening.crash import slack_run
from tests.hardening.crash.campaign import SEED, YEAR, Campaign, copy_sqlite, sqlite_url
from tests.hardening.crash.process import LAUNCH, Killer, bot_env, starter
from tests.hardening.crash.script import generate
from tests.matrix.synapse import free_port
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import SECRET


async def test_slack_survives_sigkills(start_db: tuple[Path, Database], tmp_path: Path) -> None:
    path, db = start_db
    steps = generate(figures.size(30, 1000), SEED, YEAR)
    campaign = Campaign("slack", len(steps))
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    env = bot_env(sqlite_url(path), SLACK_BOT_TOKEN="xoxb-test-token",
                  SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url,
                  GRAPPE_HOST="127.0.0.1", PORT=str(port), SLACK_TIMEOUT="5")
    ref_db = copy_sqlite(path, tmp_path / "reference.db")
    killer = Killer(SEED, kills=figures.size(3, 60), max_delay=figures.size(3.0, 5.0))
    driver = slack_run.Driver(f"http://127.0.0.1:{port}/slack/events", db)

    start = starter([*LAUNCH, "serve"], env, tmp_path)

    try:
        events = await campaign.live(db, killer, start, driver.act, steps, grow=8,
                                     output=lambda: len(fake.delivered(*slack_run.POSTS)))
    finally:
        await driver.close()
        await fake.stop()
    await campaign.judge(db, ref_db, events)
    seen, expected = slack_run.posted(fake), await slack_run.expected_posts(db)
    slack_run.check_sink(seen, expected, campaign.verdict)
    doubled_posts = sum(n for (method, *_), n in (seen - expected).items()
                        if method == "chat.postMessage")
    campaign.extra["duplicates of posts (chat.postMessage)"] = doubled_posts
    campaign.extra.update({"kills right after a post": killer.after_output,
                           "event deliveries retried": driver.retries})
    campaign.conclude(max_duplicates=campaign.crashes)
    assert doubled_posts == 0, campaign.explain()
