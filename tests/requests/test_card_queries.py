"""Load, then render: a request card costs the same statements whatever the number of
enterprises it consults (no query per enterprise while it is drawn)."""

from __future__ import annotations

from datetime import UTC, datetime

from commands.requests.view import RequestView, render
from storage.db import Database
from storage.models import Answer, Consultation, Request
from storage.repo import directory as dir_repo
from storage.repo import requests as repo
from tests.test_outbox_handoff import statements as counted

NOW = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)


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
        with counted(db) as statements:
            view = await RequestView.load(s, request)
            loaded = len(statements)
            blocks = render(view, coop, today=NOW)
        assert blocks
        assert len(statements) == loaded  # drawing the card asks storage nothing
        return len(statements)


async def test_a_card_costs_the_same_statements_for_2_and_12_enterprises(
        coop_db: Database) -> None:
    few, many = await _request(coop_db, 2), await _request(coop_db, 12)
    await _statements(coop_db, few)  # the directory's copy is read once per process
    counts = await _statements(coop_db, few), await _statements(coop_db, many)
    print(f"statements to load and draw a request card (2, 12 enterprises): {counts}")
    assert counts[0] == counts[1]
    assert counts[0] <= 6
