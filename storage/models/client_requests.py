"""The client's side of a request opened from their room: where to answer, what was
promised, and how the client found it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class ClientRequest(SQLModel, table=True):
    """One request written by a client in their room (``R-<request_id>``).

    ``response_due_at`` is the first answer promised in the acknowledgement (business
    hours); ``first_reply_at`` the first public reply; ``last_message_at`` the client's
    latest message joined to it (what follows within a short window joins it too).
    """

    __tablename__ = "client_requests"

    request_id: int = Field(foreign_key="requests.id", primary_key=True, ondelete="CASCADE")
    client_id: int = Field(foreign_key="clients.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="client_contacts.id")
    platform: str = Field(max_length=20)
    room: str = Field(max_length=255)  # the platform's room id
    locale: str = Field(default="fr", max_length=8)  # the client's language
    acknowledged_at: datetime = Field(default_factory=utcnow)
    response_due_at: datetime | None = Field(default=None, index=True)
    first_reply_at: datetime | None = Field(default=None)
    last_message_at: datetime = Field(default_factory=utcnow)
    satisfaction_asked_at: datetime | None = Field(default=None)
    satisfaction: int | None = Field(default=None)  # 1 to 5
    satisfaction_at: datetime | None = Field(default=None)
