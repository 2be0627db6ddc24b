"""Every change to a meeting that could change its counts drops its stored
counts (app/evaluation/report/stored_counts.py): reopening, a new survey
window, another questionnaire version, a paper form.  After each, and once
the counts are stored again, the report equals the report counted from the
raw answers (tests/evaluation/report/test_stored_counts.py)."""

from __future__ import annotations

from sqlalchemy import select, update

from app.evaluation.report import stored_counts
from app.meetings import paper_entry, services, storage_order
from app.meetings.storage_order import GRACE
from app.models import Meeting, QuestionnaireVersion
from app.questionnaires.answers import validate_submission
from app.questionnaires.versions import questionnaire_of
from tests.conftest import IV1, VALID_ANSWERS, add_meeting, csrf_of, meeting_form, now, store_questionnaire
from tests.evaluation.report.test_stored_counts import (
    answer_randomly,
    assert_report_is_fresh,
    build,
    store,
    stored_meetings,
    stored_rows,
)


def closed_and_stored(db, responses=10, seed=1, **fields) -> Meeting:
    meeting = add_meeting(db, closes=-1, **fields)
    answer_randomly(db, meeting, responses, seed=seed)
    assert store(db) == [meeting.id]
    assert_report_is_fresh(db)
    return meeting


def loaded(db, meeting) -> Meeting:
    db.rollback()
    return db.get(Meeting, meeting.id)


def assert_dropped(db, meeting) -> None:
    assert meeting.id not in stored_meetings(db) and stored_rows(db, meeting.id) == 0


def test_reopening_drops_the_counts_and_closing_again_counts_the_new_answers(db):
    meeting = closed_and_stored(db)
    services.open_survey(db, loaded(db, meeting), now())
    db.commit()
    assert_dropped(db, meeting)
    assert build(db).meetings[0].status == "open"
    assert_report_is_fresh(db)

    answer_randomly(db, meeting, 7, seed=2)
    services.close_survey(db, loaded(db, meeting), now() - 2 * GRACE)
    db.commit()
    assert_report_is_fresh(db)  # released, not stored yet: counted from the answers
    assert store(db) == [meeting.id]
    assert build(db).overall.respondents == 17
    assert_report_is_fresh(db)


def test_a_new_window_drops_the_counts(coordinator, db):
    meeting = closed_and_stored(db)
    url = f"/workspace/meetings/{meeting.id}/edit"
    page = coordinator.get(url).get_data(as_text=True)
    # The staff request stored nothing new; the edit moves the end of the survey into the future.
    assert meeting.id in stored_meetings(db)
    data = meeting_form(meeting.questionnaire_version_id, csrf_token=csrf_of(page), closes_at="2999-01-01T12:00")
    assert coordinator.post(url, data=data).status_code == 302
    assert_dropped(db, meeting)
    assert build(db).meetings[0].status == "open"
    assert_report_is_fresh(db)


def test_an_edit_that_leaves_window_and_version_keeps_the_counts(db):
    meeting = closed_and_stored(db)
    edited = loaded(db, meeting)
    edited.attended = 50
    db.commit()
    assert meeting.id in stored_meetings(db)
    assert_report_is_fresh(db)  # attendance is read from the meeting, not stored with the counts


def test_another_questionnaire_version_drops_the_counts(db):
    meeting = closed_and_stored(db)
    newer, _ = store_questionnaire(db, IV1.read_text("utf-8").replace("\nversion: 1\n", "\nversion: 2\n"))
    db.commit()
    newer_id = newer.id
    services.switch_version(db, loaded(db, meeting), newer_id, split_confirmed=True)
    db.commit()
    assert_dropped(db, meeting)
    older = db.scalars(select(QuestionnaireVersion).filter_by(version=1)).one()
    for version in (older, db.get(QuestionnaireVersion, newer_id)):
        assert_report_is_fresh(db, version)
    # Stored again, per version: each version's report still equals the fresh one.
    assert store(db) == [meeting.id]
    for version in (older, db.get(QuestionnaireVersion, newer_id)):
        assert_report_is_fresh(db, version)


def test_a_paper_form_drops_the_counts(db):
    meeting = add_meeting(db, closes=-1, paper_entry_finished=False)
    answer_randomly(db, meeting, 9, seed=3)
    assert store(db) == []  # not released while paper forms are awaited
    paper_entry.finish_paper_entry(db, loaded(db, meeting))
    db.commit()
    assert store(db) == [meeting.id]
    # Should the paper entry ever be taken up again, the next form drops the counts.
    db.execute(update(Meeting).where(Meeting.id == meeting.id).values(paper_entry_finished=False))
    db.commit()
    assert_report_is_fresh(db)
    version = db.get(QuestionnaireVersion, meeting.questionnaire_version_id)
    sent = validate_submission(questionnaire_of(version), {q: [v] for q, v in VALID_ANSWERS.items()})
    paper_entry.store_paper_form(db, loaded(db, meeting), sent, language="de", form_id="paper-1", today=now().date())
    db.commit()
    assert_dropped(db, meeting)
    paper_entry.finish_paper_entry(db, loaded(db, meeting))
    db.commit()
    assert store(db) == [meeting.id]
    assert build(db).overall.respondents == 10
    assert_report_is_fresh(db)


def test_rewriting_the_rows_in_random_order_keeps_the_counts(db):
    meeting = closed_and_stored(db, responses=12)
    db.rollback()
    assert storage_order.shuffle_closed_surveys(db, now()) == [meeting.id]
    db.commit()
    assert meeting.id in stored_meetings(db)
    assert_report_is_fresh(db)
    assert not stored_counts.due(db, now())
