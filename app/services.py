"""Use cases.  Each takes the database session, works, and only flushes:
the request or CLI command that called it commits once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .domain.answers import Submission
from .domain.questionnaire import Questionnaire, parse_questionnaire, questionnaire_from_json
from .persistence.database import driver_connection
from .persistence.models import (
    Answer,
    Meeting,
    QuestionnaireVersion,
    Response,
    SubmissionReceipt,
    new_response_id,
)

# Public meeting codes: no 0/o, 1/l/i, so a code read off a slide is typed right.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10  # 31**10 ≈ 2**49 possible codes


class VersionFrozen(Exception):
    """A questionnaire version that has responses cannot change."""


class AlreadySubmitted(Exception):
    """This form instance (its submission id) has been stored before."""


class SurveyNotOpen(Exception):
    """The meeting's survey is not open (any more), or its questionnaire changed."""


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
    return _parsed(version.fingerprint, lambda: version.definition)


def _parsed(fingerprint: str, definition: Callable[[], str]) -> Questionnaire:
    questionnaire = _by_fingerprint.get(fingerprint)
    if questionnaire is None:
        if len(_by_fingerprint) >= 256:
            _by_fingerprint.clear()
        questionnaire = _by_fingerprint[fingerprint] = questionnaire_from_json(definition())
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


@dataclass(frozen=True)
class ParticipantMeeting:
    """What a participant's request needs of a meeting: a plain value, read
    with one core query (no ORM objects on the path every phone takes), and
    hashable, so a rendered page can be kept by it."""

    id: int
    public_code: str
    title: str
    date: dt.date | None
    place: str | None
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    questionnaire_version_id: int
    fingerprint: str

    def questionnaire(self, session: Callable[[], Session]) -> Questionnaire:
        """Parsed once per process; the definition is read only then, so
        ``session`` is asked for only then (most requests need none)."""
        return _parsed(self.fingerprint, lambda: session().connection().scalar(
            select(QuestionnaireVersion.definition).where(QuestionnaireVersion.id == self.questionnaire_version_id)))


_PARTICIPANT_MEETING = (
    select(Meeting.id, Meeting.public_code, Meeting.title, Meeting.date, Meeting.place, Meeting.opens_at,
           Meeting.closes_at, Meeting.questionnaire_version_id, QuestionnaireVersion.fingerprint)
    .join(QuestionnaireVersion, QuestionnaireVersion.id == Meeting.questionnaire_version_id)
    .where(Meeting.public_code == bindparam("code"))
)


def meeting_by_code(session: Session, code: str) -> ParticipantMeeting | None:
    if len(code) != CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        return None  # not a code we could have issued; no query needed
    row = session.connection().execute(_PARTICIPANT_MEETING, {"code": code}).first()
    return None if row is None else ParticipantMeeting(*row)


@dataclass(frozen=True)
class SurveyWindow:
    state: str  # not_yet_open | open | closed
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None


def survey_window(meeting: Meeting | ParticipantMeeting, now: dt.datetime) -> SurveyWindow:
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
    return session.connection().scalar(
        select(exists().where(SubmissionReceipt.token_digest == submission_digest(submission_id)))
    )


