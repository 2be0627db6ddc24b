"""Faults under gunicorn, over real HTTP on loopback, in the middle of a burst
of phones: a worker killed with SIGKILL, PostgreSQL connections terminated,
SQLite with eight writer processes.

What must hold every time: each submission that got its thank-you (303) is
stored, none twice, none half (each response has all its answers); a phone
whose request failed sends the same form again, as the "send again" page
offers, and is then stored once; the app recovers without a restart; no
"database is locked" ever reaches a participant.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.models import Answer, Response, SubmissionReceipt
from app.participation.submission import submission_digest
from benchmarks._data import ANSWERS_PER_RESPONSE
from benchmarks._phones import burst
from benchmarks._serve import gunicorn
from benchmarks.load import prepare
from tests.conftest import POSTGRES_URL, needs_postgres
from tests.scratch import scratch_database

pytestmark = pytest.mark.slow

ENGINES = ["sqlite", pytest.param("postgresql", marks=needs_postgres)]


@pytest.fixture(params=ENGINES)
def served_database(request):
    """A migrated scratch database with IV.1 and an open meeting: (url, path)."""
    with scratch_database(request.param, POSTGRES_URL) as url:
        yield url, prepare(url)


def _stored(url: str) -> tuple[set[str], int, list[int]]:
    """Receipt digests, the number of responses, and the answers per response."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            receipts = set(connection.scalars(select(SubmissionReceipt.token_digest)))
            responses = connection.scalar(select(func.count()).select_from(Response))
            per_response = list(
                connection.scalars(select(func.count()).select_from(Answer).group_by(Answer.response_id))
            )
    finally:
        engine.dispose()
    return receipts, responses, per_response


def _assert_nothing_lost_twice_or_half(url: str, phones) -> None:
    thanked = {submission_digest(p.submission_id) for p in phones if p.thanked}
    receipts, responses, per_response = _stored(url)
    assert thanked <= receipts  # every thank-you was stored
    assert responses == len(receipts)  # one response per submission: none twice
    assert len(per_response) == responses and set(per_response) <= {ANSWERS_PER_RESPONSE}  # none half
    # Phones send again after a failure, so in the end every one is stored.
    assert [p.problem for p in phones if not p.thanked] == []
    assert len(receipts) == len(phones)


def _in_background(function, *args, **kwargs):
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=function(*args, **kwargs)), daemon=True)
    thread.start()
    return thread, result


def _while_bursting(server, path: str, phones: int, fault, *, ramp: float = 4.0, fault_after: float = 1.0):
    """Run a burst (phones send again up to 5 times); ``fault()`` hits after ``fault_after`` s."""
    thread, result = _in_background(burst, server.base_url, path, phones, ramp=ramp, retries=5, deadline=240)
    time.sleep(fault_after)
    assert thread.is_alive(), "the burst ended before the fault: make it longer"
    fault()
    thread.join(timeout=260)
    assert not thread.is_alive(), "the burst did not finish in time"
    return result["value"][0]


def _failed_requests(phones) -> int:
    return sum(isinstance(s, str) or s >= 500 for p in phones for s in p.get_statuses + p.post_statuses)


def _serving_now(server) -> list[int]:
    """Workers holding a client connection right now: in the middle of a request."""
    port = int(server.base_url.rsplit(":", 1)[1])
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # ESTABLISHED
                established.add(fields[9])  # inode
    busy = []
    for pid in server.worker_pids():
        try:
            sockets = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in sockets for inode in established):
            busy.append(pid)
    return busy


@contextmanager
def _writes_held(url: str):
    """Hold the database's write lock (SQLite) or the receipts' table lock
    (PostgreSQL): every submission that arrives waits, half done, inside a worker."""
    if url.startswith("sqlite"):
        locker = sqlite3.connect(make_url(url).database, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        try:
            yield None
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("LOCK TABLE submission_receipt IN SHARE ROW EXCLUSIVE MODE"))
            yield connection.scalar(text("SELECT pg_backend_pid()"))
    finally:
        engine.dispose()


def _wait_until_all_workers_store(server) -> None:
    """While writes are held: each worker takes a submission and waits for the lock."""
    deadline = time.monotonic() + 10
    while len(_serving_now(server)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # one still showing a form page is now stuck on a submission too


def test_worker_killed_mid_burst_loses_nothing(served_database, tmp_path):
    url, path = served_database
    with gunicorn(url, tmp_path / "gunicorn.log", workers=3) as server:
        victims = server.worker_pids()[:2]

        def kill_two_workers_while_they_store():
            with _writes_held(url):
                _wait_until_all_workers_store(server)
                for victim in victims:
                    os.kill(victim, signal.SIGKILL)

        phones = _while_bursting(server, path, 150, kill_two_workers_while_they_store, ramp=2, fault_after=0.3)
        after = server.worker_pids()
        assert not set(victims) & set(after) and len(after) == 3  # gone, and replaced by the master
        failed = _failed_requests(phones)
        print(f"\n{url.split(':')[0]}: {failed} requests failed when the workers died")
        assert failed >= 2  # the two submissions that were being stored
        _assert_nothing_lost_twice_or_half(url, phones)


@needs_postgres
def test_postgres_connections_dropped_mid_burst_and_recovered(tmp_path):
    with scratch_database("postgresql", POSTGRES_URL) as url:
        path = prepare(url)
        name = make_url(url).database
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        terminated = []

        def terminate(connection, spare=None):
            terminated.extend(
                connection.scalars(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid() AND pid IS DISTINCT FROM :spare"
                    ),
                    {"name": name, "spare": spare},
                )
            )

        def drop_every_connection():
            with admin.connect() as connection:
                # First while every worker is in the middle of storing a submission …
                with _writes_held(url) as locker:
                    _wait_until_all_workers_store(server)
                    terminate(connection, spare=locker)
                # … then twice more, a little apart, hitting idle and busy connections.
                for _ in range(2):
                    time.sleep(0.3)
                    terminate(connection)

        try:
            with gunicorn(url, tmp_path / "gunicorn.log", workers=3) as server:
                workers = server.worker_pids()
                phones = _while_bursting(server, path, 150, drop_every_connection, ramp=2, fault_after=0.3)
                failed = _failed_requests(phones)
                print(
                    f"\npostgresql: {len(terminated)} connections terminated, {failed} requests answered 'send again'"
                )
                assert failed >= 3  # the three submissions that were being stored
                _assert_nothing_lost_twice_or_half(url, phones)
                # Recovered without a restart: the same workers serve the next phones.
                later, _ = burst(server.base_url, path, 10)
                assert all(p.thanked for p in later)
                assert server.worker_pids() == workers
                assert "Traceback" not in server.log()
        finally:
            admin.dispose()


def test_sqlite_eight_writer_processes_never_show_a_lock(tmp_path):
    with scratch_database("sqlite") as url:
        path = prepare(url)
        with gunicorn(url, tmp_path / "gunicorn.log", workers=8) as server:
            assert len(server.worker_pids()) == 8
            phones, _ = burst(server.base_url, path, 240, retries=0, deadline=240)
            log = server.log()
        statuses = [s for p in phones for s in p.post_statuses]
        assert statuses == [303] * 240, {s for s in statuses if s != 303}
        assert not any("locked" in body for p in phones for body in p.bodies)
        assert "locked" not in log and "Traceback" not in log
        _assert_nothing_lost_twice_or_half(url, phones)
