"""The database schema (SQLAlchemy 2, declarative, typed).

Anonymity is a property of this schema: a response has a random id, the
meeting, the questionnaire version, the language and the day; nothing about
the person, the device or the time of day.  What prevents a repeated POST from
being stored twice (``SubmissionReceipt``) and a meeting's single-use access
codes (``AccessCode``) live apart from the answers and have no link to them.

Nor does the order of storage tell the order of submission: on SQLite the
participants' tables have no rowid (``WITHOUT ROWID``) and are kept in the
order of their random keys; on PostgreSQL a closed survey's rows are
rewritten in random order (app/meetings/storage_order.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Deterministic constraint names, so Alembic migrations are the same on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class QuestionnaireVersion(Base):
    """One immutable version of a questionnaire definition."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("questionnaire_key", "version", name="key_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire_key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[str] = mapped_column(Text, doc="validated definition as canonical JSON")
    source: Mapped[str] = mapped_column(Text, doc="the YAML as written")
    fingerprint: Mapped[str] = mapped_column(String(64))


class Meeting(Base):
    __tablename__ = "meeting"

    OPEN_LINK = "open_link"  # anyone with the link may answer (once per browser)
    ACCESS_CODES = "access_codes"  # each answer needs an unused single-use code
    SURVEY_ACCESS = (OPEN_LINK, ACCESS_CODES)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    # Survey window in UTC; either end may be open.
    opens_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closes_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    invited: Mapped[int | None] = mapped_column(Integer)
    attended: Mapped[int | None] = mapped_column(Integer)
    good_practice_presentations: Mapped[int] = mapped_column(Integer, default=0)
    survey_access: Mapped[str] = mapped_column(
        String(20),
        CheckConstraint("survey_access IN ('open_link', 'access_codes')", name="known_survey_access"),
        default=OPEN_LINK,
        server_default=OPEN_LINK,
    )
    # Whether the responses, answers and access codes of the survey, closed as
    # its window now stands, have been rewritten in random order; reset when
    # the window changes.
    rows_shuffled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Paper questionnaires typed in by a coordinator (app/meetings/paper_entry.py):
    # how many there were, kept for the meeting and never on a response (the
    # few who answered on paper would stand out), and whether all are in.
    paper_responses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    paper_entry_finished: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Whether its answers' counts are kept in ``meeting_count``
    # (app/evaluation/report/stored_counts.py); reset by every change that
    # could change them.
    counts_stored: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    topics: Mapped[list[MeetingTopic]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingTopic.position"
    )

    @property
    def needs_access_code(self) -> bool:
        return self.survey_access == self.ACCESS_CODES


class MeetingTopic(Base):
    """A topic a meeting is devoted to: a link to the network's topic list.

    Rows from before the topic list have no topic, only their title, and
    ``brought_in_by_members`` keeps what a coordinator then ticked: a
    statement that still counts for the member-topic indicator.  Linked rows
    copy the topic's default title (what the meeting was devoted to, even if
    the topic is renamed later) and never set the statement."""

    __tablename__ = "meeting_topic"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    brought_in_by_members: Mapped[bool] = mapped_column(Boolean, default=False)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="topics")
    topic: Mapped[Topic | None] = relationship(back_populates="meetings")


