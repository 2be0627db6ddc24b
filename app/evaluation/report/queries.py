"""Counting queries for reports: the database aggregates, Python never sees a
response row.  Each function takes the session."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.evaluation.indicators import Counts
from app.models import Answer, Meeting, Response


def _by_key(rows) -> dict:
    """(key, question, code, count) rows -> {key: {(question, code): count}}."""
    nested: dict = defaultdict(dict)
    for key, question_id, code, count in rows:
        nested[key][(question_id, code)] = count
    return nested


def counts_by_meeting(session: Session, version_id: int) -> dict[int, Counts]:
    """Respondents and answer-code counts of each meeting, for one questionnaire version."""
    respondents = dict(
        session.execute(
            select(Response.meeting_id, func.count())
            .where(Response.questionnaire_version_id == version_id)
            .group_by(Response.meeting_id)
        ).all()
    )
    answers = _by_key(
        session.execute(
            select(Response.meeting_id, Answer.question_id, Answer.code, func.count())
            .join(Response, Response.id == Answer.response_id)
            .where(Response.questionnaire_version_id == version_id)
            .group_by(Response.meeting_id, Answer.question_id, Answer.code)
        )
    )
    return {mid: Counts(respondents[mid], answers.get(mid, {})) for mid in respondents}


def counts_by_group(session: Session, version_id: int, group_question: str) -> dict[str, Counts]:
    """Counts split by the answer to ``group_question`` (e.g. actor group)."""
    group = aliased(Answer)
    respondents = dict(
        session.execute(
            select(group.code, func.count())
            .join(Response, Response.id == group.response_id)
            .where(Response.questionnaire_version_id == version_id, group.question_id == group_question)
            .group_by(group.code)
        ).all()
    )
    answers = _by_key(
        session.execute(
            select(group.code, Answer.question_id, Answer.code, func.count())
            .join(group, (group.response_id == Answer.response_id) & (group.question_id == group_question))
            .join(Response, Response.id == Answer.response_id)
            .where(Response.questionnaire_version_id == version_id)
            .group_by(group.code, Answer.question_id, Answer.code)
        )
    )
    return {code: Counts(respondents[code], answers.get(code, {})) for code in respondents}


def meetings_of_version(session: Session, version_id: int) -> list[Meeting]:
    return list(
        session.scalars(select(Meeting).where(Meeting.questionnaire_version_id == version_id).order_by(Meeting.date))
    )
