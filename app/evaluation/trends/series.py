"""Each indicator of a questionnaire over its meetings and calendar years,
across every version that has the indicator (the same id is the same
indicator), and the comparison of two scopes.  Like every service it takes
the session; the database counts (app/evaluation/report/queries.py).

The rules of app/evaluation/release.py hold as on the report: a meeting's
answers count once its survey has closed and its paper entry is finished,
and only where at least k answered; a period is the sum of the meetings that
are shown.  Intervals are Wilson's, the ones the comparison is built from.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evaluation import stats
from app.evaluation.change import ChangeVerdict, Difference, change_verdict, newcombe_difference
from app.evaluation.indicators import indicator_share
from app.evaluation.release import large_enough, results_released, waiting_for
from app.evaluation.report import queries
from app.evaluation.trends.scopes import OneMeeting, Scope
from app.models import Meeting, QuestionnaireVersion
from app.questionnaires.model import Indicator, Questionnaire
from app.questionnaires.versions import questionnaire_of, versions_of

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Figure:
    """A share with its Wilson interval and its verdict against the target."""

    k: int
    n: int
    assessment: stats.Assessment

    @property
    def estimate(self) -> float:
        return self.k / self.n


@dataclass(frozen=True)
class MeetingPoint:
    """One meeting's figure of an indicator, in the version its responses answered."""

    meeting: Meeting
    version: QuestionnaireVersion
    respondents: int
    status: str  # shown | open (survey not closed) | paper (paper entry not finished) | too_few
    figure: Figure | None  # only when shown


@dataclass(frozen=True)
class PeriodFigure:
    label: str
    meetings: int  # meetings shown in the figure
    figure: Figure


@dataclass(frozen=True)
class WordingChange:
    """The indicator's question reads differently from ``after`` on."""

    before: QuestionnaireVersion
    after: QuestionnaireVersion
    old_text: dict
    new_text: dict

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages in which the text differs (added or dropped included)."""
        return tuple(
            code
            for code in dict.fromkeys([*self.old_text, *self.new_text])
            if self.old_text.get(code) != self.new_text.get(code)
        )


@dataclass(frozen=True)
class IndicatorTrend:
    indicator: Indicator  # as the newest version having it declares it
    versions: tuple[QuestionnaireVersion, ...]
    wording_changes: tuple[WordingChange, ...]
    meetings: tuple[MeetingPoint, ...]  # by date
    years: tuple[PeriodFigure, ...]

    def pooled(self, scope: Scope) -> tuple[int, int, int]:
        """(successes, denominator, meetings) summed over the meetings of ``scope`` that are shown."""
        parts = [p.figure for p in self.meetings if p.figure is not None and scope.holds(p.meeting.id, p.meeting.date)]
        return sum(f.k for f in parts), sum(f.n for f in parts), len(parts)


@dataclass(frozen=True)
class Trends:
    key: str
    versions: tuple[QuestionnaireVersion, ...]
    questionnaire: Questionnaire  # the newest version's
    indicators: tuple[IndicatorTrend, ...]
    meetings: tuple[Meeting, ...]  # every meeting with responses, by date
    years: tuple[int, ...]  # the calendar years of those meetings
    k: int

    def indicator(self, indicator_id: str) -> IndicatorTrend | None:
        return next((t for t in self.indicators if t.indicator.id == indicator_id), None)


def _figure(indicator: Indicator, k: int, n: int) -> Figure:
    return Figure(
        k, n, stats.assess_share(k, n, indicator.target, comparison=indicator.comparison, confidence=CONFIDENCE)
    )


def _wording_changes(
    indicator_id: str, having: Sequence[tuple[QuestionnaireVersion, Questionnaire]]
) -> tuple[WordingChange, ...]:
    changes = []
    for (before, old), (after, new) in zip(having, having[1:], strict=False):
        old_text = old.question(_indicator_of(old, indicator_id).question).text
        new_text = new.question(_indicator_of(new, indicator_id).question).text
        if dict(old_text) != dict(new_text):
            changes.append(WordingChange(before, after, dict(old_text), dict(new_text)))
    return tuple(changes)


def _indicator_of(questionnaire: Questionnaire, indicator_id: str) -> Indicator:
    return next(i for i in questionnaire.indicators if i.id == indicator_id)


def build_trends(session: Session, version: QuestionnaireVersion, *, k: int, now: dt.datetime) -> Trends:
    """The trends of ``version``'s questionnaire, over all its versions."""
    all_versions = versions_of(session, version.questionnaire_key)
    parsed = [(v, questionnaire_of(v)) for v in all_versions]
    respondents = {v.id: queries.respondents_by_meeting(session, v.id) for v in all_versions}
    released = {v.id: queries.counts_by_meeting(session, v.id, now) for v in all_versions}
    answered = {meeting_id for counts in respondents.values() for meeting_id in counts}
    meetings = list(session.scalars(select(Meeting).where(Meeting.id.in_(answered)).order_by(Meeting.date, Meeting.id)))

    order: list[str] = []  # indicator ids, the newest version's order first
    for _version, questionnaire in reversed(parsed):
        order += [i.id for i in questionnaire.indicators if i.id not in order]

    trends = []
    for indicator_id in order:
        having = [(v, q) for v, q in parsed if any(i.id == indicator_id for i in q.indicators)]
        points = []
        for meeting in meetings:
            for v, questionnaire in having:
                n = respondents[v.id].get(meeting.id)
                if n is not None:
                    points.append(_point(meeting, v, questionnaire, indicator_id, n, released[v.id], k, now))
        by_year: dict[int, list[Figure]] = defaultdict(list)
        for point in points:
            if point.figure is not None:
                by_year[point.meeting.date.year].append(point.figure)
        newest = _indicator_of(having[-1][1], indicator_id)
        years = tuple(
            PeriodFigure(str(year), len(parts), _figure(newest, *_sums(parts)))
            for year, parts in sorted(by_year.items())
        )
        trends.append(
            IndicatorTrend(
                newest,
                tuple(v for v, _q in having),
                _wording_changes(indicator_id, having),
                tuple(points),
                years,
            )
        )
    return Trends(
        version.questionnaire_key,
        tuple(all_versions),
        parsed[-1][1],
        tuple(trends),
        tuple(meetings),
        tuple(sorted({m.date.year for m in meetings})),
        k,
    )


