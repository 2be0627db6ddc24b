"""The admins' account pages: create, change the role, deactivate and
reactivate, one-time links to set a password; bad input re-renders (422)."""

import datetime as dt
import html
import re

import pytest
from sqlalchemy import select

from app.models import User
from tests.conftest import PASSWORDS, login, token

STRONG = "Sieben Brücken über den Fluss"


@pytest.fixture
def admin(app, staff):
    client = app.test_client()
    assert login(client, "admin", PASSWORDS["admin"]).status_code == 302
    client.get("/workspace/?lang=en")  # the pages in English from now on
    return client


def account(db, username) -> User | None:
    db.rollback()
    return db.scalars(select(User).filter_by(username=username)).one_or_none()


def post(client, path, **data):
    return client.post(path, data={"csrf_token": token(client, "/workspace/users/"), **data})


def link_in(page: str) -> str:
    return re.search(r'<p class="link"><bdi>http://localhost(/password-reset/[^<]+)</bdi>', page).group(1)


def test_only_admins_see_the_accounts_link(app, admin, staff):
    assert 'href="/workspace/users/"' in admin.get("/workspace/").get_data(as_text=True)
    coordinator = app.test_client()
    login(coordinator, "coordinator", PASSWORDS["coordinator"])
    page = coordinator.get("/workspace/").get_data(as_text=True)
    assert 'href="/workspace/users/"' not in page
    assert 'href="/workspace/password"' in page  # everyone may change their own password


def test_a_new_account_sets_its_password_through_a_one_time_link(app, db, admin):
    created = post(admin, "/workspace/users/new", username="maria", role="evaluator")
    assert created.status_code == 200
    link = link_in(created.get_data(as_text=True))
    maria = account(db, "maria")
    assert maria.role == "evaluator" and maria.active
    assert maria.reset_digest is not None and link.rsplit("/", 1)[1] not in maria.reset_digest  # only the digest
    owner = app.test_client()
    form = owner.get(link + "?lang=en")
    assert form.status_code == 200 and "maria" in form.get_data(as_text=True)
    weak = owner.post(
        link, data={"csrf_token": token(owner, link), "new_password": "maria-maria-1", "confirmation": "maria-maria-1"}
    )
    assert weak.status_code == 422
    assert "too easy to guess" in weak.get_data(as_text=True)
    done = owner.post(link, data={"csrf_token": token(owner, link), "new_password": STRONG, "confirmation": STRONG})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert login(owner, "maria", STRONG).status_code == 302
    assert app.test_client().get(link).status_code == 404  # used once: gone
    assert account(db, "maria").reset_digest is None


def test_a_link_expires_after_24_hours_and_a_newer_one_replaces_it(app, db, admin):
    now = [dt.datetime(2026, 3, 18, 8, 0)]
    app.config["CLOCK"] = lambda: now[0]
    login(admin, "admin", PASSWORDS["admin"])  # a session on the test's clock
    evaluator = account(db, "evaluator")
    first = link_in(post(admin, f"/workspace/users/{evaluator.id}/reset-link").get_data(as_text=True))
    second = link_in(post(admin, f"/workspace/users/{evaluator.id}/reset-link").get_data(as_text=True))
    visitor = app.test_client()
    assert visitor.get(first).status_code == 404
    now[0] += dt.timedelta(hours=23, minutes=59)
    assert visitor.get(second).status_code == 200
    now[0] += dt.timedelta(minutes=1)
    expired = visitor.get(second + "?lang=en")
    assert expired.status_code == 404 and "older than 24 hours" in expired.get_data(as_text=True)
    assert login(visitor, "evaluator", PASSWORDS["evaluator"]).status_code == 302  # the old password still works


def test_a_reset_link_ends_the_sessions_when_used(app, db, admin):
    evaluator = app.test_client()
    login(evaluator, "evaluator", PASSWORDS["evaluator"])
    link = link_in(post(admin, f"/workspace/users/{account(db, 'evaluator').id}/reset-link").get_data(as_text=True))
    visitor = app.test_client()
    visitor.post(link, data={"csrf_token": token(visitor, link), "new_password": STRONG, "confirmation": STRONG})
    assert evaluator.get("/workspace/").status_code == 302
    assert login(visitor, "evaluator", PASSWORDS["evaluator"]).status_code == 422


def test_deactivate_and_reactivate(app, db, admin):
    evaluator = account(db, "evaluator")
    assert post(admin, f"/workspace/users/{evaluator.id}/deactivate").status_code == 302
    assert "deactivated" in admin.get(f"/workspace/users/{evaluator.id}").get_data(as_text=True)
    assert login(app.test_client(), "evaluator", PASSWORDS["evaluator"]).status_code == 422
    refused = post(admin, f"/workspace/users/{evaluator.id}/reset-link")
    assert refused.status_code == 422 and "reactivate the account first" in refused.get_data(as_text=True)
    assert post(admin, f"/workspace/users/{evaluator.id}/reactivate").status_code == 302
    assert login(app.test_client(), "evaluator", PASSWORDS["evaluator"]).status_code == 302
    assert "evaluator" in admin.get("/workspace/users/").get_data(as_text=True)


def test_an_admin_cannot_demote_or_deactivate_themselves(db, admin):
    me = account(db, "admin")
    for path, data in (
        (f"/workspace/users/{me.id}/role", {"role": "evaluator"}),
        (f"/workspace/users/{me.id}/deactivate", {}),
    ):
        refused = post(admin, path, **data)
        assert refused.status_code == 422
        assert "Another admin can change the role of your own account" in refused.get_data(as_text=True)
    assert account(db, "admin").role == "admin" and account(db, "admin").active


def test_the_last_admin_stays_on_the_command_line_too(runner, staff):
    refused = runner.invoke(args=["users", "deactivate", "admin"])
    assert refused.exit_code == 1 and "only active admin" in refused.output
    assert runner.invoke(args=["users", "create", "zweite", "--role", "admin", "--password", STRONG]).exit_code == 0
    assert runner.invoke(args=["users", "deactivate", "admin"]).exit_code == 0


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "This field is required."),
        ("coordinator", "There is already an account named coordinator."),
        ("x" * 81, "Field cannot be longer than 80 characters."),
        ("  maria", "without spaces around it"),
        ("ma\x00ria", "control characters"),
        ("ma\tria", "control characters"),
    ],
)
def test_a_refused_new_account_comes_back_with_the_error_beside_the_field(db, admin, username, message):
    refused = post(admin, "/workspace/users/new", username=username, role="coordinator")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert re.search(
        r'<p class="error" id="username-error">[^<]*' + re.escape(html.escape(message, quote=True)), page
    ), page
    assert '<option selected value="coordinator">' in page  # the role chosen is kept
    if username.isprintable():
        assert f'value="{html.escape(username)}"' in page  # and the name typed
    assert (
        db.scalar(select(User.id).where(User.username == username.replace("\x00", ""))) is None
        or username == "coordinator"
    )


@pytest.mark.parametrize("role", ["", "superuser", "admin\x00"])
def test_an_unknown_role_is_refused(db, admin, role):
    refused = post(admin, "/workspace/users/new", username="maria", role=role)
    assert refused.status_code == 422 and 'value="maria"' in refused.get_data(as_text=True)
    evaluator = account(db, "evaluator")
    changed = post(admin, f"/workspace/users/{evaluator.id}/role", role=role)
    assert changed.status_code == 422 and 'id="role-error"' in changed.get_data(as_text=True)
    assert account(db, "evaluator").role == "evaluator" and account(db, "maria") is None
