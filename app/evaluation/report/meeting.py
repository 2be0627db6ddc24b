"""One meeting's results: its survey figures, its record indicators and its
response rate.  Like every service it takes the session.

The survey figures follow app/evaluation/release.py as the report does: its
answers are counted only once its survey has closed and its paper entry is
finished, and shown only with at least k respondents (and k answers to an
indicator's question); until then the page says why in words.  A meeting's
records (attendance, good-practice presentations, topics) are no answers and
are always shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.evaluation import stats
from app.evaluation.indicators import Counts, indicator_share
from app.evaluation.release import large_enough, waiting_for
from app.evaluation.report.reporting import IndicatorResult, meets
from app.meetings.codes import survey_window
from app.meetings.services import MeetingRow
from app.models import Answer, Meeting, QuestionnaireVersion, Response
from app.network.strategy.model import RecordIndicator
from app.network.strategy.store import strategy_in_force
from app.questionnaires.model import Questionnaire
from app.questionnaires.versions import questionnaire_of

CONFIDENCE = 0.95
# The record indicators one meeting has a figure of; meetings a year and partners won are the network's.
MEETING_RECORD_KINDS = ("attendance", "good_practice", "member_topics")


@dataclass(frozen=True)
class SurveyFigures:
    """The meeting's responses to one questionnaire version (a meeting that
    switched versions has a part for each)."""

    version: QuestionnaireVersion
    questionnaire: Questionnaire
    respondents: int
    status: str  # shown | open (survey not closed) | paper (paper entry not finished) | too_few
    population: int | None  # the attendees, when usable for the finite-population correction
    results: tuple[IndicatorResult, ...]  # only when shown


@dataclass(frozen=True)
class RecordFigure:
    kind: str  # attendance | good_practice | member_topics
    value: float | int | None  # attendance: attended / invited (None: not recorded); else how many
    declared: RecordIndicator | None  # the strategy's indicator of this kind, with its target
    verdict: str | None  # of attendance, for this meeting: met | not_met; None without a target or a value


@dataclass(frozen=True)
class MeetingResults:
    meeting: Meeting
    responses: MeetingRow  # its number of responses, with the response rate and the plausibility rule
    surveys: tuple[SurveyFigures, ...]
    records: tuple[RecordFigure, ...]
    member_topics: tuple[str, ...]
    k: int


def _responses_by_version(session: Session, meeting_id: int) -> dict[int, int]:
    return dict(
        session.execute(
            select(Response.questionnaire_version_id, func.count())
            .where(Response.meeting_id == meeting_id)
            .group_by(Response.questionnaire_version_id)
        ).all()
    )


def _answer_counts(session: Session, meeting_id: int, version_id: int, respondents: int) -> Counts:
    """The answer-code counts of one meeting's responses to one version: asked only once released."""
    rows = session.execute(
        select(Answer.question_id, Answer.code, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Response.meeting_id == meeting_id, Response.questionnaire_version_id == version_id)
        .group_by(Answer.question_id, Answer.code)
    )
    return Counts(respondents, {(question, code): count for question, code, count in rows})


def _survey(session, meeting, version, respondents: int, k: int, now: dt.datetime) -> SurveyFigures:
    questionnaire = questionnaire_of(version)
    status = waiting_for(meeting, now) or ("shown" if large_enough(respondents, k) else "too_few")
    if status != "shown":
        return SurveyFigures(version, questionnaire, respondents, status, None, ())
    counts = _answer_counts(session, meeting.id, version.id, respondents)
    # The attendees are the finite population, as on the report, unless fewer were recorded than answered.
    population = meeting.attended if meeting.attended and meeting.attended >= respondents else None
    results = []
    for indicator in questionnaire.indicators:
        share = indicator_share(questionnaire, indicator, counts)
        if share.n == 0 or not large_enough(share.n, k):
            results.append(IndicatorResult(indicator, 0, 0, None, "too_few"))
            continue
        assessment = stats.assess_share(
            share.k,
            share.n,
            indicator.target,
            comparison=indicator.comparison,
            confidence=CONFIDENCE,
            population=population,
        )
        results.append(IndicatorResult(indicator, share.k, share.n, assessment))
    return SurveyFigures(version, questionnaire, respondents, "shown", population, tuple(results))


def _records(meeting: Meeting, declared: tuple[RecordIndicator, ...]) -> tuple[RecordFigure, ...]:
    by_kind = {indicator.kind: indicator for indicator in declared}
    attendance = meeting.attended / meeting.invited if meeting.attended is not None and meeting.invited else None
    values = {
        "attendance": attendance,
        "good_practice": meeting.good_practice_presentations,
        "member_topics": sum(1 for topic in meeting.topics if topic.brought_in_by_members),
    }
    figures = []
    for kind in MEETING_RECORD_KINDS:
        indicator = by_kind.get(kind)
        verdict = None
        # Only attendance has a target for each meeting; the other two are shares of the meetings that had one.
        if kind == "attendance" and indicator is not None and attendance is not None:
            verdict = "met" if meets(attendance, indicator.target, indicator.comparison) else "not_met"
        figures.append(RecordFigure(kind, values[kind], indicator, verdict))
    return tuple(figures)


def meeting_results(session: Session, meeting: Meeting, *, k: int, now: dt.datetime) -> MeetingResults:
    answered = _responses_by_version(session, meeting.id)
    version_ids = sorted(answered) or [meeting.questionnaire_version_id]
    surveys = tuple(
        _survey(session, meeting, session.get(QuestionnaireVersion, version_id), answered.get(version_id, 0), k, now)
        for version_id in version_ids
    )
    strategy = strategy_in_force(session)
    goals = {goal for survey in surveys for goal in survey.questionnaire.goals}
    declared = () if strategy is None else strategy.record_indicators_of(goals)
    return MeetingResults(
        meeting,
        MeetingRow(meeting, survey_window(meeting, now).state, sum(answered.values()), None),
        surveys,
        _records(meeting, declared),
        tuple(topic.title for topic in meeting.topics if topic.brought_in_by_members),
        k,
    )
