"""The indicator report: how each indicator stands against its target,
across all meetings, per calendar year and per meeting.

The database counts (two GROUP BY queries, see persistence.queries); the rest
is arithmetic on those counts.  Like every service it takes the session.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.evaluation import stats
from app.evaluation.anonymise import DEFAULT_K, suppressed_cells
from app.evaluation.export.rows import ACTOR_GROUP
from app.evaluation.indicators import Counts, indicator_share, likert_counts
from app.evaluation.report import queries
from app.meetings.services import partner_status_counts
from app.models import Meeting, QuestionnaireVersion
from app.questionnaires.model import Indicator, Likert, Questionnaire
from app.questionnaires.versions import questionnaire_of

# The interval methods an evaluator may choose on the report (stats.METHODS
# are all that exist): "auto" lets stats pick per scope, with the finite-
# population Wilson interval where a meeting's attendance is known, which is
# why that one is not offered on its own.
SELECTABLE_METHODS = ("auto", "wilson", "wilsoncc", "clopper_pearson", "jeffreys", "agresti_coull", "hypergeom_exact")
CONFIDENCES = (0.90, 0.95, 0.99)


@dataclass(frozen=True)
class ReportOptions:
    method: str = "auto"
    confidence: float = 0.95
    min_cell: int = DEFAULT_K  # groups with fewer respondents show no figure


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    k: int
    n: int
    assessment: stats.Assessment | None  # None when the method cannot apply (see note)
    note: str | None = None


@dataclass(frozen=True)
class Scope:
    kind: str  # all | year | meeting
    label: str
    respondents: int
    population: int | None
    results: tuple[IndicatorResult, ...]
    meeting: Meeting | None = None


@dataclass(frozen=True)
class LikertResult:
    question: Likert
    counts: dict[int, int]
    summary: stats.LikertSummary


@dataclass(frozen=True)
class GroupRow:
    code: str
    respondents: int | None  # None when hidden (small cell)
    shares: tuple[float | None, ...]  # per indicator; None when hidden


@dataclass(frozen=True)
class MeetingIndicator:
    key: str  # meetings_per_year | attendance | partners_won | good_practice | member_topics
    value: float | int | None
    target: float | int
    verdict: str  # met | not_met | inconclusive
    detail: dict


@dataclass(frozen=True)
class Report:
    version: QuestionnaireVersion
    questionnaire: Questionnaire
    options: ReportOptions
    overall: Scope
    years: tuple[Scope, ...]
    meetings: tuple[Scope, ...]
    likert: tuple[LikertResult, ...]
    groups: tuple[GroupRow, ...]
    suppressed_groups: int
    meeting_indicators: tuple[MeetingIndicator, ...]


def _assess(
    questionnaire: Questionnaire, counts: Counts, options: ReportOptions, population: int | None
) -> tuple[IndicatorResult, ...]:
    method = None if options.method == "auto" else options.method
    results = []
    for indicator in questionnaire.indicators:
        share = indicator_share(questionnaire, indicator, counts)
        if method == "hypergeom_exact" and population is None:
            results.append(IndicatorResult(indicator, share.k, share.n, None, "needs_population"))
            continue
        assessment = stats.assess_share(
            share.k,
            share.n,
            indicator.target,
            comparison=indicator.comparison,
            confidence=options.confidence,
            method=method,
            population=population,
        )
        results.append(IndicatorResult(indicator, share.k, share.n, assessment))
    return tuple(results)


def _population(meeting: Meeting, respondents: int) -> int | None:
    """The meeting's attendance as the finite population, when it is usable."""
    if meeting.attended and meeting.attended >= respondents:
        return meeting.attended
    return None  # not recorded, or fewer attendees than responses: no correction


def build_report(session: Session, version: QuestionnaireVersion, options: ReportOptions, *, today: dt.date) -> Report:
    questionnaire = questionnaire_of(version)
    by_meeting = queries.counts_by_meeting(session, version.id)
    meetings = [m for m in queries.meetings_of_version(session, version.id) if m.id in by_meeting]

    meeting_scopes = []
    for meeting in meetings:
        counts = by_meeting[meeting.id]
        population = _population(meeting, counts.respondents)
        meeting_scopes.append(
            Scope(
                "meeting",
                meeting.title,
                counts.respondents,
                population,
                _assess(questionnaire, counts, options, population),
                meeting,
            )
        )

    # Periods pool meetings without a population: the same person may attend
    # several meetings, so attendances do not add up to a population of people.
    by_year: dict[int, list[Counts]] = defaultdict(list)
    for meeting in meetings:
        by_year[meeting.date.year].append(by_meeting[meeting.id])
    year_scopes = []
    for year in sorted(by_year):
        counts = Counts.merge(by_year[year])
        year_scopes.append(
            Scope("year", str(year), counts.respondents, None, _assess(questionnaire, counts, options, None))
        )
    everything = Counts.merge(by_meeting.values())
    overall = Scope("all", "all", everything.respondents, None, _assess(questionnaire, everything, options, None))

    likert = tuple(
        LikertResult(q, counts, stats.likert_mean(counts, confidence=options.confidence))
        for q in questionnaire.questions
        if isinstance(q, Likert)
        for counts in [likert_counts(everything, q.id, q.codes)]
    )
    groups, suppressed = _group_rows(session, version, questionnaire, options)
    return Report(
        version,
        questionnaire,
        options,
        overall,
        tuple(year_scopes),
        tuple(meeting_scopes),
        likert,
        groups,
        suppressed,
        meeting_indicators(session, today=today, confidence=options.confidence),
    )


