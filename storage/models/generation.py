"""The directory's generation: one row whose number grows with every directory change.

Each process keeps the directory in memory (``storage.directory_cache``) and checks this
number at the start of a transaction: a change committed by another replica shows there.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

GENERATION_ROW = 1  # the one row's id, inserted by migration 0007


class DirectoryGeneration(SQLModel, table=True):
    __tablename__ = "directory_generation"

    id: int | None = Field(default=None, primary_key=True)
    generation: int = Field(default=0)
