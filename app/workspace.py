"""Use cases of the coordinators' workspace: meetings, partner organisations,
questionnaire drafts.  Each takes the session and flushes; the caller commits."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import services
from .persistence.models import (
    Meeting,
    MeetingTopic,
    PartnerOrganisation,
    QuestionnaireDraft,
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


def save_meeting(session: Session, data: MeetingData, meeting: Meeting | None = None) -> Meeting:
    if meeting is None:
        meeting = Meeting(public_code=services.new_public_code())
        session.add(meeting)
    for name in ("title", "date", "place", "questionnaire_version_id", "opens_at", "closes_at",
                 "invited", "attended", "good_practice_presentations"):
        setattr(meeting, name, getattr(data, name))
    meeting.topics = [MeetingTopic(position=i, title=title, brought_in_by_members=members)
                      for i, (title, members) in enumerate(data.topics)]
    session.flush()
    return meeting


def open_survey(session: Session, meeting: Meeting, now: dt.datetime) -> None:
    """Open now; a window that had already closed is reopened without an end."""
    meeting.opens_at = now
    if meeting.closes_at is not None and meeting.closes_at <= now:
        meeting.closes_at = None
    session.flush()


def close_survey(session: Session, meeting: Meeting, now: dt.datetime) -> None:
    meeting.closes_at = now
    if meeting.opens_at is None or meeting.opens_at > now:
        meeting.opens_at = now
    session.flush()


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    state: str
    responses: int

    @property
    def response_rate(self) -> float | None:
        attended = self.meeting.attended
        return self.responses / attended if attended else None


def meeting_rows(session: Session, now: dt.datetime) -> list[MeetingRow]:
    counts = dict(session.execute(select(Response.meeting_id, func.count()).group_by(Response.meeting_id)).all())
    meetings = session.scalars(select(Meeting).order_by(Meeting.date.desc(), Meeting.id.desc())).all()
    return [MeetingRow(m, services.survey_window(m, now).state, counts.get(m.id, 0)) for m in meetings]


# --- partner organisations ---------------------------------------------------


class DuplicatePartner(ValueError):
    pass


def save_partner(session: Session, name: str, actor_group: str, status: str,
                 partner: PartnerOrganisation | None = None) -> PartnerOrganisation:
    clash = session.scalars(select(PartnerOrganisation).filter_by(name=name)).first()
    if clash is not None and clash is not partner:
        raise DuplicatePartner(name)
    if partner is None:
        partner = PartnerOrganisation()
        session.add(partner)
    partner.name, partner.actor_group, partner.status = name, actor_group, status
    session.flush()
    return partner


def partner_status_counts(session: Session) -> dict[str, int]:
    counts = dict(session.execute(
        select(PartnerOrganisation.status, func.count()).group_by(PartnerOrganisation.status)).all())
    return {status: counts.get(status, 0) for status in PartnerOrganisation.STATUSES}


# --- questionnaires ----------------------------------------------------------

_VERSION_LINE = re.compile(r"^version:\s*\d+\s*$", re.M)


def save_draft(session: Session, source: str, draft: QuestionnaireDraft | None = None,
               import_report: str | None = None) -> QuestionnaireDraft:
    if draft is None:
        draft = QuestionnaireDraft(source=source, import_report=import_report)
        session.add(draft)
    else:
        draft.source = source
    session.flush()
    return draft


def draft_from_version(session: Session, version: QuestionnaireVersion) -> QuestionnaireDraft:
    """A draft to edit a version.  A version with responses is frozen, so the
    draft already carries the next free version number."""
    source = version.source
    if services.has_responses(session, version):
        next_version = services.latest_version_number(session, version.questionnaire_key) + 1
        source = _VERSION_LINE.sub(f"version: {next_version}", source, count=1)
    return save_draft(session, source)


def publish_draft(session: Session, draft: QuestionnaireDraft) -> tuple[QuestionnaireVersion, str]:
    """Store the draft as a version (raises QuestionnaireError / VersionFrozen) and drop the draft."""
    version, outcome = services.store_questionnaire(session, draft.source)
    session.delete(draft)
    session.flush()
    return version, outcome


@dataclass(frozen=True)
class VersionRow:
    version: QuestionnaireVersion
    responses: int

    @property
    def frozen(self) -> bool:
        return self.responses > 0


def version_rows(session: Session) -> list[VersionRow]:
    """Every questionnaire version with its number of responses, by key, newest first."""
    rows = session.execute(
        select(QuestionnaireVersion, func.count(Response.id))
        .outerjoin(Response, Response.questionnaire_version_id == QuestionnaireVersion.id)
        .group_by(QuestionnaireVersion.id)
        .order_by(QuestionnaireVersion.questionnaire_key, QuestionnaireVersion.version.desc())
    ).all()
    return [VersionRow(version, count) for version, count in rows]


def version_diff(old: QuestionnaireVersion, new: QuestionnaireVersion) -> list[tuple[str, str]]:
    """The changed lines of two versions' YAML, as (kind, line) with kind in
    ' ', '+', '-', '@' (a hunk header)."""
    lines = difflib.unified_diff(old.source.splitlines(), new.source.splitlines(),
                                 f"version {old.version}", f"version {new.version}", lineterm="", n=2)
    result = []
    for line in list(lines)[2:]:  # skip the file headers
        kind = line[:1] if line[:1] in "+-@" else " "
        result.append((kind, line[1:] if kind != "@" else line))
    return result
