"""The indicator report: how each indicator stands against its target,
across all meetings, per calendar year and per meeting; and the record
indicators of the network's strategy, measured from the meeting records.

The database counts (GROUP BY queries, see queries.py); the rest is
arithmetic on those counts.  Every target comes from a declaration: survey
indicators from the questionnaire, record indicators from the strategy in
force (none without a strategy).  Like every service it takes the session.

What may be shown follows ``app/evaluation/release.py``: a meeting's answers
count once its survey has closed and only with at least k respondents; each
figure of a period, of all meetings or of a group is the sum of meeting
figures that are shown themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.clock import utcnow
from app.evaluation import stats
from app.evaluation.anonymise import DEFAULT_K
from app.evaluation.indicators import Counts, Share, indicator_share, likert_counts
from app.evaluation.release import cells_to_leave_out, large_enough, results_released, waiting_for
from app.evaluation.report import queries
from app.evaluation.report.plain import Period
from app.evaluation.report.ranking import Priorities, priorities
from app.meetings.plausibility import TooManyResponses, too_many_responses
from app.meetings.services import partner_status_counts
from app.meetings.topics import services as topics
from app.models import Meeting, MeetingTopic, QuestionnaireVersion
from app.network.strategy.model import MemberTopicRule, RecordIndicator
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
    assessment: stats.Assessment | None  # None when not shown or the method cannot apply (see note)
    note: str | None = None  # too_few: fewer than k answers, not shown (k and n are 0) | needs_population


@dataclass(frozen=True)
class Scope:
    kind: str  # all | year | meeting
    label: str
    respondents: int
    population: int | None
    results: tuple[IndicatorResult, ...]  # empty for a meeting whose results are not shown
    meeting: Meeting | None = None
    status: str = "shown"  # of a meeting: shown | open (survey not closed) | paper (paper entry not finished) | too_few

    @property
    def too_many_responses(self) -> TooManyResponses | None:
        if self.meeting is None:
            return None
        return too_many_responses(self.respondents, self.meeting.attended, self.meeting.invited)


@dataclass(frozen=True)
class LikertResult:
    question: Likert
    counts: dict[int, int]
    summary: stats.LikertSummary


@dataclass(frozen=True)
class GroupRow:
    code: str
    respondents: int | None  # None when not shown
    shares: tuple[float | None, ...]  # per indicator; None when not shown
    denominators: tuple[int, ...] = ()  # per indicator, what each share is out of (0 when not shown)


@dataclass(frozen=True)
class Breakdown:
    """The indicators per answer of a question the questionnaire declares
    ``breakdown: true``: one row per option, each the sum of the meetings'
    cells that may be shown."""

    question: SingleChoice
    rows: tuple[GroupRow, ...]

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
    meetings, each calendar year and each meeting; the periods pool the
    meetings whose results are shown."""

    overall: Scope
    years: tuple[Scope, ...]
    meetings: tuple[Scope, ...]  # every meeting with responses, shown or not
    shown: dict[int, MeetingFigures]  # by meeting id


@dataclass(frozen=True)
class MeetingFigures:
    """What one released meeting with at least k respondents contributes to the figures."""

    counts: Counts
    shares: tuple[Share | None, ...]  # per indicator; None where fewer than k answered


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
    priorities: tuple[Priorities, ...] = ()  # one per ranking question
    topics_treated: tuple[TreatedYear, ...] = ()  # per calendar year

    @property
    def shown_meetings(self) -> tuple[Scope, ...]:
        return tuple(scope for scope in self.meetings if scope.status == "shown")

    def meetings_with(self, status: str) -> tuple[Scope, ...]:
        return tuple(scope for scope in self.meetings if scope.status == status)


def _shown_shares(questionnaire: Questionnaire, counts: Counts, k: int) -> tuple[Share | None, ...]:
    shares = (indicator_share(questionnaire, indicator, counts) for indicator in questionnaire.indicators)
    return tuple(share if large_enough(share.n, k) else None for share in shares)


def _pooled(parts: Sequence[tuple[Share | None, ...]], indicators: int) -> tuple[tuple[int, int], ...]:
    """Per indicator, successes and denominator summed over the parts that show it."""
    return tuple(
        (sum(p[i].k for p in parts if p[i] is not None), sum(p[i].n for p in parts if p[i] is not None))
        for i in range(indicators)
    )


