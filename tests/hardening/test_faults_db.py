"""The database locked or unreachable for a moment: the person is asked to try again, in
their language, with no traceback and nothing half-written; once it is back, the same
command works. Real faults: another connection's lock, a TCP proxy cut in front of
PostgreSQL (issue #9, "Faults")."""

from __future__ import annotations

import asyncio
import io
import json
import uuid

import pytest
from sqlalchemy import make_url

from bot.app import Bot
from bot.config import Settings
from bot.console import ConsoleAdapter, parse_line
from commands.events import Inbound
from commands.messages import Message
from commands.outcome import Outcome
from commands.render import plain
from storage.db import Database
from tests.conftest import PG_URL, Console
from tests.hardening import figures
from tests.hardening.conftest import INCIDENT
from tests.hardening.faults_support import (
    RETRY_EN,
    RETRY_FR,
    TcpProxy,
    give_up_soon,
    locked,
    pg_cooperative,
    state,
    through,
    waiting_on_a_lock,
)
from tests.matrix.harness import count, eventually
from tests.slack.conftest import NADIA, StartSlack, fake_slack, start_slack  # noqa: F401

OLIVIA = "U07GRPE092"  # reads English
OLIVIA_ASKS = "olivia: /grappe demande Mairie de Lille : une campagne de com pour le 20 janvier"
NADIA_ASKS = "nadia: /grappe demande CCAS de Roubaix : un bilan comptable pour le 30 janvier"
FAULT = "fault scenarios survived"


def text_of(outcome: Outcome) -> str:
    return "\n".join(plain(m.blocks) for m in outcome.direct if isinstance(m, Message))


def event(line: str) -> Inbound:
    found = parse_line(line)
    assert isinstance(found, Inbound)
    return found


@pytest.mark.parametrize("give_up", ["lock_timeout", "statement_timeout"])
async def test_a_locked_database_asks_to_retry_and_keeps_nothing(
        console: Console, coop_db: Database, give_up: str) -> None:
    if coop_db.is_sqlite and give_up != "lock_timeout":
        pytest.skip("SQLite has one busy timeout")
    await console.run("olivia: /grappe moi")  # the bot now knows she reads English
    give_up_soon(coop_db, give_up)
    before = await state(coop_db)
    # SQLite: the whole file; PostgreSQL: the requests table, so that the command fails
    # mid-transaction, after its event was recorded and before its request is written
    async with locked(coop_db, "requests"):
        out = await console.run(OLIVIA_ASKS, NADIA_ASKS)
    assert f"[DM:olivia] - {RETRY_EN}, so nothing was recorded. Please try again" in out
    assert f"[DM:nadia] - {RETRY_FR}" in out
    assert INCIDENT not in out
    assert "Traceback" not in out
    assert await state(coop_db) == before

    out = await console.run(OLIVIA_ASKS, NADIA_ASKS)  # the lock is gone: the same commands
    assert "R-1 · Mairie de Lille" in out
    assert "R-2 · CCAS de Roubaix" in out
    assert await count(coop_db, "requests") == 2
    backend = "sqlite" if coop_db.is_sqlite else f"postgresql {give_up.replace('_', ' ')}"
    figures.add(FAULT, f"database locked ({backend}), console")


async def test_slack_gets_the_retry_message_in_its_ack(start_slack: StartSlack,  # noqa: F811
                                                       coop_db: Database) -> None:
    slack = await start_slack()
    assert (await slack.command("moi", user=OLIVIA))[0] == 200
    card = await slack.card()  # X-1, whose thread Nadia will answer in
    await eventually(lambda: _nothing_pending(coop_db), what="the first replies delivered")
    give_up_soon(coop_db)
    before = await state(coop_db)
    calls = len(slack.fake.calls)
    async with locked(coop_db, "inbound_events"):
        english = await slack.command("demande Mairie de Lille : une campagne de com", user=OLIVIA)
        french = await slack.command("demande CCAS : un bilan comptable", user=NADIA)
        await slack.reply(card, "on est partants", NADIA)  # the Events API: no ack body
        told = await slack.fake.wait_for(lambda f: [
            c for c in f.delivered("chat.postEphemeral") if c.args["user"] == NADIA])
    for (status, body), expected in ((english, RETRY_EN), (french, RETRY_FR)):
        assert status == 200
        ack = json.loads(body)
        assert ack["response_type"] == "ephemeral"  # only the person sees it
        assert expected in ack["text"]
    assert RETRY_FR in told[0].text()
    assert [c.method for c in slack.fake.calls[calls:]] == ["chat.postEphemeral"]
    assert await state(coop_db) == before

    status, body = await slack.command("demande CCAS : un bilan comptable", user=NADIA)
    assert (status, body) == (200, "")  # acknowledged; the card goes through the outbox
    await slack.fake.wait_for(lambda f: any("R-1 · CCAS" in c.text()
                                            for c in f.delivered("chat.postMessage")))
    assert await count(coop_db, "requests") == 1
    await eventually(lambda: _nothing_pending(coop_db), what="the last replies delivered")
    figures.add(FAULT, f"database locked ({'sqlite' if coop_db.is_sqlite else 'postgresql'}), "
                       "slack ack and event")


async def _nothing_pending(db: Database) -> bool:
    return await count(db, "outbox", "status = 'pending'") == 0


@pytest.mark.skipif(not PG_URL, reason="GRAPPE_TEST_DATABASE_URL is not set")
async def test_postgresql_cut_mid_transaction_then_back() -> None:
    assert PG_URL
    async with pg_cooperative() as (schema, db):
        proxy = TcpProxy(make_url(PG_URL).port or 5432)
        await proxy.start()
        app = f"grappe-faults-{uuid.uuid4().hex[:8]}"
        bot_db = through(schema, proxy.port, app)
        out = io.StringIO()
        adapter = ConsoleAdapter(out)
        bot = Bot(Settings(DATABASE_URL=bot_db.url), bot_db, [adapter])
        await bot.start(background_delivery=False)
        try:
            await Console(bot, adapter, out).run("olivia: /grappe moi")
            before = await state(db)
            ask = event(OLIVIA_ASKS)
            async with locked(db, "requests"):
                pending = asyncio.create_task(bot.dispatch(ask))
                await eventually(lambda: waiting_on_a_lock(db, app), what="the command in its "
                            "transaction, waiting to write its request")
                await proxy.cut("refuse")  # its connection is reset, new ones are refused
                cut = await pending
            assert cut.result == "db-unavailable"
            assert RETRY_EN in text_of(cut)
            # unreachable: anyone else is answered at once (French, the cooperative's language)
            down = await bot.dispatch(event(NADIA_ASKS))
            assert RETRY_FR in text_of(down)
            assert await state(db) == before  # the server rolled the cut transaction back

            await proxy.restore()
            again = await bot.dispatch(ask)  # the same event, as the platform sends it again
            assert again.result == "ok"
            assert (await bot.dispatch(ask)).duplicate
            assert await count(db, "requests") == 1
            assert await count(db, "inbound_events", f"event_id = '{ask.event_id}'") == 1
        finally:
            await bot.stop()
            await bot_db.dispose()
            await proxy.stop()
    figures.add(FAULT, "postgresql connection cut mid-transaction")
    figures.add(FAULT, "postgresql unreachable")