def _sums(parts: Iterable[Figure]) -> tuple[int, int]:
    parts = list(parts)
    return sum(f.k for f in parts), sum(f.n for f in parts)


def _point(meeting, version, questionnaire, indicator_id, respondents, released, k, now) -> MeetingPoint:
    if meeting.id not in released or not results_released(meeting, now):
        return MeetingPoint(meeting, version, respondents, waiting_for(meeting, now) or "open", None)
    if not large_enough(respondents, k):
        return MeetingPoint(meeting, version, respondents, "too_few", None)
    indicator = _indicator_of(questionnaire, indicator_id)
    share = indicator_share(questionnaire, indicator, released[meeting.id])
    if not large_enough(share.n, k) or share.n == 0:
        return MeetingPoint(meeting, version, respondents, "too_few", None)
    return MeetingPoint(meeting, version, respondents, "shown", _figure(indicator, share.k, share.n))


# ---------------------------------------------------------------------------
# Comparing two scopes


class ComparisonRefused(ValueError):
    """A comparison that cannot be asked: ``unknown_indicator``, ``unknown_meeting``,
    ``no_meetings`` (the scope holds no meeting of the questionnaire), ``overlap``
    (the two scopes share a meeting, so they are not independent)."""

    def __init__(self, reason: str, side: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.side = side  # "first" | "second" | None (both)


@dataclass(frozen=True)
class Side:
    scope: Scope
    meetings: tuple[Meeting, ...]  # of the questionnaire, in the scope
    figure: Figure | None  # None: no meeting in the scope shows a figure, so there is nothing to compare
    shown: int  # meetings in the figure


@dataclass(frozen=True)
class Comparison:
    trend: IndicatorTrend
    first: Side
    second: Side
    difference: Difference | None  # second - first; None when a side shows no figure
    verdict: ChangeVerdict | None


def _side(trends: Trends, trend: IndicatorTrend, scope: Scope, side: str) -> Side:
    if isinstance(scope, OneMeeting) and all(m.id != scope.meeting_id for m in trends.meetings):
        raise ComparisonRefused("unknown_meeting", side)
    meetings = tuple(m for m in trends.meetings if scope.holds(m.id, m.date))
    if not meetings:
        raise ComparisonRefused("no_meetings", side)
    k, n, shown = trend.pooled(scope)
    figure = _figure(trend.indicator, k, n) if shown and large_enough(n, trends.k) else None
    return Side(scope, meetings, figure, shown)


def compare(trends: Trends, indicator_id: str, first: Scope, second: Scope) -> Comparison:
    """The second scope against the first for one indicator: the difference in
    shares with its Newcombe interval and the verdict, when both show a figure."""
    trend = trends.indicator(indicator_id)
    if trend is None:
        raise ComparisonRefused("unknown_indicator")
    one, other = _side(trends, trend, first, "first"), _side(trends, trend, second, "second")
    if {m.id for m in one.meetings} & {m.id for m in other.meetings}:
        raise ComparisonRefused("overlap")
    if one.figure is None or other.figure is None:
        return Comparison(trend, one, other, None, None)
    difference = newcombe_difference(one.figure.k, one.figure.n, other.figure.k, other.figure.n, confidence=CONFIDENCE)
    return Comparison(trend, one, other, difference, change_verdict(difference, trend.indicator.comparison))
