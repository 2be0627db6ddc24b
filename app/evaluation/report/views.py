"""The indicator report for evaluators and coordinators."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.accounts.access import role_required
from app.db import db_session, get_or_404
from app.evaluation.report import impact, plain, reporting, wording
from app.evaluation.report.wording import interval, percent, record_goal, verdict_label
from app.http.downloads import attachment
from app.languages import SUPPORTED_LANGUAGES
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


@blueprint.get("/<int:version_id>")
@role_required("coordinator", "evaluator")
def show(version_id: int):
    return _report_page(get_or_404(QuestionnaireVersion, version_id))


def _report_page(version: QuestionnaireVersion, *, impact_error: str | None = None):
    """The report; with ``impact_error``, its impact report form comes back with
    what was asked and the reason it could not be printed."""
    report = reporting.build_report(db_session(), version, _options(), today=settings.today(), now=settings.now())
    return render_template(
        "reports/show.html",
        report=report,
        versions=versions.versions_of(db_session(), version.questionnaire_key),
        indicator_versions=versions.indicator_versions(db_session(), version.questionnaire_key),
        title=_("Indicator report"),
        words=wording,
        percent=percent,
        interval=interval,
        verdict_label=verdict_label,
        record_goal=record_goal,
        methods=reporting.SELECTABLE_METHODS,
        confidences=reporting.CONFIDENCES,
        advanced=report.options.method != "auto" or report.options.confidence != 0.95,
        languages=SUPPORTED_LANGUAGES,
        periods=impact.period_choices(report),
        impact_asked={name: request.args.get(name, "") for name in ("year", "from", "to")} if impact_error else {},
        impact_language=request.args.get("language") if impact_error else str(get_locale()),
        impact_error=impact_error,
    )


def _period_asked() -> plain.Period | None:
    """The period of the query string (``year``, or ``from`` and ``to``); PeriodError or ValueError when malformed."""

    def day(name: str) -> dt.date | None:
        value = request.args.get(name, "").strip()
        return dt.date.fromisoformat(value) if value else None

    year = request.args.get("year", "").strip()
    if year and not (year.isdigit() and len(year) == 4 and 1900 <= int(year) <= 2999):
        raise ValueError("year")
    return plain.period_of(int(year) if year else None, day("from"), day("to"))


def _cannot_print(version: QuestionnaireVersion, text: str, status: int):
    return _report_page(version, impact_error=text), status


@blueprint.get("/<int:version_id>/impact.pdf")
@role_required("coordinator", "evaluator")
def impact_pdf(version_id: int):
    """The printed impact report of a year or a period, in the language asked for."""
    version = get_or_404(QuestionnaireVersion, version_id)
    try:
        period = _period_asked()
    except plain.PeriodError as error:
        return _cannot_print(version, PERIOD_ERRORS[error.code](), 400)
    except ValueError:
        return _cannot_print(
            version, _("Please give a year such as 2017, or dates such as 2017-01-31 for the period."), 400
        )
    language = request.args.get("language") or str(get_locale())
    if language not in SUPPORTED_LANGUAGES:
        return _cannot_print(version, _("The impact report is printed in one of the languages offered."), 400)
    try:
        report = impact.impact_report(db_session(), version, period, today=settings.today(), now=settings.now())
    except impact.NoMeetingsInPeriod:
        return _cannot_print(
            version, _("No meeting of this questionnaire version with responses lies in this period."), 404
        )
    return attachment(impact.impact_pdf(report, language), impact.filename(report, language), "application/pdf")


PERIOD_ERRORS = {
    "inverted": lambda: _("The period ends before it begins. Please swap the dates."),
    "incomplete": lambda: _("Please give both the first and the last day of the period."),
    "both": lambda: _("Please choose a year or a period, not both."),
}
