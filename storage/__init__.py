"""Persistence: SQLModel tables, the async engine, migrations and every SQL query."""