class Topic(Base):
    """One entry of the network's topic list (app/meetings/topics).

    Its origin says who brought it in: members (made from a proposal in a
    meeting's survey) or coordinators (entered in the workspace).  Its status
    (proposed, scheduled, treated) follows from the meetings it is linked to."""

    __tablename__ = "topic"
    __table_args__ = (CheckConstraint("origin IN ('members', 'coordinators')", name="known_origin"),)

    MEMBERS = "members"
    COORDINATORS = "coordinators"
    ORIGINS = (MEMBERS, COORDINATORS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    titles: Mapped[dict[str, str]] = mapped_column(JSON, doc="language -> title")
    origin: Mapped[str] = mapped_column(String(20))

    meetings: Mapped[list[MeetingTopic]] = relationship(back_populates="topic", passive_deletes=True)
    proposals: Mapped[list[TopicProposal]] = relationship(
        back_populates="topic", cascade="all, delete-orphan", passive_deletes=True
    )


class TopicProposal(Base):
    """Member proposals of one meeting's survey taken into a topic: the
    meeting, how many answers gave this text, and the digest of the scrubbed
    text, so the proposals page shows them as taken.  Nothing of the response
    they came from: no id, no other answer."""

    __tablename__ = "topic_proposal"
    __table_args__ = (
        UniqueConstraint(
            "meeting_id",
            "text_digest",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    text_digest: Mapped[str] = mapped_column(String(64))
    answers: Mapped[int] = mapped_column(Integer, default=1)

    topic: Mapped[Topic] = relationship(back_populates="proposals")
    meeting: Mapped[Meeting] = relationship()


def new_response_id() -> uuid.UUID:
    return uuid.uuid4()  # random, neither sequential nor time-ordered (unlike uuid1/uuid7)


# SQLite: no hidden rowid counting the submissions; the table is stored in the
# order of its primary key, which is random.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


class Response(Base):
    """One anonymous submission."""

    __tablename__ = "response"
    __table_args__ = WITHOUT_ROWID

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_response_id)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    submitted_on: Mapped[dt.date] = mapped_column(Date, doc="the day only, never the time")

    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class Answer(Base):
    """One answer code (or value) of one response.

    Choice questions give one row per chosen code, so the report counts with
    ``GROUP BY question_id, code``.  A number is stored in ``number`` and a
    free text in ``text``, each with the fixed code ``value``.  A ranking gives
    one row per item ranked, its place (1 = first) in ``number``, so the
    report counts item × place with ``GROUP BY question_id, code, number``.
    """

    __tablename__ = "answer"
    __table_args__ = (CheckConstraint("number IS NULL OR text IS NULL", name="one_value"), WITHOUT_ROWID)

    VALUE_CODE = "value"

    response_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)


class SubmissionReceipt(Base):
    """That a form instance was submitted: the digest of its hidden submission id.

    It keeps a slow network's retry from storing a response twice.  It holds
    no reference to the response, no time and no order.
    """

    __tablename__ = "submission_receipt"
    __table_args__ = WITHOUT_ROWID

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)


class NetworkSettings(Base):
    """The network's own settings: one row, made by ``flask network init`` and
    edited by admins (app/network).  Nothing about participants."""

    __tablename__ = "network_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("min_cell_size >= 3", name="min_cell_size_at_least_3"),
        CheckConstraint("free_text_months >= 1", name="free_text_months_positive"),
    )

    ONLY_ID = 1

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=ONLY_ID)
    name: Mapped[str] = mapped_column(String(200))
    operator_name: Mapped[str] = mapped_column(String(200), default="")
    operator_address: Mapped[str] = mapped_column(Text, default="")
    operator_email: Mapped[str] = mapped_column(String(254), default="")
    imprint: Mapped[str] = mapped_column(Text, default="", doc="a web address, or the imprint's text")
    privacy_notice: Mapped[str] = mapped_column(Text, default="", doc="the operator's addition to the generated notice")
    languages: Mapped[str] = mapped_column(String(64), doc="offered language codes, comma-separated")
    default_language: Mapped[str] = mapped_column(String(8))
    time_zone: Mapped[str] = mapped_column(String(64))
    min_cell_size: Mapped[int] = mapped_column(Integer, default=5)
    free_text_months: Mapped[int] = mapped_column(Integer, default=12, doc="free-text answers kept this long")


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Base):
    """A coordinator, evaluator or admin.  Participants never have accounts."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'coordinator', 'evaluator')", name="known_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Every session cookie carries this value; a new one ends every session of
    # the account at once (logout, new password, deactivation, role change).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Optional: where a link to set a password is mailed when SMTP is set up.
    email: Mapped[str | None] = mapped_column(String(254))
    # A one-time link to set a new password: only its SHA-256 digest is kept.
    reset_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    reset_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, doc="UTC")


class PartnerOrganisation(Base):
    """An organisation of the network's register (no personal data)."""

    __tablename__ = "partner_organisation"
    __table_args__ = (CheckConstraint("status IN ('identified', 'informed', 'won')", name="known_status"),)

    STATUSES = ("identified", "informed", "won")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    actor_group: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="identified")


class QuestionnaireDraft(Base):
    """A questionnaire being edited in the workspace: kept even while invalid,
    so no text is ever lost; publishing turns it into a version."""

    __tablename__ = "questionnaire_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    import_report: Mapped[str | None] = mapped_column(Text, doc="what an XLSForm import could not convert")


