"""The directory's clients: their invoicing identifiers checked, their rooms, their
contacts, and a request that names one linked to it. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from commands.directory.file import DirectoryFile, DirectoryFileError, load
from commands.directory.importing import Change, Kind, apply
from commands.i18n import Translator
from commands.identifiers import siret
from storage.db import Database
from storage.models import Channel, ClientContact, Request
from storage.repo import clients as repo
from tests.conftest import EXAMPLE, Console


def example_with(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "cooperative.toml"
    path.write_text(text, encoding="utf-8")
    return path


ROOM = '''
[[channels]]
name = "roubaix"
purpose = "client"
client = "mairie-roubaix"
matrix = "!roubaix:grappe.example"
'''


@pytest.mark.parametrize(("written", "read"), [
    ("732 829 320 00074", "73282932000074"),
    ("73282932000074", "73282932000074"),
    ("732.829.320.00074", "73282932000074"),
    ("73282932000075", None),  # one digit wrong: the Luhn sum says so
    ("7328293200007", None),   # 13 digits
    ("SIRET 73282932000074", None),
    ("35600000049837", "35600000049837"),  # La Poste: the sum of its digits
])
def test_a_siret_is_fourteen_digits_with_its_check(written: str, read: str | None) -> None:
    assert siret(written) == read


def test_the_example_directory_has_clients_with_their_identifiers() -> None:
    data = load(EXAMPLE)
    roubaix = next(c for c in data.clients if c.slug == "mairie-roubaix")
    assert (roubaix.kind, roubaix.siret) == ("commune", "21590000100011")
    assert [k.handle for k in roubaix.contacts] == ["nadia-roubaix"]


def french_problems(path: Path) -> list[str]:
    with pytest.raises(DirectoryFileError) as refused:
        load(path)
    return sorted(p.text(Translator("fr")).replace("\u00a0", " ")
                  for p in refused.value.problems)


def test_a_wrong_siret_and_an_unknown_kind_are_french_messages_at_their_places(
        tmp_path: Path) -> None:
    french = french_problems(example_with(
        tmp_path, ('siret = "215 900 001 00011"', 'siret = "215 900 001 00012"'),
        ('kind = "intercommunalite"', 'kind = "epci"')))
    assert french[0] == ("clients[0] (mairie-roubaix).siret : « 215 900 001 00012 » n’est pas "
                         "un SIRET (14 chiffres, comme sur l’avis de situation INSEE).")
    assert french[1].startswith("clients[1] (mel).kind : les valeurs possibles sont 'commune',")
    assert len(french) == 2


def test_a_client_room_names_a_known_client(tmp_path: Path) -> None:
    unknown = ROOM.replace('client = "mairie-roubaix"', 'client = "mairie-lille"')
    nameless = ROOM.replace("roubaix", "croix").replace('client = "mairie-croix"\n', "")
    stray = ROOM.replace("roubaix", "hem").replace('purpose = "client"', 'purpose = "hem"')
    french = french_problems(example_with(
        tmp_path, ("[digest]", unknown + nameless + stray + "\n[digest]")))
    assert french == [
        "channels[1] (roubaix) : le client « mairie-lille » ne figure pas parmi les clients "
        "du fichier.",
        "channels[2] (croix) : le salon d’un client nomme son client (client = \"slug\").",
        "channels[3] (hem) : un salon rattaché à un client a pour objet « client ».",
    ]


async def test_a_client_room_imports_with_its_client_and_retires_with_it(
        db: Database, tmp_path: Path) -> None:
    data = load(example_with(tmp_path, ("[digest]", ROOM + "\n[digest]")))
    async with db.session() as s:
        changes = await apply(s, data)
    assert changes.of(Change.ADDED, Kind.CLIENT) == ["mairie-roubaix", "mel",
                                                     "departement-nord"]
    async with db.session(read_only=True) as s:
        room = (await s.exec(select(Channel).where(Channel.name == "roubaix",
                                                   Channel.platform == "matrix"))).one()
        roubaix = next(c for c in await repo.clients(s) if c.slug == "mairie-roubaix")
        assert (room.purpose, room.client_id) == ("client", roubaix.id)
        nadia = await repo.contacts_of(s, roubaix.id or 0)
        assert [(k.name, k.from_file) for k in nadia] == [("Nadia Benali", True)]
    data = load(EXAMPLE)
    data.clients = [c for c in data.clients if c.slug != "mairie-roubaix"]
    async with db.session() as s:
        changes = await apply(s, data)
    assert changes.of(Change.RETIRED, Kind.CLIENT) == ["mairie-roubaix"]
    assert changes.of(Change.RETIRED, Kind.CHANNEL) == ["roubaix (console)", "roubaix (matrix)"]
    async with db.session(read_only=True) as s:
        assert [c.slug for c in await repo.clients(s)] == ["departement-nord", "mel"]
        assert await repo.contacts_of(s, roubaix.id or 0) == []


async def test_a_contact_met_in_the_room_stays_and_the_file_takes_its_account(
        coop_db: Database) -> None:
    data: DirectoryFile = load(EXAMPLE)
    async with coop_db.session() as s:
        roubaix = next(c for c in await repo.clients(s) if c.slug == "mairie-roubaix")
        s.add(ClientContact(client_id=roubaix.id or 0, name="Agent d’accueil",
                            matrix="@accueil:ville-roubaix.example", from_file=False))
        s.add(ClientContact(client_id=roubaix.id or 0, name="N. Benali",
                            matrix="@nbenali:ville-roubaix.example", from_file=False))
    data.clients[0].contacts[0].matrix = "@nbenali:ville-roubaix.example"
    async with coop_db.session() as s:
        changes = await apply(s, data)
    assert changes.of(Change.CHANGED, Kind.CLIENT) == ["mairie-roubaix"]
    async with coop_db.session(read_only=True) as s:
        contacts = await repo.contacts_of(s, roubaix.id or 0)
        assert [(k.name, k.handle, k.matrix) for k in contacts] == [
            ("Agent d’accueil", None, "@accueil:ville-roubaix.example"),
            ("Nadia Benali", "nadia-roubaix", "@nbenali:ville-roubaix.example")]
        met = await repo.contact_by_account(s, "matrix", "@accueil:ville-roubaix.example")
        assert met is not None
        assert met.name == "Agent d’accueil"


@pytest.mark.parametrize(("written", "linked"), [
    ("Mairie de Roubaix", "mairie-roubaix"),
    ("mairie de roubaix", "mairie-roubaix"),
    ("MEL", "mel"),
    ("Metropole europeenne de Lille", "mel"),
    ("Mairie de Croix", None),  # not in the directory: a name on the request
])
async def test_a_request_naming_a_client_is_linked_to_it(
        console: Console, written: str, linked: str | None) -> None:
    out = await console.run(f"camille: /grappe demande {written} : affiches du marché de Noël")
    assert "R-1" in out
    async with console.bot.db.session(read_only=True) as s:
        request = (await s.exec(select(Request))).one()
        client = await repo.client_by_id(s, request.client_id) if request.client_id else None
    assert request.client == written
    assert (client.slug if client else None) == linked
