"""A database that is briefly unreachable or busy: the participant gets a
"please send again" page (503) that keeps every answer, never a 500; sending
again stores the answers exactly once; the app recovers without a restart.

The outages are real: a SQLite write lock held past the busy timeout, a
PostgreSQL database that refuses connections (``ALLOW_CONNECTIONS false``)
after its backends were terminated, a backend terminated in mid-request.
"""

from __future__ import annotations

import html as html_lib
import re
import sqlite3
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.accounts import users as accounts
from app.models import Answer, Base, Response, SubmissionReceipt
from tests.conftest import POSTGRES_URL, VALID_ANSWERS, add_meeting, assert_kept, login, needs_postgres, open_form
from tests.scratch import scratch_database

SEND_AGAIN = "Your answers could not be saved just now"


def _app(url: str, **config):
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret", **config})
    Base.metadata.create_all(app.extensions["resonanz.db"].engine)
    return app


def _counts(app) -> tuple[int, int, int]:
    with app.extensions["resonanz.db"].engine.connect() as connection:
        return tuple(
            connection.scalar(select(func.count()).select_from(model))
            for model in (Response, SubmissionReceipt, Answer)
        )


def _meeting(app):
    session = app.extensions["resonanz.db"].session()
    try:
        return add_meeting(session)
    finally:
        session.close()


def _hidden_fields(page: str) -> list[tuple[str, str]]:
    return [
        (html_lib.unescape(name), html_lib.unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)
    ]


def _assert_send_again_page(response, sent: dict) -> list[tuple[str, str]]:
    """A 503 page in the participant's language whose form carries every field sent."""
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Send again" in page
    fields = _hidden_fields(page)
    assert sorted(fields) == sorted(sent.items())
    return fields


def _assert_form_came_back(response, page) -> None:
    """The form itself, 503, with a message, every answer and the same submission id."""
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    html = response.get_data(as_text=True)
    assert SEND_AGAIN in html and 'role="alert"' in html
    assert_kept(html, VALID_ANSWERS)
    assert f'value="{page.submission_id}"' in html  # the same form instance: stored once


# --- SQLite: a writer that holds the lock longer than the busy timeout --------------


@contextmanager
def _sqlite_write_lock(path):
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        locker.execute("ROLLBACK")
        locker.close()


def test_sqlite_locked_past_the_busy_timeout_keeps_the_answers(tmp_path):
    path = tmp_path / "locked.sqlite3"
    app = _app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=200)
    try:
        meeting = _meeting(app)
        client = app.test_client()
        page = open_form(client, meeting.public_code, lang="en")
        with _sqlite_write_lock(path):
            started = time.perf_counter()
            response = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
            assert time.perf_counter() - started < 5  # the short busy timeout, not the default 15 s
            _assert_form_came_back(response, page)
            # Reading still works while another process writes (WAL).
            assert client.get(f"/m/{meeting.public_code}").status_code == 200
        assert _counts(app) == (0, 0, 0)
        resent = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
        assert resent.status_code == 303
        assert _counts(app) == (1, 1, len(VALID_ANSWERS))
    finally:
        app.extensions["resonanz.db"].dispose()


# --- PostgreSQL: a database that refuses connections, a backend killed mid-request ----


@pytest.fixture
def postgres_app():
    with scratch_database("postgresql", POSTGRES_URL) as url:
        app = _app(url)
        try:
            yield app
        finally:
            app.extensions["resonanz.db"].dispose()


@contextmanager
def _admin():
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _terminate(admin, condition: str, **params) -> None:
    """Terminate backends and wait (bounded) until they are gone."""
    admin.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {condition}"), params)
    deadline = time.monotonic() + 10
    while admin.scalar(text(f"SELECT count(*) FROM pg_stat_activity WHERE {condition}"), params):
        assert time.monotonic() < deadline, "backends did not go away"
        time.sleep(0.05)


@contextmanager
def _unreachable(url: str):
    name = make_url(url).database
    with _admin() as admin:
        admin.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        try:
            _terminate(admin, "datname = :name AND pid <> pg_backend_pid()", name=name)
            yield
        finally:
            admin.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))


@needs_postgres
def test_postgres_unreachable_gives_send_again_pages_and_recovers(postgres_app):
    app = postgres_app
    meeting = _meeting(app)
    session = app.extensions["resonanz.db"].session()
    accounts.create_user(session, "admin", "admin-password-1", "admin")
    session.commit()
    session.close()
    coordinator = app.test_client()
    assert login(coordinator, "admin", "admin-password-1").status_code == 302
    client = app.test_client()
    page = open_form(client, meeting.public_code, lang="en")
    sent = page.fields(VALID_ANSWERS) | {"language": "en"}
    with _unreachable(app.config["DATABASE_URL"]):
        # The form page: a friendly 503.
        form = client.get(f"/m/{meeting.public_code}?lang=en")
        assert form.status_code == 503 and "briefly unavailable" in form.get_data(as_text=True)
        assert form.headers["Retry-After"].isdigit()
        # Staff pages too: a friendly 503, although even the logged-in account cannot be read.
        workspace = coordinator.get("/workspace/?lang=en")
        assert workspace.status_code == 503 and "briefly unavailable" in workspace.get_data(as_text=True)
        fields = _assert_send_again_page(client.post(f"/m/{meeting.public_code}", data=sent), sent)
    assert _counts(app) == (0, 0, 0)
    # Back without a restart: the kept fields store once, however often sent.
    for _ in range(2):
        assert client.post(f"/m/{meeting.public_code}", data=dict(fields)).status_code == 303
    assert _counts(app) == (1, 1, len(VALID_ANSWERS))
    other_phone = app.test_client()
    page = open_form(other_phone, meeting.public_code)
    assert other_phone.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303


@needs_postgres
def test_postgres_connection_dropped_while_storing_re_renders_the_form(postgres_app):
    app = postgres_app
    meeting = _meeting(app)
    engine = app.extensions["resonanz.db"].engine
    killed = []
    client = app.test_client()
    page = open_form(client, meeting.public_code, lang="en")

    @event.listens_for(engine, "before_cursor_execute")
    def _kill_own_backend(connection, _cursor, statement, *_args):
        # The server goes away after the meeting was read and the answers
        # were checked, as the first row of the submission is sent.
        if statement.startswith("INSERT INTO submission_receipt") and not killed:
            pid = connection.connection.dbapi_connection.info.backend_pid
            with _admin() as admin:
                _terminate(admin, "pid = :pid", pid=pid)
            killed.append(pid)

    response = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    assert killed
    _assert_form_came_back(response, page)
    assert _counts(app) == (0, 0, 0)
    # The next request gets a fresh connection from the pool and stores.
    assert client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303
    assert _counts(app) == (1, 1, len(VALID_ANSWERS))
