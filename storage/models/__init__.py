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

__all__ = [
    "AdapterState",
    "Audit",
    "Channel",
    "Claim",
    "Cooperative",
    "Enterprise",
    "EnterpriseSkill",
    "Identity",
    "InboundEvent",
    "MessageRef",
    "Outbox",
    "Person",
    "Resource",
    "Skill",
    "SkillSynonym",
    "utcnow",
]
