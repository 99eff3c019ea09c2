"""The Matrix end-to-end harness: one real Synapse per test session, the bot, members.

The example directory's Matrix ids live on ``grappe.example``, which is the
test server's name, so the example people are the test users. Each test gets
a fresh database, fresh rooms and fresh logins; the server and its users are
shared by the whole session.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from storage.db import Database
from tests.matrix.harness import BotHarness, password, user
from tests.matrix.members import Member
from tests.matrix.synapse import PYTHON, Synapse

SKIP_ENV = "GRAPPE_SKIP_SYNAPSE"
PEOPLE = ("grappe", "camille", "karim", "nadia", "marion", "helene", "olivia", "sophie",
          "stranger")

# the cluster's server of a federated pair: the people of tests/clients' console flow
CLUSTER_PEOPLE = ("grappe", "camille", "nadia", "marion", "anais", "hugo")

_running: list[Synapse] = []


def _require_synapse() -> None:
    if not PYTHON.exists():
        if os.environ.get(SKIP_ENV):
            pytest.skip(f"{PYTHON} is missing and {SKIP_ENV} is set")
        pytest.fail(f"{PYTHON} is missing: run `make synapse` (`make test` does), "
                    f"or set {SKIP_ENV}=1 to skip the Matrix end-to-end tests")


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    """A real Synapse, started once; stopped by its PID whatever happens."""
    _require_synapse()
    server = Synapse(tmp_path_factory.mktemp("synapse"))
    _running.append(server)
    try:
        server.start()
        print(f"\nSynapse answered in {server.started_in:.2f}s; log: {server.log}")
        for name in PEOPLE:
            server.register(name, password(name))
        yield server
    finally:
        server.stop()
        _running.remove(server)


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Synapse, Synapse]]:
    """Two Synapses that federate on loopback (``localhost:<port>`` each), started side by
    side for the module that asks (the session's server is another): the cluster's
    (the bot and its people) and a client's (no one registered on it yet)."""
    _require_synapse()
    pair = (Synapse(tmp_path_factory.mktemp("synapse-cluster"), federation=True),
            Synapse(tmp_path_factory.mktemp("synapse-client"), federation=True))
    _running.extend(pair)
    try:
        for server in pair:
            server.launch()
        for server in pair:
            server.wait_ready()
        for name in CLUSTER_PEOPLE:
            pair[0].register(name, password(name))
        yield pair
    finally:
        for server in pair:
            server.stop()
            _running.remove(server)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A failing Matrix test shows the end of Synapse's log."""
    report = yield
    if report.failed:
        for server in _running:
            report.sections.append((f"Synapse {server.server_name} log (tail)",
                                    server.log_tail(40)))
    return report


@pytest.fixture
async def harness(coop_db: Database, synapse: Synapse,
                  tmp_path: Path) -> AsyncIterator[BotHarness]:
    bots = BotHarness(coop_db, synapse, store=tmp_path / "bot-store")
    try:
        yield bots
    finally:
        await bots.stop()
        await bots.log_out()


@pytest.fixture
async def members(synapse: Synapse,
                  tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[Member]]]:
    """``await members("nadia")``: the example person, logged in and syncing (with
    ``e2e=True``, on a device that encrypts)."""
    started: list[Member] = []

    async def make(name: str, *, e2e: bool = False) -> Member:
        store = tmp_path / f"store-{name}" if e2e else None
        if store is not None:
            store.mkdir(exist_ok=True)
        member = Member(synapse.url, user(name), password(name), store)
        started.append(member)
        await member.start()
        return member

    try:
        yield make
    finally:
        await asyncio.gather(*(m.stop() for m in started))
