"""Importing the file's ``[[clients]]``: each client by slug, its contacts by handle.

A client the file no longer lists is retired (its requests keep naming it). A contact
the file no longer lists is retired too, but one met in the client's room
(``from_file`` false) is not the file's to retire.
"""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.directory.changes import Change, Changes, Kind, outcome, set_values
from commands.directory.file import ClientIn, ContactIn
from storage.models import Client, ClientContact
from storage.repo import clients as repo


def _values(item: ClientIn) -> dict[str, Any]:
    return {"name": item.name, "kind": item.kind, "locale": item.locale,
            "siret": item.siret, "chorus_service": item.chorus_service,
            "response_hours": item.response_hours, "active": True}


def _contact_values(item: ContactIn, client_id: int) -> dict[str, Any]:
    return {"client_id": client_id, "name": item.name, "email": item.email,
            "locale": item.locale, "slack": item.slack, "matrix": item.matrix,
            "from_file": True, "active": True}


async def apply(s: AsyncSession, items: list[ClientIn], changes: Changes) -> dict[str, int]:
    """Bring the clients to ``items``; their ids by slug."""
    existing = {c.slug: c for c in await repo.all_clients(s)}
    contacts = await repo.all_contacts(s)
    by_handle = {k.handle: k for k in contacts if k.handle}
    ids: dict[str, int] = {}
    listed: set[str] = set()
    for item in items:
        client = existing.get(item.slug)
        new = client is None
        if client is None:
            client = Client(slug=item.slug, name=item.name)
            s.add(client)
            await s.flush()
        assert client.id is not None
        ids[item.slug] = client.id
        was_active = client.active
        different = set_values(client, _values(item))
        for person in item.contacts:
            listed.add(person.handle)
            contact = by_handle.get(person.handle)
            await _free(s, contacts, person)
            if contact is None:
                s.add(ClientContact(handle=person.handle, **_contact_values(person, client.id)))
                different = True
            else:
                different |= set_values(contact, _contact_values(person, client.id))
        outcome(changes, Kind.CLIENT, item.slug, new=new, was_active=was_active,
                different=different)
    for slug, client in existing.items():
        if slug not in ids and client.active:
            client.active = False
            changes.note(Change.RETIRED, Kind.CLIENT, slug)
    for contact in contacts:
        if contact.from_file and contact.handle not in listed and contact.active:
            contact.active = False
    return ids


async def _free(s: AsyncSession, contacts: list[ClientContact], person: ContactIn) -> None:
    """A platform account the file now gives to this contact leaves the contact that was
    met with it in the room (the file knows better who the person is)."""
    met = [other for other in contacts if other.handle is None and (
        (person.slack and other.slack == person.slack)
        or (person.matrix and other.matrix == person.matrix))]
    for other in met:
        contacts.remove(other)
        await s.delete(other)
    if met:
        await s.flush()
