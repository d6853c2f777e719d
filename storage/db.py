"""The one module that owns the database connection.

- URL from KLANTBEWUST_DATABASE_URL; default a SQLite file `data/klantbewust.sqlite` next to app.py.
- SQLite: WAL journal, a busy timeout, foreign keys on; every write transaction starts with
  BEGIN IMMEDIATE, so two writers queue instead of failing halfway with "database is locked".
  Reads use their own engine with ordinary (deferred) transactions and never block writers.
- PostgreSQL (postgresql+psycopg://...) runs the same code.
- Alembic migrations run on open, so an existing database is upgraded in place.
- When the database cannot be used for a while (the server is down or failing over, the disk is full, the file
  or the server is read-only, a write waited past the busy timeout), `read()`, `write()` and `write_grouped()`
  raise `StorageUnavailable` with a reason instead of the driver's error, log one line without personal data,
  and drop the pooled connections, so the next call opens fresh ones: the app recovers by itself.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

ENV_URL = "KLANTBEWUST_DATABASE_URL"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "klantbewust.sqlite"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
ENV_BUSY_SECONDS = "KLANTBEWUST_SQLITE_BUSY_SECONDS"  # how long a SQLite write waits for the lock (default 30)

log = logging.getLogger("klantbewust.storage")

UNREACHABLE, FULL, READ_ONLY, BUSY = "unreachable", "full", "read_only", "busy"
NO_TABLES = "no_tables"  # only from `check`: the database answers but was never migrated (before the app's first start)


class StorageUnavailable(Exception):
    """The database cannot be used just now; `reason` is one of UNREACHABLE, FULL, READ_ONLY, BUSY. Nothing of
    the transaction was stored. Trying again later is safe."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# PostgreSQL error codes (SQLSTATE) that mean "not now" rather than "this request is wrong"
_PG_READ_ONLY = {"25006"}  # read_only_sql_transaction: a standby after a failover, or a read-only server
_PG_FULL = {"53100", "53200", "53300"}  # disk_full, out_of_memory, too_many_connections
_PG_BUSY = {"55P03", "57014", "40P01"}  # lock_not_available, query_canceled (timeouts), deadlock_detected


def _sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)


def unavailable_reason(error: BaseException) -> str | None:
    """Why the database cannot be used, when `error` says it cannot be used just now; None for any other error
    (a constraint, a programming mistake), which stays what it is."""
    if isinstance(error, StorageUnavailable):
        return error.reason
    if not isinstance(error, DBAPIError):
        return None
    state = _sqlstate(error)
    message = str(getattr(error, "orig", error)).lower()
    if state in _PG_READ_ONLY or "readonly" in message or "read-only" in message or "read only" in message:
        return READ_ONLY
    if state in _PG_FULL or "disk is full" in message or "no space left" in message:
        return FULL
    if state in _PG_BUSY or "database is locked" in message or "database is busy" in message \
            or "database table is locked" in message:
        return BUSY
    if isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated:
        return UNREACHABLE
    return None


def _log_line(reason: str, error: BaseException) -> str:
    """One line for the log: the reason, the driver's error class and code, and its first line (which names
    the server or the file, never a value of the statement: parameters are not part of the driver's message)."""
    orig = getattr(error, "orig", None) or error
    first = (str(orig).strip().splitlines() or [""])[0][:200]
    state = _sqlstate(error)
    return f"database unavailable ({reason}): {type(orig).__name__}{f' [{state}]' if state else ''}: {first}"


def busy_seconds() -> float:
    try:
        return max(0.05, float(os.environ.get(ENV_BUSY_SECONDS, "")))
    except ValueError:
        return SQLITE_BUSY_TIMEOUT_MS / 1000


