import multiprocessing
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from moderation.store.database import make_engine
from moderation.store.sqlite_writer import SerializedWriterConnection, writer_lock


def connect(path: Path, timeout: float = 0.0, **kwargs) -> sqlite3.Connection:
    # timeout 0: SQLite's own busy handler would fail at once, so a writer that waits and then
    # succeeds waited on the writer lock
    return sqlite3.connect(path, timeout=timeout, factory=SerializedWriterConnection, **kwargs)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    connection = connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x INTEGER UNIQUE)")
    connection.close()
    return path


@pytest.fixture
def opened():
    """Connections a test opens, closed after it."""
    connections: list[sqlite3.Connection] = []
    yield connections
    for connection in connections:
        connection.close()


def hold_write(path: Path, started, seconds: float) -> None:
    connection = connect(path)
    connection.execute("INSERT INTO t VALUES (1)")
    started.set()
    time.sleep(seconds)
    connection.commit()
    connection.close()


@contextmanager
def another_process_writing(db: Path, seconds: float):
    """Another process inserting 1 and committing ``seconds`` after; entered once it holds the turn."""
    context = multiprocessing.get_context("spawn")
    started = context.Event()
    holder = context.Process(target=hold_write, args=(db, started, seconds))
    holder.start()
    try:
        assert started.wait(30)
        yield
    finally:
        holder.join(30)
    assert holder.exitcode == 0


def test_a_writer_in_another_process_waits_its_turn_instead_of_failing(db):
    connection = connect(db, timeout=5)
    connection.execute("PRAGMA busy_timeout = 0")  # SQLite alone would now fail at once
    # read once: an open reader keeps the other process's close from checkpointing the WAL away
    assert connection.execute("SELECT count(*) FROM t").fetchone() == (0,)
    with another_process_writing(db, 0.5):
        connection.execute("INSERT INTO t VALUES (2)")
        connection.commit()
        assert [x for (x,) in connection.execute("SELECT x FROM t ORDER BY x")] == [1, 2]
    connection.close()


def test_a_second_writer_of_the_same_process_gives_up_after_its_timeout(db, opened):
    first, second = connect(db), connect(db, timeout=0.2)
    opened += [first, second]
    first.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="another writer of this process"):
        second.execute("INSERT INTO t VALUES (2)")
    first.commit()
    second.execute("INSERT INTO t VALUES (2)")
    second.commit()
    assert second.execute("SELECT count(*) FROM t").fetchone() == (2,)


def end_in_with(connection: sqlite3.Connection) -> None:
    with connection:
        connection.execute("UPDATE t SET x = x")


@pytest.mark.parametrize(
    "end",
    [lambda c: c.commit(), lambda c: c.rollback(), lambda c: c.close(), end_in_with],
    ids=["commit", "rollback", "close", "with"],
)
def test_the_turn_passes_on_when_a_transaction_ends(db, opened, end):
    first, second = connect(db), connect(db)
    opened += [first, second]
    first.execute("INSERT INTO t VALUES (1)")
    end(first)
    second.execute("INSERT INTO t VALUES (2)")  # timeout 0: would fail if the turn were still held
    second.commit()


def test_a_failed_write_holds_the_turn_until_rolled_back(db, opened):
    first, second = connect(db), connect(db)
    opened += [first, second]
    first.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError):
        first.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="another writer of this process"):
        second.execute("INSERT INTO t VALUES (2)")
    first.rollback()
    second.execute("INSERT INTO t VALUES (2)")
    second.commit()
    assert second.execute("SELECT x FROM t").fetchall() == [(2,)]


def test_autocommitted_writes_and_reads_do_not_keep_the_turn(db, opened):
    autocommit, other = connect(db, isolation_level=None), connect(db)
    opened += [autocommit, other]
    autocommit.execute("INSERT INTO t VALUES (1)")
    assert autocommit.execute("SELECT count(*) FROM t").fetchone() == (1,)
    other.execute("INSERT INTO t VALUES (2)")
    other.commit()


def test_engines_on_a_sqlite_file_use_the_writer_lock(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'e.db'}")
    with engine.begin() as connection:
        assert isinstance(connection.connection.dbapi_connection, SerializedWriterConnection)
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert connection.connection.dbapi_connection._holding
    engine.dispose()
    assert (tmp_path / "e.db-writer.lock").exists()


def take_turn(database: str, started) -> None:
    writer_lock(database).acquire(timeout=5)
    started.set()


def test_a_forked_child_takes_turns_with_its_parent(db):
    lock = writer_lock(str(db))
    lock.acquire(timeout=5)  # the parent holds the turn (its lock file open) when it forks
    context = multiprocessing.get_context("fork")
    started = context.Event()
    child = context.Process(target=take_turn, args=(str(db), started))
    child.start()
    try:
        time.sleep(0.5)
        assert not started.is_set(), "the child took the turn while the parent held it"
    finally:
        lock.release()
    assert started.wait(30)
    child.join(30)
    assert child.exitcode == 0


@pytest.mark.parametrize(
    "statement",
    ["INSERT INTO t VALUES (1)", "  /* why */ insert INTO t VALUES (1)", "-- why\nREPLACE INTO t VALUES (1)"],
)
def test_write_statements_take_the_turn_after_comments_and_in_any_case(db, opened, statement):
    first, second = connect(db), connect(db)
    opened += [first, second]
    first.execute(statement)
    with pytest.raises(sqlite3.OperationalError, match="another writer of this process"):
        second.execute("INSERT INTO t VALUES (2)")


def test_a_script_leaves_the_turn_free_when_it_ends(db, opened):
    first, second = connect(db), connect(db)
    opened += [first, second]
    first.executescript("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);")
    second.execute("INSERT INTO t VALUES (3)")
    second.commit()
    assert second.execute("SELECT count(*) FROM t").fetchone() == (3,)


def test_a_writer_gives_up_waiting_for_another_process_after_its_timeout(db):
    connection = connect(db, timeout=0.3)
    with another_process_writing(db, 3.0), pytest.raises(sqlite3.OperationalError, match="another process held it"):
        connection.execute("INSERT INTO t VALUES (2)")
    connection.close()
