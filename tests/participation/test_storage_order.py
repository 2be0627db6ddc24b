"""No order in storage: neither the physical order of the participants'
tables nor anything else in them tells the order of submission, or pairs an
access code with the response it let in.

SQLite: the tables have no rowid and are kept in the order of their random
keys, which a plain SELECT (no ORDER BY) reads.  PostgreSQL: ``ctid`` is the
row's place in the heap; once the survey has closed, its rows are rewritten
in random order (app/meetings/storage_order.py).
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from scipy.stats import spearmanr
from sqlalchemy import DateTime, Time, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.meetings import access_codes, storage_order
from app.meetings.codes import access_code_digest
from app.models import AccessCode, Answer, Base, Meeting, Response, SubmissionReceipt
from app.participation import submission
from app.questionnaires import versions
from app.questionnaires.answers import validate_submission
from tests.conftest import VALID_ANSWERS, add_meeting, count, now, store_response

PARTICIPANT_TABLES = ("response", "answer", "submission_receipt", "access_code")
# 200 submissions would do, but |ρ| of a random order then reaches 0.2 in
# about 1 of 200 reads by chance alone (its spread is 1/√(n-1)); with 400,
# in 1 of 16,000, so the test never fails by bad luck.
SUBMISSIONS = 400
# What |ρ| must stay below: no correlation with the order of submission.
NO_CORRELATION = 0.2


def test_the_participants_tables_are_keyed_by_random_values():
    assert Response.__table__.c.id.default.arg.__name__ == "new_response_id"
    assert [c.name for c in Answer.__table__.primary_key.columns][0] == "response_id"
    assert [c.name for c in SubmissionReceipt.__table__.primary_key.columns] == ["token_digest"]
    assert [c.name for c in AccessCode.__table__.primary_key.columns] == ["digest"]
    for name in PARTICIPANT_TABLES:
        assert Base.metadata.tables[name].dialect_options["sqlite"]["with_rowid"] is False, name


def test_on_sqlite_they_have_no_rowid(app, db):
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has no rowid")
    for name in PARTICIPANT_TABLES:
        sql = db.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": name})
        assert sql.rstrip().endswith("WITHOUT ROWID"), name
        with pytest.raises(OperationalError, match="no such column: rowid"):
            db.execute(text(f"SELECT rowid FROM {name}"))
        db.rollback()


def test_an_access_code_row_holds_nothing_that_could_pair_it_with_a_response():
    columns = AccessCode.__table__.columns
    assert {c.name for c in columns} == {"digest", "meeting_id", "used"}
    assert not any(isinstance(c.type, (DateTime, Time)) for c in columns)
    # Its only reference is to the meeting; nothing refers to it.
    assert {fk.column.table.name for fk in AccessCode.__table__.foreign_keys} == {"meeting"}
    for table in Base.metadata.tables.values():
        assert not any(fk.column.table.name == "access_code" for fk in table.foreign_keys), table.name
    for table in (Response, Answer, SubmissionReceipt):
        assert not any(fk.column.table.name == "access_code" for fk in table.__table__.foreign_keys)


def _submit_in_known_order(app, db, meeting):
    """SUBMISSIONS responses, each in its own transaction as the form stores
    them, each with its own access code; what the test knows of each one."""
    codes = _make_codes(app, db, meeting, SUBMISSIONS)
    version = db.get(Meeting, meeting.id).questionnaire_version
    questionnaire = versions.questionnaire_of(version)
    submitted = []
    for i, code in enumerate(codes):
        submission_id = secrets.token_urlsafe(24)
        answers = {**VALID_ANSWERS, "comment": f"Antwort {i}"}
        sent = validate_submission(questionnaire, {name: [value] for name, value in answers.items()})
        submission.submit_response(
            db,
            db.get(Meeting, meeting.id),
            version.id,
            sent,
            language="de",
            submission_id=submission_id,
            today=dt.date.today(),
            now=now(),
            access_code_digests=[access_code_digest("test-secret", meeting.public_code, code)],
        )
        db.commit()
        submitted.append((submission.submission_digest(submission_id), code))
    return submitted


def _make_codes(app, db, meeting, how_many):
    with app.app_context():
        made = access_codes.make_codes(db, db.get(Meeting, meeting.id), how_many)
    db.commit()
    return made


def _physical(db, table: str, columns: str) -> list[tuple]:
    """The rows as stored: the b-tree's order on SQLite, the heap's on PostgreSQL."""
    db.rollback()
    if db.get_bind().dialect.name == "postgresql":
        return db.execute(text(f"SELECT {columns} FROM {table} ORDER BY ctid")).all()
    return db.execute(text(f"SELECT {columns} FROM {table}")).all()  # no ORDER BY: as the table lies


def _rho(order_of_submission: list[int]) -> float:
    """Spearman's ρ between the rows' places and their order of submission."""
    return spearmanr(range(len(order_of_submission)), order_of_submission).statistic


def _order_of_submission(db, meeting, submitted):
    """For each table, the submission index of each row, in physical order."""
    db.rollback()
    comments = dict(db.execute(select(Answer.response_id, Answer.text).where(Answer.question_id == "comment")).all())
    response_index = {response_id.hex: int(comment.split()[1]) for response_id, comment in comments.items()}
    receipt_index = {digest: i for i, (digest, _code) in enumerate(submitted)}
    code_index = {
        access_code_digest("test-secret", meeting.public_code, code): i for i, (_digest, code) in enumerate(submitted)
    }

    def key(value) -> str:
        return str(value).replace("-", "")  # a UUID as SQLite (hex) and PostgreSQL (dashed) give it

    return {
        "response": [response_index[key(row.id)] for row in _physical(db, "response", "*")],
        "answer": [response_index[key(row.response_id)] for row in _physical(db, "answer", "*")],
        "submission_receipt": [receipt_index[row.token_digest] for row in _physical(db, "submission_receipt", "*")],
        "access_code": [code_index[row.digest] for row in _physical(db, "access_code", "*") if row.used],
    }


def _everything(db) -> dict[str, set[tuple]]:
    db.rollback()
    return {name: {tuple(row) for row in db.execute(text(f"SELECT * FROM {name}"))} for name in PARTICIPANT_TABLES}


@pytest.mark.slow
def test_the_physical_order_says_nothing_of_the_order_of_submission(app, db, coordinator):
    meeting = add_meeting(db, survey_access=Meeting.ACCESS_CODES)
    submitted = _submit_in_known_order(app, db, meeting)
    engine = db.get_bind().dialect.name
    before = _order_of_submission(db, meeting, submitted)
    if engine == "postgresql":
        # What the rewrite is for: the heap keeps the order of submission,
        # and the transaction id of each row pairs a code with its response.
        assert _rho(before["response"]) > 0.95 and _rho(before["submission_receipt"]) > 0.95
        print(f"\n{engine}, open survey: ρ { ({t: round(float(_rho(o)), 3) for t, o in before.items()}) }")
        assert _rows_paired_by_transaction(db, meeting) == SUBMISSIONS
    stored = _everything(db)

    # The survey closed a while ago; the coordinator's next page finds it.
    db.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(closes_at=now() - storage_order.GRACE - dt.timedelta(seconds=1))
    )
    db.commit()
    assert coordinator.get("/workspace/").status_code == 200
    db.rollback()
    assert db.scalar(select(Meeting.rows_shuffled).where(Meeting.id == meeting.id)) is True

    assert _everything(db) == stored  # every row is still there, as it was
    after = _order_of_submission(db, meeting, submitted)
    rho = {table: round(float(_rho(order)), 3) for table, order in after.items()}
    print(f"\n{engine}: Spearman ρ of physical order against order of submission: {rho}")
    assert all(abs(value) < NO_CORRELATION for value in rho.values()), rho
    assert len(after["answer"]) == len(stored["answer"]) > SUBMISSIONS

    # No value of a code's row recurs in a response, answer or receipt (the meeting aside).
    code_values = {value for row in stored["access_code"] for value in row if value not in (meeting.id, True, False)}
    others = {
        str(value) for name in ("response", "answer", "submission_receipt") for row in stored[name] for value in row
    }
    assert code_values and not code_values & others

    # Pairing a used code with a response by their places fails as well.
    code_place = {index: place for place, index in enumerate(after["access_code"])}
    response_place = {index: place for place, index in enumerate(after["response"])}
    pairs = [(code_place[i], response_place[i]) for i in range(SUBMISSIONS)]
    by_place = spearmanr(*zip(*pairs)).statistic
    print(f"{engine}: ρ between the places of a code and of its response: {by_place:.3f}")
    assert abs(by_place) < NO_CORRELATION
    if engine == "postgresql":
        assert _rows_paired_by_transaction(db, meeting) == 0


def _rows_paired_by_transaction(db, meeting) -> int:
    """Codes whose row was written by the very transaction that wrote one
    response, and by no other (PostgreSQL's ``xmin``)."""
    db.rollback()
    return db.scalar(
        text(
            "SELECT count(*) FROM access_code c JOIN response r ON r.xmin::text = c.xmin::text "
            "WHERE c.meeting_id = :m AND r.meeting_id = :m AND c.used "
            "AND (SELECT count(*) FROM response o WHERE o.xmin::text = c.xmin::text) = 1"
        ),
        {"m": meeting.id},
    )


def test_a_survey_is_rewritten_once_it_has_been_closed_for_the_grace(app, db):
    recently = add_meeting(db, opens=-5, closes=-0.01)
    long_ago = add_meeting(db, opens=-5, closes=-1)
    still_open = add_meeting(db)
    assert storage_order.due(db, now()) == [long_ago.id]
    db.rollback()
    assert storage_order.shuffle_closed_surveys(db, now()) == [long_ago.id]
    db.commit()
    assert storage_order.due(db, now()) == []
    later = now() + storage_order.GRACE
    assert storage_order.due(db, later) == [recently.id]
    db.rollback()
    assert still_open.id not in storage_order.due(db, later + dt.timedelta(hours=1))


def test_reopening_a_survey_makes_it_due_again_when_it_closes(app, db, coordinator):
    from app.meetings import services

    meeting = add_meeting(db, opens=-5, closes=-1)
    assert storage_order.shuffle_closed_surveys(db, now()) == [meeting.id]
    db.commit()
    services.open_survey(db, db.get(Meeting, meeting.id), now())
    db.commit()
    assert db.get(Meeting, meeting.id).rows_shuffled is False
    services.close_survey(db, db.get(Meeting, meeting.id), now())
    db.commit()
    assert storage_order.due(db, now() + storage_order.GRACE) == [meeting.id]


def test_the_cli_rewrites_closed_surveys(runner, db):
    meeting = add_meeting(db, opens=-5, closes=-1)
    first = runner.invoke(args=["meetings", "shuffle"])
    assert first.exit_code == 0 and "Rewrote the rows of 1 closed survey" in first.output
    again = runner.invoke(args=["meetings", "shuffle"])
    assert again.exit_code == 0 and "No closed survey is waiting" in again.output
    db.rollback()
    assert db.get(Meeting, meeting.id).rows_shuffled is True


def test_only_staff_requests_start_the_rewrite(app, client, db):
    meeting = add_meeting(db, opens=-5, closes=-1)
    assert client.get(f"/m/{meeting.public_code}").status_code == 200  # a participant: nothing happens
    assert client.get("/workspace/").status_code == 302  # not logged in: nothing happens
    db.rollback()
    assert db.get(Meeting, meeting.id).rows_shuffled is False


def test_a_submission_to_another_survey_during_the_rewrite_is_kept(app, db):
    """The receipts are rewritten in one statement: one stored by another
    meeting's open survey while the rewrite runs is neither lost nor doubled."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite rewrites nothing, and its writers take turns")
    closed = add_meeting(db, opens=-5, closes=-1)
    still_open = add_meeting(db)
    for _ in range(5):
        store_response(db, closed, {name: [value] for name, value in VALID_ANSWERS.items()})
    db.commit()
    rewriting = Session(app.extensions["resonanz.db"].engine)
    try:
        assert storage_order.shuffle_closed_surveys(rewriting, now()) == [closed.id]  # not committed yet
        store_response(db, still_open, {name: [value] for name, value in VALID_ANSWERS.items()})
        db.commit()  # does not wait: the rewrite locks only the closed meeting's rows
        rewriting.commit()
    finally:
        rewriting.close()
    assert (count(db, Response), count(db, SubmissionReceipt)) == (6, 6)
