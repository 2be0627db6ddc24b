"""Accounts, login, roles: every route tried as every kind of visitor."""

from argon2 import PasswordHasher
from sqlalchemy import select

from app.models import User
from tests.conftest import PASSWORDS, VALID_ANSWERS, csrf_of, login, open_form, route_url


def test_password_is_stored_as_argon2id(db, staff):
    stored = db.scalars(select(User).filter_by(username="evaluator")).one().password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORDS["evaluator"] not in stored


def test_outdated_hash_is_replaced_at_login(client, db, staff):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    user = db.scalars(select(User).filter_by(username="evaluator")).one()
    user.password_hash = weak.hash(PASSWORDS["evaluator"])
    db.commit()
    assert login(client, "evaluator", PASSWORDS["evaluator"]).status_code == 302
    db.rollback()
    assert (
        db.scalars(select(User).filter_by(username="evaluator"))
        .one()
        .password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    )


def test_wrong_password_and_unknown_user_get_the_same_answer(client, staff):
    wrong = login(client, "evaluator", "not-the-password")
    unknown = login(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 422
    assert "User name or password is wrong." in wrong.get_data(as_text=True)
    assert "User name or password is wrong." in unknown.get_data(as_text=True)
    assert 'value="nobody"' in unknown.get_data(as_text=True)  # the name typed is kept


def test_an_empty_login_form_gets_errors_beside_the_fields(client, staff):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login?lang=en", data={"csrf_token": csrf_of(page), "username": "evaluator"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="error" id="password-error">This field is required.</p>' in html and 'value="evaluator"' in html


def test_login_gives_a_fresh_session_and_logout_ends_it(client, staff):
    client.get("/m/whatever?lang=fr")  # something in the session before login
    before = client.get_cookie("session")
    assert login(client, "coordinator", PASSWORDS["coordinator"]).status_code == 302
    assert client.get_cookie("session").value != (before.value if before else None)
    assert client.get("/workspace/").status_code == 200
    page = client.get("/workspace/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_of(page)})
    assert client.get("/workspace/").status_code == 302


def test_deactivated_account_cannot_log_in_or_stay(client, runner, staff):
    assert login(client, "coordinator", PASSWORDS["coordinator"]).status_code == 302
    assert runner.invoke(args=["users", "deactivate", "coordinator"]).exit_code == 0
    assert client.get("/workspace/").status_code == 302  # the running session ends too
    assert login(client, "coordinator", PASSWORDS["coordinator"]).status_code == 422


def test_users_cli(runner, client):
    created = runner.invoke(args=["users", "create", "maria", "--role", "evaluator", "--password", "lang-genug-123"])
    assert created.exit_code == 0, created.output
    assert (
        runner.invoke(
            args=["users", "create", "maria", "--role", "evaluator", "--password", "lang-genug-123"]
        ).exit_code
        == 1
    )
    assert (
        "at least 12 characters" in runner.invoke(args=["users", "set-password", "maria", "--password", "kurz"]).output
    )
    assert runner.invoke(args=["users", "set-password", "maria", "--password", "neues-passwort-9"]).exit_code == 0
    assert login(client, "maria", "neues-passwort-9").status_code == 302
    assert runner.invoke(args=["users", "deactivate", "nobody"]).exit_code == 1


def test_next_parameter_cannot_leave_the_site(client, staff):
    page = client.get("/login?next=https://evil.example/").get_data(as_text=True)
    response = client.post(
        "/login?next=https://evil.example/",
        data={"csrf_token": csrf_of(page), "username": "evaluator", "password": PASSWORDS["evaluator"]},
    )
    assert response.headers["Location"] == "/workspace/"


def test_login_attempts_are_rate_limited(client, staff):
    statuses = [login(client, "evaluator", f"guess-{i}").status_code for i in range(7)]
    assert statuses[:5] == [422] * 5 and statuses[5:] == [429, 429]
    # The limit holds for the right password too, until it expires.
    assert login(client, "evaluator", PASSWORDS["evaluator"]).status_code == 429


def test_refused_login_says_when_to_try_again(client, staff):
    for i in range(5):
        login(client, "evaluator", f"guess-{i}")
    refused = login(client, "evaluator", "guess-5")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "too many login attempts" in refused.get_data(as_text=True)


def test_login_limit_counts_per_process_while_redis_is_away(database_url, staff, caplog):
    from app import create_app

    # Nothing listens on port 1: every call to this "Redis" fails at once.
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
        }
    )
    try:
        client = app.test_client()
        statuses = [login(client, "evaluator", f"guess-{i}").status_code for i in range(6)]
        assert statuses == [422] * 5 + [429]
        assert "counted per process" in caplog.text
    finally:
        app.extensions["resonanz.db"].dispose()


