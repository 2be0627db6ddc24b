"""The workspace home, meetings, handouts and the partner register.
Each view reads and checks the form first, then calls one use case in a
short write transaction and commits once."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.access import role_required
from app.db import db_session, get_or_404, writing
from app.meetings import handouts, services
from app.meetings.forms import ACTOR_GROUPS, PARTNER_STATUSES, MeetingForm, PartnerForm
from app.models import Meeting, PartnerOrganisation
from app.network import settings
from app.questionnaires.versions import questionnaire_of, version_rows

blueprint = Blueprint("meetings", __name__, url_prefix="/workspace", template_folder="templates")
coordinators_only = role_required("coordinator")


@blueprint.get("/")
@role_required("coordinator", "evaluator")
def home():
    open_rows = []
    if current_user.may("coordinator"):
        rows = services.meeting_rows(db_session(), settings.now())
        open_rows = [row for row in rows if row.state == "open"]
    return render_template("meetings/home.html", open_rows=open_rows, title=_("Workspace"))


# --- meetings ----------------------------------------------------------------


@blueprint.get("/meetings/")
@coordinators_only
def meetings():
    rows = services.meeting_rows(db_session(), settings.now())
    return render_template("meetings/meetings.html", rows=rows, title=_("Meetings"))


def _version_choices():
    return [
        SelectChoice(row.version.id, f"{row.version.questionnaire_key} · {_('version')} {row.version.version}")
        for row in version_rows(db_session())
    ]


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
        data = form.data_for_service()
        session = writing()
        saved = services.save_meeting(session, data, meeting)
        session.commit()
        flash(_("The meeting was saved."))
        return redirect(url_for(".meetings", _anchor=f"meeting-{saved.id}"))
    status = 422 if form.errors else 200
    title = _("Edit meeting") if meeting else _("New meeting")
    return render_template("meetings/meeting_form.html", form=form, meeting=meeting, title=title), status


@blueprint.post("/meetings/<int:meeting_id>/open")
@coordinators_only
def open_survey(meeting_id: int):
    return _change_window(meeting_id, services.open_survey, _("The survey is open."))


@blueprint.post("/meetings/<int:meeting_id>/close")
@coordinators_only
def close_survey(meeting_id: int):
    return _change_window(meeting_id, services.close_survey, _("The survey is closed."))


def _change_window(meeting_id: int, change, message: str):
    meeting = get_or_404(Meeting, meeting_id)
    session = writing()
    change(session, meeting, settings.now())
    session.commit()
    flash(message)
    return redirect(url_for(".meetings", _anchor=f"meeting-{meeting_id}"))


@blueprint.get("/meetings/<int:meeting_id>/handout")
@coordinators_only
def handout(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    questionnaire = questionnaire_of(meeting.questionnaire_version)
    invitations = []
    for language in questionnaire.languages:
        with force_locale(language):
            invitations.append(
                (language, _("Your opinion counts: scan the code and answer anonymously in three minutes."))
            )
    return render_template(
        "meetings/handout.html",
        meeting=meeting,
        invitations=invitations,
        url=handouts.participant_url(meeting),
        svg=handouts.qr_svg(meeting).decode(),
        title=_("QR handout"),
    )


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
    partner = get_or_404(PartnerOrganisation, partner_id) if partner_id else None
    form = PartnerForm(obj=partner if request.method == "GET" else None)
    if form.validate_on_submit():
        name = form.name.data.strip()
        if services.partner_named(db_session(), name) not in (None, partner):
            form.name.errors.append(_("This organisation is already in the register."))
        else:
            session = writing()
            services.save_partner(session, name, form.actor_group.data, form.status.data, partner)
            session.commit()
            flash(_("The organisation was saved."))
            return redirect(url_for(".partners"))
    listing = db_session().query(PartnerOrganisation).order_by(PartnerOrganisation.name).all()
    return render_template(
        "meetings/partners.html",
        form=form,
        partner=partner,
        partners=listing,
        counts=services.partner_status_counts(db_session()),
        groups=ACTOR_GROUPS,
        statuses=PARTNER_STATUSES,
        title=_("Partner organisations"),
    ), (422 if form.errors else 200)
