"""Meetings and the partner register: what coordinators keep of each meeting.
Each use case takes the session and flushes; the caller commits once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.evaluation.report import stored_counts
from app.meetings.access_codes import CodeCount, code_counts
from app.meetings.codes import new_public_code, survey_window
from app.meetings.plausibility import TooManyResponses, too_many_responses
from app.models import (
    Meeting,
    MeetingTopic,
    PartnerOrganisation,
    QuestionnaireVersion,
    Response,
)

# --- meetings ----------------------------------------------------------------


@dataclass(frozen=True)
class MeetingData:
    """What the meeting form collects, already validated by the form."""

    title: str
    date: dt.date
    place: str
    questionnaire_version_id: int
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    invited: int | None
    attended: int | None
    good_practice_presentations: int
    topics: tuple[tuple[str, bool], ...]  # (title, brought in by members)
    survey_access: str = Meeting.OPEN_LINK
    split_confirmed: bool = False  # a meeting with responses may move to another questionnaire version


class SplitNotConfirmed(Exception):
    """A meeting with responses was to ask another questionnaire version
    without the confirmation that its results will then be split."""


def save_meeting(session: Session, data: MeetingData, meeting: Meeting | None = None) -> Meeting:
    if meeting is None:
        meeting = Meeting(public_code=new_public_code())
        session.add(meeting)
    else:
        _may_switch(session, meeting, data.questionnaire_version_id, data.split_confirmed)
        if meeting.questionnaire_version_id != data.questionnaire_version_id:
            stored_counts.drop(session, meeting)
    if (meeting.opens_at, meeting.closes_at) != (data.opens_at, data.closes_at):
        _window_changes(session, meeting)
    for name in (
        "title",
        "date",
        "place",
        "questionnaire_version_id",
        "opens_at",
        "closes_at",
        "invited",
        "attended",
        "good_practice_presentations",
        "survey_access",
    ):
        setattr(meeting, name, getattr(data, name))
    meeting.topics = [
        MeetingTopic(position=i, title=title, brought_in_by_members=members)
        for i, (title, members) in enumerate(data.topics)
    ]
    session.flush()
    return meeting


def responses_of(session: Session, meeting: Meeting) -> int:
    return session.scalar(select(func.count()).select_from(Response).filter_by(meeting_id=meeting.id))


def _may_switch(session: Session, meeting: Meeting, version_id: int, split_confirmed: bool) -> None:
    if meeting.questionnaire_version_id != version_id and not split_confirmed and responses_of(session, meeting):
        raise SplitNotConfirmed(meeting.id)


def switch_version(session: Session, meeting: Meeting, version_id: int, *, split_confirmed: bool = False) -> None:
    """Let the meeting ask another questionnaire version from now on (raises
    SplitNotConfirmed for a meeting with responses, unless confirmed): its
    responses so far stay with the version they answered."""
    _may_switch(session, meeting, version_id, split_confirmed)
    if meeting.questionnaire_version_id != version_id:
        stored_counts.drop(session, meeting)
    meeting.questionnaire_version_id = version_id
    session.flush()


@dataclass(frozen=True)
class OnOlderVersion:
    """A meeting whose survey is not over yet, asking an older version of a questionnaire."""

    meeting: Meeting
    version: QuestionnaireVersion
    responses: int
    state: str


def meetings_on_older_versions(
    session: Session, version: QuestionnaireVersion, now: dt.datetime
) -> list[OnOlderVersion]:
    """The meetings not yet closed that ask an older version of ``version``'s questionnaire."""
    counts = dict(
        session.execute(
            select(Response.meeting_id, func.count())
            .join(Meeting, Meeting.id == Response.meeting_id)
            .join(QuestionnaireVersion, QuestionnaireVersion.id == Meeting.questionnaire_version_id)
            .where(
                QuestionnaireVersion.questionnaire_key == version.questionnaire_key,
                QuestionnaireVersion.version < version.version,
            )
            .group_by(Response.meeting_id)
        ).all()
    )
    rows = session.execute(
        select(Meeting, QuestionnaireVersion)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Meeting.questionnaire_version_id)
        .where(
            QuestionnaireVersion.questionnaire_key == version.questionnaire_key,
            QuestionnaireVersion.version < version.version,
        )
        .order_by(Meeting.date.desc(), Meeting.id.desc())
    ).all()
    found = [
        OnOlderVersion(meeting, older, counts.get(meeting.id, 0), survey_window(meeting, now).state)
        for meeting, older in rows
    ]
    return [row for row in found if row.state != "closed"]


def _window_changes(session: Session, meeting: Meeting) -> None:
    # Rows may come in again, or the survey closes anew: once it is closed,
    # its rows are rewritten in random order (again) and counted (again).
    meeting.rows_shuffled = False
    stored_counts.drop(session, meeting)


def open_survey(session: Session, meeting: Meeting, now: dt.datetime) -> None:
    """Open now; a window that had already closed is reopened without an end."""
    _window_changes(session, meeting)
    meeting.opens_at = now
    if meeting.closes_at is not None and meeting.closes_at <= now:
        meeting.closes_at = None
    session.flush()


def close_survey(session: Session, meeting: Meeting, now: dt.datetime) -> None:
    _window_changes(session, meeting)
    meeting.closes_at = now
    if meeting.opens_at is None or meeting.opens_at > now:
        meeting.opens_at = now
    session.flush()


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    state: str
    responses: int
    codes: CodeCount | None  # for a survey with access codes: how many are used

    @property
    def response_rate(self) -> float | None:
        attended = self.meeting.attended
        return self.responses / attended if attended else None

    @property
    def too_many_responses(self) -> TooManyResponses | None:
        return too_many_responses(self.responses, self.meeting.attended, self.meeting.invited)


def meeting_rows(session: Session, now: dt.datetime) -> list[MeetingRow]:
    counts = dict(session.execute(select(Response.meeting_id, func.count()).group_by(Response.meeting_id)).all())
    made = code_counts(session)
    meetings = session.scalars(select(Meeting).order_by(Meeting.date.desc(), Meeting.id.desc())).all()
    return [
        MeetingRow(
            m,
            survey_window(m, now).state,
            counts.get(m.id, 0),
            made.get(m.id, CodeCount(0, 0)) if m.needs_access_code else None,
        )
        for m in meetings
    ]


# --- partner organisations ---------------------------------------------------


def partner_named(session: Session, name: str) -> PartnerOrganisation | None:
    """The organisation of the register with this name (names are unique)."""
    return session.scalars(select(PartnerOrganisation).filter_by(name=name)).first()


def save_partner(
    session: Session, name: str, actor_group: str, status: str, partner: PartnerOrganisation | None = None
) -> PartnerOrganisation:
    """Save an organisation; the caller has checked that no other one has ``name``
    (the unique key refuses a clash made in the meantime)."""
    if partner is None:
        partner = PartnerOrganisation()
        session.add(partner)
    partner.name, partner.actor_group, partner.status = name, actor_group, status
    session.flush()
    return partner


def partner_status_counts(session: Session) -> dict[str, int]:
    counts = dict(
        session.execute(select(PartnerOrganisation.status, func.count()).group_by(PartnerOrganisation.status)).all()
    )
    return {status: counts.get(status, 0) for status in PartnerOrganisation.STATUSES}
