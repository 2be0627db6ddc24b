"""Fixtures: a fresh database per test, on SQLite and (when TEST_DATABASE_URL
is set) on PostgreSQL; the app, its test client and CLI runner."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app import clock, create_app
from app.accounts import users as accounts
from app.db import make_engine
from app.demo import ACTOR_GROUPS
from app.meetings import codes
from app.models import Base, Meeting, QuestionnaireVersion, Response
from app.network.actor_groups import services as actor_groups
from app.participation import submission
from app.questionnaires import versions
from app.questionnaires.answers import validate_submission
from app.questionnaires.model import Option, Questionnaire, parse_questionnaire

PROJECT = Path(__file__).resolve().parent.parent
IV1 = PROJECT / "questionnaires" / "iv-1.yaml"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def redis_url():
    """The URL of the Redis database for tests (TEST_REDIS_URL), emptied before and after."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (CI sets it)")
    import redis

    store = redis.Redis.from_url(url)
    store.flushdb()
    yield url
    store.flushdb()


ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set (CI sets it)")


@pytest.fixture(scope="session")
def _postgres_schema():
    """Create the tables once per run; each test then starts from empty tables."""
    engine = make_engine(POSTGRES_URL)
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=ENGINES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'resonanz.sqlite3'}"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    engine = request.getfixturevalue("_postgres_schema")
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return POSTGRES_URL


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"})
    yield app
    app.extensions["resonanz.db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A session for arranging and inspecting data.  Its transactions begin
    deferred, so on SQLite (WAL) an open read never blocks the app's writes;
    call ``rollback()`` before reading to see what the app committed since."""
    from sqlalchemy.orm import Session

    # expire_on_commit (unlike the app's sessions), so a test sees what the app wrote.
    session = Session(app.extensions["resonanz.db"].engine, expire_on_commit=True)
    yield session
    session.close()


now = clock.utcnow

# The demo network's actor groups, which IV.1's first question offers.
ACTOR_GROUP_OPTIONS = tuple(Option(code=code, label=labels) for code, labels in ACTOR_GROUPS)


def parse_iv1(source: str | None = None) -> Questionnaire:
    """IV.1 (or a variant of its text) as stored: its actor groups resolved."""
    return parse_questionnaire(source or IV1.read_text("utf-8"), actor_groups=ACTOR_GROUP_OPTIONS)


def store_questionnaire(session, source: str | None = None):
    """Store IV.1 (or ``source``) as a version, with the demo's actor groups in the list."""
    actor_groups.add_groups(session, ACTOR_GROUPS)
    return versions.store_questionnaire(session, source or IV1.read_text("utf-8"))


def add_meeting(session, source: str | None = None, *, opens=-1, closes=24, **fields) -> Meeting:
    """A meeting whose survey window is given in hours from now.  No paper forms
    are awaited (its paper entry is finished) unless ``paper_entry_finished=False``."""
    fields.setdefault("paper_entry_finished", True)
    version, _ = store_questionnaire(session, source)
    meeting = Meeting(
        public_code=codes.new_public_code(),
        title=fields.pop("title", "Netzwerktreffen"),
        date=dt.date.today(),
        place="Freiburg",
        questionnaire_version=version,
        opens_at=None if opens is None else now() + dt.timedelta(hours=opens),
        closes_at=None if closes is None else now() + dt.timedelta(hours=closes),
        **fields,
    )
    session.add(meeting)
    session.commit()
    session.refresh(meeting)
    # Detached, so reading its attributes later never opens a transaction
    # that would keep the app's writes waiting on SQLite.
    session.expunge(meeting)
    session.rollback()
    return meeting


@pytest.fixture
def meeting(db):
    return add_meeting(db)


@pytest.fixture
def demo_actor_groups(db):
    """The demo network's actor groups in the list, as an admin would have entered them."""
    actor_groups.add_groups(db, ACTOR_GROUPS)
    db.commit()


# A questionnaire with every question type, all optional (no required keys).
EVERY_SHAPE = """
id: mc-test
version: 1
mittlerziel: {code: "X.1", text: {de: Ziel}}
title: {de: Test}
languages: [de, en]
questions:
  - id: role
    type: single_choice
    quasi_identifier: true
    text: {de: Rolle, en: Role}
    options:
      - {code: a, label: {de: A}}
      - {code: b, label: {de: B}}
  - id: topics
    type: multiple_choice
    text: {de: Themen}
    options:
      - {code: lang, label: {de: Sprache}}
      - {code: work, label: {de: Arbeit}}
      - {code: school, label: {de: Schule}}
  - id: rating
    type: likert
    text: {de: Note}
    labels: [{de: eins}, {de: zwei}, {de: drei}, {de: vier}, {de: fünf}]
  - id: count
    type: number
    min: 0
    max: 9
    text: {de: Anzahl}
  - id: note
    type: free_text
    max_length: 100
    text: {de: Notiz}
"""


# A complete, valid IV.1 answer as a participant's browser sends it.
VALID_ANSWERS = {
    "actor_group": "school",
    "knows_more_offers": "yes",
    "new_contacts": "yes",
    "new_partners": "no",
    "central_topics": "dont_know",
    "satisfaction": "4",
    "impulses": "3",
    "benefit": "5",
    "relevant_topics": "4",
    "transparency": "2",
    "meetings_attended": "3",
    "comment": "Mehr Zeit für Austausch, bitte.",
}


@dataclass
class FormPage:
    html: str
    submission_id: str
    language: str

    def fields(self, answers: dict) -> dict:
        """What a browser sends: the form's hidden fields and the answers."""
        hidden = {"submission_id": self.submission_id, "language": self.language}
        if 'name="access_code" type="hidden"' in self.html:  # a code from the card's link
            hidden["access_code"] = _hidden(self.html, "access_code")
        return {**hidden, **answers}


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden field {name!r} in the page"
    return match.group(1)


def open_form(client, code: str, /, **query) -> FormPage:
    response = client.get(f"/m/{code}", query_string=query)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return FormPage(html, _hidden(html, "submission_id"), _hidden(html, "language"))


def store_response(
    db, meeting, form: dict[str, list[str]], *, language: str = "de", today: dt.date | None = None
) -> None:
    """Store one response through the participant's validation rules, as the form would."""
    version = db.get(QuestionnaireVersion, meeting.questionnaire_version_id)
    sent = validate_submission(versions.questionnaire_of(version), form)
    assert sent.valid, sent.errors
    submission.submit_response(
        db,
        db.get(Meeting, meeting.id),
        version.id,
        sent,
        language=language,
        submission_id=secrets.token_urlsafe(24),
        today=today or dt.date.today(),
        now=None,
    )


def count(db, model=Response) -> int:
    """Rows of ``model`` the app has committed."""
    # End the read transaction at once: on SQLite an open one would keep the
    # app's next write waiting.
    db.rollback()
    try:
        return db.scalar(select(func.count()).select_from(model))
    finally:
        db.rollback()


# --- staff ---------------------------------------------------------------------

PASSWORDS = {"admin": "admin-password-1", "coordinator": "coord-password-1", "evaluator": "eval-password-1"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


def login(client, username, password, *, lang="en"):
    page = client.get("/login").get_data(as_text=True)
    return client.post(
        f"/login?lang={lang}", data={"csrf_token": csrf_of(page), "username": username, "password": password}
    )


def token(client, url="/workspace/"):
    """A CSRF token of the workspace, as a page there carries it."""
    return csrf_of(client.get(url).get_data(as_text=True))


@pytest.fixture
def staff(db):
    """One account of each role, named after it, with the password in PASSWORDS."""
    for role, password in PASSWORDS.items():
        accounts.create_user(db, role, password, role)
    db.commit()


@pytest.fixture
def coordinator(client, db):
    """The test client, logged in as a coordinator."""
    accounts.create_user(db, "koordination", "koordinierte-Wege-41", "coordinator")
    db.commit()
    assert login(client, "koordination", "koordinierte-Wege-41").status_code == 302
    return client


def route_url(rule, meeting) -> str:
    """A path for a URL rule, its arguments filled from ``meeting`` (or made up)."""
    values = {
        "code": meeting.public_code,
        "version_id": meeting.questionnaire_version_id,
        "filename": "style.css",
        "meeting_id": meeting.id,
        "kind": "svg",
        "partner_id": 999999,
        "draft_id": 999999,
        "user_id": 999999,
        "token": "no-such-link",
        "strategy_version_id": 999999,
        "group_id": 999999,
        "number": 1,
        "token_id": 999999,
        "topic_id": 999999,
    }
    path = rule.rule
    for argument in rule.arguments:
        path = re.sub(rf"<(?:\w+:)?{argument}>", str(values[argument]), path)
    return path


def assert_kept(html: str, answers: dict, except_for=()) -> None:
    """Every valid answer is still filled in on the returned form."""
    for name, value in answers.items():
        if name in except_for:
            continue
        if name in ("meetings_attended",):
            assert f'name="{name}" value="{value}"' in html, name
        elif name == "comment":
            assert f">{value}</textarea>" in html, name
        else:
            assert re.search(rf'name="{name}" value="{re.escape(value)}" checked', html), name


def meeting_form(version_id, **changes):
    data = {
        "title": "Netzwerktreffen Frühjahr",
        "date": "2026-03-18",
        "place": "Freiburg, Rathaus",
        "questionnaire_version_id": str(version_id),
        "opens_at": "2026-03-18T16:00",
        "closes_at": "2026-04-01T16:00",
        "invited": "300",
        "attended": "140",
        "good_practice_presentations": "2",
        "new_topics-0": "Sprachbildung",
        "new_topics-1": "Übergänge",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
