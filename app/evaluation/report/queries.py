"""Counting queries for reports: the database aggregates, Python never sees a
response row.  Each function takes the session.

Answers are counted only for meetings whose results are released
(:func:`released_meetings`, the query form of ``release.results_released``);
every meeting's number of responses is counted, released or not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from app.evaluation.indicators import Counts
from app.models import Answer, Meeting, Response


def released(now: dt.datetime) -> ColumnElement[bool]:
    """``release.results_released`` as a condition on ``Meeting``: its survey closed
    at or before ``now`` and its paper entry is finished."""
    return Meeting.closes_at.is_not(None) & (Meeting.closes_at <= now) & Meeting.paper_entry_finished.is_(True)


def released_meetings(now: dt.datetime) -> Select:
    """The ids of the meetings whose answers may enter a figure at ``now``."""
    return select(Meeting.id).where(released(now))


def respondents_by_meeting(session: Session, version_id: int, now: dt.datetime | None = None) -> dict[int, int]:
    """How many responded at each meeting, for one questionnaire version: at
    every meeting, or with ``now`` at each released one."""
    query = select(Response.meeting_id, func.count()).where(Response.questionnaire_version_id == version_id)
    if now is not None:
        query = query.where(Response.meeting_id.in_(released_meetings(now)))
    return dict(session.execute(query.group_by(Response.meeting_id)).all())


def counts_by_meeting(session: Session, version_id: int, now: dt.datetime) -> dict[int, Counts]:
    """Respondents and answer-code counts of each released meeting, for one questionnaire version."""
    respondents = respondents_by_meeting(session, version_id, now)
    answers: dict = defaultdict(dict)
    for meeting_id, question_id, code, count in session.execute(
        select(Response.meeting_id, Answer.question_id, Answer.code, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_version_id == version_id, Response.meeting_id.in_(released_meetings(now)))
        .group_by(Response.meeting_id, Answer.question_id, Answer.code)
    ):
        answers[meeting_id][(question_id, code)] = count
    return {meeting_id: Counts(count, answers.get(meeting_id, {})) for meeting_id, count in respondents.items()}


def counts_by_meeting_and_group(
    session: Session, version_id: int, group_question: str, now: dt.datetime
) -> dict[int, dict[str, Counts]]:
    """Counts of each released meeting split by the answer to ``group_question`` (e.g. actor group)."""
    group = aliased(Answer)
    of_released = (
        Response.questionnaire_version_id == version_id,
        Response.meeting_id.in_(released_meetings(now)),
    )
    respondents = {
        (meeting_id, code): count
        for meeting_id, code, count in session.execute(
            select(Response.meeting_id, group.code, func.count())
            .join(Response, Response.id == group.response_id)
            .where(*of_released, group.question_id == group_question)
            .group_by(Response.meeting_id, group.code)
        )
    }
    answers: dict = defaultdict(dict)
    for meeting_id, group_code, question_id, code, count in session.execute(
        select(Response.meeting_id, group.code, Answer.question_id, Answer.code, func.count())
        .join(group, (group.response_id == Answer.response_id) & (group.question_id == group_question))
        .join(Response, Response.id == Answer.response_id)
        .where(*of_released)
        .group_by(Response.meeting_id, group.code, Answer.question_id, Answer.code)
    ):
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
