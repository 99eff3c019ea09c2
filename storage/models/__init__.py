"""All tables. Alembic's metadata is ``SQLModel.metadata`` once this package is imported."""

from storage.models.bookings import Booking, BookingSeries, BookingStatus
from storage.models.digest import DigestSetting
from storage.models.directory import (
    Channel,
    Cooperative,
    Enterprise,
    EnterpriseSkill,
    Identity,
    Person,
    Resource,
    Skill,
    SkillSynonym,
)
from storage.models.generation import DirectoryGeneration
from storage.models.machinery import (
    AdapterState,
    Audit,
    Claim,
    InboundEvent,
    MessageRef,
    Outbox,
    utcnow,
)
from storage.models.polls import Poll, PollInvitee, PollOption, PollVote
from storage.models.requests import Answer, Consultation, Request, RequestSkill

__all__ = [
    "AdapterState",
    "Answer",
    "Audit",
    "Booking",
    "BookingSeries",
    "BookingStatus",
    "Channel",
    "Claim",
    "Consultation",
    "Cooperative",
    "DigestSetting",
    "DirectoryGeneration",
    "Enterprise",
    "EnterpriseSkill",
    "Identity",
    "InboundEvent",
    "MessageRef",
    "Outbox",
    "Person",
    "Poll",
    "PollInvitee",
    "PollOption",
    "PollVote",
    "Request",
    "RequestSkill",
    "Resource",
    "Skill",
    "SkillSynonym",
    "utcnow",
]
