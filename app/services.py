"""Use cases.  Each takes the database session, works, and only flushes:
the request or CLI command that called it commits once."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .domain.answers import Submission
from .domain.questionnaire import Questionnaire, parse_questionnaire, questionnaire_from_json
from .persistence.models import (
    Answer,
    Meeting,
    QuestionnaireVersion,
    Response,
    SubmissionReceipt,
)

# Public meeting codes: no 0/o, 1/l/i, so a code read off a slide is typed right.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10  # 31**10 ≈ 2**49 possible codes


class VersionFrozen(Exception):
    """A questionnaire version that has responses cannot change."""


class AlreadySubmitted(Exception):
    """This form instance (its submission id) has been stored before."""


def new_public_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@lru_cache(maxsize=64)
def _definition(definition_json: str) -> Questionnaire:
    # Versions are immutable once answered, and the key is the whole text,
    # so a cached definition can never be stale.
    return questionnaire_from_json(definition_json)


def questionnaire_of(version: QuestionnaireVersion) -> Questionnaire:
    return _definition(version.definition)


def store_questionnaire(session: Session, source: str) -> tuple[QuestionnaireVersion, str]:
    """Store a YAML definition as a version; returns the version and what happened:
    ``created``, ``unchanged`` or ``replaced`` (a version nobody has answered yet)."""
    questionnaire = parse_questionnaire(source)
    existing = session.scalars(
        select(QuestionnaireVersion).filter_by(
            questionnaire_key=questionnaire.id, version=questionnaire.version
        )
    ).one_or_none()
    fingerprint = questionnaire.fingerprint
    if existing is None:
        version = QuestionnaireVersion(
            questionnaire_key=questionnaire.id,
            version=questionnaire.version,
            definition=questionnaire.canonical_json(),
            source=source,
            fingerprint=fingerprint,
        )
        session.add(version)
        session.flush()
        return version, "created"
    if existing.fingerprint == fingerprint:
        return existing, "unchanged"
    if has_responses(session, existing):
        raise VersionFrozen(
            f"{questionnaire.id} version {questionnaire.version} already has responses and cannot "
            f"change; raise 'version' to {latest_version_number(session, questionnaire.id) + 1} "
            "to publish the changed questionnaire as a new version"
        )
    existing.definition = questionnaire.canonical_json()
    existing.source = source
    existing.fingerprint = fingerprint
    session.flush()
    return existing, "replaced"


def has_responses(session: Session, version: QuestionnaireVersion) -> bool:
    return session.scalar(
        select(exists().where(Response.questionnaire_version_id == version.id))
    )


def latest_version_number(session: Session, key: str) -> int:
    return session.scalar(
        select(func.max(QuestionnaireVersion.version)).filter_by(questionnaire_key=key)
    ) or 0


def meeting_by_code(session: Session, code: str) -> Meeting | None:
    if len(code) != CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        return None  # not a code we could have issued; no query needed
    return session.scalars(select(Meeting).filter_by(public_code=code)).one_or_none()


@dataclass(frozen=True)
class SurveyWindow:
    state: str  # not_yet_open | open | closed
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None


def survey_window(meeting: Meeting, now: dt.datetime) -> SurveyWindow:
    if meeting.opens_at is None or now < meeting.opens_at:
        state = "not_yet_open"
    elif meeting.closes_at is not None and now >= meeting.closes_at:
        state = "closed"
    else:
        state = "open"
    return SurveyWindow(state, meeting.opens_at, meeting.closes_at)


def submission_digest(submission_id: str) -> str:
    return hashlib.sha256(submission_id.encode()).hexdigest()


def was_submitted(session: Session, submission_id: str) -> bool:
    return session.get(SubmissionReceipt, submission_digest(submission_id)) is not None


def submit_response(
    session: Session,
    meeting: Meeting,
    submission: Submission,
    *,
    language: str,
    submission_id: str,
    today: dt.date,
) -> None:
    """Store one valid submission and its receipt.

    Raises :class:`AlreadySubmitted` when the receipt exists; the caller must
    then roll back (nothing of this call is kept) and thank the participant.
    """
    if not submission.valid:
        raise ValueError("only a valid submission can be stored")
    session.add(SubmissionReceipt(token_digest=submission_digest(submission_id)))
    try:
        session.flush()
    except IntegrityError as exc:
        raise AlreadySubmitted from exc
    response = Response(
        meeting_id=meeting.id,
        questionnaire_version_id=meeting.questionnaire_version_id,
        language=language,
        submitted_on=today,
    )
    response.answers = list(answer_rows(submission))
    session.add(response)
    session.flush()


def answer_rows(submission: Submission):
    """The stored rows of a valid submission's answers."""
    for question_id, value in submission.answers.items():
        if isinstance(value, tuple):
            for code in value:
                yield Answer(question_id=question_id, code=code)
        elif isinstance(value, int):
            yield Answer(question_id=question_id, code=Answer.VALUE_CODE, number=value)
        else:
            yield Answer(question_id=question_id, code=Answer.VALUE_CODE, text=value)


def count_responses(session: Session, meeting: Meeting) -> int:
    return session.scalar(select(func.count()).select_from(Response).filter_by(meeting_id=meeting.id))