def submit_response(
    session: Session,
    meeting: Meeting | ParticipantMeeting,
    submission: Submission,
    *,
    language: str,
    submission_id: str,
    today: dt.date,
    open_at: dt.datetime | None = None,
) -> None:
    """Store one valid submission and its receipt.

    Only while the meeting still asks the questionnaire version the
    submission was checked against and, with ``open_at``, its survey is open
    at that time, as the database says in the same statement; else
    :class:`SurveyNotOpen`.  Raises :class:`AlreadySubmitted` when the
    receipt exists.  After either, the caller must roll back: nothing of
    this call is kept.
    """
    if not submission.valid:
        raise ValueError("only a valid submission can be stored")
    connection = session.connection()
    values = {
        "token_digest": submission_digest(submission_id),
        "id": new_response_id(),
        "meeting_id": meeting.id,
        "questionnaire_version_id": meeting.questionnaire_version_id,
        "language": language,
        "submitted_on": today,
        "now": open_at,
        # The answers travel as one JSON document that the database turns
        # into rows: one statement instead of one per answer.
        "answers": json.dumps(list(_answer_values(submission)), ensure_ascii=False),
    }
    for name, convert in _conversions(connection.dialect):
        values[name] = convert(values[name])
    # The driver's connection, not the ORM's unit of work nor even Core
    # statements: this runs for every phone of a burst, and both cost more
    # than the statements themselves.
    try:
        with driver_connection(connection) as driver:
            if connection.dialect.name == "postgresql":
                stored = driver.execute(_STORE_ON_POSTGRESQL, values).fetchall()
            else:
                # The receipt first: its unique key is what refuses a second copy.
                driver.execute(_INSERT_RECEIPT, values)
                stored = driver.execute(_INSERT_RESPONSE, values).fetchall()
                if stored:
                    driver.execute(_INSERT_ANSWERS, values)
    except IntegrityError as exc:
        # Only the receipt's key means "stored before"; any other broken rule
        # must not thank a participant whose answers were not kept.
        if "submission_receipt" not in str(exc.orig):
            raise
        raise AlreadySubmitted from exc
    if not stored:
        raise SurveyNotOpen


_TYPED_VALUES = {"id": Response.__table__.c.id.type, "submitted_on": Response.__table__.c.submitted_on.type,
                 "now": Meeting.__table__.c.opens_at.type}


@lru_cache(maxsize=4)
def _conversions(dialect) -> tuple[tuple[str, Callable], ...]:
    """SQLAlchemy's own conversions of the typed values for this database
    (SQLite keeps UUIDs, dates and times as text), so that rows stored here
    read back through the models like any other."""
    processors = ((name, type_.dialect_impl(dialect).bind_processor(dialect)) for name, type_ in _TYPED_VALUES.items())
    return tuple((name, processor) for name, processor in processors if processor is not None)


# Statements in the drivers' own placeholders: SQLite's sqlite3 takes
# ``:name``, PostgreSQL's psycopg ``%(name)s``.
_INSERT_RECEIPT = "INSERT INTO submission_receipt (token_digest) VALUES (:token_digest)"
# The response row is taken from the meeting, and only while its survey is
# open at ``now`` (when one is given) and asks the version the answers were
# checked against: one statement decides, so a survey closed a moment ago
# stores nothing.  RETURNING gives a row or none (rowcount is not reliable
# for INSERT … SELECT).
_INSERT_RESPONSE = """
    INSERT INTO response (id, meeting_id, questionnaire_version_id, language, submitted_on)
    SELECT :id, meeting.id, meeting.questionnaire_version_id, :language, :submitted_on
    FROM meeting
    WHERE meeting.id = :meeting_id
      AND meeting.questionnaire_version_id = :questionnaire_version_id
      AND (CAST(:now AS TIMESTAMP) IS NULL
           OR (meeting.opens_at <= :now AND (meeting.closes_at IS NULL OR meeting.closes_at > :now)))
    RETURNING id"""
_INSERT_ANSWERS = """
    INSERT INTO answer (response_id, question_id, code, number, text)
    SELECT :id, json_extract(sent.value, '$.question_id'), json_extract(sent.value, '$.code'),
           json_extract(sent.value, '$.number'), json_extract(sent.value, '$.text')
    FROM json_each(:answers) AS sent"""
# PostgreSQL: the same three inserts as one statement of data-modifying CTEs,
# all of them or (on any error) none; no answers when no response was stored.
# One statement and one round trip instead of three.
_STORE_ON_POSTGRESQL = re.sub(r":(\w+)", r"%(\1)s", f"""
    WITH receipt AS ({_INSERT_RECEIPT}
    ), stored AS ({_INSERT_RESPONSE}
    ), answers AS (
        INSERT INTO answer (response_id, question_id, code, number, text)
        SELECT stored.id, sent.question_id, sent.code, sent.number, sent.text
        FROM stored, json_to_recordset(CAST(:answers AS JSON))
                     AS sent (question_id VARCHAR, code VARCHAR, number INTEGER, text TEXT)
    )
    SELECT id FROM stored""")


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
