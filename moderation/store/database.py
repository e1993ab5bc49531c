"""Engines, sessions and schema migrations (Alembic) for SQLite and PostgreSQL alike."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from moderation.store.sqlite_writer import SerializedWriterConnection

MIGRATIONS = Path(__file__).parent / "migrations"
# A pooled PostgreSQL connection idle longer than this is pinged before use (a round trip); one
# back sooner is used as it is. Under load every connection comes back within milliseconds, and a
# ping before each webhook was one of its round trips; a server restarted meanwhile is found by
# the ping of the first connection taken after it (all pooled ones are then replaced).
PING_AFTER_IDLE_S = 1.0


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine for ``url`` with ``pool_size`` connections (10 more when busy, then a 5 s wait);
    a SQLite file's folder is created, the file runs in WAL mode, and its writers take turns on a
    lock (``sqlite_writer``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": 5}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            connect_args["factory"] = SerializedWriterConnection  # writers queue on a lock, not in sleeps
        engine = create_engine(url, connect_args=connect_args, pool_size=pool_size, pool_timeout=5)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=10, pool_timeout=5)
    event.listen(engine, "checkin", _note_idle_since)
    event.listen(engine, "checkout", partial(_ping_if_idle, engine.dialect))
    return engine


def _note_idle_since(_: Any, record: ConnectionPoolEntry) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect: Dialect, dbapi_connection: Any, record: ConnectionPoolEntry, _: Any) -> None:
    """SQLAlchemy's ``pool_pre_ping``, for connections idle over ``PING_AFTER_IDLE_S`` only."""
    idle_since = record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since <= PING_AFTER_IDLE_S:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as exc:
        # the pool takes a new connection instead, and replaces every one older than it
        raise InvalidatePoolError(f"a pooled connection failed its ping: {exc}") from exc


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema to ``revision``, by default the latest."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed at the end, or rolled back on any error."""
    with factory() as session, session.begin():
        yield session
