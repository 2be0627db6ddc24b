"""The printed impact report ("Wirkungsbericht") of a questionnaire version for
a year or any period: per Mittlerziel of the strategy each indicator with its
figure, interval and verdict in words and its chart, the responses and
response rates, the summary lines and a note on method; a PDF made on the
server (app/printing.py) in the reader's language.

It is the indicator report (reporting.py) of the meetings held in the
period, with the same small-cell rules: it prints what the report page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app import printing
from app.evaluation.report import reporting, wording
from app.evaluation.report.plain import Period
from app.http import templating
from app.languages import direction
from app.models import QuestionnaireVersion
from app.network import settings
from app.network.strategy.store import strategy_in_force


class NoMeetingsInPeriod(Exception):
    """No meeting of the version with responses was held in the period."""


@dataclass(frozen=True)
class GoalSection:
    """One Mittlerziel: its survey indicators (positions in the questionnaire) and its record indicators."""

    code: str
    text: dict  # by language; empty when only its code is known
    positions: tuple[int, ...]
    records: tuple[reporting.RecordResult, ...]


@dataclass(frozen=True)
class ResponseRate:
    responses: int
    attended: int  # of the meetings whose attendance is recorded and not below their responses

    @property
    def rate(self) -> float | None:
        return self.responses / self.attended if self.attended else None


@dataclass(frozen=True)
class ImpactReport:
    network: str
    period: Period | None
    report: reporting.Report
    goals: tuple[GoalSection, ...]
    responses: int  # every response of the period, of open meetings too
    rate: ResponseRate  # over the meetings with usable attendance
    made_on: dt.date


def meeting_rate(scope: reporting.Scope) -> float | None:
    """Responses per attendee of one meeting, where its attendance is recorded and usable."""
    attended = scope.meeting.attended
    return scope.respondents / attended if attended and attended >= scope.respondents else None


def _goals(session: Session, report: reporting.Report) -> tuple[GoalSection, ...]:
    questionnaire = report.questionnaire
    strategy = strategy_in_force(session)
    declared = {m.code: m for m in strategy.mittlerziele} if strategy else {}
    sections = []
    for code in questionnaire.goals:
        positions = tuple(i for i, ind in enumerate(questionnaire.indicators) if questionnaire.goal_of(ind) == code)
        goal = declared.get(code)
        if goal is None:  # only the questionnaire names it
            own = code == questionnaire.mittlerziel.code
            text, records = (questionnaire.mittlerziel.text if own else {}), ()
        else:
            text = goal.text
            ids = {indicator.id for indicator in goal.indicators}
            records = tuple(record for record in report.records if record.indicator.id in ids)
        if positions or records:
            sections.append(GoalSection(code, dict(text), positions, records))
    return tuple(sections)


def impact_report(
    session: Session,
    version: QuestionnaireVersion,
    period: Period | None,
    *,
    today: dt.date,
    now: dt.datetime,
) -> ImpactReport:
    options = reporting.ReportOptions(min_cell=settings.min_cell_size())
    report = reporting.build_report(session, version, options, today=today, now=now, period=period)
    if not report.meetings:
        raise NoMeetingsInPeriod
    usable = [scope for scope in report.meetings if meeting_rate(scope) is not None]
    return ImpactReport(
        network=settings.current().name,
        period=period,
        report=report,
        goals=_goals(session, report),
        responses=sum(scope.respondents for scope in report.meetings),
        rate=ResponseRate(sum(s.respondents for s in usable), sum(s.meeting.attended for s in usable)),
        made_on=today,
    )


def period_choices(report: reporting.Report) -> tuple[int, ...]:
    """The calendar years with meetings that had responses: the years to print."""
    return tuple(sorted({scope.meeting.date.year for scope in report.meetings}))


def filename(impact: ImpactReport, language: str) -> str:
    version = impact.report.version
    period = impact.period
    when = "all" if period is None else str(period.year or f"{period.start.isoformat()}_{period.end.isoformat()}")
    return f"wirkungsbericht-{version.questionnaire_key}-v{version.version}-{when}-{language}.pdf"


def document(impact: ImpactReport, language: str) -> str:
    """The report as an HTML document in ``language``, laid out for print."""
    with force_locale(language):
        return render_template(
            "reports/impact_document.html",
            impact=impact,
            report=impact.report,
            q=impact.report.questionnaire,
            language=language,
            direction=direction(language),
            title=_("Impact report"),
            words=wording,
            percent=wording.percent,
            interval=wording.interval,
            verdict_label=wording.verdict_label,
            record_goal=wording.record_goal,
            # Texts of the questionnaire and the strategy in the document's language, not the page's.
            local=lambda text: templating.local(text, language),
            meeting_rate=meeting_rate,
        )


def impact_pdf(impact: ImpactReport, language: str) -> bytes:
    return printing.pdf_of(document(impact, language))
