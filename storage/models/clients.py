"""The cluster's clients (local authorities mostly) and the people who speak for them.

A client is known by its slug in the directory file; its invoicing identifiers are the
ones a project of it invoices to (Chorus Pro for a public body). A contact is one of the
client's agents: listed in the file, or met in the client's room (``from_file`` false),
and an import never retires one it did not list.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class Client(SQLModel, table=True):
    __tablename__ = "clients"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="autre", max_length=30)  # commune | intercommunalite | …
    locale: str = Field(default="fr", max_length=8)
    siret: str | None = Field(default=None, max_length=14)
    chorus_service: str | None = Field(default=None, max_length=100)
    # the first answer it is promised, in business hours (None: the cooperative's default)
    response_hours: float | None = Field(default=None)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class ClientContact(SQLModel, table=True):
    __tablename__ = "client_contacts"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True, ondelete="CASCADE")
    handle: str | None = Field(default=None, max_length=64, unique=True)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    locale: str = Field(default="fr", max_length=8)
    slack: str | None = Field(default=None, max_length=255, unique=True)
    matrix: str | None = Field(default=None, max_length=255, unique=True)
    from_file: bool = Field(default=True)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
