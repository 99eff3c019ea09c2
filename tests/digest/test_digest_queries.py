"""Load, then render: a week's digest costs the same statements whatever the number of
requests, bookings and polls it speaks of, and drawing it asks storage nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot import features
from commands.digest.sections import Digest, DigestWeek, render
from commands.render import plain
from storage.db import Database
from storage.models import Person, Poll, PollInvitee, PollOption, PollVote
from storage.repo import directory as dir_repo
from tests.digest.conftest import PARIS, add_booking, add_request, paris
from tests.test_outbox_handoff import statements as counted

AT = paris("2026-12-07 08:30")  # a Monday: the week looked back on, the week to come
ROOMS = ("salle-pampre", "salle-garance", "salle-pressoir", "salle-treille")


async def _people(db: Database) -> list[Person]:
    async with db.session(read_only=True) as s:
        return [p for p in (await dir_repo.people_by_id(s, range(1, 100))).values()
                if p.enterprise_id]


async def _add_week(db: Database, first: int, count: int) -> None:
    """``count`` of each: a new request consulting two enterprises (one answered), a
    request staffed this week with its lead, a booking of the week to come, an open poll
    with options, invitees and a vote."""
    async with db.session(read_only=True) as s:
        slugs = [e.slug for e in await dir_repo.enterprises(s)]
    people = await _people(db)
    for n in range(first, first + count):
        created = AT - timedelta(days=2, minutes=n)
        pair = (slugs[n % len(slugs)], slugs[(n + 1) % len(slugs)])
        await add_request(db, f"Client {n}", created=created, deadline=AT + timedelta(days=9),
                          consulted=pair, answered=pair[:1])
        lead = people[n % len(people)]
        await add_request(db, f"Décidé {n}", created=created - timedelta(days=10),
                          status="staffed", staffed_at=created,
                          lead_enterprise_id=lead.enterprise_id)
        start = AT + timedelta(days=1 + n // len(ROOMS), hours=2)
        await add_booking(db, ROOMS[n % len(ROOMS)], lead.handle, start, start + timedelta(hours=1))
        async with db.session() as s:
            poll = Poll(title=f"Réunion {n}", author_id=lead.id, deadline=AT + timedelta(days=3))
            s.add(poll)
            await s.flush()
            assert poll.id is not None
            for position in (1, 2):
                s.add(PollOption(poll_id=poll.id, position=position, label=f"option {position}",
                                 starts_at=start, ends_at=start + timedelta(hours=1)))
            s.add(PollInvitee(poll_id=poll.id, person_id=lead.id or 0))
            s.add(PollVote(poll_id=poll.id, voter=f"person:{lead.id}", person_id=lead.id,
                           position=1, value="yes"))


async def _statements(db: Database, files_dir: Path) -> tuple[int, str]:
    registry = features.registry()
    week = DigestWeek.ending(AT, PARIS, files_dir=files_dir)  # with its chart (still to draw)
    async with db.session(read_only=True) as s:
        coop = await dir_repo.cooperative(s)  # the job has it before the digest
        with counted(db) as statements:
            digest = await Digest.load(s, coop, week, registry)
            loaded = len(statements)
            text = plain(render(digest))
        assert len(statements) == loaded  # drawing the digest asks storage nothing
    return loaded, text


async def test_a_digest_costs_the_same_statements_for_2_and_12_of_everything(
        coop_db: Database, tmp_path: Path) -> None:
    await _add_week(coop_db, 0, 2)
    await _statements(coop_db, tmp_path)  # the directory's copy is read once per process
    few, text = await _statements(coop_db, tmp_path)
    assert "2 nouvelles demandes cette semaine" in text
    await _add_week(coop_db, 2, 10)
    many, text = await _statements(coop_db, tmp_path)
    for said in ("12 nouvelles demandes cette semaine", "12 réservations dans la semaine",
                 "P-12 Réunion 11", "Occupation des ressources partagées"):
        assert said in text
    assert text.count("Décidé") == 12
    print(f"statements to load a digest (2, 12 of each): {few}, {many}")
    assert few == many
    assert few <= 12
