"""Stored counts: a closed meeting's answers are counted once, so that the
report's cost does not grow with every answer ever stored
(docs/architecture.md, "What is kept for speed").

A meeting's counts are stored once its results are released and
``storage_order.GRACE`` has passed since its survey closed (a submission
that asked the window just before it closed may still be on its way): its
respondents and answer codes per questionnaire version, and the same within
each answer of every breakdown question (report/queries.py counts them with
the same statements).  Staff requests and commands do it before they read,
in a short transaction of their own, together with the rewrite of closed
surveys' rows (app/meetings/views.py, app/evaluation/cli.py); a survey closes
by the clock, so there is no event to hang it on.  Until then the report
counts that meeting's raw answers: it is slower, never different.

Every change that could change a meeting's counts drops them (:func:`drop`,
:func:`drop_meetings`): its survey window changes (it is reopened or closes
anew), it asks another questionnaire version, a paper form is entered for
it, its responses or free texts are deleted.  They are stored again once it
is released again.

Only counts of a meeting are kept: no response, no order, no time
(docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Select, String, delete, insert, literal, select, update
from sqlalchemy.orm import Session

from app.evaluation.report import queries
from app.meetings.storage_order import GRACE
from app.models import Meeting, MeetingCount, QuestionnaireVersion, Response

_COLUMNS = ("questionnaire_version_id", "meeting_id", "group_question", "group_code", "question_id", "code", "count")


def _due(now: dt.datetime) -> Select:
    return select(Meeting.id).where(queries.released(now - GRACE), Meeting.counts_stored.is_(False))


def due(session: Session, now: dt.datetime) -> bool:
    """Whether some released meeting (``GRACE`` after its survey closed) has no stored counts yet."""
    return session.scalar(_due(now).limit(1)) is not None


def store_closed_meetings(session: Session, now: dt.datetime) -> list[int]:
    """Store the counts of every meeting that is :func:`due`; the meetings done.

    The meetings' rows are locked first (``FOR UPDATE``), so two requests
    never store the same meeting, and a change that drops its counts waits
    until they are in and then drops them.
    """
    meeting_ids = list(session.scalars(_due(now).order_by(Meeting.id).with_for_update()))
    if not meeting_ids:
        return []
    session.execute(delete(MeetingCount).where(MeetingCount.meeting_id.in_(meeting_ids)))
    of_meetings = Response.meeting_id.in_(meeting_ids)
    version_ids = session.scalars(select(Response.questionnaire_version_id).where(of_meetings).distinct()).all()
    for version_id in version_ids:
        where = (of_meetings, Response.questionnaire_version_id == version_id)
        _insert(session, version_id, queries.WHOLE, queries.raw_respondents(*where))
        _insert(session, version_id, queries.WHOLE, queries.raw_answers(*where))
        for question in queries.group_questions(session.get(QuestionnaireVersion, version_id)):
            _insert(session, version_id, question, queries.raw_group_respondents(question, *where))
            _insert(session, version_id, question, queries.raw_group_answers(question, *where))
    session.execute(update(Meeting).where(Meeting.id.in_(meeting_ids)).values(counts_stored=True))
    session.flush()
    return meeting_ids


def _insert(session: Session, version_id: int, group_question: str, counts: Select) -> None:
    """Insert the rows of one of queries' raw counts, the columns it lacks filled in."""
    row = counts.subquery()

    def column(name: str):
        return row.c[name] if name in row.c else literal(queries.WHOLE, String)

    values = select(
        literal(version_id),
        row.c.meeting_id,
        literal(group_question, String),
        column("group_code"),
        column("question_id"),
        column("code"),
        row.c["count"],
    )
    session.execute(insert(MeetingCount).from_select(_COLUMNS, values))


def drop(session: Session, meeting: Meeting) -> None:
    """Forget the stored counts of ``meeting`` (they are stored again once it is released again)."""
    meeting.counts_stored = False
    if meeting.id is not None:
        session.execute(delete(MeetingCount).where(MeetingCount.meeting_id == meeting.id))


def drop_meetings(session: Session, meeting_ids: Iterable[int]) -> None:
    """:func:`drop` for meetings given by id."""
    meeting_ids = list(meeting_ids)
    if meeting_ids:
        session.execute(delete(MeetingCount).where(MeetingCount.meeting_id.in_(meeting_ids)))
        session.execute(update(Meeting).where(Meeting.id.in_(meeting_ids)).values(counts_stored=False))
