"""Sessions that end: a copied session cookie stops working after logout,
a password change, deactivation, a role change, an admin ending the
sessions, and after the idle and absolute time limits."""

import datetime as dt

import pytest

from tests.conftest import PASSWORDS, login, token

STRONG = "Sieben Brücken über den Fluss"


def logged_in(app, role):
    client = app.test_client()
    assert login(client, role, PASSWORDS[role]).status_code == 302
    return client


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def replayed(app, cookie: str):
    """A request with a copy of an old session cookie, as an attacker would send it."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/workspace/")


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_old_cookie_stops_working_after_logout_on_every_device(app, staff):
    phone, laptop = logged_in(app, "evaluator"), logged_in(app, "evaluator")
    copied = cookie_of(laptop)
    assert replayed(app, copied).status_code == 200  # the copy works while the session lives
    assert laptop.post("/logout", data={"csrf_token": token(laptop)}).status_code == 302
    assert is_login_redirect(replayed(app, copied))
    assert is_login_redirect(phone.get("/workspace/"))  # the other device is logged out too
    assert logged_in(app, "evaluator").get("/workspace/").status_code == 200


def test_an_old_cookie_stops_working_after_a_password_change(app, staff):
    client, other_device = logged_in(app, "coordinator"), logged_in(app, "coordinator")
    copied = cookie_of(client)
    changed = client.post(
        "/workspace/password",
        data={
            "csrf_token": token(client, "/workspace/password"),
            "current_password": PASSWORDS["coordinator"],
            "new_password": STRONG,
            "confirmation": STRONG,
        },
    )
    assert changed.status_code == 302
    assert client.get("/workspace/").status_code == 200  # the browser that changed it stays logged in
    assert is_login_redirect(replayed(app, copied))
    assert is_login_redirect(other_device.get("/workspace/"))


def admin_posts(app, path, data=None):
    admin = logged_in(app, "admin")
    return admin.post(path, data={"csrf_token": token(admin, "/workspace/users/"), **(data or {})})


def user_id(db, username):
    from sqlalchemy import select

    from app.models import User

    db.rollback()
    return db.scalars(select(User.id).filter_by(username=username)).one()


def test_an_old_cookie_stops_working_after_deactivation(app, db, staff):
    copied = cookie_of(logged_in(app, "evaluator"))
    assert admin_posts(app, f"/workspace/users/{user_id(db, 'evaluator')}/deactivate").status_code == 302
    assert is_login_redirect(replayed(app, copied))
    assert login(app.test_client(), "evaluator", PASSWORDS["evaluator"]).status_code == 422


def test_an_old_cookie_stops_working_after_a_role_change(app, db, staff):
    copied = cookie_of(logged_in(app, "evaluator"))
    changed = admin_posts(app, f"/workspace/users/{user_id(db, 'evaluator')}/role", {"role": "coordinator"})
    assert changed.status_code == 302
    assert is_login_redirect(replayed(app, copied))
    again = logged_in(app, "evaluator")
    assert again.get("/workspace/meetings/").status_code == 200  # now a coordinator


def test_an_admin_ends_the_sessions_of_an_account(app, db, staff):
    client = logged_in(app, "coordinator")
    copied = cookie_of(client)
    assert admin_posts(app, f"/workspace/users/{user_id(db, 'coordinator')}/end-sessions").status_code == 302
    assert is_login_redirect(client.get("/workspace/"))
    assert is_login_redirect(replayed(app, copied))
    assert logged_in(app, "coordinator").get("/workspace/").status_code == 200  # they may log in again


@pytest.fixture
def clock(app):
    """The app's clock, set by the test (``CLOCK`` in the config)."""

    class Clock:
        now = dt.datetime(2026, 3, 18, 8, 0)

        def advance(self, **delta):
            self.now += dt.timedelta(**delta)

    fixed = Clock()
    app.config["CLOCK"] = lambda: fixed.now
    return fixed


def test_a_session_ends_after_two_idle_hours(app, staff, clock):
    client = logged_in(app, "evaluator")
    copied = cookie_of(client)
    clock.advance(hours=1, minutes=59)
    assert client.get("/workspace/").status_code == 200  # activity: the idle time starts again
    clock.advance(hours=1, minutes=59)
    assert client.get("/workspace/").status_code == 200
    assert is_login_redirect(replayed(app, copied))  # the copy's last request is now 3 h 58 min ago
    clock.advance(hours=2, minutes=1)
    assert is_login_redirect(client.get("/workspace/"))


def test_a_session_ends_twelve_hours_after_login_however_busy(app, staff, clock):
    client = logged_in(app, "evaluator")
    for _ in range(11):
        clock.advance(hours=1)
        assert client.get("/workspace/").status_code == 200
    clock.advance(minutes=59)
    assert client.get("/workspace/").status_code == 200
    clock.advance(minutes=2)
    assert is_login_redirect(client.get("/workspace/"))


def test_the_time_limits_are_settings(app, staff, clock):
    app.config.update(STAFF_SESSION_IDLE_MINUTES=5, STAFF_SESSION_MAX_HOURS=1)
    client = logged_in(app, "evaluator")
    clock.advance(minutes=4)
    assert client.get("/workspace/").status_code == 200
    clock.advance(minutes=6)
    assert is_login_redirect(client.get("/workspace/"))
    client = logged_in(app, "evaluator")
    for _ in range(15):
        clock.advance(minutes=4)
        assert client.get("/workspace/").status_code == 200
    clock.advance(minutes=1)
    assert is_login_redirect(client.get("/workspace/"))


def test_a_forged_or_old_style_session_id_is_refused(app, staff):
    """A cookie naming the account without its token (the id alone, as before
    session tokens) is not a login."""
    client = logged_in(app, "evaluator")
    with client.session_transaction("/workspace/") as session:
        session["_user_id"] = session["_user_id"].partition(":")[0]
    assert is_login_redirect(client.get("/workspace/"))
