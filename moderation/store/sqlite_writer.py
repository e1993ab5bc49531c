"""One writer at a time on a SQLite file, queued on a lock that hands over at once.

SQLite lets one connection write at a time; a second writer retries in SQLite's busy handler,
which sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries. Under load (two service workers, each with
a thread pool) those sleeps, not the work, made the webhook's slowest answers: the first INSERT of
a webhook, where its transaction takes the write lock, waited over 100 ms at the 99th percentile
at 300 requests/s (BENCHMARKS.md). Here a connection takes a per-process lock and an exclusive
``flock`` on ``<database>-writer.lock`` before its first write statement, and gives both back when
its transaction ends: a waiting thread of the same process wakes as soon as the last writer
commits, one of another process within a fraction of a millisecond.

The connection class is handed to ``sqlite3.connect`` as its ``factory`` (``make_engine`` does so
for SQLite files). Waiting for the turn, held by a thread of this process or by another process,
gives up after the connection's ``timeout`` (5 s in ``make_engine``) with the error SQLite itself
raises then ("database is locked"); the kernel frees a dead process's turn.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import IO, Any

# The statements with which Python's sqlite3 opens a transaction on its own (and so takes the lock),
# after any comments. (``WITH … INSERT`` runs outside a transaction and is not covered.)
WRITE = re.compile(r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE | re.DOTALL)
POLL_S = 0.0002  # how often a writer looks again while another process holds the turn


class WriterLock:
    """The write turn on one database file, shared by every connection of this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread = threading.Lock()
        self._file: IO[bytes] | None = None

    def acquire(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the turn, or raise SQLite's "database is locked"."""
        deadline = time.monotonic() + timeout
        if not self._thread.acquire(timeout=timeout):
            raise sqlite3.OperationalError("database is locked (another writer of this process held it)")
        try:
            if self._file is None:
                self._file = self.path.open("ab")
            # flock itself has no timeout: look again every POLL_S (SQLite's busy handler sleeps
            # 1, 2, 5, 10 … ms between its tries)
            while True:
                try:
                    fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise sqlite3.OperationalError("database is locked (another process held it)") from None
                    time.sleep(POLL_S)
        except BaseException:
            self._thread.release()
            raise

    def release(self) -> None:
        assert self._file is not None
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._thread.release()


_LOCKS: dict[Path, WriterLock] = {}
_LOCKS_GUARD = threading.Lock()


def _forget_locks() -> None:
    """In a forked child: its own lock files (an inherited open file would share the parent's
    ``flock``) and a guard no parent thread can be holding."""
    global _LOCKS_GUARD
    _LOCKS.clear()
    _LOCKS_GUARD = threading.Lock()


os.register_at_fork(after_in_child=_forget_locks)


def writer_lock(database: str) -> WriterLock:
    """The process's lock for the SQLite file ``database``."""
    path = Path(database).resolve()
    with _LOCKS_GUARD:
        if path not in _LOCKS:
            _LOCKS[path] = WriterLock(path.with_name(path.name + "-writer.lock"))
        return _LOCKS[path]


class SerializedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection that holds its database's ``WriterLock`` from its first write statement
    until its transaction ends (commit, rollback, close, or a statement run outside a transaction)."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._writer = writer_lock(database)
        self._wait_s = float(kwargs.get("timeout", 5.0))
        self._holding = False

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:
        return super().cursor(factory or _Cursor)

    # sqlite3's shortcuts make a plain cursor: these go through ours
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, parameters)

    def commit(self) -> None:
        super().commit()
        self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def __exit__(self, *exc: object) -> Any:  # ``with connection:`` commits or rolls back in C
        try:
            return super().__exit__(*exc)
        finally:
            self._after()

    def executescript(self, script: str, /) -> sqlite3.Cursor:  # commits first, then runs as written
        self._take()
        try:
            return super().executescript(script)
        finally:
            self._after()

    def _before(self, statement: str) -> None:
        if not self._holding and WRITE.match(statement):
            self._take()

    def _take(self) -> None:
        if not self._holding:
            self._writer.acquire(self._wait_s)
            self._holding = True

    def _after(self) -> None:
        if self._holding and not self.in_transaction:  # autocommitted, or the statement failed first
            self._release()

    def _release(self) -> None:
        if getattr(self, "_holding", False):  # (False too when __init__ did not get that far)
            self._holding = False
            self._writer.release()


class _Cursor(sqlite3.Cursor):
    connection: SerializedWriterConnection

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        self.connection._before(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self.connection._after()

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        self.connection._before(sql)
        try:
            return super().executemany(sql, parameters)
        finally:
            self.connection._after()
