"""The indicator report for evaluators and coordinators."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from app.accounts.access import role_required
from app.db import db_session, get_or_404
from app.evaluation.export import codebook
from app.evaluation.report import reporting
from app.evaluation.report.charts import forest_chart
from app.models import QuestionnaireVersion
from app.network import settings
from app.questionnaires import versions

blueprint = Blueprint("reports", __name__, url_prefix="/workspace/reports", template_folder="templates")


@blueprint.get("/")
@role_required("coordinator", "evaluator")
def index():
    rows = versions.version_rows(db_session())
    answered = [row.version for row in rows if row.responses]
    if len(answered) == 1:
        return redirect(url_for(".show", version_id=answered[0].id))
    return render_template("reports/index.html", rows=rows, title=_("Indicator reports"))


def _options() -> reporting.ReportOptions:
    """Options from the query string; anything unknown falls back to the default."""
    method = request.args.get("method", "auto")
    try:
        confidence = float(request.args.get("confidence", "0.95"))
    except ValueError:
        confidence = 0.95
    return reporting.ReportOptions(
        method=method if method in reporting.SELECTABLE_METHODS else "auto",
        confidence=confidence if confidence in reporting.CONFIDENCES else 0.95,
        min_cell=settings.min_cell_size(),
    )


def percent(value: float | None) -> str:
    return "–" if value is None else codebook.percent(value)


def interval(low: float, high: float) -> str:
    return f"{percent(low)} – {percent(high)}"


def verdict_text(result, confidence: float) -> str:
    assessment = result.assessment
    goal = codebook.goal(result.indicator.comparison, result.indicator.target)
    if result.note == "too_few":
        return not_shown_text()
    if assessment is None:
        return _("Not determinable: this method needs the number of attendees of a meeting.")
    ci = _("%(level)s CI %(interval)s", level=percent(confidence), interval=interval(assessment.low, assessment.high))
    if assessment.verdict == "met":
        return _("Target reached: %(goal)s (%(ci)s)", goal=goal, ci=ci)
    if assessment.verdict == "not_met":
        return _("Target missed: %(goal)s (%(ci)s)", goal=goal, ci=ci)
    return _("Not determinable with this number of responses: %(goal)s (%(ci)s)", goal=goal, ci=ci)


def not_shown_text() -> str:
    return _("Not shown: fewer than %(k)s answers.", k=format_decimal(settings.min_cell_size()))


def record_goal(indicator) -> str:
    """A record indicator's target in words: a number of meetings or organisations, or a share."""
    target = format_decimal(int(indicator.target)) if indicator.counted else percent(indicator.target)
    return codebook.goal_words(indicator.comparison, target)


def verdict_label(verdict: str | None) -> str:
    """A verdict in a word or two, for the tables; ``None``: no verdict could be made."""
    return {
        "met": _("reached"),
        "not_met": _("missed"),
        "inconclusive": _("not determinable"),
        None: _("not determinable"),
    }[verdict]


def indicator_chart(report, position: int):
    indicator = report.questionnaire.indicators[position]
    rows = []
    for scope in (report.overall, *report.years):
        result = scope.results[position]
        if result.assessment is not None and result.n:
            label = _("All") if scope.kind == "all" else scope.label
            rows.append((label, result.assessment.estimate, result.assessment.low, result.assessment.high))
    title = _(
        "Share with %(level)s confidence interval per period; the dashed line is the target %(target)s.",
        level=percent(report.options.confidence),
        target=percent(indicator.target),
    )
    return forest_chart(rows, indicator.target, title)


@blueprint.get("/<int:version_id>")
@role_required("coordinator", "evaluator")
def show(version_id: int):
    version = get_or_404(QuestionnaireVersion, version_id)
    report = reporting.build_report(db_session(), version, _options(), today=settings.today(), now=settings.now())
    return render_template(
        "reports/show.html",
        report=report,
        versions=versions.versions_of(db_session(), version.questionnaire_key),
        indicator_versions=versions.indicator_versions(db_session(), version.questionnaire_key),
        title=_("Indicator report"),
        percent=percent,
        interval=interval,
        verdict_text=verdict_text,
        verdict_label=verdict_label,
        not_shown_text=not_shown_text,
        record_goal=record_goal,
        indicator_chart=indicator_chart,
        methods=reporting.SELECTABLE_METHODS,
        confidences=reporting.CONFIDENCES,
    )
