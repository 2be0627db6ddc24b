"""Counting queries for reports: the database aggregates, Python never sees a
response row.  Each function takes the session.

Answers are counted only for meetings whose results are released
(:func:`released_meetings`, the query form of ``release.results_released``);
every meeting's number of responses is counted, released or not.

A released meeting's counts are read from ``meeting_count`` once they are
stored there (stored_counts.py); the answers of every other meeting are
counted from the raw rows, with the very statements that fill that table, so
both ways give the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from app.evaluation.indicators import Counts
from app.models import Answer, Meeting, MeetingCount, QuestionnaireVersion, Response
from app.questionnaires.versions import questionnaire_of

# ``meeting_count``'s empty key: the whole meeting (no group), its respondents (no question).
WHOLE = ""


def released(now: dt.datetime) -> ColumnElement[bool]:
    """``release.results_released`` as a condition on ``Meeting``: its survey closed
    at or before ``now`` and its paper entry is finished."""
    return Meeting.closes_at.is_not(None) & (Meeting.closes_at <= now) & Meeting.paper_entry_finished.is_(True)


def released_meetings(now: dt.datetime) -> Select:
    """The ids of the meetings whose answers may enter a figure at ``now``."""
    return select(Meeting.id).where(released(now))


def _meetings(stored: bool, now: dt.datetime | None) -> Select:
    """The ids of the meetings with (or without) stored counts; with ``now``, released ones only."""
    query = select(Meeting.id).where(Meeting.counts_stored.is_(stored))
    return query if now is None else query.where(released(now))


def group_questions(version: QuestionnaireVersion) -> tuple[str, ...]:
    """The questions whose answers split the counts that are stored: the breakdowns the report shows."""
    return tuple(question.id for question in questionnaire_of(version).breakdowns)


# --- the raw counts: one statement each, for reading and for storing --------


def raw_respondents(*where: ColumnElement[bool]) -> Select:
    """(meeting_id, count) of the responses that match ``where``."""
    return select(Response.meeting_id, func.count().label("count")).where(*where).group_by(Response.meeting_id)


def raw_answers(*where: ColumnElement[bool]) -> Select:
    """(meeting_id, question_id, code, count) of the answers of the responses that match ``where``."""
    return (
        select(Response.meeting_id, Answer.question_id, Answer.code, func.count().label("count"))
        .join(Response, Response.id == Answer.response_id)
        .where(*where)
        .group_by(Response.meeting_id, Answer.question_id, Answer.code)
    )


def raw_group_respondents(group_question: str, *where: ColumnElement[bool]) -> Select:
    """(meeting_id, group_code, count): the responses that match ``where`` per answer to ``group_question``."""
    group = aliased(Answer)
    return (
        select(Response.meeting_id, group.code.label("group_code"), func.count().label("count"))
        .join(Response, Response.id == group.response_id)
        .where(*where, group.question_id == group_question)
        .group_by(Response.meeting_id, group.code)
    )


def raw_group_answers(group_question: str, *where: ColumnElement[bool]) -> Select:
    """(meeting_id, group_code, question_id, code, count): :func:`raw_answers` per answer to ``group_question``."""
    group = aliased(Answer)
    return (
        select(
            Response.meeting_id,
            group.code.label("group_code"),
            Answer.question_id,
            Answer.code,
            func.count().label("count"),
        )
        .join(group, (group.response_id == Answer.response_id) & (group.question_id == group_question))
        .join(Response, Response.id == Answer.response_id)
        .where(*where)
        .group_by(Response.meeting_id, group.code, Answer.question_id, Answer.code)
    )


def _stored(version_id: int, group_question: str, now: dt.datetime | None, *columns) -> Select:
    return select(MeetingCount.meeting_id, *columns, MeetingCount.count).where(
        MeetingCount.questionnaire_version_id == version_id,
        MeetingCount.group_question == group_question,
        MeetingCount.meeting_id.in_(_meetings(True, now)),
    )


def _raw_where(version_id: int, now: dt.datetime | None) -> tuple[ColumnElement[bool], ...]:
    return (Response.questionnaire_version_id == version_id, Response.meeting_id.in_(_meetings(False, now)))


# --- what the report reads ---------------------------------------------------


def respondents_by_meeting(session: Session, version_id: int, now: dt.datetime | None = None) -> dict[int, int]:
    """How many responded at each meeting, for one questionnaire version: at
    every meeting, or with ``now`` at each released one."""
    stored = _stored(version_id, WHOLE, now).where(MeetingCount.question_id == WHOLE)
    raw = raw_respondents(*_raw_where(version_id, now))
    return dict(session.execute(stored).all()) | dict(session.execute(raw).all())


def counts_by_meeting(session: Session, version_id: int, now: dt.datetime) -> dict[int, Counts]:
    """Respondents and answer-code counts of each released meeting, for one questionnaire version."""
    respondents = respondents_by_meeting(session, version_id, now)
    answers: dict = defaultdict(dict)
    stored = _stored(version_id, WHOLE, now, MeetingCount.question_id, MeetingCount.code).where(
        MeetingCount.question_id != WHOLE
    )
    for query in (stored, raw_answers(*_raw_where(version_id, now))):
        for meeting_id, question_id, code, count in session.execute(query):
            answers[meeting_id][(question_id, code)] = count
    return {meeting_id: Counts(count, answers.get(meeting_id, {})) for meeting_id, count in respondents.items()}


def counts_by_meeting_and_group(
    session: Session, version_id: int, group_question: str, now: dt.datetime
) -> dict[int, dict[str, Counts]]:
    """Counts of each released meeting split by the answer to ``group_question`` (e.g. actor group)."""
    version = session.get(QuestionnaireVersion, version_id)
    if version is not None and group_question in group_questions(version):
        code = MeetingCount.group_code
        stored_respondents = _stored(version_id, group_question, now, code).where(MeetingCount.question_id == WHOLE)
        stored_answers = _stored(version_id, group_question, now, code, MeetingCount.question_id, MeetingCount.code)
        stored_answers = stored_answers.where(MeetingCount.question_id != WHOLE)
        where = _raw_where(version_id, now)
    else:  # not a question the counts are stored by: every released meeting from the raw rows
        stored_respondents = stored_answers = None
        where = (Response.questionnaire_version_id == version_id, Response.meeting_id.in_(released_meetings(now)))
    respondents = {}
    for query in (stored_respondents, raw_group_respondents(group_question, *where)):
        if query is not None:
            respondents |= {(meeting_id, code): count for meeting_id, code, count in session.execute(query)}
    answers: dict = defaultdict(dict)
    for query in (stored_answers, raw_group_answers(group_question, *where)):
        if query is not None:
            for meeting_id, group_code, question_id, code, count in session.execute(query):
                answers[(meeting_id, group_code)][(question_id, code)] = count
    nested: dict[int, dict[str, Counts]] = defaultdict(dict)
    for (meeting_id, code), count in respondents.items():
        nested[meeting_id][code] = Counts(count, answers.get((meeting_id, code), {}))
    return dict(nested)


def meetings_of_version(session: Session, version_id: int) -> list[Meeting]:
    return list(
        session.scalars(
            select(Meeting).where(Meeting.questionnaire_version_id == version_id).order_by(Meeting.date, Meeting.id)
        )
    )


def place_counts_by_meeting(
    session: Session, version_id: int, question_id: str, now: dt.datetime
) -> dict[int, dict[tuple[str, int], int]]:
    """A ranking's counts of (item, place) at each released meeting: its answer
    rows hold the place in ``number``."""
    counts: dict = defaultdict(dict)
    for meeting_id, code, place, count in session.execute(
        select(Response.meeting_id, Answer.code, Answer.number, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.questionnaire_version_id == version_id,
            Response.meeting_id.in_(released_meetings(now)),
            Answer.question_id == question_id,
            Answer.number.is_not(None),
        )
        .group_by(Response.meeting_id, Answer.code, Answer.number)
    ):
        counts[meeting_id][(code, place)] = count
    return dict(counts)
