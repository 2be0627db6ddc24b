"""Storing one participant's submission: one short write transaction.

The receipt (the digest of the form's hidden submission id) comes first: its
primary key is what refuses a second copy of the same form, recognised by
the conflict on that key, not by an error's text.  The response row is taken
from the meeting only while its survey is open and asks the questionnaire
version (and the access mode) the answers were checked against, in the same
statement, so a survey closed a moment ago stores nothing.  A meeting with
access codes then marks the code used: one UPDATE that must find exactly one
unused code of this meeting.  Then the answers.  Any refusal rolls the whole
transaction back, so a code is used exactly when its response is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from sqlalchemy import Date, String, Uuid, bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from app.db import insert_ignoring_conflict
from app.meetings.codes import could_be_code
from app.models import (
    AccessCode,
    Answer,
    Meeting,
    QuestionnaireVersion,
    Response,
    SubmissionReceipt,
    new_response_id,
)
from app.questionnaires import versions
from app.questionnaires.answers import Ranked, Submission
from app.questionnaires.model import Questionnaire


class AlreadySubmitted(Exception):
    """This form instance (its submission id) has been stored before."""


class SurveyNotOpen(Exception):
    """The meeting's survey is not open (any more), or its questionnaire or access mode changed."""


class AccessCodeRefused(Exception):
    """The meeting needs an access code and this one is unknown to it or used."""


def access_code_state(session: Session, meeting_id: int, digests: Sequence[str]) -> str:
    """Why a code was refused ("unknown" or "used"); asked only after a refusal."""
    used = session.scalar(
        select(AccessCode.used).where(AccessCode.meeting_id == meeting_id, AccessCode.digest.in_(digests)).limit(1)
    )
    return "unknown" if used is None else "used"


# The meeting and its version's fingerprint in one query; the long
# definition is read only when this process has not parsed it yet.
_MEETING_BY_CODE = (
    select(Meeting, QuestionnaireVersion.fingerprint)
    .join(QuestionnaireVersion, QuestionnaireVersion.id == Meeting.questionnaire_version_id)
    .where(Meeting.public_code == bindparam("code"))
)


def meeting_by_code(session: Session, code: str) -> tuple[Meeting, Questionnaire] | None:
    """The meeting behind a participant link and its questionnaire.

    The long definition is read only when this process has not parsed it
    yet (parsed questionnaires are kept by fingerprint).  The meeting comes
    detached from the session: what the pages show of it stays readable
    after a rollback, which would otherwise read it again (and while the
    database is locked or away, fail a second time).
    """
    if not could_be_code(code):
        return None
    found = session.execute(_MEETING_BY_CODE, {"code": code}).one_or_none()
    if found is None:
        return None
    meeting, fingerprint = found
    version_id = meeting.questionnaire_version_id
    questionnaire = versions.parsed(
        fingerprint,
        lambda: session.scalar(select(QuestionnaireVersion.definition).where(QuestionnaireVersion.id == version_id)),
    )
    session.expunge(meeting)
    return meeting, questionnaire


def submission_digest(submission_id: str) -> str:
    return hashlib.sha256(submission_id.encode()).hexdigest()


def was_submitted(session: Session, submission_id: str) -> bool:
    return session.get(SubmissionReceipt, submission_digest(submission_id)) is not None


def submit_response(
    session: Session,
    meeting: Meeting,
    questionnaire_version_id: int,
    submission: Submission,
    *,
    language: str,
    submission_id: str,
    today: dt.date,
    now: dt.datetime | None,
    access_code_digests: Sequence[str] = (),
    on_paper: bool = False,
) -> None:
    """Store one valid submission, checked against ``questionnaire_version_id``, and its receipt.

    Raises :class:`AlreadySubmitted` when the receipt exists,
    :class:`SurveyNotOpen` when the database says the survey is not open at
    ``now`` or asks another version or access mode, and
    :class:`AccessCodeRefused` when the meeting needs an access code and none
    of ``access_code_digests`` (the typed code's digests under the current and
    former keys) is an unused code of it.  After any of them the caller rolls
    back.  ``now=None`` stores without asking the window (answers of a meeting
    held before: paper questionnaires typed in, the demo).  A paper form
    (``on_paper``) needs no access code: it was handed out in the room.
    """
    if not submission.valid:
        raise ValueError("only a valid submission can be stored")
    receipt = insert_ignoring_conflict(session, SubmissionReceipt).values(token_digest=submission_digest(submission_id))
    if session.execute(receipt.returning(SubmissionReceipt.token_digest)).first() is None:
        raise AlreadySubmitted
    response_id = new_response_id()
    from_meeting = select(
        literal(response_id, Uuid),
        Meeting.id,
        Meeting.questionnaire_version_id,
        literal(language, String),
        literal(today, Date),
    ).where(
        Meeting.id == meeting.id,
        Meeting.questionnaire_version_id == questionnaire_version_id,
        Meeting.survey_access == meeting.survey_access,
    )
    if now is not None:
        from_meeting = from_meeting.where(
            Meeting.opens_at <= now, Meeting.closes_at.is_(None) | (Meeting.closes_at > now)
        )
    stored = session.execute(
        insert(Response)
        .from_select(
            ["id", "meeting_id", "questionnaire_version_id", "language", "submitted_on"],
            from_meeting,
        )
        .returning(Response.id)
    ).first()
    if stored is None:
        raise SurveyNotOpen
    if meeting.needs_access_code and not on_paper and not _use_access_code(session, meeting.id, access_code_digests):
        raise AccessCodeRefused
    rows = [{"response_id": response_id, **values} for values in answer_values(submission)]
    if rows:
        # The table, not the ORM class: one multi-row INSERT, where the ORM's
        # bulk path would send one per set of non-empty columns.
        session.execute(insert(Answer.__table__), rows)


def _use_access_code(session: Session, meeting_id: int, digests: Sequence[str]) -> bool:
    """Mark the code used; whether it was an unused code of this meeting.  Two
    phones sending the same code at once: the second waits for the first's
    row lock (or SQLite's write lock), then finds the code used."""
    if not digests:
        return False
    used = session.execute(
        update(AccessCode)
        .where(AccessCode.digest.in_(digests), AccessCode.meeting_id == meeting_id, AccessCode.used.is_(False))
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def answer_values(submission: Submission):
    """The column values of a valid submission's answer rows (without the response id)."""
    for question_id, value in submission.answers.items():
        if isinstance(value, Ranked):  # the place in ``number``: the database counts item × place
            for place, code in enumerate(value, 1):
                yield {"question_id": question_id, "code": code, "number": place, "text": None}
        elif isinstance(value, tuple):
            for code in value:
                yield {"question_id": question_id, "code": code, "number": None, "text": None}
        elif isinstance(value, int):
            yield {"question_id": question_id, "code": Answer.VALUE_CODE, "number": value, "text": None}
        else:
            yield {"question_id": question_id, "code": Answer.VALUE_CODE, "number": None, "text": value}
