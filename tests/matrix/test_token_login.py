"""Access-token login (issue #19): a Tchap account may have no password.

``MATRIX_ACCESS_TOKEN`` (with ``MATRIX_USER_ID`` and, if known, ``MATRIX_DEVICE_ID``) is
checked with ``whoami`` at start, on the real Synapse; a refused token, or the token of
another account, stops the start with a French text that says what to do — and
``grappe run`` prints it with no traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot import features
from bot.adapters.base import StartRefused
from bot.matrix.client import Session, TokenLost
from commands.context import Environment
from commands.digest.sections import post_digest
from commands.jobs import JobEnv
from storage.db import Database
from tests.matrix.harness import (
    BOT,
    NOW,
    eventually,
    open_room,
    outbox,
    start_at,
    token_of,
    user,
)
from tests.matrix.synapse import Synapse


async def test_a_token_alone_logs_in_on_its_own_device(coop_db: Database,
                                                       synapse: Synapse) -> None:
    token = await token_of(synapse, "grappe", "tchap-token")
    session = Session(coop_db, synapse.url, BOT, access_token=token)
    try:
        await session.connect()
        assert session.client.access_token == token
        assert session.client.device_id  # as whoami says it
        assert await session.get("access_token") is None  # no login: nothing new to keep
    finally:
        await session.close()


async def test_a_refused_token_says_what_to_do_in_french(coop_db: Database,
                                                         synapse: Synapse) -> None:
    session = Session(coop_db, synapse.url, BOT, access_token="syt_revoked_or_mistyped")
    try:
        with pytest.raises(StartRefused) as refused:
            await session.connect()
    finally:
        await session.close()
    text = str(refused.value)
    assert f"Le serveur Matrix {synapse.url} a refusé le jeton d’accès de {BOT}" in text
    assert "M_UNKNOWN_TOKEN" in text  # what the homeserver said, for whoever looks further
    assert "Vérifiez MATRIX_ACCESS_TOKEN" in text
    assert "13 mois" in text
    assert "docs/tchap.md" in text


async def test_the_token_of_another_account_is_refused(coop_db: Database,
                                                       synapse: Synapse) -> None:
    token = await token_of(synapse, "nadia", "not-the-bot")
    session = Session(coop_db, synapse.url, BOT, access_token=token)
    try:
        with pytest.raises(StartRefused) as refused:
            await session.connect()
    finally:
        await session.close()
    assert str(refused.value).startswith(
        f"MATRIX_ACCESS_TOKEN est le jeton de {user('nadia')}, et non celui de "
        f"MATRIX_USER_ID ({BOT})")


@pytest.mark.parametrize("coop_db", ["sqlite"], indirect=True)  # the store: a file
async def test_a_token_whose_device_lost_its_store_says_what_to_do(
        coop_db: Database, synapse: Synapse, tmp_path: Path) -> None:
    """The token's device published its keys from a store that is gone (a volume lost): no
    other keys under its id (members' clients would refuse them), a French text instead."""
    token, store = await token_of(synapse, "grappe", "tchap-token"), tmp_path / "store"
    session = Session(coop_db, synapse.url, BOT, access_token=token, store=store)
    try:
        await session.connect()  # its first start: no keys anywhere yet
        await session.crypto.maintain()  # published
        await session.close()
        shutil.rmtree(store)
        with pytest.raises(StartRefused) as refused:
            await session.connect()
        assert "ne sont pas dans MATRIX_STORE_PATH" in str(refused.value)
        assert "docs/tchap.md" in str(refused.value)
    finally:
        await session.close()
        session.client.access_token = token
        await session.client.logout()  # the device and its keys gone for the next tests
        await session.client.close()


def test_grappe_run_prints_the_refusal_without_a_traceback(synapse: Synapse,
                                                          tmp_path: Path) -> None:
    env = {**{k: v for k, v in os.environ.items()
              if not k.startswith(("MATRIX_", "SLACK_", "GRAPPE_LOCALE"))},
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
           "MATRIX_HOMESERVER": synapse.url, "MATRIX_USER_ID": BOT,
           "MATRIX_ACCESS_TOKEN": "syt_revoked_or_mistyped"}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120, check=False)
    assert result.returncode == 1, result.stderr
    assert "a refusé le jeton d’accès" in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_token_revoked_while_running_stops_the_matrix_side(
        harness, members, coop_db: Database, synapse: Synapse, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """The token logged out mid-run (a logout from its session; an expired Tchap account):
    told once, in French; the sync ends instead of trying again; the outbox holds its rows
    (none marked failed) for the next start, with a new token."""
    token = await token_of(synapse, "grappe", "tchap-token")
    harness.settings = harness.settings.model_copy(
        update={"matrix_password": None, "matrix_access_token": token})
    adapter = await start_at(harness)
    camille = await members("camille")
    room = await open_room(camille, [], coop_db)
    async with aiohttp.ClientSession() as http, http.post(
            f"{synapse.url}/_matrix/client/v3/logout",
            headers={"Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 200, await resp.text()
    await camille.say(room, "bonjour")  # the bot's long poll answers: the next one is refused

    async def stopped() -> bool:
        assert adapter.receiver is not None
        return not adapter.receiver.running and not adapter.connected

    await eventually(stopped, what="the Matrix side to stop")
    told = [r.getMessage() for r in caplog.records if "n’accepte plus" in r.getMessage()]
    assert len(told) == 1
    assert told[0].startswith(f"Le serveur Matrix {synapse.url} n’accepte plus le jeton "
                              f"d’accès de {BOT} (M_UNKNOWN_TOKEN")
    assert "Tchap" in told[0]
    assert "MATRIX_ACCESS_TOKEN" in told[0]
    with pytest.raises(TokenLost):  # refused here, without the network
        await adapter.session.send(room, "m.room.message", {"body": "?"}, "txn-after")

    assert harness.bot is not None
    env = JobEnv(db=coop_db, registry=features.registry(), platforms=("matrix",),
                 owner="test", environment=Environment(files_dir=tmp_path),
                 on_commit=harness.bot.loops["matrix"].notify)
    assert await post_digest(env, "cooperation", NOW)

    async def tried() -> bool:
        rows = await outbox(coop_db)
        return bool(rows) and all(attempts >= 1 for _role, _status, attempts in rows)

    await eventually(tried, what="the digest's rows to be tried")
    assert {status for _role, status, _attempts in await outbox(coop_db)} == {"pending"}
    assert len([r for r in caplog.records if "n’accepte plus" in r.getMessage()]) == 1
