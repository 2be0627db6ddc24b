"""The strategy overview: every Mittlerziel with every indicator, survey or
record, its latest figure and its verdict.

The figures are the report's (app/evaluation/report/reporting.py): a survey
indicator's latest figure is its share in the latest calendar year with
results shown (closed surveys only, app/evaluation/release.py) of the newest
questionnaire version that has responses; a record indicator's is
measured from all meeting records up to today.  Like every service it takes
the session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.evaluation.report import reporting
from app.models import QuestionnaireVersion
from app.network.strategy.model import Leitzielbereich, Mittlerziel, Strategy
from app.questionnaires.model import Indicator, Questionnaire
from app.questionnaires.versions import questionnaire_of, version_rows


@dataclass(frozen=True)
class SurveyFigure:
    version: QuestionnaireVersion
    questionnaire: Questionnaire
    indicator: Indicator
    scope: reporting.Scope | None  # the latest calendar year; None while nobody has answered
    result: reporting.IndicatorResult | None


@dataclass(frozen=True)
class GoalFigures:
    area: Leitzielbereich
    goal: Mittlerziel
    survey: tuple[SurveyFigure, ...]
    records: tuple[reporting.RecordResult, ...]


@dataclass(frozen=True)
class Overview:
    strategy: Strategy | None
    goals: tuple[GoalFigures, ...]
    elsewhere: tuple[SurveyFigure, ...]  # survey indicators naming a Mittlerziel the strategy lacks


def current_versions(session: Session) -> list[QuestionnaireVersion]:
    """Per questionnaire, the newest version that has responses, else its newest."""
    chosen: dict[str, QuestionnaireVersion] = {}
    answered: set[str] = set()
    for row in version_rows(session):  # by key, newest first
        key = row.version.questionnaire_key
        if key not in chosen or (row.responses and key not in answered):
            chosen[key] = row.version
        if row.responses:
            answered.add(key)
    return list(chosen.values())


def _survey_figures(
    session: Session, version: QuestionnaireVersion, options: reporting.ReportOptions, now: dt.datetime
) -> list[SurveyFigure]:
    questionnaire = questionnaire_of(version)
    scopes = reporting.survey_scopes(session, version, questionnaire, options, now=now)
    latest = scopes.years[-1] if scopes.years else None
    return [
        SurveyFigure(version, questionnaire, indicator, latest, latest.results[position] if latest else None)
        for position, indicator in enumerate(questionnaire.indicators)
    ]


def strategy_overview(
    session: Session,
    strategy: Strategy | None,
    options: reporting.ReportOptions,
    *,
    today: dt.date,
    now: dt.datetime,
) -> Overview:
    figures = [
        figure for version in current_versions(session) for figure in _survey_figures(session, version, options, now)
    ]
    if strategy is None:
        return Overview(None, (), tuple(figures))
    records = reporting.record_indicators(
        session,
        strategy.record_indicators,
        today=today,
        confidence=options.confidence,
        member_rule=strategy.member_topic_rule,
        now=now,
        k=options.min_cell,
    )
    by_indicator = {result.indicator.id: result for result in records}
    goals = tuple(
        GoalFigures(
            area,
            goal,
            tuple(f for f in figures if f.questionnaire.goal_of(f.indicator) == goal.code),
            tuple(by_indicator[indicator.id] for indicator in goal.indicators),
        )
        for area in strategy.leitzielbereiche
        for goal in area.mittlerziele
    )
    known = set(strategy.goals)
    elsewhere = tuple(f for f in figures if f.questionnaire.goal_of(f.indicator) not in known)
    return Overview(strategy, goals, elsewhere)


def orphaned_questionnaires(session: Session, strategy: Strategy) -> list[tuple[str, tuple[str, ...]]]:
    """Questionnaires (current versions) naming Mittlerziele that ``strategy``
    lacks: (questionnaire key, the codes missing)."""
    known = set(strategy.goals)
    found = []
    for version in current_versions(session):
        missing = tuple(code for code in questionnaire_of(version).goals if code not in known)
        if missing:
            found.append((version.questionnaire_key, missing))
    return found