def _assess(
    questionnaire: Questionnaire,
    shares: Sequence[tuple[int, int] | None],
    options: ReportOptions,
    population: int | None,
) -> tuple[IndicatorResult, ...]:
    """Each indicator's verdict from its (successes, denominator); None or a
    denominator of 0 means nothing may be shown."""
    method = None if options.method == "auto" else options.method
    results = []
    for indicator, share in zip(questionnaire.indicators, shares, strict=True):
        if share is None or share[1] == 0:
            results.append(IndicatorResult(indicator, 0, 0, None, "too_few"))
            continue
        k, n = share
        if method == "hypergeom_exact" and population is None:
            results.append(IndicatorResult(indicator, k, n, None, "needs_population"))
            continue
        assessment = stats.assess_share(
            k,
            n,
            indicator.target,
            comparison=indicator.comparison,
            confidence=options.confidence,
            method=method,
            population=population,
        )
        results.append(IndicatorResult(indicator, k, n, assessment))
    return tuple(results)


def _population(meeting: Meeting, respondents: int) -> int | None:
    """The meeting's attendance as the finite population, when it is usable."""
    if meeting.attended and meeting.attended >= respondents:
        return meeting.attended
    return None  # not recorded, or fewer attendees than responses: no correction


def survey_scopes(
    session: Session,
    version: QuestionnaireVersion,
    questionnaire: Questionnaire,
    options: ReportOptions,
    *,
    now: dt.datetime,
    period: Period | None = None,
) -> SurveyScopes:
    """``period``: only the meetings held in it (a printed report's year or dates)."""
    respondents = queries.respondents_by_meeting(session, version.id)
    released = queries.counts_by_meeting(session, version.id, now)
    meetings = [
        m
        for m in queries.meetings_of_version(session, version.id)
        if m.id in respondents and (period is None or m.date in period)
    ]
    k = options.min_cell

    meeting_scopes, shown = [], {}
    for meeting in meetings:
        n = respondents[meeting.id]
        # Answers were counted by the query form of the rule; both must agree (tests/evaluation/test_release.py).
        if meeting.id not in released or not results_released(meeting, now):
            # Not in ``released`` yet released by the rule: the clock moved between query and check.
            status = waiting_for(meeting, now) or "open"
            meeting_scopes.append(Scope("meeting", meeting.title, n, None, (), meeting, status))
        elif not large_enough(n, k):
            meeting_scopes.append(Scope("meeting", meeting.title, n, None, (), meeting, "too_few"))
        else:
            counts = released[meeting.id]
            figures = shown[meeting.id] = MeetingFigures(counts, _shown_shares(questionnaire, counts, k))
            population = _population(meeting, n)
            pairs = [None if s is None else (s.k, s.n) for s in figures.shares]
            meeting_scopes.append(
                Scope(
                    "meeting", meeting.title, n, population, _assess(questionnaire, pairs, options, population), meeting
                )
            )

    # Periods pool meetings without a population: the same person may attend
    # several meetings, so attendances do not add up to a population of people.
    def pooled_scope(kind: str, label: str, ids: Sequence[int]) -> Scope:
        parts = [shown[i] for i in ids]
        pooled = _pooled([p.shares for p in parts], len(questionnaire.indicators))
        respondents = sum(p.counts.respondents for p in parts)
        return Scope(kind, label, respondents, None, _assess(questionnaire, pooled, options, None))

    by_year: dict[int, list[int]] = defaultdict(list)
    for meeting in meetings:
        if meeting.id in shown:
            by_year[meeting.date.year].append(meeting.id)
    years = tuple(pooled_scope("year", str(year), by_year[year]) for year in sorted(by_year))
    overall = pooled_scope("all", "all", list(shown))
    return SurveyScopes(overall, years, tuple(meeting_scopes), shown)


def build_report(
    session: Session,
    version: QuestionnaireVersion,
    options: ReportOptions,
    *,
    today: dt.date,
    now: dt.datetime,
    period: Period | None = None,
) -> Report:
    """``period``: the survey figures and the record indicators of the meetings held in it."""
    questionnaire = questionnaire_of(version)
    scopes = survey_scopes(session, version, questionnaire, options, now=now, period=period)
    likert = tuple(
        LikertResult(q, counts, stats.likert_mean(counts, confidence=options.confidence))
        for q in questionnaire.questions
        if isinstance(q, Likert)
        for counts in [_likert_pooled(scopes, q, options.min_cell)]
    )
    breakdowns = tuple(
        _breakdown(session, version, questionnaire, q, scopes, options, now) for q in questionnaire.breakdowns
    )
    strategy = strategy_in_force(session)
    declared = () if strategy is None else strategy.record_indicators_of(questionnaire.goals)
    rule = None if strategy is None else strategy.member_topic_rule
    return Report(
        version,
        questionnaire,
        options,
        scopes.overall,
        scopes.years,
        scopes.meetings,
        likert,
        breakdowns,
        record_indicators(
            session,
            declared,
            today=today,
            confidence=options.confidence,
            period=period,
            member_rule=rule,
            now=now,
            k=options.min_cell,
        ),
        priorities=priorities(
            session,
            version.id,
            questionnaire,
            [scope.meeting for scope in scopes.meetings if scope.meeting.id in scopes.shown],
            k=options.min_cell,
            confidence=options.confidence,
            now=now,
        ),
        topics_treated=treated_per_year(
            session, today=today, member_rule=rule, now=now, k=options.min_cell, period=period
        ),
    )


