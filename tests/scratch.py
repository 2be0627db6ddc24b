"""Throwaway databases for tests and benchmarks: an empty SQLite file or a
fresh PostgreSQL database, removed afterwards."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(engine_name: str, postgres_url: str | None = None) -> Iterator[str]:
    """Yield the URL of an empty database; ``postgres_url`` names the server
    (any database on it) when ``engine_name`` is "postgresql"."""
    if engine_name == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/scratch.sqlite3"
        return
    if not postgres_url:
        raise ValueError("a PostgreSQL scratch database needs the server's URL")
    name = f"resonanz_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
