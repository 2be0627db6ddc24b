"""Downloads for evaluators (and admins): anonymised responses, codebooks,
and the admins' log of who downloaded what."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from app.accounts.access import role_required
from app.db import db_session, get_or_404, writing
from app.evaluation.export import codebook as words
from app.evaluation.export import exporting
from app.evaluation.export import rows as domain_exports
from app.evaluation.export.messages import error_text
from app.http.downloads import attachment
from app.languages import NATIVE_NAMES, SUPPORTED_LANGUAGES
from app.meetings.codes import survey_window
from app.models import ExportLog, Meeting, QuestionnaireVersion
from app.network import settings
from app.questionnaires import versions
from app.questionnaires.versions import questionnaire_of

blueprint = Blueprint("exports", __name__, url_prefix="/workspace/exports", template_folder="templates")
evaluators = role_required("evaluator")  # admins always pass
LOG_PAGE = 100

FORMAT_LABELS = {
    "csv": _l("CSV (UTF-8, comma)"),
    "csv-de": _l("CSV for Excel in German (semicolon)"),
    "xlsx": _l("Excel workbook (data, labels, codebook)"),
    "sav": _l("SPSS (.sav, with labels and measurement levels)"),
    "json": _l("JSON Lines (one response per line)"),
    "datapackage": _l("Frictionless data package (ZIP: CSV, datapackage.json, codebook)"),
}

# What a call to the API read (ExportLog.resource), for the log.
API_READS = {
    "export": _l("responses"),
    "results": _l("indicator results"),
    "questionnaires": _l("list of questionnaires"),
    "indicators": _l("indicators of a questionnaire"),
    "meetings": _l("meetings"),
}


def _at_least_the_network_k(_form, field) -> None:
    NumberRange(
        min=settings.min_cell_size(),
        max=10_000,
        message=_l("Choose a minimum cell size from %(min)s to %(max)s: smaller groups could single out a person."),
    )(_form, field)


class ExportForm(FlaskForm):
    version = SelectField(_l("Questionnaire version"), coerce=int, validators=[InputRequired()])
    selection = SelectField(_l("Responses"), validators=[InputRequired()])
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice(value, label) for value, label in FORMAT_LABELS.items()],
        validators=[InputRequired()],
    )
    language = SelectField(_l("Language of questions and answer labels"))
    free_text = BooleanField(_l("Include free-text answers (scrubbed of addresses and numbers)"), default=False)
    # The network's k is the default and the floor: an evaluator may raise it, never lower it.
    k = IntegerField(
        _l("Minimum cell size k"),
        default=settings.min_cell_size,
        validators=[InputRequired(), _at_least_the_network_k],
    )


def _choices(form: ExportForm, session) -> None:
    form.version.choices = [
        SelectChoice(
            row.version.id,
            _(
                "%(key)s version %(version)s (%(n)s responses)",
                key=row.version.questionnaire_key,
                version=row.version.version,
                n=row.responses,
            ),
        )
        for row in versions.version_rows(session)
    ]
    meetings = session.scalars(select(Meeting).order_by(Meeting.date.desc())).all()
    years = sorted({m.date.year for m in meetings}, reverse=True)
    # Only closed surveys are exported: say which are not, before anyone picks one.
    now = settings.now()
    not_closed = {"open": _("open"), "not_yet_open": _("not yet open")}

    def meeting_label(m: Meeting) -> str:
        label = f"{m.date.isoformat()} · {m.title}"
        state = survey_window(m, now).state
        return f"{label} ({not_closed[state]})" if state in not_closed else label

    form.selection.choices = (
        [SelectChoice("all", _("All meetings"))]
        + [SelectChoice(f"year:{year}", str(year), optgroup=_("Calendar years")) for year in years]
        + [SelectChoice(f"meeting:{m.id}", meeting_label(m), optgroup=_("Meetings")) for m in meetings]
    )
    form.language.choices = [SelectChoice("", _("The questionnaire's default language"))] + [
        SelectChoice(code, NATIVE_NAMES[code], render_kw={"lang": code}) for code in SUPPORTED_LANGUAGES
    ]


def _export_request(form: ExportForm) -> exporting.ExportRequest:
    kind, _sep, value = form.selection.data.partition(":")
    return exporting.ExportRequest(
        version_id=form.version.data,
        format=form.format.data,
        meeting_id=int(value) if kind == "meeting" else None,
        year=int(value) if kind == "year" else None,
        language=form.language.data or None,
        free_text=form.free_text.data,
        k=form.k.data,
    )


def send_export(plan: exporting.Plan) -> Response:
    """The file, streamed as it is written."""
    engine = current_app.extensions["resonanz.db"].engine
    body = stream_with_context(exporting.export_bytes(engine, plan, today=settings.today()))
    return attachment(body, plan.filename, plan.format.media_type)


@blueprint.route("/", methods=["GET", "POST"])
@evaluators
def index():
    session = db_session()
    form = ExportForm()
    _choices(form, session)
    if form.validate_on_submit():
        try:
            plan = exporting.plan_export(session, _export_request(form), today=settings.today(), now=settings.now())
        except exporting.ExportError as error:
            field, message = error_text(error)
            form[field].errors.append(message)
        else:
            session = writing()  # planned and checked: now the log entry, in a short write transaction
            exporting.record_export(
                session,
                plan,
                user_id=current_user.id,
                username=current_user.username,
                channel="web",
                now=settings.now(),
            )
            session.commit()  # logged before a single byte leaves
            return send_export(plan)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "exports/index.html", form=form, min_k=settings.min_cell_size(), title=_("Downloads")
    ), status


def _codebook(version_id: int):
    version = get_or_404(QuestionnaireVersion, version_id)
    questionnaire = questionnaire_of(version)
    language = request.args.get("language")
    if language not in questionnaire.languages:
        language = questionnaire.default_language
    floor = settings.min_cell_size()
    k = max(request.args.get("k", type=int) or floor, floor)
    columns = domain_exports.variables(
        questionnaire,
        language=language,
        labels=words.export_labels(language),
        language_names=NATIVE_NAMES,
        free_text=True,
    )
    book = domain_exports.codebook(questionnaire, columns, language=language, k=k, free_text=True)
    return version, questionnaire, book


@blueprint.get("/codebook/<int:version_id>")
@evaluators
def codebook(version_id: int):
    version, questionnaire, book = _codebook(version_id)
    return render_template(
        "exports/codebook.html",
        version=version,
        book=book,
        text=words.describe(book),
        languages=[(code, NATIVE_NAMES[code]) for code in questionnaire.languages],
        title=_("Codebook"),
    )


@blueprint.get("/codebook/<int:version_id>.md")
@evaluators
def codebook_markdown(version_id: int):
    version, _questionnaire, book = _codebook(version_id)
    name = exporting.file_name(version, None, None, "md", settings.today(), selection="codebook")
    return attachment(words.markdown(words.describe(book)), name, "text/markdown; charset=utf-8")


@blueprint.get("/log")
@role_required("admin")
def log():
    before = request.args.get("before", type=int)
    query = select(ExportLog).options(
        selectinload(ExportLog.questionnaire_version),
        selectinload(ExportLog.meeting),
        selectinload(ExportLog.api_token),
    )
    if before:
        query = query.where(ExportLog.id < before)
    entries = db_session().scalars(query.order_by(ExportLog.id.desc()).limit(LOG_PAGE + 1)).all()
    older = entries[LOG_PAGE - 1].id if len(entries) > LOG_PAGE else None
    return render_template(
        "exports/log.html",
        entries=entries[:LOG_PAGE],
        older=older,
        format_labels=FORMAT_LABELS,
        api_reads=API_READS,
        selection_label=words.selection_label,
        title=_("Download log"),
    )