class ExportLog(Base):
    """Who downloaded which responses, when, in which format (staff accountability).

    It names the staff account, never a participant; the time is the staff
    action's, not a response's.
    """

    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, doc="UTC")
    # The account may be deleted later; the name stays readable in the log.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(10), doc="web | cli | api")
    # None: an API call that read no questionnaire version (the list of meetings).
    questionnaire_version_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_version.id"), index=True)
    scope: Mapped[str] = mapped_column(String(10), doc="all | year | meeting")
    # A deleted meeting leaves scope "meeting" with no meeting.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    year: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    free_text: Mapped[bool] = mapped_column(Boolean)
    k: Mapped[int] = mapped_column(Integer)
    # Of a call to the API (channel "api"): the token used and what was read
    # (export | results | questionnaires | indicators | meetings).
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id", ondelete="SET NULL"))
    resource: Mapped[str | None] = mapped_column(String(20))

    questionnaire_version: Mapped[QuestionnaireVersion | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    api_token: Mapped[ApiToken | None] = relationship()


class ApiToken(Base):
    """A personal token of an evaluator or admin for the read-only API
    (app/evaluation/api).  Only the SHA-256 digest of the token is kept: it is
    shown once, when it is made.  A revoked token, or one whose account is
    deactivated or no longer evaluates, opens nothing."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, doc="UTC")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, doc="UTC")

    user: Mapped[User] = relationship()


class SecurityEvent(Base):
    """What happened to the staff accounts: failed logins, lockouts, refused
    pages, role and password changes.  Staff only: nothing a participant
    does is ever recorded here."""

    __tablename__ = "security_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True, doc="UTC")
    kind: Mapped[str] = mapped_column(String(30))
    # The account concerned; the name stays readable if it is deleted later,
    # and a failed login keeps the name that was typed, account or not.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(String(80))
    # Who did it, when not the account itself (an admin; none on the command line).
    actor: Mapped[str | None] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(10), doc="web | cli")
    address: Mapped[str | None] = mapped_column(String(45), doc="the client address of a login attempt")
    detail: Mapped[str] = mapped_column(String(200), default="")


class StrategyVersion(Base):
    """One published version of the network's strategy (questionnaires/strategy.yaml
    as an admin published it).  Versions never change; the newest is in force."""

    __tablename__ = "strategy_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    definition: Mapped[str] = mapped_column(Text, doc="validated definition as canonical JSON")
    source: Mapped[str] = mapped_column(Text, doc="the YAML as written")
    fingerprint: Mapped[str] = mapped_column(String(64))


class StrategyDraft(Base):
    """A strategy being edited in the workspace: kept even while invalid, so no
    text is ever lost; publishing turns it into a version."""

    __tablename__ = "strategy_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)


class ActorGroup(Base):
    """One entry of the network's list of actor groups.  Its code is stored
    with answers and in the partner register, so it never changes."""

    __tablename__ = "actor_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    labels: Mapped[dict[str, str]] = mapped_column(JSON, doc="language -> label")


class AccessCode(Base):
    """One single-use access code of a meeting whose survey needs them.

    Only the code's keyed digest is kept (app/meetings/codes.py), with its
    meeting and whether it has been used: no time, no order, and no reference
    to the response it let in.  The code is marked used in the same
    transaction that stores that response.
    """

    __tablename__ = "access_code"
    __table_args__ = WITHOUT_ROWID

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class TranslationBasis(Base):
    """Which source a translation was made from: the digest of the text in the
    questionnaire's default language when the translation was written or last
    confirmed.  A translation whose source has changed since is "to check"
    (app/questionnaires/translations/texts.py).  Keyed by the questionnaire and
    the text's key (built from ids and codes), so it holds across versions."""

    __tablename__ = "translation_basis"

    questionnaire_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    text_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    source_digest: Mapped[str] = mapped_column(String(64))


class MeetingCount(Base):
    """How many of a closed meeting's responses to one questionnaire version
    gave each answer code, kept so that the report need not count them again
    (app/evaluation/report/stored_counts.py).

    Only aggregates of one meeting: no response, no order, no time.  The
    respondents are the row with an empty ``question_id`` and ``code``; the
    counts within one answer of a breakdown question (e.g. an actor group)
    name that question and answer in ``group_question`` and ``group_code``,
    which are empty for the whole meeting.
    """

    __tablename__ = "meeting_count"

    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True, index=True)
    group_question: Mapped[str] = mapped_column(String(40), primary_key=True)
    group_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
