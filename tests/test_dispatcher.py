"""The dispatcher's cross-cutting rules: idempotency, roles, transactions, the outbox."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from sqlalchemy import text

from bot.features import FEATURES
from bot.features import registry as load_all
from commands.dispatcher import Dispatcher
from commands.events import Actor, Command, Unreadable
from commands.messages import Mention, Paragraph
from commands.prefixes import strip_prefix
from commands.registry import LOADED_WHEN_USED, declared
from commands.render import plain
from storage.db import Database
from tests.snapshots import snapshot


def _dispatcher(db: Database, platforms: tuple[str, ...] = ("console",)) -> Dispatcher:
    return Dispatcher(db, load_all(), platforms=platforms)


def test_the_modules_loaded_when_used_declare_nothing_and_discovery_leaves_them() -> None:
    """A feature's ``LOADED_WHEN_USED`` modules (the command line's exports, the directory
    file) are not imported with the commands, so one that declared a command would lose
    it; a fresh interpreter builds the registry as ``grappe run`` does."""
    later = sorted(f"{package}.{name}" for package in FEATURES
                   for name in getattr(importlib.import_module(package), LOADED_WHEN_USED, ()))
    assert "commands.directory.file" in later
    assert {name: declared(importlib.import_module(name)) for name in later} == {
        name: [] for name in later}
    code = "import sys; from bot.features import registry; registry(); print(*sys.modules)"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    assert "commands.projects.handlers" in loaded
    assert set(later) & loaded == set()


async def _count(db: Database, table: str) -> int:
    async with db.session(read_only=True) as s:
        return (await (await s.connection()).execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()


async def test_the_same_event_delivered_twice_is_handled_once(coop_db: Database) -> None:
    d = _dispatcher(coop_db)
    event = Command(actor=Actor("console", "camille"), text="/grappe membres", event_id="ev-1")
    first = await d.dispatch(event)
    second = await d.dispatch(event)
    assert first.handled
    assert not first.duplicate
    assert second.duplicate
    assert await _count(coop_db, "outbox") == 1
    assert await _count(coop_db, "inbound_events") == 1


async def test_a_refusal_records_the_event_and_the_reply_only(coop_db: Database) -> None:
    d = _dispatcher(coop_db)
    before = await snapshot(coop_db)
    event = Command(actor=Actor("console", "nadia"), text="/grappe membre retirer terreau",
                    event_id="ev-2")
    await d.dispatch(event)
    await d.dispatch(event)  # a redelivery does not reply twice
    assert await snapshot(coop_db) == before
    assert await _count(coop_db, "outbox") == 1


async def test_coordinator_commands_are_audited(coop_db: Database) -> None:
    d = _dispatcher(coop_db)
    await d.dispatch(Command(actor=Actor("console", "camille"),
                             text="/grappe membre retirer terreau", event_id="ev-3"))
    async with coop_db.session(read_only=True) as s:
        rows = (await (await s.connection()).execute(text("SELECT action, object_ref FROM audit"))).all()
    assert [tuple(r) for r in rows] == [("command:membre retirer", "enterprise:terreau")]


async def test_slack_identity_resolves_to_the_same_person(coop_db: Database) -> None:
    d = _dispatcher(coop_db, ("slack", "console"))
    await d.dispatch(Command(actor=Actor("slack", "U01CAMILLE"), text="/grappe moi",
                             event_id="Ev1", place="C01COOPERA"))
    async with coop_db.session(read_only=True) as s:
        row = (await (await s.connection()).execute(text("SELECT platform, channel, recipient, role FROM outbox"))
               ).one()
    assert tuple(row) == ("slack", "C01COOPERA", "U01CAMILLE", "ephemeral")


async def test_database_unavailable_gives_a_retry_message() -> None:
    broken = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # nothing listens there
    outcome = await _dispatcher(broken).dispatch(
        Command(actor=Actor("console", "camille"), text="/grappe membres", event_id="e"))
    assert not outcome.handled
    assert "base de données" in outcome.direct[0].blocks[0].spans[0].text  # type: ignore[union-attr]
    await broken.dispose()


@pytest.mark.parametrize(("raw", "expected"), [
    ("/grappe membres", "membres"), ("!grappe  aide", "aide"), ("grappe moi", "moi"),
    ("/grappe", ""), ("/grappes x", "/grappes x"),
])
def test_strip_prefix(raw: str, expected: str) -> None:
    assert strip_prefix(raw) == expected


@pytest.mark.parametrize(("user_id", "addressed"), [
    ("@camille:grappe.example", "Camille Roussel"),  # in the directory: by her name
    ("@someone:elsewhere.example", None),  # not: named by no raw platform id
])
async def test_the_encryption_notice_names_a_person_never_by_their_id(
        coop_db: Database, user_id: str, addressed: str | None) -> None:
    d = _dispatcher(coop_db, ("matrix",))
    outcome = await d.dispatch(Unreadable(Actor("matrix", user_id), "!room", "$ev"))
    (message,) = outcome.direct
    said = plain(message.blocks)
    assert "chiffrés" in said
    assert user_id not in said
    mentions = [s for b in message.blocks if isinstance(b, Paragraph) for s in b.spans
                if isinstance(s, Mention)]
    assert [m.name for m in mentions] == ([addressed] if addressed else [])
