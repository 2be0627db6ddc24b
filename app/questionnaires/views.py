"""Coordinator pages for questionnaires: versions, drafts, uploads, differences.
Each view reads and checks first, then writes in one short transaction."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from app.accounts.access import role_required
from app.db import db_session, get_from_query_or_404, get_or_404, writing
from app.http.downloads import attachment
from app.http.validators import NUL
from app.meetings import services as meeting_services
from app.models import Meeting, QuestionnaireDraft, QuestionnaireVersion
from app.network import settings
from app.questionnaires import drafts, paper, problems, versions, workbook
from app.questionnaires.builder import document as builder_document
from app.questionnaires.forms import DRAFT_LIMIT, DraftForm, UploadForm
from app.questionnaires.model import publishing_problems
from app.questionnaires.problems import refusal_words
from app.questionnaires.translations import store as translation_store
from app.questionnaires.translations import texts
from app.questionnaires.translations import views as translation_views

blueprint = Blueprint("questionnaires", __name__, url_prefix="/workspace/questionnaires", template_folder="templates")
coordinators_only = role_required("coordinator")


@blueprint.get("/")
@coordinators_only
def questionnaires():
    return _questionnaires_page(UploadForm())


def _questionnaires_page(upload: UploadForm, status: int = 200):
    """The versions and drafts, with the upload form as it was sent (its errors beside it)."""
    session = db_session()
    listed = session.query(QuestionnaireDraft).order_by(QuestionnaireDraft.id.desc()).all()
    return render_template(
        "questionnaires/questionnaires.html",
        rows=versions.version_rows(session),
        drafts=listed,
        upload=upload,
        editor=DraftForm(),
        title=_("Questionnaires"),
    ), status


@blueprint.post("/drafts")
@coordinators_only
def new_draft():
    """A draft from the text area, or from an uploaded YAML or XLSForm file.
    The file is read and converted before the write transaction begins."""
    import_report = None
    if "file" in request.files:
        upload = UploadForm()
        if not upload.validate():
            return _questionnaires_page(upload, 422)
        read = _read_upload(upload.file.data)
        if isinstance(read, str):
            upload.file.errors.append(read)
            return _questionnaires_page(upload, 422)
        source, import_report = read
    else:
        form = DraftForm()
        if not form.validate_on_submit():
            abort(400)
        source = form.source.data or ""
    session = writing()
    draft = drafts.save_draft(session, source, import_report=import_report)
    session.commit()
    return redirect(url_for(".draft", draft_id=draft.id))


def _read_upload(file) -> tuple[str, str | None] | str:
    """An uploaded YAML or XLSForm file as a draft's source and import report,
    or why it cannot be one.  The upload's size is bounded by the request's
    (MAX_CONTENT_LENGTH); the draft, like the editor, by DRAFT_LIMIT."""
    data = file.read()
    import_report = None
    if file.filename.lower().endswith(".xlsx"):
        try:
            conversion = workbook.read_xlsform(data)
        except workbook.UnreadableWorkbook as exc:
            return _("This file could not be read: %(reason)s", reason=refusal_words(exc.refusal))
        source = conversion.source
        import_report = json.dumps([note.as_json() for note in conversion.notes], ensure_ascii=False)
    else:
        source = data.decode("utf-8", errors="replace")
    if NUL in source:
        return _("This text contains a character that cannot be stored (NUL).")
    if len(source) > DRAFT_LIMIT:
        return _(
            "This file has %(length)s characters; a draft holds at most %(limit)s.",
            length=format_decimal(len(source)),
            limit=format_decimal(DRAFT_LIMIT),
        )
    return source, import_report


@blueprint.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
@coordinators_only
def draft(draft_id: int):
    current = get_or_404(QuestionnaireDraft, draft_id)
    form = DraftForm(obj=current if request.method == "GET" else None)
    result = versions.check_for_network(
        db_session(), form.source.data if form.source.data is not None else current.source
    )
    if form.validate_on_submit():
        session = writing()
        drafts.save_draft(session, form.source.data or "", current)  # kept even when invalid
        session.commit()
    return render_template(
        "questionnaires/draft.html",
        draft=current,
        form=form,
        result=result,
        describe=lambda problem: problems.describe(problem, result.subjects),
        import_report=problems.import_report_words(current.import_report),
        title=_("Edit questionnaire"),
    ), (422 if result.errors or form.errors else 200)


def _document(source: str) -> dict | None:
    """The draft's document as the builder reads it, or None when it cannot."""
    try:
        return builder_document.load(source)
    except builder_document.Unbuildable:
        return None


def _fallbacks(source: str, result) -> dict[str, dict[str, list]]:
    """Per language, the texts that will show the default language instead:
    missing ones and those to check (made from an older source)."""
    data = _document(source)
    if data is None or result.questionnaire is None:
        return {}
    stale = texts.stale(data, translation_store.bases(db_session(), result.questionnaire.id))
    found: dict[str, dict[str, list]] = {}
    for entry in texts.entries(data):
        for language in builder_document.languages(data)[1:]:
            kind = "to_check" if (entry.key, language) in stale else None if entry.text.get(language) else "missing"
            if kind:
                found.setdefault(language, {"missing": [], "to_check": []})[kind].append(entry)
    return found


@blueprint.get("/drafts/<int:draft_id>/publish")
@coordinators_only
def confirm_publish(draft_id: int):
    """Before publishing with missing or stale translations: what each language will show instead."""
    current = get_or_404(QuestionnaireDraft, draft_id)
    result = versions.check_for_network(db_session(), current.source)
    if result.errors or result.questionnaire is None:
        return redirect(url_for(".draft", draft_id=draft_id))
    questionnaire = result.questionnaire
    return render_template(
        "questionnaires/confirm_publish.html",
        draft=current,
        questionnaire=questionnaire,
        fallbacks=_fallbacks(current.source, result),
        context_of=translation_views.context_of,
        title=_("Publish with translations missing?"),
    )


