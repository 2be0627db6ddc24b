"""Stored counts (app/evaluation/report/stored_counts.py): a released meeting's
counts are stored once, the report reads them, and after every kind of change
the report from stored counts equals the report counted from the raw answers.

"Fresh" below is the same report with every meeting's counts set aside (in a
transaction rolled back afterwards), so each meeting is counted from its
answers; the numbers stored are also checked against hand counts.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select, update

from app.evaluation import retention
from app.evaluation.report import queries, reporting, stored_counts
from app.meetings.storage_order import GRACE
from app.models import Meeting, MeetingCount, QuestionnaireVersion
from tests.conftest import PASSWORDS, VALID_ANSWERS, add_meeting, login, now, store_response

ACTOR_GROUPS = ("school", "administration", "politics")
YES_NO = ("yes", "no", "dont_know")


def answer_randomly(db, meeting, responses: int, seed: int) -> dict:
    """Store ``responses`` varied responses; returns the hand count of
    (question, code) -> how often it was given, and of each actor group."""
    rng = random.Random(seed)
    counted: dict = {}
    for _ in range(responses):
        answers = {
            **VALID_ANSWERS,
            "actor_group": rng.choice(ACTOR_GROUPS),
            "knows_more_offers": rng.choice(YES_NO),
            "new_contacts": rng.choice(YES_NO),
            "satisfaction": rng.choice("12345"),
        }
        if rng.random() < 0.3:
            del answers["comment"]
        if answers["new_contacts"] != "yes":  # asked only of those who made new contacts
            del answers["new_partners"]
        store_response(db, meeting, {question: [value] for question, value in answers.items()})
        for question, value in answers.items():
            key = (question, "value" if question in ("meetings_attended", "comment") else value)
            counted[key] = counted.get(key, 0) + 1
    db.commit()
    return counted


def version_of(db) -> QuestionnaireVersion:
    return db.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.id)).first()


def build(db, version=None, **options):
    version = version or version_of(db)
    options.setdefault("min_cell", 3)
    return reporting.build_report(
        db, version, reporting.ReportOptions(**options), today=dt.date.today() + dt.timedelta(days=1), now=now()
    )


def summary(report: reporting.Report) -> tuple:
    """Every number of the report that comes from the answers."""

    def scope(s):
        return (s.kind, s.label, s.respondents, s.population, s.status) + tuple(
            (r.indicator.id, r.k, r.n, r.note, r.assessment) for r in s.results
        )

    return (
        scope(report.overall),
        tuple(scope(y) for y in report.years),
        tuple(scope(m) for m in report.meetings),
        tuple((result.question.id, result.counts) for result in report.likert),
        tuple((breakdown.question.id, breakdown.rows) for breakdown in report.breakdowns),
    )


def fresh_summary(db, version=None) -> tuple:
    """The report counted from the raw answers alone."""
    db.rollback()
    db.execute(update(Meeting).values(counts_stored=False))
    try:
        return summary(build(db, version))
    finally:
        db.rollback()


def store(db) -> list[int]:
    db.rollback()
    done = stored_counts.store_closed_meetings(db, now())
    db.commit()
    return done


def stored_meetings(db) -> set[int]:
    db.rollback()
    try:
        return set(db.scalars(select(Meeting.id).where(Meeting.counts_stored)))
    finally:
        db.rollback()


def stored_rows(db, meeting_id) -> int:
    db.rollback()
    try:
        return db.scalar(select(func.count()).select_from(MeetingCount).where(MeetingCount.meeting_id == meeting_id))
    finally:
        db.rollback()


def assert_report_is_fresh(db, version=None) -> tuple:
    db.rollback()
    with_stored = summary(build(db, version))
    assert with_stored == fresh_summary(db, version)
    return with_stored


def test_stored_counts_are_the_hand_counts_and_give_the_fresh_report(db):
    first = add_meeting(db, closes=-2, attended=40, title="Erstes Treffen")
    second = add_meeting(db, closes=-1, title="Zweites Treffen")
    still_open = add_meeting(db, closes=24, title="Offenes Treffen")
    hand = answer_randomly(db, first, 30, seed=1)
    answer_randomly(db, second, 25, seed=2)
    answer_randomly(db, still_open, 12, seed=3)
    before = fresh_summary(db)

    assert sorted(store(db)) == sorted([first.id, second.id])
    assert stored_meetings(db) == {first.id, second.id}  # an open survey's answers are never counted
    assert stored_rows(db, still_open.id) == 0

    db.rollback()
    assert queries.group_questions(version_of(db)) == ("actor_group",)
    stored = db.execute(
        select(MeetingCount.question_id, MeetingCount.code, MeetingCount.count).where(
            MeetingCount.meeting_id == first.id, MeetingCount.group_question == ""
        )
    ).all()
    db.rollback()
    assert {(q, c): n for q, c, n in stored if q} == hand
    assert {(q, c): n for q, c, n in stored if not q} == {("", ""): 30}
    # The breakdown: respondents per actor group, hand-counted.
    groups = db.execute(
        select(MeetingCount.group_code, MeetingCount.count).where(
            MeetingCount.meeting_id == first.id,
            MeetingCount.group_question == "actor_group",
            MeetingCount.question_id == "",
        )
    ).all()
    db.rollback()
    assert dict(groups) == {code: hand[("actor_group", code)] for code in ACTOR_GROUPS if ("actor_group", code) in hand}

    after = assert_report_is_fresh(db)
    assert after == before
    report = build(db)
    assert report.meetings_with("open")[0].respondents == 12  # the open meeting: its count of responses only
    assert report.overall.respondents == 55 and not store(db)  # nothing due twice


def test_queries_read_the_same_from_stored_counts_as_from_the_answers(db):
    meetings = [add_meeting(db, closes=-1 - i, title=f"Treffen {i}") for i in range(3)]
    for i, meeting in enumerate(meetings):
        answer_randomly(db, meeting, 10 + 3 * i, seed=10 + i)
    version = version_of(db)

    def read():
        db.rollback()
        return (
            queries.respondents_by_meeting(db, version.id),
            queries.respondents_by_meeting(db, version.id, now()),
            queries.counts_by_meeting(db, version.id, now()),
            # A stored breakdown, and a question the counts are not stored by (read from the answers).
            queries.counts_by_meeting_and_group(db, version.id, "actor_group", now()),
            queries.counts_by_meeting_and_group(db, version.id, "knows_more_offers", now()),
        )

    raw = read()
    store(db)
    assert stored_meetings(db) == {m.id for m in meetings}
    assert read() == raw


def test_a_survey_closed_less_than_the_grace_ago_is_counted_from_its_answers(db):
    meeting = add_meeting(db, closes=-1)
    answer_randomly(db, meeting, 8, seed=4)
    db.execute(update(Meeting).where(Meeting.id == meeting.id).values(closes_at=now() - GRACE / 2))
    db.commit()
    assert not stored_counts.due(db, now()) and store(db) == []
    # Released, so shown, from the raw answers: a submission may still be on its way.
    report = build(db)
    assert report.meetings[0].status == "shown" and report.overall.respondents == 8
    assert stored_counts.due(db, now() + GRACE) and stored_counts.store_closed_meetings(db, now() + GRACE)


def test_purging_a_version_drops_its_counts(db):
    meeting = add_meeting(db, closes=-1)
    answer_randomly(db, meeting, 9, seed=5)
    store(db)
    db.rollback()
    retention.purge_version(db, version_of(db))
    db.commit()
    assert stored_meetings(db) == set() and stored_rows(db, meeting.id) == 0
    assert summary(build(db)) == fresh_summary(db)
    assert build(db).meetings == ()


def test_purging_free_text_drops_the_counts_of_the_meetings_it_touches(db):
    old = add_meeting(db, closes=-1, title="Alt")
    recent = add_meeting(db, closes=-1, title="Neu")
    db.execute(update(Meeting).where(Meeting.id == old.id).values(date=dt.date(2020, 5, 1)))
    db.commit()
    answer_randomly(db, old, 10, seed=6)
    answer_randomly(db, recent, 10, seed=7)
    store(db)
    db.rollback()
    purged = retention.purge_free_text(db, before=dt.date(2021, 1, 1))
    db.commit()
    assert purged.answers > 0
    assert stored_meetings(db) == {recent.id}
    assert_report_is_fresh(db)
    store(db)  # counted again: the free texts are gone from its counts too
    db.rollback()
    comments = db.scalar(
        select(MeetingCount.count).where(
            MeetingCount.meeting_id == old.id, MeetingCount.group_question == "", MeetingCount.question_id == "comment"
        )
    )
    db.rollback()
    assert comments is None
    assert_report_is_fresh(db)


def test_a_staff_request_stores_the_counts_before_the_report_reads_them(client, db, staff):
    meeting = add_meeting(db, closes=-1)
    answer_randomly(db, meeting, 12, seed=8)
    before = fresh_summary(db)
    login(client, "evaluator", PASSWORDS["evaluator"])
    page = client.get("/workspace/reports/?lang=en", follow_redirects=True)
    assert page.status_code == 200
    assert stored_meetings(db) == {meeting.id} and stored_rows(db, meeting.id) > 0
    assert summary(build(db)) == before
