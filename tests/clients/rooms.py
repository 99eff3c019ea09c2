"""A client's room, added to the example cooperative the way an import would.

The example lists clients but no client room: the suites of ``tests/clients`` add one to a
client (the Mairie de Roubaix by default, created when it is not in the directory), with
its agent Agathe Martin (a contact), on the console, on Slack (a shared channel) and on
Matrix (a room on the cluster's server).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from storage.db import Database
from storage.models import Channel, Client, ClientContact

ROOM = "#mairie-roubaix"
SLACK_ROOM = "C09ROUBAIX"
MATRIX_ROOM = "!roubaix:grappe.example"


@dataclass(frozen=True)
class ClientRoom:
    client_id: int
    contact_id: int
    room: str = ROOM


async def add_client(db: Database, slug: str = "mairie-roubaix", name: str = "Mairie de Roubaix",
                     *, room: str = ROOM, contact: str = "agathe",
                     response_hours: float | None = None) -> ClientRoom:
    async with db.session() as s:
        client = (await s.exec(select(Client).where(Client.slug == slug))).first() \
            or Client(slug=slug, name=name, kind="commune")
        client.response_hours = response_hours
        s.add(client)
        await s.flush()
        assert client.id is not None
        person = ClientContact(client_id=client.id, handle=contact, name="Agathe Martin",
                               email="a.martin@ville-roubaix.example",
                               slack=f"U09{contact.upper()}",
                               matrix=f"@{contact}:{slug}.example")
        s.add(person)
        name_of_room = room.removeprefix("#")
        for platform, room_id in (("console", room), ("slack", f"C09{slug[:6].upper()}"),
                                  ("matrix", f"!{slug}:grappe.example")):
            s.add(Channel(name=name_of_room, purpose="client", platform=platform,
                          platform_channel_id=room_id, client_id=client.id))
        await s.flush()
        assert person.id is not None
        return ClientRoom(client.id, person.id, room)
