"""The indicator report: how each indicator stands against its target,
across all meetings, per calendar year and per meeting; and the record
indicators of the network's strategy, measured from the meeting records.

The database counts (two GROUP BY queries, see queries.py); the rest is
arithmetic on those counts.  Every target comes from a declaration: survey
indicators from the questionnaire, record indicators from the strategy in
force (none without a strategy).  Like every service it takes the session.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.evaluation import stats
from app.evaluation.anonymise import DEFAULT_K, suppressed_cells
from app.evaluation.indicators import Counts, indicator_share, likert_counts
from app.evaluation.report import queries
from app.meetings.services import partner_status_counts
from app.models import Meeting, QuestionnaireVersion
from app.network.strategy.model import RecordIndicator
from app.network.strategy.store import strategy_in_force
from app.questionnaires.model import Indicator, Likert, Questionnaire, SingleChoice
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
class Breakdown:
    """The indicators per answer of a question the questionnaire declares ``breakdown: true``."""

    question: SingleChoice
    rows: tuple[GroupRow, ...]
    suppressed: int

    def label(self, code: str) -> dict[str, str]:
        return self.question.options[self.question.codes.index(code)].label


@dataclass(frozen=True)
class RecordResult:
    """A record indicator of the strategy, measured."""

    indicator: RecordIndicator
    value: float | int | None  # None: nothing to measure yet
    verdict: str  # met | not_met | inconclusive
    detail: dict

    @property
    def kind(self) -> str:
        return self.indicator.kind


@dataclass(frozen=True)
class SurveyScopes:
    """The survey indicators of one questionnaire version, measured over all
    meetings, each calendar year and each meeting."""

    overall: Scope
    years: tuple[Scope, ...]
    meetings: tuple[Scope, ...]
    counts: Counts  # everything, pooled


@dataclass(frozen=True)
class Report:
    version: QuestionnaireVersion
    questionnaire: Questionnaire
    options: ReportOptions
    overall: Scope
    years: tuple[Scope, ...]
    meetings: tuple[Scope, ...]
    likert: tuple[LikertResult, ...]
    breakdowns: tuple[Breakdown, ...]
    records: tuple[RecordResult, ...]


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


def survey_scopes(
    session: Session, version: QuestionnaireVersion, questionnaire: Questionnaire, options: ReportOptions
) -> SurveyScopes:
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
    return SurveyScopes(overall, tuple(year_scopes), tuple(meeting_scopes), everything)


def build_report(session: Session, version: QuestionnaireVersion, options: ReportOptions, *, today: dt.date) -> Report:
    questionnaire = questionnaire_of(version)
    scopes = survey_scopes(session, version, questionnaire, options)
    likert = tuple(
        LikertResult(q, counts, stats.likert_mean(counts, confidence=options.confidence))
        for q in questionnaire.questions
        if isinstance(q, Likert)
        for counts in [likert_counts(scopes.counts, q.id, q.codes)]
    )
    breakdowns = tuple(_breakdown(session, version, questionnaire, q, options) for q in questionnaire.breakdowns)
    strategy = strategy_in_force(session)
    declared = () if strategy is None else strategy.record_indicators_of(questionnaire.goals)
    return Report(
        version,
        questionnaire,
        options,
        scopes.overall,
        scopes.years,
        scopes.meetings,
        likert,
        breakdowns,
        record_indicators(session, declared, today=today, confidence=options.confidence),
    )


def _breakdown(session, version, questionnaire, group_question, options) -> Breakdown:
    """Respondents and indicator shares per answer of ``group_question``, small cells hidden.

    A group under ``min_cell`` shows nothing; and where that would leave a
    single hidden figure in a column, the next smallest is hidden too
    (secondary suppression), since the overall figures minus the shown ones
    would give the hidden one away.
    """
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
    return Breakdown(group_question, rows, len(hidden_rows))


# ---------------------------------------------------------------------------
# Record indicators: measured from the meeting records, as the strategy declares them.


def full_calendar_years(first: dt.date, last: dt.date) -> list[int]:
    """Years lying wholly between the first and the last recorded meeting."""
    return [y for y in range(first.year, last.year + 1) if dt.date(y, 1, 1) >= first and dt.date(y, 12, 31) <= last]


def meets(value: float, target: float, comparison: str) -> bool:
    return value >= target if comparison == "at_least" else value <= target


def record_indicators(
    session: Session, declared: Sequence[RecordIndicator], *, today: dt.date, confidence: float
) -> tuple[RecordResult, ...]:
    """Each declared indicator measured from the meetings held up to ``today``
    and the partner register."""
    if not declared:
        return ()
    held = list(
        session.scalars(
            select(Meeting).where(Meeting.date <= today).order_by(Meeting.date).options(selectinload(Meeting.topics))
        )
    )
    partners = partner_status_counts(session)
    return tuple(_measure(indicator, held, partners, confidence) for indicator in declared)


def _measure(indicator: RecordIndicator, held: list[Meeting], partners: dict, confidence: float) -> RecordResult:
    target, comparison = indicator.target, indicator.comparison
    if indicator.kind == "partners_won":
        won = partners["won"]
        return RecordResult(indicator, won, "met" if meets(won, target, comparison) else "not_met", partners)
    if indicator.kind == "meetings_per_year":
        per_year: dict[int, int] = defaultdict(int)
        for meeting in held:
            per_year[meeting.date.year] += 1
        years = full_calendar_years(held[0].date, held[-1].date) if held else []
        counts = {year: per_year.get(year, 0) for year in years}
        if not counts:
            return RecordResult(indicator, None, "inconclusive", {"per_year": counts})
        worst = min(counts.values()) if comparison == "at_least" else max(counts.values())
        return RecordResult(
            indicator, worst, "met" if meets(worst, target, comparison) else "not_met", {"per_year": counts}
        )
    if indicator.kind == "attendance":
        recorded = [(m.attended, m.invited) for m in held if m.attended is not None and m.invited]
        detail = {"meetings": len(recorded), "unrecorded": len(held) - len(recorded)}
        if not recorded:
            return RecordResult(indicator, None, "inconclusive", {**detail, "rate": None})
        # Every meeting held is in the records: the pooled rate is a census.
        rate = stats.attendance_rate(recorded, confidence=confidence, census=True)
        verdict = "met" if meets(rate.ratio, target, comparison) else "not_met"
        return RecordResult(indicator, rate.ratio, verdict, {**detail, "rate": rate})
    # good_practice | member_topics: the share of meetings that had it.
    if indicator.kind == "good_practice":
        having = sum(1 for m in held if m.good_practice_presentations > 0)
    else:
        having = sum(1 for m in held if any(t.brought_in_by_members for t in m.topics))
    detail = {"with": having, "meetings": len(held)}
    if not held:
        return RecordResult(indicator, None, "inconclusive", detail)
    share = having / len(held)
    return RecordResult(indicator, share, "met" if meets(share, target, comparison) else "not_met", detail)
