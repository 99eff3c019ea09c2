"""Alembic environment: runs on the connection that ``storage.migrate`` hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers every table)
from storage.migrate import own_schema

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` on the command line
    raise RuntimeError("run migrations through `grappe db upgrade`")

# The version table lives in the connection's own schema (the first of its
# search_path), never in a schema found further down the path: a database whose
# public schema holds another copy must not look migrated.
schema = own_schema(connection)
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    version_table_schema=schema,
)
with context.begin_transaction():
    context.run_migrations()
