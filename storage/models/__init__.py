"""All tables. Alembic's metadata is ``SQLModel.metadata`` once this package is imported."""

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
from storage.models.machinery import (
    AdapterState,
    Audit,
    Claim,
    InboundEvent,
    MessageRef,
    Outbox,
    utcnow,
)
from storage.models.requests import Answer, Consultation, Request, RequestSkill

__all__ = [
    "AdapterState",
    "Answer",
    "Audit",
    "Channel",
    "Claim",
    "Consultation",
    "Cooperative",
    "Enterprise",
    "EnterpriseSkill",
    "Identity",
    "InboundEvent",
    "MessageRef",
    "Outbox",
    "Person",
    "Request",
    "RequestSkill",
    "Resource",
    "Skill",
    "SkillSynonym",
    "utcnow",
]
