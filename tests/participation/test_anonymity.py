"""Anonymity is a property of the schema: nothing about a person, a device or
the time of day is stored with or near a response."""

import re

from sqlalchemy import Date, DateTime, Time, select

from app.models import Answer, Base, Response, SubmissionReceipt
from tests.conftest import VALID_ANSWERS, open_form

PARTICIPANT_TABLES = {"response", "answer", "submission_receipt", "access_code"}
FORBIDDEN_NAMES = re.compile(r"ip|addr|agent|referr|cookie|session|user|created|updated|time|_at$|seq", re.I)


def test_response_holds_only_the_agreed_columns():
    assert {c.name for c in Response.__table__.columns} == {
        "id",
        "meeting_id",
        "questionnaire_version_id",
        "language",
        "submitted_on",
    }
    assert {c.name for c in Answer.__table__.columns} == {"response_id", "question_id", "code", "number", "text"}
    assert {c.name for c in SubmissionReceipt.__table__.columns} == {"token_digest"}


def test_no_participant_table_has_a_time_or_identity_column():
    for name in PARTICIPANT_TABLES:
        for column in Base.metadata.tables[name].columns:
            assert not FORBIDDEN_NAMES.search(column.name), f"{name}.{column.name}"
            assert not isinstance(column.type, (DateTime, Time)), f"{name}.{column.name} stores a time"
    assert isinstance(Response.__table__.c.submitted_on.type, Date)


def test_the_receipt_cannot_be_linked_to_the_response():
    assert not SubmissionReceipt.__table__.foreign_keys
    assert not any(
        fk.column.table.name == "submission_receipt" for t in Base.metadata.tables.values() for fk in t.foreign_keys
    )


def test_response_ids_are_random_not_sequential(app, db, meeting):
    for _ in range(3):
        client = app.test_client()  # three phones
        page = open_form(client, meeting.public_code)
        client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    db.rollback()
    ids = db.scalars(select(Response.id)).all()
    assert len(ids) == 3 and all(i.version == 4 for i in ids)
    assert Response.__table__.c.id.server_default is None  # no database sequence behind it


def test_nothing_from_the_request_reaches_the_database(client, db, meeting):
    """A submission with a distinctive address, agent and referrer: none of it,
    and no time of day, appears in any stored value of any table."""
    page = open_form(client, meeting.public_code)
    marker_headers = {
        "User-Agent": "Agent-7f3a9 Phone",
        "Referer": "https://ref-7f3a9.example/",
        "X-Forwarded-For": "203.0.113.77",
    }
    client.post(
        f"/m/{meeting.public_code}",
        data=page.fields(VALID_ANSWERS),
        headers=marker_headers,
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    db.rollback()
    dump = []
    for table in Base.metadata.sorted_tables:
        for row in db.execute(select(table)).all():
            dump.extend(str(value) for value in row)
    text = " ".join(dump)
    for needle in ("7f3a9", "198.51.100.23", "203.0.113.77", "Phone"):
        assert needle not in text
    assert not re.search(r"\d{2}:\d{2}", " ".join(str(v) for v in db.execute(select(Response.__table__)).one()))
