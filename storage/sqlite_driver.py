"""SQLAlchemy's aiosqlite adapter, with one trip to aiosqlite's thread per statement.

aiosqlite runs every call on the connection in its own thread and hands the result
back to the event loop; SQLAlchemy's adapter makes four such calls for one statement
(open a cursor, execute, fetch the rows, close the cursor), each a wake-up of that
thread, a wake-up of the loop and a turn of the GIL between them. A statement costs
about 200 µs of CPU that way on this kind of machine, against 35 µs for one trip
(``bench/README.md``, 8 Dec 2026), and grappe runs some fifteen per command.

Here the four are one function run in that thread (``_run``): it executes, fetches,
and returns the cursor's description, row count, last row id and rows, which the
adapter's cursor then serves as its base class serves what it fetched. Everything
else is SQLAlchemy's own adapter (connection, transactions, errors, server-side
cursors). It reaches into two names the libraries do not document — aiosqlite's
``Connection._execute`` and ``_conn``, SQLAlchemy's adapter classes — so both are
pinned (pyproject.toml), and the whole suite runs on it.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

_Found = tuple[Any, int, int | None, list[Any]]


def _run(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Found:
    """In aiosqlite's thread: the statement, its rows, and what its cursor says of it."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor that holds what ``_run`` found: no aiosqlite cursor behind it."""

    __slots__ = ("_description", "_rowcount", "_lastrowid", "_arraysize")

    def __init__(self, adapt_connection: Any):  # the base would open a cursor: one trip
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        return None  # nothing left open: the rows are here

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        return None  # one statement, one result

    async def _trip(self, operation: Any, parameters: Any, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            found = await self._connection._execute(
                _run, self._connection._conn, operation, parameters, many)
        self._description, self._rowcount, self._lastrowid, rows = found
        self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._trip(operation, parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._trip(operation, seq_of_parameters, True)


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _Cursor


class OneTrip(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module to give ``create_async_engine(…, module=…)`` for aiosqlite."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *args: Any, **kwargs: Any) -> _Connection:
        adapted = super().connect(*args, **kwargs)
        return _Connection(self, adapted._connection)