def _group_rows(session, version, questionnaire, options) -> tuple[tuple[GroupRow, ...], int]:
    """Respondents and indicator shares per actor group, small cells hidden.

    A group under ``min_cell`` shows nothing; and where that would leave a
    single hidden figure in a column, the next smallest is hidden too
    (secondary suppression), since the overall figures minus the shown ones
    would give the hidden one away.
    """
    try:
        group_question = questionnaire.question(ACTOR_GROUP)
    except KeyError:
        return (), 0
    by_group = queries.counts_by_group(session, version.id, group_question.id)
    present = [(code, by_group[code]) for code in group_question.codes if code in by_group]
    hidden_rows = suppressed_cells({code: counts.respondents for code, counts in present}, options.min_cell)
    shares: dict[str, list[float | None]] = {code: [] for code, _counts in present}
    for indicator in questionnaire.indicators:
        column = {code: indicator_share(questionnaire, indicator, counts) for code, counts in present}
        hidden = suppressed_cells(
            {code: share.n for code, share in column.items()}, options.min_cell, hidden=hidden_rows
        )
        for code, share in column.items():
            shown = code not in hidden and share.n >= options.min_cell
            shares[code].append(share.k / share.n if shown else None)
    rows = tuple(
        GroupRow(code, None if code in hidden_rows else counts.respondents, tuple(shares[code]))
        for code, counts in present
    )
    return rows, len(hidden_rows)


# ---------------------------------------------------------------------------
# Indicators of Detailziel IV.1 that come from meeting records, not answers.

MEETINGS_PER_YEAR = 2
ATTENDANCE_TARGET = 0.40
PARTNERS_TARGET = 100


def full_calendar_years(first: dt.date, last: dt.date) -> list[int]:
    """Years lying wholly between the first and the last recorded meeting."""
    return [y for y in range(first.year, last.year + 1) if dt.date(y, 1, 1) >= first and dt.date(y, 12, 31) <= last]


def meeting_indicators(session: Session, *, today: dt.date, confidence: float) -> tuple[MeetingIndicator, ...]:
    held = list(
        session.scalars(
            select(Meeting).where(Meeting.date <= today).order_by(Meeting.date).options(selectinload(Meeting.topics))
        )
    )
    results = []
    if held:
        per_year = defaultdict(int)
        for meeting in held:
            per_year[meeting.date.year] += 1
        years = full_calendar_years(held[0].date, held[-1].date)
        counts = {year: per_year.get(year, 0) for year in years}
        verdict = (
            "inconclusive"
            if not years
            else ("met" if all(c >= MEETINGS_PER_YEAR for c in counts.values()) else "not_met")
        )
        results.append(
            MeetingIndicator(
                "meetings_per_year",
                min(counts.values()) if counts else None,
                MEETINGS_PER_YEAR,
                verdict,
                {"per_year": counts},
            )
        )

        recorded = [(m.attended, m.invited) for m in held if m.attended is not None and m.invited]
        if recorded:
            # Every meeting held is in the records: the pooled rate is a census.
            rate = stats.attendance_rate(recorded, confidence=confidence, census=True)
            results.append(
                MeetingIndicator(
                    "attendance",
                    rate.ratio,
                    ATTENDANCE_TARGET,
                    "met" if rate.ratio >= ATTENDANCE_TARGET else "not_met",
                    {"rate": rate, "meetings": len(recorded), "unrecorded": len(held) - len(recorded)},
                )
            )

        with_practice = sum(1 for m in held if m.good_practice_presentations > 0)
        results.append(
            MeetingIndicator(
                "good_practice",
                with_practice / len(held),
                1,
                "met" if with_practice == len(held) else "not_met",
                {"with": with_practice, "meetings": len(held)},
            )
        )
        with_topics = sum(1 for m in held if any(t.brought_in_by_members for t in m.topics))
        results.append(
            MeetingIndicator(
                "member_topics",
                with_topics / len(held),
                1,
                "met" if with_topics == len(held) else "not_met",
                {"with": with_topics, "meetings": len(held)},
            )
        )

    status_counts = partner_status_counts(session)
    won = status_counts["won"]
    results.append(
        MeetingIndicator(
            "partners_won", won, PARTNERS_TARGET, "met" if won >= PARTNERS_TARGET else "not_met", status_counts
        )
    )
    return tuple(results)