def _likert_pooled(scopes: SurveyScopes, question: Likert, k: int) -> dict[int, int]:
    """A Likert item's counts summed over the meetings shown where at least ``k`` answered it."""
    pooled = dict.fromkeys((int(code) for code in question.codes), 0)
    for figures in scopes.shown.values():
        counts = likert_counts(figures.counts, question.id, question.codes)
        if large_enough(sum(counts.values()), k):
            for point, count in counts.items():
                pooled[point] += count
    return pooled


def _breakdown(
    session: Session,
    version: QuestionnaireVersion,
    questionnaire: Questionnaire,
    group_question: SingleChoice,
    scopes: SurveyScopes,
    options: ReportOptions,
    now: dt.datetime,
) -> Breakdown:
    """Respondents and indicator shares per answer of ``group_question``, summed over the meetings shown.

    Each meeting's groups are cut as :func:`release.cells_to_leave_out` says:
    a group under k stays out, and what a meeting leaves out (its small
    groups and those who did not answer the question) is nothing or at least
    k, in the respondents and in each indicator's denominator.  A group's row
    changes, when a meeting is released, by k or more respondents or not at
    all; and the meetings' figures minus the rows never give one small group.
    """
    k = options.min_cell
    indicators = len(questionnaire.indicators)
    by_meeting = queries.counts_by_meeting_and_group(session, version.id, group_question.id, now)
    respondents: dict[str, int] = defaultdict(int)
    parts: dict[str, list[tuple[Share | None, ...]]] = defaultdict(list)
    for meeting_id, figures in scopes.shown.items():
        # Answers that are no option of the question (any more) are in no row: left out with the rest.
        groups = {code: c for code, c in by_meeting.get(meeting_id, {}).items() if code in group_question.codes}
        sizes = {code: counts.respondents for code, counts in groups.items()}
        left_out = cells_to_leave_out(sizes, k, unlisted=figures.counts.respondents - sum(sizes.values()))
        columns: list[dict[str, Share | None]] = []
        for position, indicator in enumerate(questionnaire.indicators):
            whole = figures.shares[position]
            column = {code: indicator_share(questionnaire, indicator, counts) for code, counts in groups.items()}
            if whole is None:  # the meeting shows no figure for this indicator: none of its groups either
                columns.append(dict.fromkeys(column))
                continue
            denominators = {code: share.n for code, share in column.items()}
            hidden = cells_to_leave_out(denominators, k, unlisted=whole.n - sum(denominators.values()), hidden=left_out)
            columns.append({code: None if code in hidden else share for code, share in column.items()})
        for code in groups:
            if code not in left_out:
                respondents[code] += sizes[code]
                parts[code].append(tuple(column[code] for column in columns))
    rows = []
    for code in group_question.codes:  # every option, so a row not shown says nothing about who answered
        pooled = _pooled(parts[code], indicators)
        rows.append(
            GroupRow(
                code,
                respondents[code] or None,
                tuple(successes / n if n else None for successes, n in pooled),
                tuple(n for _successes, n in pooled),
            )
        )
    return Breakdown(group_question, tuple(rows))


# ---------------------------------------------------------------------------
# Record indicators: measured from the meeting records, as the strategy declares them.


def full_calendar_years(first: dt.date, last: dt.date) -> list[int]:
    """Years lying wholly between the first and the last recorded meeting."""
    return [y for y in range(first.year, last.year + 1) if dt.date(y, 1, 1) >= first and dt.date(y, 12, 31) <= last]


def meets(value: float, target: float, comparison: str) -> bool:
    return value >= target if comparison == "at_least" else value <= target


