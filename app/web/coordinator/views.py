"""Coordinator pages.  Each view: read the form, call one use case, commit once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from wtforms.fields.choices import SelectChoice

from ... import db_session, importers, services, workspace
from ...domain.questionnaire import QuestionnaireError, check_questionnaire
from ...persistence.models import Meeting, PartnerOrganisation, QuestionnaireDraft, QuestionnaireVersion
from . import handouts
from .. import get_or_404
from ..auth import role_required
from ..participant.views import new_form, open_meetings, render_form_page, speak_questionnaire_language
from .forms import ACTOR_GROUPS, PARTNER_STATUSES, DraftForm, MeetingForm, PartnerForm, UploadForm

blueprint = Blueprint("coordinator", __name__, url_prefix="/workspace")
coordinators_only = role_required("coordinator")


# --- meetings ----------------------------------------------------------------


@blueprint.get("/meetings/")
@coordinators_only
def meetings():
    rows = workspace.meeting_rows(db_session(), services.utcnow())
    return render_template("coordinator/meetings.html", rows=rows, title=_("Meetings"))


def _version_choices():
    return [SelectChoice(row.version.id, f"{row.version.questionnaire_key} · {_('version')} {row.version.version}")
            for row in workspace.version_rows(db_session())]


@blueprint.route("/meetings/new", methods=["GET", "POST"])
@blueprint.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@coordinators_only
def edit_meeting(meeting_id: int | None = None):
    meeting = get_or_404(Meeting, meeting_id) if meeting_id else None
    form = MeetingForm()
    form.questionnaire_version_id.choices = _version_choices()
    if request.method == "GET" and meeting is not None:
        form.fill_from(meeting)
    if form.validate_on_submit():
        saved = workspace.save_meeting(db_session(), form.data_for_service(), meeting)
        db_session().commit()
        open_meetings().forget(saved.public_code)  # other processes within OPEN_MEETING_SECONDS
        flash(_("The meeting was saved."))
        return redirect(url_for(".meetings", _anchor=f"meeting-{saved.id}"))
    status = 422 if form.errors else 200
    title = _("Edit meeting") if meeting else _("New meeting")
    return render_template("coordinator/meeting_form.html", form=form, meeting=meeting, title=title), status


@blueprint.post("/meetings/<int:meeting_id>/open")
@coordinators_only
def open_survey(meeting_id: int):
    return _change_window(meeting_id, workspace.open_survey, _("The survey is open."))


@blueprint.post("/meetings/<int:meeting_id>/close")
@coordinators_only
def close_survey(meeting_id: int):
    return _change_window(meeting_id, workspace.close_survey, _("The survey is closed."))


def _change_window(meeting_id: int, change, message: str):
    meeting = get_or_404(Meeting, meeting_id)
    change(db_session(), meeting, services.utcnow())
    db_session().commit()
    open_meetings().forget(meeting.public_code)  # other processes within OPEN_MEETING_SECONDS
    flash(message)
    return redirect(url_for(".meetings", _anchor=f"meeting-{meeting_id}"))


@blueprint.get("/meetings/<int:meeting_id>/handout")
@coordinators_only
def handout(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    questionnaire = services.questionnaire_of(meeting.questionnaire_version)
    invitations = []
    for language in questionnaire.languages:
        with force_locale(language):
            invitations.append((language, _("Your opinion counts: scan the code and answer anonymously in three minutes.")))
    return render_template("coordinator/handout.html", meeting=meeting, invitations=invitations,
                           url=handouts.participant_url(meeting), svg=handouts.qr_svg(meeting).decode(),
                           title=_("QR handout"))


@blueprint.get("/meetings/<int:meeting_id>/qr.<kind>")
@coordinators_only
def qr(meeting_id: int, kind: str):
    meeting = get_or_404(Meeting, meeting_id)
    if kind == "svg":
        body, mimetype = handouts.qr_svg(meeting), "image/svg+xml"
    elif kind == "png":
        body, mimetype = handouts.qr_png(meeting), "image/png"
    else:
        abort(404)
    filename = f"resonanz-{meeting.date.isoformat()}-{meeting.public_code}.{kind}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- partner organisations ---------------------------------------------------


@blueprint.route("/partners/", methods=["GET", "POST"])
@blueprint.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@coordinators_only
def partners(partner_id: int | None = None):
    session = db_session()
    partner = get_or_404(PartnerOrganisation, partner_id) if partner_id else None
    form = PartnerForm(obj=partner if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            workspace.save_partner(session, form.name.data.strip(), form.actor_group.data, form.status.data, partner)
        except workspace.DuplicatePartner:
            form.name.errors.append(_("This organisation is already in the register."))
        else:
            session.commit()
            flash(_("The organisation was saved."))
            return redirect(url_for(".partners"))
    listing = session.query(PartnerOrganisation).order_by(PartnerOrganisation.name).all()
    return render_template(
        "coordinator/partners.html", form=form, partner=partner, partners=listing,
        counts=workspace.partner_status_counts(session), groups=ACTOR_GROUPS, statuses=PARTNER_STATUSES,
        title=_("Partner organisations"),
    ), (422 if form.errors else 200)


# --- questionnaires ----------------------------------------------------------


@blueprint.get("/questionnaires/")
@coordinators_only
def questionnaires():
    return _questionnaires_page(UploadForm())


def _questionnaires_page(upload: UploadForm, status: int = 200):
    """The versions and drafts, with the upload form as it was sent (its errors beside it)."""
    session = db_session()
    drafts = session.query(QuestionnaireDraft).order_by(QuestionnaireDraft.id.desc()).all()
    return render_template("coordinator/questionnaires.html", rows=workspace.version_rows(session), drafts=drafts,
                           upload=upload, editor=DraftForm(), title=_("Questionnaires")), status


@blueprint.post("/questionnaires/drafts")
@coordinators_only
def new_draft():
    """A draft from the text area, or from an uploaded YAML or XLSForm file."""
    session = db_session()
    if "file" in request.files:
        upload = UploadForm()
        if not upload.validate():
            return _questionnaires_page(upload, 422)
        data = upload.file.data.read()
        if upload.file.data.filename.lower().endswith(".xlsx"):
            try:
                conversion = importers.read_xlsform(data)
            except importers.ImportError_ as exc:
                upload.file.errors.append(_("This file could not be read: %(reason)s", reason=str(exc)))
                return _questionnaires_page(upload, 422)
            draft = workspace.save_draft(session, conversion.source, import_report="\n".join(conversion.unsupported))
        else:
            draft = workspace.save_draft(session, data.decode("utf-8", errors="replace"))
    else:
        form = DraftForm()
        if not form.validate_on_submit():
            abort(400)
        draft = workspace.save_draft(session, form.source.data or "")
    session.commit()
    return redirect(url_for(".draft", draft_id=draft.id))


@blueprint.route("/questionnaires/drafts/<int:draft_id>", methods=["GET", "POST"])
@coordinators_only
def draft(draft_id: int):
    session = db_session()
    current = get_or_404(QuestionnaireDraft, draft_id)
    form = DraftForm(obj=current if request.method == "GET" else None)
    if form.validate_on_submit():
        workspace.save_draft(session, form.source.data or "", current)  # kept even when invalid
        session.commit()
    result = check_questionnaire(form.source.data if form.source.data is not None else current.source)
    return render_template("coordinator/draft.html", draft=current, form=form, result=result,
                           title=_("Edit questionnaire")), (422 if result.errors else 200)


@blueprint.post("/questionnaires/drafts/<int:draft_id>/publish")
@coordinators_only
def publish(draft_id: int):
    session = db_session()
    current = get_or_404(QuestionnaireDraft, draft_id)
    try:
        version, outcome = workspace.publish_draft(session, current)
    except QuestionnaireError:
        flash(_("The questionnaire still has errors; it was not published."))
        return redirect(url_for(".draft", draft_id=draft_id))
    except services.VersionFrozen:
        session.rollback()
        flash(_("This version already has responses and cannot change. Raise the version number to publish a new version."))
        return redirect(url_for(".draft", draft_id=draft_id))
    session.commit()
    flash(_("Published as %(key)s version %(version)s.", key=version.questionnaire_key, version=version.version))
    return redirect(url_for(".questionnaires"))


@blueprint.post("/questionnaires/versions/<int:version_id>/edit")
@coordinators_only
def edit_version(version_id: int):
    session = db_session()
    new = workspace.draft_from_version(session, get_or_404(QuestionnaireVersion, version_id))
    session.commit()
    return redirect(url_for(".draft", draft_id=new.id))


@blueprint.get("/questionnaires/drafts/<int:draft_id>/preview")
@coordinators_only
def preview_draft(draft_id: int):
    result = check_questionnaire(get_or_404(QuestionnaireDraft, draft_id).source)
    if result.errors or result.questionnaire is None:
        flash(_("The questionnaire has errors; fix them to see the preview."))
        return redirect(url_for(".draft", draft_id=draft_id))
    return _preview(result.questionnaire)


@blueprint.get("/questionnaires/versions/<int:version_id>/preview")
@coordinators_only
def preview_version(version_id: int):
    return _preview(services.questionnaire_of(get_or_404(QuestionnaireVersion, version_id)))


def _preview(questionnaire):
    speak_questionnaire_language(questionnaire)
    stand_in = SimpleNamespace(title=_("Preview"), date=dt.date.today(), place="", public_code="preview")
    return render_form_page(stand_in, questionnaire, new_form(questionnaire), preview=True)


@blueprint.get("/questionnaires/diff")
@coordinators_only
def diff():
    try:
        old = get_or_404(QuestionnaireVersion, int(request.args.get("old", "")))
        new = get_or_404(QuestionnaireVersion, int(request.args.get("new", "")))
    except ValueError:
        abort(404)
    return render_template("coordinator/diff.html", old=old, new=new, lines=workspace.version_diff(old, new),
                           title=_("Changes between versions"))
