"""What every table shares: constraint names Alembic can rely on, and UTC time."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# A table's pydantic validator and serializer are built at their first use, which for most
# tables is never (rows are written and read through SQLAlchemy): 0.6 MB of RSS at start.
SQLModel.model_config["defer_build"] = True


def utcnow() -> datetime:
    return datetime.now(UTC)
