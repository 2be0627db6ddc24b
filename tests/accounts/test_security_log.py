"""The security log: failed logins, lockouts, refused pages and account
changes, read by admins page by page; never anything from participants."""

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.models import SecurityEvent, User
from tests.conftest import PASSWORDS, VALID_ANSWERS, login, open_form, token


def events(db, kind=None):
    db.rollback()
    query = select(SecurityEvent).order_by(SecurityEvent.id)
    if kind:
        query = query.filter_by(kind=kind)
    return db.scalars(query).all()


def test_failed_logins_name_the_account_or_the_name_typed(client, db, staff):
    login(client, "evaluator", "not-the-password")
    login(client, "nobody", "not-the-password")
    wrong, unknown = events(db, "login_failed")
    assert (wrong.username, wrong.address, wrong.actor) == ("evaluator", "127.0.0.1", None)
    assert wrong.user_id == db.scalar(select(User.id).filter_by(username="evaluator"))
    assert (unknown.username, unknown.user_id) == ("nobody", None)


def test_a_lockout_is_recorded_once_not_for_every_refused_attempt(client, db, staff):
    statuses = [login(client, "evaluator", f"guess-{i}").status_code for i in range(9)]
    assert statuses == [422] * 5 + [429] * 4
    assert len(events(db, "login_failed")) == 5
    (locked,) = events(db, "login_locked")
    assert (locked.username, locked.address, locked.detail) == ("evaluator", "127.0.0.1", "address")


def test_a_name_with_control_characters_is_logged_without_them(client, db, staff):
    assert login(client, "eva\x00luator", "not-the-password").status_code == 422
    (failed,) = events(db, "login_failed")
    assert failed.username == "eva\ufffdluator"


def test_refused_pages_are_recorded_for_staff_and_never_for_participants(app, client, db, staff, meeting):
    # A participant: a cross-site POST is refused (403) and an answer stored; neither is logged.
    phone = app.test_client()
    page = open_form(phone, meeting.public_code)
    assert (
        phone.post(
            f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS), headers={"Sec-Fetch-Site": "cross-site"}
        ).status_code
        == 403
    )
    assert phone.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS)).status_code in (200, 302, 303)
    assert events(db) == []
    login(client, "coordinator", PASSWORDS["coordinator"])
    assert client.get("/workspace/exports/log?before=3").status_code == 403
    (refused,) = events(db)
    assert (refused.kind, refused.username, refused.detail) == (
        "forbidden",
        "coordinator",
        "GET /workspace/exports/log",
    )


def test_account_changes_name_the_admin(app, db, staff):
    admin = app.test_client()
    login(admin, "admin", PASSWORDS["admin"])
    evaluator = db.scalar(select(User.id).filter_by(username="evaluator"))
    admin.post(f"/workspace/users/{evaluator}/role", data={"csrf_token": token(admin), "role": "coordinator"})
    admin.post(f"/workspace/users/{evaluator}/reset-link", data={"csrf_token": token(admin)})
    admin.post(f"/workspace/users/{evaluator}/end-sessions", data={"csrf_token": token(admin)})
    admin.post(f"/workspace/users/{evaluator}/deactivate", data={"csrf_token": token(admin)})
    recorded = [(event.kind, event.username, event.actor, event.channel, event.detail) for event in events(db)]
    assert recorded == [
        ("role_changed", "evaluator", "admin", "web", "evaluator → coordinator"),
        ("reset_link_issued", "evaluator", "admin", "web", ""),
        ("sessions_ended", "evaluator", "admin", "web", ""),
        ("user_deactivated", "evaluator", "admin", "web", ""),
    ]
    page = admin.get("/workspace/security-log?lang=en").get_data(as_text=True)
    assert "Role changed" in page and "Evaluator → Coordinator" in page


def test_command_line_changes_are_recorded_as_such(runner, db, staff):
    runner.invoke(args=["users", "set-password", "evaluator", "--password", "Lindenblüten im Juni"])
    (changed,) = events(db)
    assert (changed.kind, changed.username, changed.actor, changed.channel) == (
        "password_set",
        "evaluator",
        None,
        "cli",
    )


def add_events(db, count, at=dt.datetime(2026, 3, 18, 8, 0)):
    db.add_all(
        SecurityEvent(created_at=at, kind="login_failed", username=f"name-{i:03}", channel="web", detail="")
        for i in range(count)
    )
    db.commit()


NEWEST_FIRST = [f"name-{i:03}" for i in range(119, -1, -1)]


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("", 1),
        ("?page=2", 2),
        ("?page=3", 3),
        ("?page=99", 3),
        (f"?page={10**30}", 3),
        ("?page=-4", 1),
        ("?page=zwei", 1),
    ],
)
def test_the_log_is_read_page_by_page(app, db, staff, query, number):
    add_events(db, 120)
    admin = app.test_client()
    login(admin, "admin", PASSWORDS["admin"])
    response = admin.get(f"/workspace/security-log{query}" + ("&" if query else "?") + "lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.findall(r"<bdi>(name-\d+)</bdi>", page) == NEWEST_FIRST[(number - 1) * 50 : number * 50]
    assert f"Page {number} of 3" in page
    assert ("Newer entries" in page) == (number > 1) and ("Older entries" in page) == (number < 3)


def test_old_entries_are_deleted_when_a_new_one_is_written(app, client, db, staff):
    app.config["SECURITY_LOG_DAYS"] = 30
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    add_events(db, 3, at=now - dt.timedelta(days=31))
    add_events(db, 2, at=now - dt.timedelta(days=29))
    login(client, "evaluator", "not-the-password")
    db.rollback()
    assert db.scalar(select(func.count()).select_from(SecurityEvent)) == 3


def test_the_account_limit_stops_attempts_from_many_addresses(app, staff):
    def attempt(address, username, password):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return login(client, username, password).status_code

    statuses = [attempt(f"10.0.0.{i}", "admin", f"guess-{i}") for i in range(11)]
    assert statuses == [422] * 10 + [429]
    assert attempt("10.0.1.1", "admin", PASSWORDS["admin"]) == 429  # even the right password, until it expires
    assert attempt("10.0.1.2", "evaluator", PASSWORDS["evaluator"]) == 302  # other accounts log in as usual


def test_the_account_limit_is_shared_through_redis(database_url, staff, redis_url):

    from app import create_app

    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
    }
    first, second = create_app(config), create_app(config)
    try:
        statuses = []
        for i, app in enumerate((first, second, first, second)):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.0.0.{i}"
            statuses.append(login(client, "admin", f"guess-{i}").status_code)
        assert statuses == [422, 422, 422, 429]
    finally:
        for app in (first, second):
            app.extensions["resonanz.db"].dispose()
