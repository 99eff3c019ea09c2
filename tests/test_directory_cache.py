"""The per-process copy of the directory and its generation number (storage.directory_cache).

Every test runs on SQLite and on PostgreSQL; a second process is ``db.replica()``, another
engine on the same database, with a cache of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import delete, event, text, update
from sqlmodel import col

from commands.directory.file import load
from commands.directory.importing import apply
from storage.db import Database
from storage.models import Audit, Channel, EnterpriseSkill, Identity, Person
from storage.repo import directory as dir_repo
from tests.conftest import EXAMPLE, Console

NADIA = ("slack", "U07GRPE031")
STRANGER = ("slack", "U0NOBODY99")


async def generation(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(text(
            "SELECT generation FROM directory_generation"))).scalar_one())


async def locale_of_nadia(db: Database) -> str | None:
    async with db.session(read_only=True) as s:
        person = await dir_repo.person_by_identity(s, *NADIA)
        return person.locale if person else None


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements ``db`` sends while the block runs (transaction control left out)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_the_migration_leaves_one_row_at_zero(db: Database) -> None:
    assert await generation(db) == 0
    async with db.session(read_only=True) as s:
        assert await dir_repo.person_by_identity(s, *NADIA) is None  # an empty directory


async def test_a_change_through_one_replica_is_seen_by_the_other(coop_db: Database) -> None:
    other = coop_db.replica()
    try:
        assert await locale_of_nadia(other) == "fr"
        async with other.session(read_only=True) as s:
            assert await dir_repo.person_by_identity(s, *STRANGER) is None

        # a change that bypasses the session (no generation bump) stays unseen: the replica
        # answers from its memory
        async with coop_db.engine.begin() as conn:
            await conn.execute(update(Person).where(col(Person.handle) == "nadia")
                               .values(locale="de"))
        assert await locale_of_nadia(other) == "fr"

        before = await generation(coop_db)
        async with coop_db.session() as s:  # as /grappe langue and /grappe lier do
            nadia = await dir_repo.person_by_identity(s, *NADIA)
            assert nadia is not None
            assert nadia.id is not None
            nadia.locale = "en"
            s.add(nadia)
            s.add(Identity(person_id=nadia.id, platform=STRANGER[0],
                           platform_user_id=STRANGER[1]))
        assert await generation(coop_db) == before + 1

        assert await locale_of_nadia(other) == "en"
        async with other.session(read_only=True) as s:
            linked = await dir_repo.person_by_identity(s, *STRANGER)
            assert linked is not None
            assert linked.handle == "nadia"
            ids = await dir_repo.identities_of(s, [linked.id or 0])
            assert ids[linked.id or 0]["slack"] in (NADIA[1], STRANGER[1])
    finally:
        await other.dispose()


async def test_a_new_channel_reaches_the_other_replica(coop_db: Database) -> None:
    other = coop_db.replica()
    try:
        async with other.session(read_only=True) as s:
            assert [c.platform for c in await dir_repo.channels(
                s, purpose="cooperation", platforms=["slack"])] == ["slack"]
        async with coop_db.session() as s:
            s.add(Channel(name="annonces", purpose="announcements", platform="slack",
                          platform_channel_id="C0ANNONCE"))
        async with other.session(read_only=True) as s:
            found = await dir_repo.channels(s, purpose="announcements")
            assert [c.platform_channel_id for c in found] == ["C0ANNONCE"]
    finally:
        await other.dispose()


async def test_resources_people_and_enterprises_follow_a_rename_on_a_replica(
        coop_db: Database) -> None:
    other = coop_db.replica()

    async def names(db: Database) -> tuple[list[str], list[str], str | None]:
        async with db.session(read_only=True) as s:
            people = await dir_repo.people_by_id(s, [nadia_id])
            by_enterprise = await dir_repo.people_of(s, [people[nadia_id].enterprise_id or 0])
            enterprise = await dir_repo.enterprise_by_id(s, people[nadia_id].enterprise_id or 0)
            return ([r.name for r in await dir_repo.resources(s)],
                    [p.display_name for group in by_enterprise.values() for p in group],
                    enterprise.name if enterprise else None)

    try:
        async with coop_db.session(read_only=True) as s:
            nadia = await dir_repo.person_by_identity(s, *NADIA)
            assert nadia is not None
            assert nadia.id is not None
            nadia_id = nadia.id
        resources, people, enterprise = await names(other)  # the replica keeps its copy
        async with coop_db.session() as s:
            renamed = await dir_repo.resources(s)
            renamed[0].name = "Grande salle (rénovée)"
            s.add(renamed[0])
            person = (await dir_repo.people_by_id(s, [nadia_id]))[nadia_id]
            person.display_name = "Nadia B."
            s.add(person)
            company = await dir_repo.enterprise_by_id(s, person.enterprise_id or 0)
            assert company is not None
            company.name = "Nouveau nom"
            s.add(company)
        after = await names(other)
        assert sorted(after[0]) == sorted(["Grande salle (rénovée)", *resources[1:]])
        assert "Nadia B." in after[1]
        assert "Nadia B." not in people
        assert enterprise != "Nouveau nom"
        assert after[2] == "Nouveau nom"
    finally:
        await other.dispose()


async def test_an_older_transaction_does_not_replace_the_newer_copy(coop_db: Database) -> None:
    async with coop_db.session(read_only=True) as old:
        await dir_repo.enterprises(old)  # SQLite: this transaction's view starts here
        async with coop_db.session() as s:  # meanwhile, a command renames the cooperative
            coop = await dir_repo.cooperative(s)
            coop.name = "Nouvelle Grappe"
            s.add(coop)
        async with coop_db.session(read_only=True) as new:
            assert (await dir_repo.cooperative(new)).name == "Nouvelle Grappe"
        # SQLite: the older generation, as this transaction sees the database (PostgreSQL's
        # read committed sees the newer one); either way loaded apart
        expected = "La Grappe" if coop_db.is_sqlite else "Nouvelle Grappe"
        assert (await dir_repo.cooperative(old)).name == expected
    with statements(coop_db) as seen:
        async with coop_db.session(read_only=True) as s:
            assert (await dir_repo.cooperative(s)).name == "Nouvelle Grappe"
    assert len(seen) == 1  # the generation only: the newer copy still answers


async def test_a_mutation_rolled_back_does_not_reach_later_reads(coop_db: Database) -> None:
    async with coop_db.session(read_only=True) as s:  # the cache holds the directory
        assert (await dir_repo.cooperative(s)).name == "La Grappe"
        await dir_repo.coordinators(s)
        await dir_repo.skills(s)

    async def change_everything_then_fail() -> None:
        async with coop_db.session() as s:
            nadia = await dir_repo.person_by_identity(s, *NADIA)
            assert nadia is not None
            nadia.locale = "en"  # as /grappe langue does, then the transaction fails
            coop = await dir_repo.cooperative(s)
            coop.name = "Autre nom"
            for person in await dir_repo.coordinators(s):
                person.display_name = "X"
            for skill in await dir_repo.skills(s):
                skill.label = "X"
            await s.flush()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        await change_everything_then_fail()
    async with coop_db.session(read_only=True) as s:
        assert await locale_of_nadia(coop_db) == "fr"
        assert (await dir_repo.cooperative(s)).name == "La Grappe"
        assert "X" not in {p.display_name for p in await dir_repo.coordinators(s)}
        assert "X" not in {k.label for k in await dir_repo.skills(s)}


async def test_a_savepoint_rolled_back_bumps_nothing_and_leaks_nothing(
    coop_db: Database,
) -> None:
    before = await generation(coop_db)
    async with coop_db.session() as s:  # as the dispatcher runs a handler that is refused
        savepoint = await s.begin_nested()
        nadia = await dir_repo.person_by_identity(s, *NADIA)
        assert nadia is not None
        nadia.locale = "en"
        await s.flush()
        assert (await dir_repo.person_by_identity(s, *NADIA)).locale == "en"  # type: ignore[union-attr]
        await savepoint.rollback()
        assert (await dir_repo.person_by_identity(s, *NADIA)).locale == "fr"  # type: ignore[union-attr]
        s.add(Audit(action="test"))  # a write outside the directory
    assert await generation(coop_db) == before
    assert await locale_of_nadia(coop_db) == "fr"


async def test_two_sessions_never_share_an_instance(coop_db: Database) -> None:
    async with coop_db.session(read_only=True) as first, \
            coop_db.session(read_only=True) as second:
        a = await dir_repo.person_by_identity(first, *NADIA)
        b = await dir_repo.person_by_identity(second, *NADIA)
        assert a is not None
        assert b is not None
        assert a is not b
        assert a in first
        assert a not in second
        assert b in second
        index_a = await dir_repo.skill_index(first, _index)
        index_b = await dir_repo.skill_index(second, _index)
        assert index_a.keys() == index_b.keys()
        assert all(index_a[k] is not index_b[k] and index_a[k] in first for k in index_a)
        a.locale = "en"  # changed in one session, not written
        assert b.locale == "fr"
        assert (await dir_repo.person_by_identity(second, *NADIA)).locale == "fr"  # type: ignore[union-attr]


def _index(skills: Any, synonyms: Any) -> dict[str, Any]:
    return {k.slug: k for k in skills}


async def test_a_directory_import_bumps_the_generation_once(db: Database) -> None:
    async with db.session() as s:
        await apply(s, load(EXAMPLE))
    assert await generation(db) == 1
    async with db.session() as s:  # the same file again writes nothing
        assert (await apply(s, load(EXAMPLE))).none
    assert await generation(db) == 1
    renamed = load(EXAMPLE)
    renamed.cooperative.name = "La Grappe (renommée)"
    async with db.session() as s:  # one change is a directory write
        await apply(s, renamed)
    assert await generation(db) == 2


async def test_a_bulk_delete_alone_bumps_the_generation(coop_db: Database) -> None:
    before = await generation(coop_db)
    async with coop_db.session() as s:
        enterprise = await dir_repo.enterprise_by_slug(s, "chiffres-et-communs")
        assert enterprise is not None
        assert enterprise.id is not None
    async with coop_db.session() as s:
        await s.exec(delete(EnterpriseSkill).where(  # type: ignore[call-overload]
            col(EnterpriseSkill.enterprise_id) == enterprise.id))
    assert await generation(coop_db) == before + 1
    async with coop_db.session() as s:
        await dir_repo.set_enterprise_skills(s, enterprise.id, [])
    assert await generation(coop_db) == before + 2


async def test_other_writes_and_reads_bump_nothing(coop_db: Database) -> None:
    before = await generation(coop_db)
    async with coop_db.session() as s:
        await dir_repo.person_by_identity(s, *NADIA)
        await dir_repo.cooperative(s)
        s.add(Audit(action="test"))
    async with coop_db.session(read_only=True) as s:
        await dir_repo.channels(s)
    assert await generation(coop_db) == before


async def test_a_transaction_sees_its_own_directory_writes(coop_db: Database) -> None:
    async with coop_db.session(read_only=True) as s:  # fill the cache
        await dir_repo.person_by_identity(s, *NADIA)
        await dir_repo.skills(s)
    async with coop_db.session() as s:
        nadia = await dir_repo.person_by_identity(s, *NADIA)
        assert nadia is not None
        assert nadia.id is not None
        nadia.locale = "en"  # not flushed yet
        again = await dir_repo.person_by_identity(s, *NADIA)
        assert again is nadia
        assert again.locale == "en"
        s.add(Identity(person_id=nadia.id, platform=STRANGER[0], platform_user_id=STRANGER[1]))
        linked = await dir_repo.person_by_identity(s, *STRANGER)
        assert linked is not None
        assert linked.handle == "nadia"
        assert STRANGER[1] in (await dir_repo.identities_of(s, [nadia.id]))[nadia.id].values()
        skill = (await dir_repo.skills(s))[0]
        await dir_repo.set_synonyms(s, skill.id or 0, ["motnouveau"])
        assert (await dir_repo.synonyms(s))[skill.id or 0] == ["motnouveau"]
        assert (await dir_repo.skill_index(s, _synonym_index))["motnouveau"].id == skill.id


def _synonym_index(skills: Any, synonyms: Any) -> dict[str, Any]:
    by_id = {k.id: k for k in skills}
    return {term: by_id[i] for i, terms in synonyms.items() for term in terms}


async def test_a_second_read_path_sends_one_statement(coop_db: Database) -> None:
    async def read_path() -> None:
        async with coop_db.session(read_only=True) as s:
            person = await dir_repo.person_by_identity(s, *NADIA)
            assert person is not None
            await dir_repo.cooperative(s)
            people = await dir_repo.coordinators(s)
            await dir_repo.identities_of(s, [p.id or 0 for p in people])
            await dir_repo.channels(s, purpose="cooperation", platforms=["slack"])
            await dir_repo.skill_index(s, _index)

    with statements(coop_db) as first:
        await read_path()
    with statements(coop_db) as second:
        await read_path()
    assert len(first) > 1
    assert len(second) == 1
    assert "directory_generation" in second[0]


async def test_unknown_people_are_answered_from_memory(coop_db: Database) -> None:
    """Nobody's ids are kept one by one: the whole directory's accounts are, so a stream of
    strangers costs no statement and no memory."""
    async with coop_db.session(read_only=True) as s:
        await dir_repo.person_by_identity(s, *NADIA)
    with statements(coop_db) as seen:
        async with coop_db.session(read_only=True) as s:
            for i in range(200):
                assert await dir_repo.person_by_identity(s, "slack", f"U0STRANGER{i}") is None
    assert len(seen) == 1


async def test_a_second_requests_listing_sends_fewer_statements(console: Console) -> None:
    db = console.bot.db
    await console.run("nadia: /grappe langue fr")  # a directory write: what was kept is stale
    with statements(db) as first:
        out = await console.run("nadia: /grappe demandes")
    with statements(db) as second:
        assert await console.run("nadia: /grappe demandes") == out
    assert len(second) < len(first)
    assert not [q for q in second if "FROM people" in q or "FROM cooperative" in q]