def test_login_rate_limit_is_shared_through_redis(database_url, staff, redis_url):

    from app import create_app

    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_STORAGE_URI": redis_url,
    }
    # Two app instances stand for two server processes: they share the count.
    first, second = create_app(config), create_app(config)
    try:
        statuses = [
            login(app.test_client(), "evaluator", "wrong-guess-x").status_code
            for app in (first, second, first, second, first, second)
        ]
        assert statuses == [422] * 5 + [429]
    finally:
        for app in (first, second):
            app.extensions["resonanz.db"].dispose()


# --- the role x route matrix ---------------------------------------------------------

PUBLIC = {
    "front_door.enter",
    "participation.show_form",
    "participation.submit",
    "participation.thanks",
    "network.privacy",
    "network.imprint",
    "accounts.login",
    "accounts.reset_password",  # the one-time link is the key (tests/accounts/test_passwords.py)
    "static",
    # The API: a token is the key, not a login (tests/evaluation/api).
    *(f"api.{name}" for name in ("openapi_document", "questionnaires", "indicators", "results", "export")),
    *(f"api.{name}" for name in ("meetings", "meeting")),
}
STAFF_ROLES = {"coordinator", "evaluator", "admin"}
# Who may use each staff route; every route of the app must be listed here or in PUBLIC.
ALLOWED = {
    "meetings.home": STAFF_ROLES,
    "reports.index": STAFF_ROLES,
    "reports.show": STAFF_ROLES,
    "reports.impact_pdf": STAFF_ROLES,
    "meeting_report.show": STAFF_ROLES,
    "trends.show": STAFF_ROLES,
    "accounts.logout": STAFF_ROLES,
    "accounts.change_password": STAFF_ROLES,
    **{
        f"users.{name}": {"admin"}
        for name in (
            "index",
            "new",
            "show",
            "change_role",
            "change_email",
            "deactivate",
            "reactivate",
            "end_sessions",
            "reset_link",
            "security_log",
        )
    },
    **{
        f"topics.{name}": {"coordinator", "admin"}
        for name in (
            "topics",
            "edit_topic",
            "merge_topic",
            "schedule_topic",
            "proposals",
            "proposal_to_topic",
            "proposal_into_topic",
        )
    },
    **{
        f"meetings.{name}": {"coordinator", "admin"}
        for name in (
            "meetings",
            "edit_meeting",
            "open_survey",
            "close_survey",
            "access_codes_page",
            "access_codes_csv",
            "handout",
            "handout_pdf",
            "access_code_cards",
            "paper_forms",
            "finish_paper_entry",
            "qr",
            "partners",
        )
    },
    **{
        f"questionnaires.{name}": {"coordinator", "admin"}
        for name in (
            "questionnaires",
            "new_draft",
            "draft",
            "publish",
            "confirm_publish",
            "edit_version",
            "diff",
            "switch_meetings",
            "paper_pdf",
        )
    },
    **{
        f"builder.{name}": {"coordinator", "admin"}
        for name in (
            "start",
            "overview",
            "settings",
            "new_question",
            "question",
            "move_question",
            "delete_question",
            "new_indicator",
            "indicator",
            "delete_indicator",
        )
    },
    **{f"translations.{name}": {"coordinator", "admin"} for name in ("translate", "export", "import_texts")},
    **{f"preview.{name}": {"coordinator", "admin"} for name in ("draft", "version")},
    **{f"exports.{name}": {"evaluator", "admin"} for name in ("index", "codebook", "codebook_markdown")},
    "exports.log": {"admin"},
    **{f"api_tokens.{name}": {"evaluator", "admin"} for name in ("index", "revoke")},
    "network.edit_settings": {"admin"},
    "strategy.show": STAFF_ROLES,
    **{f"strategy.{name}": {"admin"} for name in ("versions", "new_draft", "draft", "publish", "edit_version", "diff")},
    **{f"actor_groups.{name}": {"admin"} for name in ("groups", "edit", "remove")},
}
VISITORS = ("anonymous", "participant", "coordinator", "evaluator", "admin")


