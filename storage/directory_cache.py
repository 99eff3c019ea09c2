"""A per-process copy of the directory, good for one generation of it.

Almost every command reads the directory (who acts, the cooperative, skills, channels,
identities to mention) and the directory changes rarely. Each engine (one per process,
or per ``Database``) keeps the parts of it that were read, labelled with the number of
the ``directory_generation`` row. A transaction reads that number with its first cached
read (one small query) and is answered from memory while the label matches.

Writes: a transaction that writes any table of ``storage/models/directory.py``, through
the unit of work or a bulk ``insert``/``update``/``delete``, increments the number just
before it commits, in the same transaction, so every process sees the change at its next
transaction. That rule is the session events below, and nowhere else. A write undone by
a rolled back savepoint (a refused command) increments nothing.

What the cache keeps is never in a session: a read hands out ``copy(s, obj)``, the
session's own instance (``Session.merge(load=False)``, no SQL), which a handler may change
or lose in a rollback without touching the cache. A transaction that wrote the directory,
or holds directory changes not yet flushed, reads the database itself (``read`` gives
None): it must see its own writes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, SessionTransaction
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import directory as directory_models
from storage.models.generation import GENERATION_ROW, DirectoryGeneration

T = TypeVar("T")
M = TypeVar("M", bound=SQLModel)

WROTE = "grappe_directory_wrote"  # session.info: the (nested) transactions that wrote it
SNAPSHOT = "grappe_directory_snapshot"  # session.info: this transaction's generation's copy
_UNKNOWN = object()
_ROOT = object()  # a mark for the root transaction before it began

# Every table model of storage/models/directory.py: a table added there is watched too.
MODELS: tuple[type[SQLModel], ...] = tuple(
    m for m in vars(directory_models).values()
    if isinstance(m, type) and issubclass(m, SQLModel) and hasattr(m, "__table__")
    and m.__module__ == directory_models.__name__)
TABLES = frozenset(inspect(m).local_table.name for m in MODELS)

_READ = select(col(DirectoryGeneration.generation)).where(
    col(DirectoryGeneration.id) == GENERATION_ROW)
_BUMP = update(DirectoryGeneration).where(col(DirectoryGeneration.id) == GENERATION_ROW).values(
    generation=col(DirectoryGeneration.generation) + 1)
_SESSION = AsyncSession.sync_session_class  # what storage.db's sessions run on


@dataclass(frozen=True, eq=False)
class Part(Generic[T]):
    """A piece of the directory kept whole; ``load`` queries it on a session of its own,
    so what it returns is detached (never change it: hand out ``copy``)."""

    name: str
    load: Callable[[Session], T]


@dataclass(eq=False)
class _Snapshot:
    generation: int
    parts: dict[Part[Any], Any] = field(default_factory=dict)


# One snapshot per engine, the newest generation read; gone with the engine.
_snapshots: weakref.WeakKeyDictionary[Engine, _Snapshot] = weakref.WeakKeyDictionary()


async def read(s: AsyncSession, part: Part[T]) -> T | None:
    """``part`` as of this transaction's generation, or None: query the database."""
    session = s.sync_session
    if session.info.get(WROTE) or _pending(session):
        return None
    snapshot = session.info.get(SNAPSHOT, _UNKNOWN)
    if isinstance(snapshot, _Snapshot) and part in snapshot.parts:
        return snapshot.parts[part]  # type: ignore[no-any-return]
    if snapshot is None:
        return None
    return await s.run_sync(_load, part)


def copy(s: AsyncSession, instance: M) -> M:
    """The session's own instance of a cached ``instance`` (no SQL)."""
    return s.sync_session.merge(instance, load=False)


def _load(session: OrmSession, part: Part[T]) -> T | None:
    snapshot = session.info.get(SNAPSHOT, _UNKNOWN)
    if snapshot is _UNKNOWN:
        generation = session.connection().execute(_READ).scalar()
        snapshot = None if generation is None else _shared(session.get_bind(), generation)
        session.info[SNAPSHOT] = snapshot
    if not isinstance(snapshot, _Snapshot):
        return None  # no generation row (a schema not from the migrations): no cache
    if part not in snapshot.parts:
        with Session(bind=session.connection(), join_transaction_mode="rollback_only") as own:
            snapshot.parts[part] = part.load(own)
    return snapshot.parts[part]  # type: ignore[no-any-return]


def _shared(engine: Any, generation: int) -> _Snapshot:
    """The engine's snapshot for ``generation``; an older transaction gets one of its own."""
    snapshot = _snapshots.get(engine)
    if snapshot is None or snapshot.generation < generation:
        snapshot = _snapshots[engine] = _Snapshot(generation)
    elif snapshot.generation > generation:
        snapshot = _Snapshot(generation)
    return snapshot


# --- writes: the generation grows with every directory change -------------------------------

def _directory(objects: Iterable[object]) -> bool:
    return any(isinstance(o, MODELS) for o in objects)


def _pending(session: OrmSession) -> bool:
    return _directory(session.new) or _directory(session.dirty) or _directory(session.deleted)


def _mark(session: OrmSession) -> None:
    """Note that the current transaction (a savepoint, or the root one, maybe not yet
    begun: a bulk statement first in its session) wrote the directory."""
    here = session.get_nested_transaction() or session.get_transaction() or _ROOT
    session.info.setdefault(WROTE, set()).add(here)


def _within(transaction: SessionTransaction | object | None,
            ancestor: SessionTransaction) -> bool:
    if transaction is _ROOT:
        return ancestor.parent is None
    while isinstance(transaction, SessionTransaction):
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(_SESSION, "before_flush")
def _on_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    if _pending(session):
        _mark(session)


@event.listens_for(_SESSION, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in TABLES:
            _mark(state.session)


@event.listens_for(_SESSION, "after_soft_rollback")
def _on_rollback(session: OrmSession, previous_transaction: SessionTransaction) -> None:
    marks = session.info.get(WROTE)
    if marks:
        marks.difference_update([t for t in marks if _within(t, previous_transaction)])


@event.listens_for(_SESSION, "before_commit")
def _on_commit(session: OrmSession) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outermost commit counts
    if _pending(session):
        session.flush()  # the commit's own flush comes after this event
    if session.info.pop(WROTE, None):
        session.connection().execute(_BUMP)


@event.listens_for(_SESSION, "after_transaction_end")
def _on_end(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)
        session.info.pop(SNAPSHOT, None)
