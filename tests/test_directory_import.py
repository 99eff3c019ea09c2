"""Re-importing the directory file: channels known by name, entries retired and brought
back, opaque room ids, and ``--check`` (the import rolled back). SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli_directory import import_directory
from commands.directory.file import DirectoryFile, DirectoryFileError, load
from commands.directory.importing import Change, Kind, apply
from commands.events import Actor, Command
from commands.i18n import Translator
from commands.messages import Message, Target, para
from commands.routing import plan
from storage.db import Database
from storage.repo import directory as dir_repo
from tests.conftest import EXAMPLE, Console
from tests.snapshots import DOMAIN_TABLES, snapshot

V12 = "!YZwi9hAuSrjv_paGXxffRIceiLVgjMeq3vKDAAPMGiA"  # room version 12: no server part
OLD_ROOM = "!cooperation:grappe.example"
TABLES = (*DOMAIN_TABLES, "directory_generation", "alembic_version")
EVENT = Command(actor=Actor("console", "camille"), text="", event_id="e", place="#cooperation")


def example_with(old: str, new: str, tmp_path: Path) -> Path:
    path = tmp_path / "cooperative.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def without(data: DirectoryFile, *, person: str = "", resource: str = "") -> DirectoryFile:
    for enterprise in data.enterprises:
        enterprise.people = [p for p in enterprise.people if p.handle != person]
    data.resources = [r for r in data.resources if r.slug != resource]
    return data


def with_channel(data: DirectoryFile, name: str, matrix: str) -> DirectoryFile:
    extra = data.channels[0].model_copy(update={"name": name, "slack": None, "matrix": matrix})
    data.channels = [*data.channels, extra]
    return data


async def import_(db: Database, data: DirectoryFile):  # type: ignore[no-untyped-def]
    async with db.session() as s:
        return await apply(s, data)


async def card_rooms(db: Database, platform: str) -> list[str]:
    """The rooms a new card in the cooperation channels would be queued for."""
    card = Message(target=Target(kind="channel", purpose="cooperation"), blocks=[para("R-1")],
                   card_of="R-1")
    async with db.session(read_only=True) as s:
        return sorted(row.channel or "" for row in await plan(s, [card], EVENT, [platform]))


async def test_a_room_id_of_room_version_12_imports(db: Database, tmp_path: Path) -> None:
    data = load(example_with(OLD_ROOM, V12, tmp_path))
    await import_(db, data)
    assert await card_rooms(db, "matrix") == [V12]


@pytest.mark.parametrize("room", ["cooperation", "!with space", "#no-server", "@someone:x.org"])
def test_what_is_neither_a_room_id_nor_an_alias_is_refused(room: str, tmp_path: Path) -> None:
    with pytest.raises(DirectoryFileError) as refused:
        load(example_with(OLD_ROOM, room, tmp_path))
    assert [e for e in refused.value.errors if e.startswith("channels[0] (cooperation).matrix: ")]


def test_two_channels_in_one_room_are_refused() -> None:
    data = with_channel(load(EXAMPLE), "entraide", OLD_ROOM)
    assert "duplicate Matrix room: !cooperation:grappe.example" in [
        str(problem) for problem in data.check_references()]


def test_an_enterprise_room_is_named_after_its_enterprise() -> None:
    data = load(EXAMPLE)
    data = with_channel(data, "le-grand-livre", "!grand-livre:grappe.example")
    data = with_channel(data, "equipe-compta", "!compta:grappe.example")
    for channel in data.channels[-2:]:
        channel.purpose = "enterprise"
    named = [str(problem) for problem in data.check_references()]
    assert named == [f"channels[{len(data.channels) - 1}] (equipe-compta): an enterprise's "
                     "room is named after the enterprise (name = its slug)."]


async def test_a_corrected_room_id_replaces_the_old_one(coop_db: Database) -> None:
    data = load(EXAMPLE)
    data.channels[0].matrix = V12
    changes = await import_(coop_db, data)
    assert changes.of(Change.CHANGED, Kind.CHANNEL) == [f"cooperation (matrix) → {V12}"]
    async with coop_db.session(read_only=True) as s:
        rows = [(c.name, c.platform_channel_id, c.active)
                for c in await dir_repo.all_channels(s) if c.platform == "matrix"]
    assert rows == [("cooperation", V12, True)]  # one channel, not a second one
    assert await card_rooms(coop_db, "matrix") == [V12]  # the dead room gets nothing


async def test_a_corrected_account_id_replaces_the_old_one(coop_db: Database) -> None:
    data = load(EXAMPLE)
    nadia = next(p for e in data.enterprises for p in e.people if p.handle == "nadia")
    nadia.slack = "U07NEWNADIA"
    changes = await import_(coop_db, data)
    assert changes.of(Change.CHANGED, Kind.PERSON) == ["nadia"]
    async with coop_db.session(read_only=True) as s:
        assert await dir_repo.person_by_identity(s, "slack", "U07GRPE031") is None
        person = await dir_repo.person_by_identity(s, "slack", "U07NEWNADIA")
        assert person is not None
        assert person.handle == "nadia"


async def test_removed_entries_are_retired_and_come_back(coop_db: Database) -> None:
    await import_(coop_db, with_channel(load(EXAMPLE), "entraide", V12))
    assert await card_rooms(coop_db, "matrix") == sorted([OLD_ROOM, V12])

    changes = await import_(coop_db, without(load(EXAMPLE), person="hugo",
                                             resource="salle-garance"))
    assert changes.of(Change.RETIRED, Kind.PERSON) == ["hugo"]
    assert changes.of(Change.RETIRED, Kind.RESOURCE) == ["salle-garance"]
    assert sorted(changes.of(Change.RETIRED, Kind.CHANNEL)) == ["entraide (console)",
                                                                "entraide (matrix)"]
    assert await card_rooms(coop_db, "matrix") == [OLD_ROOM]
    async with coop_db.session(read_only=True) as s:
        assert "salle-garance" not in {r.slug for r in await dir_repo.resources(s)}
        assert "hugo" not in {p.handle for p in await dir_repo.people(s)}
        hugo = await dir_repo.person_by_handle(s, "hugo")
        assert hugo is not None
        assert not hugo.active  # the row stays: history names them
        assert await dir_repo.person_by_identity(s, "console", "hugo") is None
        members = await dir_repo.people_of(s, [hugo.enterprise_id or 0])
        assert "hugo" not in {p.handle for group in members.values() for p in group}
        assert [c.name for c in await dir_repo.channels(s, platforms=["console"])] == [
            "cooperation"]
        every = {(c.name, c.platform): c.active for c in await dir_repo.all_channels(s)}
        assert every[("entraide", "matrix")] is False

    back = await import_(coop_db, with_channel(load(EXAMPLE), "entraide", V12))
    assert back.of(Change.RESTORED, Kind.PERSON) == ["hugo"]
    assert back.of(Change.RESTORED, Kind.RESOURCE) == ["salle-garance"]
    assert sorted(back.of(Change.RESTORED, Kind.CHANNEL)) == ["entraide (console)",
                                                             "entraide (matrix)"]
    assert await card_rooms(coop_db, "matrix") == sorted([OLD_ROOM, V12])
    async with coop_db.session(read_only=True) as s:
        assert "salle-garance" in {r.slug for r in await dir_repo.resources(s)}
        assert await dir_repo.person_by_identity(s, "console", "hugo") is not None


async def test_a_platform_left_out_of_a_channel_is_retired(coop_db: Database) -> None:
    data = load(EXAMPLE)
    data.channels[0].matrix = None
    changes = await import_(coop_db, data)
    assert changes.of(Change.RETIRED, Kind.CHANNEL) == ["cooperation (matrix)"]
    assert await card_rooms(coop_db, "matrix") == []
    assert await card_rooms(coop_db, "slack") == ["C01COOPERA"]


async def test_an_enterprise_left_out_is_retired_with_its_people(coop_db: Database) -> None:
    data = load(EXAMPLE)
    gone = data.enterprises.pop(0)
    changes = await import_(coop_db, data)
    assert changes.of(Change.RETIRED, Kind.ENTERPRISE) == [gone.slug]
    assert sorted(changes.of(Change.RETIRED, Kind.PERSON)) == sorted(p.handle
                                                                     for p in gone.people)
    async with coop_db.session(read_only=True) as s:
        assert gone.slug not in {e.slug for e in await dir_repo.enterprises(s)}


async def test_check_shows_the_changes_and_changes_nothing(coop_db: Database) -> None:
    data = without(load(EXAMPLE), person="hugo", resource="salle-garance")
    data.channels[0].matrix = V12
    data.cooperative.name = "La Grappe du Nord"
    before = await snapshot(coop_db, TABLES)
    changes = await import_directory(coop_db, data, check=True)
    assert changes is not None
    assert changes.of(Change.RETIRED, Kind.PERSON) == ["hugo"]
    assert changes.of(Change.RETIRED, Kind.RESOURCE) == ["salle-garance"]
    assert changes.of(Change.CHANGED, Kind.CHANNEL) == [f"cooperation (matrix) → {V12}"]
    assert changes.of(Change.CHANGED, Kind.COOPERATIVE) == ["La Grappe du Nord"]
    assert await snapshot(coop_db, TABLES) == before
    assert await card_rooms(coop_db, "matrix") == [OLD_ROOM]

    applied = await import_directory(coop_db, data)  # the same rule, this time kept
    assert applied is not None
    assert applied.entries == changes.entries
    assert await card_rooms(coop_db, "matrix") == [V12]


async def test_a_first_import_adds_everything_and_a_second_nothing(db: Database) -> None:
    first = await import_directory(db, load(EXAMPLE), check=True)
    assert first is not None
    assert len(first.of(Change.ADDED, Kind.ENTERPRISE)) == 18
    assert sorted(first.of(Change.ADDED, Kind.CHANNEL)) == [
        "cooperation (console)", "cooperation (matrix)", "cooperation (slack)"]
    assert await import_directory(db, load(EXAMPLE)) is not None
    again = await import_directory(db, load(EXAMPLE), check=True)
    assert again is not None
    assert again.none


async def test_an_unresolved_alias_is_never_imported(db: Database) -> None:
    data = load(EXAMPLE)
    data.channels[0].matrix = "#cooperation:grappe.example"
    before = await snapshot(db, TABLES)
    with pytest.raises(DirectoryFileError, match=r"channels\[0\] \(cooperation\)"):
        await import_directory(db, data)
    assert await snapshot(db, TABLES) == before


async def test_retired_entries_are_no_longer_used(console: Console) -> None:
    """Through the console: a retired person cannot act and is not mentioned on a card,
    a retired resource cannot be booked, a retired channel gets no card; and all of it
    comes back with the next import that lists them."""
    db = console.bot.db
    await import_(db, with_channel(load(EXAMPLE), "entraide", V12))
    request = "camille: /grappe demande Mairie : de la com et de la compta #communication"
    out = await console.run(request)
    assert "[#entraide] R-1" in out
    assert "@hugo" in out

    await import_(db, without(load(EXAMPLE), person="hugo", resource="salle-garance"))
    out = await console.run(request.replace("Mairie", "CCAS"))
    assert "[#cooperation] R-2" in out
    assert "[#entraide]" not in out
    assert "@hugo" not in out
    out = await console.run("hugo: /grappe moi")
    assert "pas encore dans l’annuaire" in out
    out = await console.run("nadia: /grappe reserver salle-garance jeudi 14h-16h : point")
    assert "Aucune ressource" in out

    await import_(db, with_channel(load(EXAMPLE), "entraide", V12))
    out = await console.run(request.replace("Mairie", "Département"),
                            "hugo: /grappe moi")
    assert "[#entraide] R-3" in out
    assert "@hugo" in out
    assert "pas encore dans l’annuaire" not in out


def test_five_kinds_of_error_are_five_french_messages_at_their_places(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in (('timezone = "Europe/Paris"', 'timezone = "Europe/Lyon"'),
                     ('slug = "salle-pampre"', 'slug = "Salle Pampre"'),
                     ('capacity = 6', 'capacity = "six"\ncolour = "vert"'),
                     ('role = "coordinator"', 'role = "chef"')):
        assert old in text
        text = text.replace(old, new, 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DirectoryFileError) as refused:
        load(bad)
    french = sorted(p.text(Translator("fr")).replace("\u00a0", " ")
                    for p in refused.value.problems)
    person = next(line for line in french if line.endswith(".role : les valeurs possibles "
                                                           "sont 'member' ou 'coordinator'."))
    assert re.fullmatch(r"enterprises\[\d+\] \([a-z-]+\)\.people\[\d+\] \([a-z]+\)\.role : .*",
                        person)
    assert french == sorted([
        "cooperative.timezone : « Europe/Lyon » n’est pas un fuseau horaire connu "
        "(comme Europe/Paris).",
        "resources[0] (Salle Pampre).slug : « Salle Pampre » n’est pas fait de minuscules "
        "sans accents, de chiffres et de tirets (comme compta-plus).",
        "resources[0] (Salle Pampre).capacity : un nombre entier est attendu.",
        "resources[0] (Salle Pampre).colour : ce champ est inconnu (une faute de frappe ?).",
        person])
    assert "resources[0] (Salle Pampre).capacity: a whole number is expected." in [
        p.text(Translator("en")) for p in refused.value.problems]


def test_a_missing_field_and_an_unknown_skill_are_named_too(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[cooperative]\n\n[[enterprises]]\nslug = "a"\nname = "A"\n'
                   'skills = ["inconnue"]\n', encoding="utf-8")
    with pytest.raises(DirectoryFileError) as refused:
        load(bad)
    assert [p.text(Translator("fr")) for p in refused.value.problems] == [
        "cooperative.name\u00a0: ce champ est obligatoire."]
    bad.write_text('[cooperative]\nname = "X"\n\n[[enterprises]]\nslug = "a"\nname = "A"\n'
                   'skills = ["inconnue"]\n', encoding="utf-8")
    with pytest.raises(DirectoryFileError) as refused:
        load(bad)
    assert [p.text(Translator("fr")) for p in refused.value.problems] == [
        "enterprises[0] (a).skills\u00a0: la compétence «\u00a0inconnue\u00a0» ne figure pas "
        "parmi les compétences du fichier."]


async def test_names_sort_as_a_french_reader_expects_and_words_keep_their_accents(
        console: Console) -> None:
    out = await console.run("camille: /grappe membres")
    names = re.findall(r"^  • (.+?) \(", out, re.M)
    assert names.index("Élan Entreprendre") < names.index("Encre Verte") < names.index(
        "Terreau")  # É among the E's, not after the Z's
    out = await console.run("camille: /grappe competences")
    skills = re.findall(r"^  • (.+?) \(#", out, re.M)
    assert skills.index("Évaluation d'impact") < skills.index("Formation")
    events = next(line for line in out.splitlines() if "#evenementiel" in line)
    assert "mots : cérémonie, colloque, événement," in events  # as the file writes them
    assert events.endswith(", …")  # more words than shown
    out = await console.run("camille: /grappe demande Mairie : un evenement festif")
    assert "Compétences : Événementiel" in out  # still matched without accents


def test_a_toml_error_names_its_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[cooperative]\nname = \n', encoding="utf-8")
    with pytest.raises(DirectoryFileError) as refused:
        load(bad)
    (problem,) = refused.value.problems
    assert problem.text(Translator("fr")).startswith(
        f"{bad}:2:8\u00a0: ce n’est pas du TOML valide")
