"""Load, then render: a request card costs the same statements whatever the number of
enterprises it consults (no query per enterprise while it is drawn)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from commands.requests.view import RequestView, render
from storage.db import Database
from storage.models import Answer, Consultation, Request
from storage.repo import directory as dir_repo
from storage.repo import requests as repo

NOW = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """The SQL statements the engine runs meanwhile."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def _request(db: Database, consulted: int) -> int:
    """A request consulting ``consulted`` enterprises, half of which answered."""
    async with db.session() as s:
        enterprises = list(await dir_repo.enterprises(s))[:consulted]
        skills = list(await dir_repo.skills(s))[:2]
        request = await repo.add(s, Request(client="Mairie", need="un atelier", created_at=NOW,
                                            deadline=NOW),
                                 [k.id or 0 for k in skills])
        for n, e in enumerate(enterprises):
            s.add(Consultation(request_id=request.id or 0, enterprise_id=e.id or 0, added_at=NOW))
            if n % 2:
                s.add(Answer(request_id=request.id or 0, enterprise_id=e.id, interested=True,
                             availability="jeudi", created_at=NOW))
        await s.flush()
        return request.id or 0


async def _statements(db: Database, request_id: int) -> int:
    async with db.session(read_only=True) as s:
        coop = await dir_repo.cooperative(s)  # the context has it before any card
        request = await repo.get(s, request_id)
        assert request is not None
        with counting(db) as statements:
            blocks = render(await RequestView.load(s, request), coop, today=NOW)
        assert blocks
        return len(statements)


async def test_a_card_costs_the_same_statements_for_2_and_12_enterprises(
        coop_db: Database) -> None:
    few, many = await _request(coop_db, 2), await _request(coop_db, 12)
    await _statements(coop_db, few)  # the directory's copy is read once per process
    counts = await _statements(coop_db, few), await _statements(coop_db, many)
    print(f"statements to load and draw a request card (2, 12 enterprises): {counts}")
    assert counts[0] == counts[1]
    assert counts[0] <= 6
