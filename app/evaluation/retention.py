"""Retention: deleting free text after a while, or every response of a
questionnaire version.  Deletion is for good: there is no archive, and on
SQLite ``secure_delete`` overwrites the freed pages (docs/privacy.md says
what remains in backups and on PostgreSQL until vacuum).

Like every service these take the session and only flush.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.evaluation.report import stored_counts
from app.models import Answer, Meeting, QuestionnaireVersion, Response, TopicProposal


@dataclass(frozen=True)
class Purged:
    responses: int
    answers: int


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _overwrite_freed_pages(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")


def purge_free_text(session: Session, *, before: dt.date, dry_run: bool = False) -> Purged:
    """Delete the free-text answers of responses to meetings held before ``before``."""
    old = select(Response.id).join(Meeting, Meeting.id == Response.meeting_id).where(Meeting.date < before)
    where = (Answer.text.is_not(None), Answer.response_id.in_(old))
    found = session.execute(select(func.count(func.distinct(Answer.response_id)), func.count()).where(*where)).one()
    if not dry_run and found[1]:
        _overwrite_freed_pages(session)
        # The free texts are counted too (their code is ``value``).
        affected = select(Response.meeting_id).join(Answer, Answer.response_id == Response.id).where(*where)
        stored_counts.drop_meetings(session, session.scalars(affected.distinct()))
        session.execute(delete(Answer).where(*where), execution_options={"synchronize_session": False})
    if not dry_run:
        _forget_proposal_texts(session, before)
        session.flush()
    return Purged(*found)


def _forget_proposal_texts(session: Session, before: dt.date) -> None:
    """A topic proposal taken from a purged text keeps its topic and meeting
    (where the topic came from) but not the digest of the text: a short text
    could be guessed from it.  A random value keeps each row distinct."""
    held_before = select(Meeting.id).where(Meeting.date < before)
    for proposal in session.scalars(select(TopicProposal).where(TopicProposal.meeting_id.in_(held_before))):
        proposal.text_digest = secrets.token_hex(32)


def purge_version(session: Session, version: QuestionnaireVersion, *, dry_run: bool = False) -> Purged:
    """Delete every response of a questionnaire version, with its answers."""
    responses = select(Response.id).where(Response.questionnaire_version_id == version.id)
    found = Purged(
        session.scalar(
            select(func.count()).select_from(Response).where(Response.questionnaire_version_id == version.id)
        ),
        session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id.in_(responses))),
    )
    if not dry_run and found.responses:
        _overwrite_freed_pages(session)
        affected = select(Response.meeting_id).where(Response.questionnaire_version_id == version.id).distinct()
        stored_counts.drop_meetings(session, session.scalars(affected))
        options = {"synchronize_session": False}
        session.execute(delete(Answer).where(Answer.response_id.in_(responses)), execution_options=options)
        session.execute(
            delete(Response).where(Response.questionnaire_version_id == version.id), execution_options=options
        )
        session.flush()
    return found