def _visitor(app, kind, meeting):
    client = app.test_client()
    if kind == "participant":  # a phone that has answered: session, language, answered marker
        page = open_form(client, meeting.public_code, lang="ar")
        client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    elif kind != "anonymous":
        assert login(client, kind, PASSWORDS[kind]).status_code == 302
    return client


def test_every_route_as_every_visitor(app, staff, meeting):
    rules = [rule for rule in app.url_map.iter_rules()]
    assert {rule.endpoint for rule in rules} == PUBLIC | set(ALLOWED), "a route is missing from the matrix"
    clients = {kind: _visitor(app, kind, meeting) for kind in VISITORS}
    # A valid CSRF token per visitor, so POSTs reach the role check instead of the CSRF refusal.
    tokens = {kind: csrf_of(client.get("/login").get_data(as_text=True)) for kind, client in clients.items()}
    tried = 0
    for rule in rules:
        if rule.endpoint in PUBLIC:
            continue
        url = route_url(rule, meeting)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for kind, client in clients.items():
                if method == "POST" and rule.endpoint == "accounts.logout":
                    continue  # would end the visitor's session for the rest of the walk
                response = client.open(
                    url, method=method, data={"csrf_token": tokens[kind]} if method == "POST" else None
                )
                allowed = kind in ALLOWED[rule.endpoint]
                if allowed:
                    # 404: a missing object (the matrix uses made-up ids); 400/422: an empty form.
                    assert response.status_code in (200, 302, 303, 400, 404, 422), (
                        kind,
                        method,
                        url,
                        response.status_code,
                    )
                    assert "/login" not in response.headers.get("Location", ""), (kind, url)
                elif kind in ("anonymous", "participant"):
                    assert response.status_code == 302 and "/login" in response.headers["Location"], (kind, url)
                else:
                    assert response.status_code == 403, (kind, method, url, response.status_code)
                tried += 1
    assert tried >= len(ALLOWED) * len(VISITORS) - len(VISITORS)


def test_logout_needs_a_login_and_a_csrf_token(app, staff):
    client = app.test_client()
    assert client.post("/logout").status_code in (302, 400)
    login(client, "evaluator", PASSWORDS["evaluator"])
    assert client.post("/logout").status_code == 400  # no CSRF token: refused
    assert client.get("/workspace/").status_code == 200


def test_a_new_secret_key_ends_sessions_unless_the_old_one_is_a_fallback(app, client, staff):
    assert login(client, "evaluator", PASSWORDS["evaluator"]).status_code == 302
    assert client.get("/workspace/").status_code == 200
    old = app.secret_key
    app.config["SECRET_KEY"] = "a-new-secret-key"
    assert client.get("/workspace/").status_code == 302  # to the login: the cookie is not ours now
    assert login(client, "evaluator", PASSWORDS["evaluator"]).status_code == 302
    app.config.update(SECRET_KEY="the-next-key", SECRET_KEY_FALLBACKS=["a-new-secret-key", old])
    assert client.get("/workspace/").status_code == 200  # signed with a fallback: still valid
