"""The trends page: each indicator over meetings and years, and the
comparison of two periods or meetings, asked with a GET form (no script)."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _

from app.accounts.access import role_required
from app.db import db_session, get_or_404
from app.evaluation.export import codebook
from app.evaluation.report.charts import forest_chart
from app.evaluation.trends import scopes, series
from app.models import QuestionnaireVersion
from app.network import settings

blueprint = Blueprint("trends", __name__, url_prefix="/workspace/trends", template_folder="templates")

FIELDS = ("indicator", "first", "first_from", "first_to", "second", "second_from", "second_to")


def _scope_problem(reason: str) -> str:
    return {
        "missing": _("Choose a year, a meeting or a range of dates."),
        "unknown": _("There is no such choice."),
        "bad_date": _("Enter both dates as YYYY-MM-DD, for example 2016-01-31."),
        "inverted": _("The range of dates ends before it starts."),
        "unknown_meeting": _("There is no such meeting with responses to this questionnaire."),
        "no_meetings": _("No meeting with responses to this questionnaire falls in it."),
    }[reason]


def _refusal(reason: str) -> str:
    return {
        "unknown_indicator": _("There is no such indicator in this questionnaire."),
        "overlap": _(
            "The two choices share meetings. A comparison needs two separate groups of meetings, "
            "for example two different years."
        ),
    }[reason]


def _defaults(trends: series.Trends) -> dict[str, str]:
    """The form as first shown: the first indicator, the last two years (or meetings)."""
    first = trends.indicators[0].indicator.id if trends.indicators else ""
    if len(trends.years) >= 2:
        a, b = (str(year) for year in trends.years[-2:])
    elif len(trends.meetings) >= 2:
        a, b = (f"meeting-{m.id}" for m in trends.meetings[-2:])
    else:
        a = b = ""
    return {**dict.fromkeys(FIELDS, ""), "indicator": first, "first": a, "second": b}


def _asked(trends: series.Trends) -> tuple[dict[str, str], series.Comparison | None, dict[str, str]]:
    """The form's values, the comparison they ask for, and the problems by field."""
    if "indicator" not in request.args:
        values = _defaults(trends)
        if not (values["indicator"] and values["first"]):
            return values, None, {}
    else:
        values = {name: request.args.get(name, "")[:40] for name in FIELDS}
    problems: dict[str, str] = {}
    chosen = {}
    for side in ("first", "second"):
        try:
            chosen[side] = scopes.parse_scope(values[side], values[f"{side}_from"], values[f"{side}_to"])
        except scopes.ScopeError as error:
            problems[side] = _scope_problem(error.reason)
    if trends.indicator(values["indicator"]) is None:
        problems["indicator"] = _refusal("unknown_indicator")
    if problems:
        return values, None, problems
    try:
        return values, series.compare(trends, values["indicator"], chosen["first"], chosen["second"]), {}
    except series.ComparisonRefused as refused:
        if refused.side:
            return values, None, {refused.side: _scope_problem(refused.reason)}
        return values, None, {"second": _refusal(refused.reason)}


def percent(value: float) -> str:
    return codebook.percent(value)


def points(value: float) -> str:
    """A difference of shares in percentage points, signed: "+12.3"."""
    return format_decimal(round(value * 100, 1) + 0.0, "+#,##0.0;−#,##0.0")


def scope_label(trends: series.Trends, scope: scopes.Scope) -> str:
    if isinstance(scope, scopes.Year):
        return str(scope.year)
    if isinstance(scope, scopes.OneMeeting):
        meeting = next(m for m in trends.meetings if m.id == scope.meeting_id)
        return meeting.title
    return _("%(start)s to %(end)s", start=scope.start.isoformat(), end=scope.end.isoformat())


def wording_texts(change: series.WordingChange) -> list[tuple[str, str, str]]:
    """(language, before, after) to show of a changed question: in the page's
    language where it changed there, else in each language where it changed."""
    language = g.get("language")
    shown = [language] if language in change.languages else list(change.languages)
    return [(code, change.old_text.get(code, ""), change.new_text.get(code, "")) for code in shown]


def year_chart(trend: series.IndicatorTrend):
    rows = [(p.label, p.figure.estimate, p.figure.assessment.low, p.figure.assessment.high) for p in trend.years]
    return forest_chart(rows, trend.indicator.target, _chart_title(trend, _("per year")))


def meeting_chart(trend: series.IndicatorTrend):
    rows = [
        (p.meeting.date.isoformat(), p.figure.estimate, p.figure.assessment.low, p.figure.assessment.high)
        for p in trend.meetings
        if p.figure is not None
    ]
    return forest_chart(rows, trend.indicator.target, _chart_title(trend, _("per meeting")))


def _chart_title(trend: series.IndicatorTrend, per: str) -> str:
    return _(
        "Share %(per)s: a dot for the share, a bar for its 95 %% confidence interval, "
        "a dashed line for the target %(target)s. The table below gives every figure.",
        per=per,
        target=codebook.goal(trend.indicator.comparison, trend.indicator.target),
    )


@blueprint.get("/<int:version_id>")
@role_required("coordinator", "evaluator")
def show(version_id: int):
    version = get_or_404(QuestionnaireVersion, version_id)
    trends = series.build_trends(db_session(), version, k=settings.min_cell_size(), now=settings.now())
    values, comparison, problems = _asked(trends)
    return render_template(
        "trends/show.html",
        version=version,
        trends=trends,
        values=values,
        comparison=comparison,
        problems=problems,
        title=_("Trends and change"),
        percent=percent,
        points=points,
        goal=codebook.goal,
        scope_label=scope_label,
        year_chart=year_chart,
        wording_texts=wording_texts,
        meeting_chart=meeting_chart,
    ), (400 if problems else 200)