def record_indicators(
    session: Session,
    declared: Sequence[RecordIndicator],
    *,
    today: dt.date,
    confidence: float,
    period: Period | None = None,
    member_rule: MemberTopicRule | None = None,
    now: dt.datetime | None = None,
    k: int = DEFAULT_K,
) -> tuple[RecordResult, ...]:
    """Each declared indicator measured from the meetings held up to ``today``
    (and in ``period``) and the partner register, which is as it stands today;
    a meeting's member topics by the strategy's ``member_rule`` (its default
    when not given), with the rankings released by ``now`` that at least
    ``k`` answered."""
    if not declared:
        return ()
    held = _held(session, today, period)
    if period is not None:
        years = full_calendar_years(period.start, min(period.end, today))
    else:
        years = full_calendar_years(held[0].date, held[-1].date) if held else []
    partners = partner_status_counts(session)
    devoted = topics.devoted_meetings(session, held, member_rule or MemberTopicRule(), now=now or utcnow(), k=k)
    return tuple(_measure(indicator, held, years, partners, confidence, devoted) for indicator in declared)


def _held(session: Session, today: dt.date, period: Period | None = None) -> list[Meeting]:
    held_by = Meeting.date <= today
    if period is not None:
        held_by &= (Meeting.date >= period.start) & (Meeting.date <= period.end)
    return list(
        session.scalars(select(Meeting).where(held_by).order_by(Meeting.date).options(selectinload(Meeting.topics)))
    )


def _measure(
    indicator: RecordIndicator,
    held: list[Meeting],
    years: list[int],
    partners: dict,
    confidence: float,
    devoted: set[int],
) -> RecordResult:
    target, comparison = indicator.target, indicator.comparison
    if indicator.kind == "partners_won":
        won = partners["won"]
        return RecordResult(indicator, won, "met" if meets(won, target, comparison) else "not_met", partners)
    if indicator.kind == "meetings_per_year":
        per_year: dict[int, int] = defaultdict(int)
        for meeting in held:
            per_year[meeting.date.year] += 1
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
        having = sum(1 for m in held if m.id in devoted)
    detail = {"with": having, "meetings": len(held)}
    if not held:
        return RecordResult(indicator, None, "inconclusive", detail)
    share = having / len(held)
    return RecordResult(indicator, share, "met" if meets(share, target, comparison) else "not_met", detail)


# ---------------------------------------------------------------------------
# Priorities of the network: the topics treated per calendar year, and where they came from.


@dataclass(frozen=True)
class TreatedTopic:
    titles: dict[str, str]  # empty for a topic recorded before the topic list
    recorded_title: str  # the title the meeting keeps
    origin: str | None  # members | coordinators; None for a topic recorded before the topic list
    proposed_at: tuple[Meeting, ...]  # the meetings whose surveys proposed it
    meetings: tuple[Meeting, ...]  # the meetings of the year devoted to it
    stated: bool  # recorded before the topic list, stated as brought in by members


@dataclass(frozen=True)
class TreatedYear:
    year: int
    topics: tuple[TreatedTopic, ...]
    meetings: int  # held in the year
    devoted: int  # of them devoted to member topics, by the strategy's rule


def treated_per_year(
    session: Session,
    *,
    today: dt.date,
    member_rule: MemberTopicRule | None = None,
    now: dt.datetime | None = None,
    k: int = DEFAULT_K,
    period: Period | None = None,
) -> tuple[TreatedYear, ...]:
    """Per calendar year of the meetings held up to ``today`` (and in ``period``):
    the topics treated and where they came from."""
    held = _held(session, today, period)
    devoted = topics.devoted_meetings(session, held, member_rule or MemberTopicRule(), now=now or utcnow(), k=k)
    proposed_at = {row.topic.id: row.proposed_at for row in topics.topic_rows(session, today)}
    years: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in held:
        years[meeting.date.year].append(meeting)
    found = []
    for year in sorted(years):
        # One entry per topic of the list, or per topic recorded before it (by its title and statement).
        links: dict[object, MeetingTopic] = {}
        meetings: dict[object, list[Meeting]] = defaultdict(list)
        for meeting in years[year]:
            for link in meeting.topics:
                key = link.topic_id if link.topic_id is not None else (link.title, link.brought_in_by_members)
                links.setdefault(key, link)
                meetings[key].append(meeting)
        treated = tuple(
            TreatedTopic(
                link.topic.titles if link.topic else {},
                link.title,
                link.topic.origin if link.topic else None,
                proposed_at.get(link.topic_id, ()),
                tuple(meetings[key]),
                link.topic is None and link.brought_in_by_members,
            )
            for key, link in links.items()
        )
        found.append(TreatedYear(year, treated, len(years[year]), sum(1 for m in years[year] if m.id in devoted)))
    return tuple(found)
