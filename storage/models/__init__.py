"""All tables. Alembic's metadata is ``SQLModel.metadata`` once this package is imported."""

from storage.models.adapter_state import AdapterState
from storage.models.audit import Audit
from storage.models.base import utcnow
from storage.models.bookings import Booking, BookingSeries, BookingStatus
from storage.models.claims import Claim
from storage.models.client_requests import ClientRequest
from storage.models.digest import DigestSetting
from storage.models.directory import (
    Channel,
    Client,
    ClientContact,
    Cooperative,
    Enterprise,
    EnterpriseSkill,
    Identity,
    Person,
    PersonRole,
    Resource,
    Skill,
    SkillSynonym,
)
from storage.models.generation import DirectoryGeneration
from storage.models.inbound_events import InboundEvent
from storage.models.leases import AdapterLease
from storage.models.message_refs import MessageRef
from storage.models.outbox import DeliveryRole, Outbox, OutboxStatus
from storage.models.polls import Poll, PollInvitee, PollOption, PollVote
from storage.models.projects import Milestone, Project, ProjectShare, TimeEntry
from storage.models.requests import Answer, Consultation, Request, RequestSkill

__all__ = [
    "AdapterLease",
    "AdapterState",
    "Answer",
    "Audit",
    "Booking",
    "BookingSeries",
    "BookingStatus",
    "Channel",
    "Claim",
    "Client",
    "ClientContact",
    "ClientRequest",
    "Consultation",
    "Cooperative",
    "DeliveryRole",
    "DigestSetting",
    "DirectoryGeneration",
    "Enterprise",
    "EnterpriseSkill",
    "Identity",
    "InboundEvent",
    "MessageRef",
    "Milestone",
    "Outbox",
    "OutboxStatus",
    "Person",
    "PersonRole",
    "Poll",
    "PollInvitee",
    "PollOption",
    "PollVote",
    "Project",
    "ProjectShare",
    "Request",
    "RequestSkill",
    "Resource",
    "Skill",
    "SkillSynonym",
    "TimeEntry",
    "utcnow",
]
