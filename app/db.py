"""The database: engine, the request's session, write sessions, migrations.

SQLite is the embedded default, PostgreSQL the scale-out engine.

SQLite: WAL so readers never block the writer, a busy timeout, and every
transaction that may write starts with ``BEGIN IMMEDIATE``.  A deferred
transaction that reads first and writes later cannot wait its turn to become
the writer and fails at once with "database is locked"; an immediate one
queues for the write lock up front, within the busy timeout.

PostgreSQL: a pool per process.  A gunicorn sync worker serves one request
at a time and so uses one connection; ``pool_size`` is what each process keeps
open, ``max_overflow`` what it may open beyond that for a moment.  Several
machines on one server need ``machines × workers × (pool_size + max_overflow)``
below the server's ``max_connections`` (see docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import abort, current_app, g, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from app.config import PROJECT_ROOT

SQLITE_BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "resonanz_writes"
# Errors that mean "the database cannot be reached or is busy right now", not
# "this request is wrong": the server is down or refuses connections, a
# connection was dropped, SQLite stayed locked past the busy timeout, or the
# pool had no free connection in time.  Such a request may succeed when sent
# again; the web layer answers 503 and keeps what the participant sent.
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)


def make_engine(
    url: str,
    *,
    sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
    pool_size: int = 5,
    max_overflow: int = 5,
) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": sqlite_busy_timeout_ms / 1000})
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    # PostgreSQL: check connections before use so a restarted server or a
    # dropped connection costs a reconnect, not an error page.  Short connect
    # and pool timeouts: an unreachable server should give a "send again"
    # page within seconds, long before gunicorn's worker timeout kills the
    # request and the proxy answers with a bare 502.
    connect_args = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=5,
        pool_recycle=1800,
        connect_args=connect_args,
    )


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One engine and two session factories: for reading and for writing.

    On PostgreSQL both are the same; on SQLite the writing one begins its
    transactions IMMEDIATE (see module docstring).
    """

    def __init__(self, url: str, **engine_options):
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self.write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self, *, write: bool = False) -> Session:
        return (self._write if write else self._read)()

    def dispose(self) -> None:
        self.engine.dispose()


def close_quietly(session: Session) -> None:
    """Close a request's session.  A connection that died after the request's
    work was done (terminated, server restarted) cannot roll back: it is
    discarded instead, and the answer the request already made stands."""
    try:
        session.close()
    except UNAVAILABLE:
        session.invalidate()


def rollback_quietly(session: Session) -> None:
    """Roll back after an :data:`UNAVAILABLE` error.  The connection may be
    gone; failing to say so to a dead server must not turn a 503 into a 500."""
    try:
        session.rollback()
    except UNAVAILABLE:
        pass


# --- the request's session ---------------------------------------------------

EXTENSION = "resonanz.db"
MAX_ID = 2**31 - 1


def database() -> Database:
    """This app's database (made in :func:`app.create_app`)."""
    return current_app.extensions[EXTENSION]


def db_session() -> Session:
    """The request's session, for reading and for the request's one commit.

    It begins an ordinary transaction.  A request that writes does so through
    :func:`writing` once it has read and checked what it needs, so no request
    holds SQLite's write lock while it parses, validates or renders.
    """
    if "db_session" not in g:
        g.db_session = database().session()
    return g.db_session


def writing() -> Session:
    """The request's session, from now on a writing one.

    On SQLite a transaction that reads first and writes later cannot wait for
    the write lock (module docstring), so what the request read is given up
    here and a new ``BEGIN IMMEDIATE`` transaction queues for the lock.  Call
    it right before the first change, after every check; objects read before
    stay in the session and usable (``expire_on_commit=False``).

    PostgreSQL locks rows, not the database: the read transaction simply goes
    on writing, which spares every submission a commit, a pool checkout and
    its ping.
    """
    session = g.get("db_session")
    if session is not None and g.get("db_writing"):
        return session
    if session is not None:
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("changes were made before writing() began the write transaction")
        if database().is_sqlite:
            session.commit()  # ends the read transaction; nothing is written, nothing expires
            session.bind = database().write_engine
    else:
        session = g.db_session = database().session(write=True)
    g.db_writing = True
    return session


def close_request_session(_exc=None) -> None:
    g.pop("db_writing", None)
    session = g.pop("db_session", None)
    if session is not None:
        close_quietly(session)


def insert_ignoring_conflict(session: Session, model):
    """``INSERT … ON CONFLICT DO NOTHING``, which both engines speak alike."""
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model).on_conflict_do_nothing()


def get_or_404(model, object_id: int):
    """The row with this id in the request's session, or a 404 page."""
    if not 0 < object_id <= MAX_ID:  # beyond an INTEGER column, PostgreSQL would refuse the query itself
        abort(404)
    found = db_session().get(model, object_id)
    if found is None:
        abort(404)
    return found


def get_from_query_or_404(model, name: str):
    """The row whose id the query string gives as ``name``, or a 404 page."""
    value = request.args.get(name, "")
    if not value.isdigit():
        abort(404)
    return get_or_404(model, int(value))


@contextmanager
def command_session() -> Iterator[Session]:
    """A writing session for one CLI command: committed once at its end, closed always."""
    session = database().session(write=True)
    try:
        yield session
        session.commit()
    finally:
        session.close()


# --- migrations --------------------------------------------------------------

MIGRATIONS = PROJECT_ROOT / "migrations"


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply the Alembic migrations (``flask db upgrade``)."""
    command.upgrade(alembic_config(database_url), revision)
