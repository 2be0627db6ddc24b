"""In production the app answers only for its own host names, builds every
printed link from PUBLIC_URL, and keeps the staff session in a __Host- cookie."""

from __future__ import annotations

import pytest

from app import create_app
from app.accounts import users as accounts
from app.db import database
from tests.conftest import add_meeting, csrf_of

PUBLIC = "https://umfrage.example.org"


@pytest.fixture
def production(database_url):
    app = create_app(
        {
            "TESTING": True,
            "ENV": "production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "PUBLIC_URL": PUBLIC,
            "ALLOWED_HOSTS": ["resonanz.intern"],
        }
    )
    yield app
    app.extensions["resonanz.db"].dispose()


def test_a_request_for_another_host_is_refused(production):
    client = production.test_client()
    assert client.get("/login", base_url="https://umfrage.example.org").status_code == 200
    assert client.get("/login", base_url="https://resonanz.intern").status_code == 200
    for forged in ("https://evil.example", "https://umfrage.example.org.evil.example"):
        assert client.get("/login", base_url=forged).status_code == 400, forged


def test_handout_links_come_from_public_url_not_from_the_host_header(production):
    with production.app_context():
        session = database().session(write=True)
        accounts.create_user(session, "koordination", "koordinierte-Wege-41", "coordinator")
        meeting = add_meeting(session)
        session.commit()
        code, meeting_id = meeting.public_code, meeting.id
        session.close()
    client = production.test_client()
    internal = "https://resonanz.intern"  # staff may use another name the app answers for
    page = client.get("/login", base_url=internal).get_data(as_text=True)
    # Over HTTPS, Flask-WTF wants the Referer of our own page, which the
    # same-origin referrer policy lets the browser send.
    logged_in = client.post(
        "/login",
        base_url=internal,
        headers={"Referer": f"{internal}/login"},
        data={"csrf_token": csrf_of(page), "username": "koordination", "password": "koordinierte-Wege-41"},
    )
    assert logged_in.status_code == 302
    handout = client.get(f"/workspace/meetings/{meeting_id}/handout", base_url=internal).get_data(as_text=True)
    assert f"{PUBLIC}/m/{code}" in handout
    assert "resonanz.intern/m/" not in handout


def test_the_staff_session_is_a_host_only_secure_cookie(production):
    client = production.test_client()
    page = client.get("/login?lang=en", base_url=PUBLIC)
    cookie = next(value for value in page.headers.getlist("Set-Cookie") if value.startswith("__Host-resonanz="))
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


def test_production_without_public_url_refuses_to_start(database_url):
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app({"ENV": "production", "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40})