@blueprint.post("/drafts/<int:draft_id>/publish")
@coordinators_only
def publish(draft_id: int):
    current = get_or_404(QuestionnaireDraft, draft_id)
    result = versions.check_for_network(db_session(), current.source)
    if result.errors or result.questionnaire is None:
        flash(_("The questionnaire still has errors; it was not published."))
        return redirect(url_for(".draft", draft_id=draft_id))
    unpublishable = publishing_problems(result.questionnaire)
    if unpublishable:
        for problem in unpublishable:
            flash(problems.describe(problem, result.subjects))
        return redirect(url_for(".draft", draft_id=draft_id))
    if request.form.get("fallback_confirmed") != "y" and _fallbacks(current.source, result):
        return redirect(url_for(".confirm_publish", draft_id=draft_id))
    published_document = _document(current.source)
    seeding = {} if published_document is None else translation_store.to_seed(db_session(), published_document)
    session = writing()
    try:
        version, _outcome = drafts.publish_draft(session, current, result.questionnaire)
        translation_store.record(session, result.questionnaire.id, seeding)
    except versions.VersionFrozen:
        session.rollback()
        flash(
            _(
                "This version already has responses and cannot change. Raise the version number to publish a new version."
            )
        )
        return redirect(url_for(".draft", draft_id=draft_id))
    session.commit()
    flash(_("Published as %(key)s version %(version)s.", key=version.questionnaire_key, version=version.version))
    if meeting_services.meetings_on_older_versions(db_session(), version, settings.now()):
        return redirect(url_for(".switch_meetings", version_id=version.id))
    return redirect(url_for(".questionnaires"))


@blueprint.route("/versions/<int:version_id>/meetings", methods=["GET", "POST"])
@coordinators_only
def switch_meetings(version_id: int):
    """The meetings not yet closed that ask an older version, offered to switch
    to this one: those without responses ticked, those with responses only
    with a confirmation that their results will be split."""
    version = get_or_404(QuestionnaireVersion, version_id)
    rows = meeting_services.meetings_on_older_versions(db_session(), version, settings.now())
    if request.method == "GET":
        chosen = {row.meeting.id for row in rows if not row.responses}
        confirmed: set[int] = set()
    else:
        confirmed = _ids(request.form.getlist("split"))
        chosen = _ids(request.form.getlist("switch")) | confirmed  # confirming the split asks for the switch
    unconfirmed = set()
    if request.method == "POST":
        unconfirmed = {row.meeting.id for row in rows if row.meeting.id in chosen and row.responses} - confirmed
        if not unconfirmed:
            switched = [row for row in rows if row.meeting.id in chosen]
            session = writing()
            try:
                for row in switched:
                    meeting_services.switch_version(
                        session, row.meeting, version.id, split_confirmed=row.meeting.id in confirmed
                    )
            except meeting_services.SplitNotConfirmed:  # a first response came in meanwhile
                session.rollback()
                flash(_("A meeting received its first responses meanwhile; please check the list again."))
                return redirect(url_for(".switch_meetings", version_id=version_id))
            session.commit()
            flash(
                ngettext(
                    "%(num)s meeting now asks version %(version)s.",
                    "%(num)s meetings now ask version %(version)s.",
                    len(switched),
                    version=version.version,
                )
            )
            return redirect(url_for(".questionnaires"))
    return render_template(
        "questionnaires/switch_meetings.html",
        version=version,
        rows=rows,
        chosen=chosen,
        confirmed=confirmed,
        unconfirmed=unconfirmed,
        title=_("Meetings on an older version"),
    ), (422 if unconfirmed else 200)


def _ids(values: list[str]) -> set[int]:
    return {int(value) for value in values if value.isdigit() and len(value) < 10}


@blueprint.post("/versions/<int:version_id>/edit")
@coordinators_only
def edit_version(version_id: int):
    version = get_or_404(QuestionnaireVersion, version_id)
    session = writing()
    new = drafts.draft_from_version(session, version)
    session.commit()
    return redirect(url_for(".draft", draft_id=new.id))


@blueprint.get("/diff")
@coordinators_only
def diff():
    old = get_from_query_or_404(QuestionnaireVersion, "old")
    new = get_from_query_or_404(QuestionnaireVersion, "new")
    return render_template(
        "questionnaires/diff.html",
        old=old,
        new=new,
        lines=versions.version_diff(old, new),
        title=_("Changes between versions"),
    )


@blueprint.get("/versions/<int:version_id>/paper.pdf")
@coordinators_only
def paper_pdf(version_id: int):
    """The paper questionnaire in ``?language=``; with ``?meeting=``, carrying that meeting's name and date."""
    version = get_or_404(QuestionnaireVersion, version_id)
    questionnaire = versions.questionnaire_of(version)
    meeting = get_from_query_or_404(Meeting, "meeting") if request.args.get("meeting") else None
    if meeting is not None and meeting.questionnaire_version_id != version.id:
        abort(404)  # that meeting asks another version
    language = request.args.get("language") or questionnaire.default_language
    try:
        body = paper.paper_pdf(questionnaire, language, meeting)
    except paper.LanguageNotOffered:
        return render_template(
            "message.html",
            title=_("The questionnaire has no text in this language"),
            text=_("It is written in: %(languages)s.", languages=", ".join(questionnaire.languages)),
        ), 422
    filename = f"resonanz-paper-{version.questionnaire_key}-{version.version}-{language}.pdf"
    return attachment(body, filename, "application/pdf")