def database_url() -> str:
    return os.environ.get(ENV_URL) or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _sqlite_engine(url: str, begin_statement: str, busy_ms: int) -> Engine:
    engine = create_engine(url, connect_args={"timeout": busy_ms / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself (the driver's own BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(begin_statement)

    return engine


T = TypeVar("T")


class _GroupedJob:
    __slots__ = ("job", "result", "error", "done")

    def __init__(self, job):
        self.job, self.result, self.error, self.done = job, None, None, False


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def _head_revision() -> str:
    """The newest migration of this version of the app (read from the migration files once per process)."""
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


class Database:
    """Engines and sessions for one database URL. Use `write()` for changes and `read()` for queries."""

    def __init__(self, url: str | None = None, *, migrate: bool = True):
        self.url = url or database_url()
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:" and not path.startswith("file:"):  # a URI names an existing file
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.busy_ms = int(busy_seconds() * 1000)
            self.write_engine = _sqlite_engine(self.url, "BEGIN IMMEDIATE", self.busy_ms)
            self.read_engine = _sqlite_engine(self.url, "BEGIN", self.busy_ms)
        else:
            self.write_engine = create_engine(self.url, pool_size=10, max_overflow=20, pool_pre_ping=True)
            self.read_engine = self.write_engine
        self._write_sessions = sessionmaker(self.write_engine, expire_on_commit=False)
        # SQLite has one writer at a time. Writers of this process queue on a lock that wakes the next one
        # the moment the previous commits, instead of on SQLite's busy handler, which sleeps in steps;
        # BEGIN IMMEDIATE still orders them against writers in other processes.
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._queue_lock, self._queue = threading.Lock(), []  # jobs waiting for `write_grouped`
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        if migrate:
            with self._translated():
                self.migrate()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Turn "the database cannot be used just now" into StorageUnavailable (one log line), and drop the
        pooled connections: a SQLite connection opened on a read-only file stays read-only, and a PostgreSQL
        connection to a server that went away is dead; the next transaction opens fresh ones."""
        try:
            yield
        except StorageUnavailable:
            raise
        except Exception as error:
            reason = unavailable_reason(error)
            if reason is None:
                raise
            log.warning(_log_line(reason, error))
            if reason != BUSY:
                self.dispose()
            raise StorageUnavailable(reason) from error

    def _acquire_write_lock(self) -> None:
        """The in-process writer queue, with the same patience as SQLite's busy timeout."""
        if not self._write_lock.acquire(timeout=self.busy_ms / 1000):
            log.warning(f"database unavailable ({BUSY}): waited {self.busy_ms} ms for the write lock")
            raise StorageUnavailable(BUSY)

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to `revision` (every migration not yet run, in one transaction). A database already at
        the newest migration is only read: one query instead of Alembic's set-up (some 16 ms an open)."""
        if revision == "head" and self._stored_revision() == _head_revision():
            return
        config = _alembic_config()
        with self.write_engine.connect() as connection:
            if self.is_sqlite:
                # SQLite changes a table by copying it; with foreign keys on, dropping the old copy would
                # cascade-delete the rows that refer to it. The pragma only works outside a transaction.
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    command.upgrade(config, revision)
                    if self.is_sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise RuntimeError("migration left rows whose references do not exist")
            finally:
                if self.is_sqlite:
                    connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")

    def _stored_revision(self) -> str | None:
        """The migration the database says it is at; None when it has none yet or cannot say."""
        try:
            with self.read_engine.connect() as connection:
                rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except DBAPIError:  # no table yet (a new database), or not readable now: migrate() finds out
            return None
        return rows[0][0] if len(rows) == 1 else None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction (BEGIN IMMEDIATE on SQLite); commits on success."""
        if self._write_lock is None:
            with self._translated(), self._write_sessions() as session, session.begin():
                yield session
            return
        with self._translated():
            self._acquire_write_lock()
            try:
                with self._write_sessions() as session, session.begin():
                    yield session
            finally:
                self._write_lock.release()

    def write_grouped(self, job: Callable[[Connection], T]) -> T:
        """Run `job(connection)` in a write transaction, and return what it returns or raise what it raises.

        On SQLite, jobs that arrive while another write is busy are run together in one transaction when the
        lock comes free (group commit: one BEGIN IMMEDIATE and one COMMIT for a room of votes), each in its own
        savepoint, so a job that raises leaves nothing behind and the others still commit. A job must be short
        and must not start a transaction of its own. On PostgreSQL every job has its own transaction.
        """
        if self._write_lock is None:
            with self._translated(), self.write_engine.begin() as connection:
                return job(connection)
        entry = _GroupedJob(job)
        with self._queue_lock:
            self._queue.append(entry)
        with self._translated():
            if not self._write_lock.acquire(timeout=self.busy_ms / 1000):
                with self._queue_lock:
                    if entry in self._queue:  # nobody took it along: it is not stored, and will not be
                        self._queue.remove(entry)
                        raise StorageUnavailable(BUSY)
                self._write_lock.acquire()  # taken along just now: wait for its group to commit
            try:
                if not entry.done:  # nobody took it along yet: take along everything that is waiting
                    with self._queue_lock:
                        batch, self._queue = self._queue, []
                    self._run_group(batch)
            finally:
                self._write_lock.release()
            # the thread that took this job along held the write lock until its group committed
            if entry.error is not None:
                raise entry.error
            return entry.result

    def _run_group(self, batch: list["_GroupedJob"]) -> None:
        try:
            with self.write_engine.begin() as connection:
                if len(batch) == 1:  # alone: the transaction itself undoes a job that raises
                    try:
                        batch[0].result = batch[0].job(connection)
                    except Exception as error:  # noqa: BLE001 - handed to the job's own caller
                        batch[0].error = error
                        connection.rollback()
                    return
                for entry in batch:
                    savepoint = connection.begin_nested()
                    try:
                        entry.result = entry.job(connection)
                    except Exception as error:  # noqa: BLE001 - handed to the job's own caller
                        savepoint.rollback()
                        entry.error = error
                    else:
                        savepoint.commit()
        except Exception as error:  # noqa: BLE001 - the commit failed: none of the group is stored
            for entry in batch:
                if entry.error is None:
                    entry.result, entry.error = None, error
        finally:
            for entry in batch:
                entry.done = True

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._translated(), self._read_sessions() as session, session.begin():
            yield session

    def check(self) -> str | None:
        """None when the database answers a query and takes a write lock now; else the reason it does not (for a
        health check), `NO_TABLES` for a database that answers but has no tables yet. Writes nothing."""
        from sqlalchemy import inspect, text

        try:
            with self.write() as session:
                if not inspect(session.connection()).has_table("alembic_version"):
                    return NO_TABLES
                # a write that changes nothing: a read-only file or server (a standby) refuses it all the same
                session.execute(text("DELETE FROM alembic_version WHERE 1 = 0"))
        except StorageUnavailable as unavailable:
            return unavailable.reason
        return None

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


_databases: dict[str, Database] = {}
_lock = threading.Lock()


def get_database(url: str | None = None) -> Database:
    """One shared `Database` per URL for the whole process (migrated once)."""
    url = url or database_url()
    with _lock:
        if url not in _databases:
            _databases[url] = Database(url)
        return _databases[url]


def upsert(session, table, values: dict, index_elements: list[str], update: dict):
    """Insert a row, or update it when its key exists (a session or a plain connection)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    dialect = session.dialect if hasattr(session, "dialect") else session.get_bind().dialect
    insert = sqlite_insert if dialect.name == "sqlite" else pg_insert
    statement = insert(table).values(**values)
    session.execute(statement.on_conflict_do_update(index_elements=index_elements, set_=update))
