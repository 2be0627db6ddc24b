"""submission.submit_response on each engine: every answer shape stored as sent,
and nothing at all (not even the receipt) when the survey is not open, the
questionnaire changed or the same form was stored before."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.models import Answer, Meeting, Response, SubmissionReceipt
from app.participation import submission
from app.questionnaires import versions
from app.questionnaires.answers import Submission, validate_submission
from tests.conftest import EVERY_SHAPE as SHAPES
from tests.conftest import add_meeting, count, now


def _checked(meeting: Meeting, form: dict[str, list[str]]):
    sent = validate_submission(versions.questionnaire_of(meeting.questionnaire_version), form)
    assert sent.valid, sent.errors
    return sent


def _store(db, meeting, form, *, submission_id="form-instance-0001", open_at=None, sent=None):
    meeting = db.get(Meeting, meeting.id)
    submission.submit_response(
        db,
        meeting,
        meeting.questionnaire_version_id,
        sent or _checked(meeting, form),
        language="de",
        submission_id=submission_id,
        today=dt.date(2026, 3, 5),
        now=open_at,
    )


def _stored_answers(db) -> set[tuple]:
    db.rollback()
    return set(db.execute(select(Answer.question_id, Answer.code, Answer.number, Answer.text)).all())


# Travels to the database inside a JSON document: quotes, backslashes, line
# breaks, right-to-left text and a character outside the BMP must arrive as typed.
REMARK = 'Gern wieder, "bitte" \\ \'danke\'; -- شكراً\nДякую 🙂 {"x": 1}'


@pytest.mark.parametrize(
    "form, expected",
    [
        (
            {"topics": ["lang", "work"], "count": ["7"], "note": [REMARK]},
            {
                ("topics", "lang", None, None),
                ("topics", "work", None, None),
                ("count", "value", 7, None),
                ("note", "value", None, REMARK),
            },
        ),
        ({"topics": ["school"]}, {("topics", "school", None, None)}),  # no number, no text at all
        ({"count": ["0"]}, {("count", "value", 0, None)}),
        ({}, set()),  # everything is optional: a response without answers still counts as one
    ],
)
def test_every_answer_shape_is_stored_as_sent(db, form, expected):
    meeting = add_meeting(db, SHAPES)
    _store(db, meeting, form, open_at=now())
    db.commit()
    assert _stored_answers(db) == expected
    response = db.scalars(select(Response)).one()
    assert (response.meeting_id, response.language, response.submitted_on) == (meeting.id, "de", dt.date(2026, 3, 5))
    assert count(db, SubmissionReceipt) == 1


@pytest.mark.parametrize("window", [{"opens": 1}, {"opens": -3, "closes": -1}])
def test_a_survey_not_open_stores_nothing(db, window):
    meeting = add_meeting(db, SHAPES, **window)
    with pytest.raises(submission.SurveyNotOpen):
        _store(db, meeting, {"topics": ["school"]}, open_at=now())
    db.rollback()  # as the caller must
    assert (count(db, Response), count(db, Answer), count(db, SubmissionReceipt)) == (0, 0, 0)


def test_a_changed_questionnaire_stores_nothing(db):
    meeting = add_meeting(db, SHAPES)
    seen_by_phone, _questionnaire = submission.meeting_by_code(db, meeting.public_code)
    sent = _checked(db.get(Meeting, meeting.id), {"count": ["3"]})
    # The coordinator switches the meeting to another version meanwhile.
    other, _ = versions.store_questionnaire(db, SHAPES.replace("version: 1", "version: 2"))
    db.get(Meeting, meeting.id).questionnaire_version = other
    db.commit()
    with pytest.raises(submission.SurveyNotOpen):
        submission.submit_response(
            db,
            seen_by_phone,
            seen_by_phone.questionnaire_version_id,
            sent,
            language="de",
            submission_id="form-instance-0002",
            today=dt.date(2026, 3, 5),
            now=now(),
        )
    db.rollback()
    assert (count(db, Response), count(db, Answer), count(db, SubmissionReceipt)) == (0, 0, 0)


def test_the_same_form_is_stored_once(db):
    meeting = add_meeting(db, SHAPES)
    _store(db, meeting, {"topics": ["school"], "count": ["2"]}, open_at=now())
    db.commit()
    with pytest.raises(submission.AlreadySubmitted):
        _store(db, meeting, {"topics": ["work"]}, open_at=now())
    db.rollback()
    assert (count(db, Response), count(db, SubmissionReceipt)) == (1, 1)
    assert _stored_answers(db) == {("topics", "school", None, None), ("count", "value", 2, None)}


def test_another_broken_rule_is_not_taken_for_a_repeated_form(db):
    """Only the receipt's key means "stored before": answers that break another
    rule (here the answer's own key: one code twice) fail loudly instead of
    thanking the participant."""
    meeting = add_meeting(db, SHAPES)
    twice = Submission(answers={"topics": ("school", "school")}, errors={})
    with pytest.raises(IntegrityError):
        _store(db, meeting, {}, open_at=now(), sent=twice)
    db.rollback()
    assert (count(db, Response), count(db, Answer), count(db, SubmissionReceipt)) == (0, 0, 0)


def test_without_a_time_the_window_is_not_asked(db):
    """Imports and tests store answers of meetings long closed."""
    meeting = add_meeting(db, SHAPES, opens=-48, closes=-24)
    _store(db, meeting, {"count": ["4"]})
    db.commit()
    assert _stored_answers(db) == {("count", "value", 4, None)}
