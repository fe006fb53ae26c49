"""Sessions: a conversation's items kept between runs (the Agents SDK's Session protocol).

    session = SQLiteSession("customer-42", "conversations.db")
    await run(graph, "Where is my invoice?", session=session)
    await run(graph, "And the refund?", session=session)   # sees the first exchange

A run with a session reads the session's items and puts them before its input; when it ends
(or stops for approvals) it adds its input and the items it produced, as the SDK does. Any
object with the SDK's four methods is a session (an SDK session works as is); `SQLiteSession`
is the default: a real database file, the SDK's tables, safe for several processes at once
(WAL journal, a busy timeout, each write one transaction).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from agentgraph.compiler.errors import AgentGraphError

if TYPE_CHECKING:
    from .events import StreamEvent
    from .runner import Run

_T = TypeVar("_T")
DEFAULT_DB = "agentgraph_sessions.db"
_BUSY_TIMEOUT_MS = 30_000
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS agent_sessions (
        session_id TEXT PRIMARY KEY,
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS agent_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        message_data TEXT NOT NULL,
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        FOREIGN KEY (session_id) REFERENCES agent_sessions (session_id) ON DELETE CASCADE)""",
    """CREATE INDEX IF NOT EXISTS idx_agent_messages_session_id
        ON agent_messages (session_id, id)""",
)


class SessionStoreError(AgentGraphError, OSError):
    """A session database that cannot be opened, read or written (its path in the message)."""


@runtime_checkable
class Session(Protocol):
    """What a run needs of a session store (the Agents SDK's Session protocol)."""

    session_id: str

    async def get_items(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The conversation's items, oldest first; with `limit`, the latest that many."""
        ...

    async def add_items(self, items: list[dict[str, Any]]) -> None:
        """Append items to the conversation."""
        ...

    async def pop_item(self) -> dict[str, Any] | None:
        """Remove and return the latest item (None when there is none)."""
        ...

    async def clear_session(self) -> None:
        """Forget the conversation."""
        ...


class SQLiteSession:
    """A session kept in a SQLite database file (`agentgraph_sessions.db` by default), in the
    tables the Agents SDK's SQLiteSession uses, so either can read the other's file."""

    def __init__(self, session_id: str, db_path: str | Path = DEFAULT_DB) -> None:
        self.session_id = session_id
        self.db_path = Path(db_path)
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.db_path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        if not self._ready:
            connection.execute("PRAGMA journal_mode = WAL")
            with connection:
                for statement in _SCHEMA:
                    connection.execute(statement)
            self._ready = True
        return connection

    def _write(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run `work` in one write transaction, taken at once (BEGIN IMMEDIATE)."""
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                done = work(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            return done

    def _read(self, limit: int | None) -> list[dict[str, Any]]:
        with closing(self._connect()) as connection:
            if limit is None:
                rows = connection.execute(
                    "SELECT message_data FROM agent_messages WHERE session_id = ? ORDER BY id",
                    (self.session_id,),
                ).fetchall()
            else:
                rows = connection.execute(
                    "SELECT message_data FROM agent_messages WHERE session_id = ? "
                    "ORDER BY id DESC LIMIT ?",
                    (self.session_id, limit),
                ).fetchall()
                rows.reverse()
        return [json.loads(row[0]) for row in rows]

    def _add(self, items: list[dict[str, Any]]) -> None:
        def work(connection: sqlite3.Connection) -> None:
            connection.execute(
                "INSERT OR IGNORE INTO agent_sessions (session_id) VALUES (?)", (self.session_id,)
            )
            connection.executemany(
                "INSERT INTO agent_messages (session_id, message_data) VALUES (?, ?)",
                [(self.session_id, json.dumps(item, ensure_ascii=False)) for item in items],
            )
            connection.execute(
                "UPDATE agent_sessions SET updated_at = CURRENT_TIMESTAMP WHERE session_id = ?",
                (self.session_id,),
            )

        self._write(work)

    def _pop(self) -> dict[str, Any] | None:
        def work(connection: sqlite3.Connection) -> dict[str, Any] | None:
            row = connection.execute(
                "SELECT id, message_data FROM agent_messages WHERE session_id = ? "
                "ORDER BY id DESC LIMIT 1",
                (self.session_id,),
            ).fetchone()
            if row is None:
                return None
            connection.execute("DELETE FROM agent_messages WHERE id = ?", (row[0],))
            item: dict[str, Any] = json.loads(row[1])
            return item

        return self._write(work)

    def _clear(self) -> None:
        def work(connection: sqlite3.Connection) -> None:
            for table in ("agent_messages", "agent_sessions"):
                connection.execute(f"DELETE FROM {table} WHERE session_id = ?", (self.session_id,))

        self._write(work)

    async def _off_loop(self, work: Callable[..., _T], *args: Any) -> _T:
        """Run a database call in a thread; its failures name the database file."""
        try:
            return await asyncio.to_thread(work, *args)
        except (sqlite3.Error, OSError, ValueError) as exc:
            raise SessionStoreError(
                f"session database {self.db_path}: {type(exc).__name__}: {exc}"
            ) from exc

    async def get_items(self, limit: int | None = None) -> list[dict[str, Any]]:
        return await self._off_loop(self._read, limit)

    async def add_items(self, items: list[dict[str, Any]]) -> None:
        if items:
            await self._off_loop(self._add, list(items))

    async def pop_item(self) -> dict[str, Any] | None:
        return await self._off_loop(self._pop)

    async def clear_session(self) -> None:
        await self._off_loop(self._clear)


def input_items(input: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A run's input as items (a text is the user's message)."""
    return [{"role": "user", "content": input}] if isinstance(input, str) else list(input)


async def run_in_session(run: Run, session: Any, *, resumed: bool) -> AsyncIterator[StreamEvent]:
    """The run's events, its input preceded by the session's items; at the end (or a stop for
    approvals) the session gets the new input and the items the run produced (a resumed run:
    the items made since it resumed)."""
    new_input = [] if resumed else input_items(run.result.input)
    if not resumed:
        run.set_input([*await session.get_items(), *new_input])
    start = len(run.result.items)
    async for event in run.events():
        yield event
    await session.add_items([*new_input, *(item.raw for item in run.result.items[start:])])
