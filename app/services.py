"""Use cases.  Each takes the database session, works, and only flushes:
the request or CLI command that called it commits once."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import exists, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer, joinedload

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


def utcnow() -> dt.datetime:
    """Now in UTC, naive, as every stored time is (staff actions only; never a response)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_public_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# Parsed questionnaires by fingerprint (the hash of the definition, so never
# stale, even for a draft version that is replaced): a participant request
# reads the short fingerprint, the long definition only the first time this
# process meets a version.
_by_fingerprint: dict[str, Questionnaire] = {}


def questionnaire_of(version: QuestionnaireVersion) -> Questionnaire:
    questionnaire = _by_fingerprint.get(version.fingerprint)
    if questionnaire is None:
        if len(_by_fingerprint) >= 256:
            _by_fingerprint.clear()
        questionnaire = _by_fingerprint[version.fingerprint] = questionnaire_from_json(version.definition)
    return questionnaire


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
    return session.scalars(_MEETING_WITH_VERSION.filter_by(public_code=code)).one_or_none()


# One query for the meeting and its version, without the version's long texts
# (see questionnaire_of): it runs on every participant request, so it is built
# once (making the loader options costs more than running the query).
_MEETING_WITH_VERSION = select(Meeting).options(joinedload(Meeting.questionnaire_version).options(
    defer(QuestionnaireVersion.definition), defer(QuestionnaireVersion.source)))


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
    # Plain INSERTs, not the unit of work: this runs for every phone of a
    # burst, and the ORM's bookkeeping for 14 new objects costs more than
    # the statements themselves.
    try:
        session.execute(insert(SubmissionReceipt).values(token_digest=submission_digest(submission_id)))
    except IntegrityError as exc:
        raise AlreadySubmitted from exc
    response_id = session.scalar(insert(Response).returning(Response.id).values(
        meeting_id=meeting.id,
        questionnaire_version_id=meeting.questionnaire_version_id,
        language=language,
        submitted_on=today,
    ))
    session.execute(insert(Answer), [{"response_id": response_id, **values} for values in _answer_values(submission)])


def answer_rows(submission: Submission):
    """The stored rows of a valid submission's answers."""
    for values in _answer_values(submission):
        yield Answer(**values)


def _answer_values(submission: Submission):
    for question_id, value in submission.answers.items():
        if isinstance(value, tuple):
            for code in value:
                yield {"question_id": question_id, "code": code, "number": None, "text": None}
        elif isinstance(value, int):
            yield {"question_id": question_id, "code": Answer.VALUE_CODE, "number": value, "text": None}
        else:
            yield {"question_id": question_id, "code": Answer.VALUE_CODE, "number": None, "text": value}
