"""The workspace home, meetings, handouts and the partner register.
Each view reads and checks the form first, then calls one use case in a
short write transaction and commits once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.access import role_required
from app.db import database, db_session, get_or_404, writing
from app.evaluation.report import stored_counts
from app.http.downloads import attachment
from app.meetings import access_codes, codes, handouts, paper_entry, services, storage_order
from app.meetings.forms import PARTNER_STATUSES, AccessCodesForm, MeetingForm, PartnerForm, choices
from app.models import Meeting, PartnerOrganisation
from app.network import settings
from app.network.actor_groups import services as actor_groups
from app.participation.submission import AlreadySubmitted
from app.questionnaires.versions import questionnaire_of, version_rows

blueprint = Blueprint("meetings", __name__, url_prefix="/workspace", template_folder="templates")
coordinators_only = role_required("coordinator")


@blueprint.before_app_request
def shuffle_closed_surveys_first():
    """Before a staff request reads anything, the rows of surveys that have
    closed are rewritten in random order (storage_order.py) and the counts of
    released meetings are stored (stored_counts.py), in a transaction of
    their own."""
    if not request.path.startswith(blueprint.url_prefix) or not current_user.is_authenticated:
        return
    now = settings.now()
    if storage_order.due(db_session(), now) or stored_counts.due(db_session(), now):
        with database().session(write=True) as session:
            storage_order.shuffle_closed_surveys(session, now)
            stored_counts.store_closed_meetings(session, now)
            session.commit()


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
    answered = services.responses_of(db_session(), meeting) if meeting is not None else 0
    if form.validate_on_submit():
        data = form.data_for_service()
        if answered and data.questionnaire_version_id != meeting.questionnaire_version_id and not data.split_confirmed:
            form.split_confirmed.errors.append(_split_warning(meeting, answered))
        else:
            session = writing()
            try:
                saved = services.save_meeting(session, data, meeting)
            except services.SplitNotConfirmed:  # its first response came in meanwhile
                session.rollback()
                form.split_confirmed.errors.append(
                    _split_warning(meeting, services.responses_of(db_session(), meeting))
                )
            else:
                session.commit()
                flash(_("The meeting was saved."))
                return redirect(url_for(".meetings", _anchor=f"meeting-{saved.id}"))
    status = 422 if form.errors else 200
    title = _("Edit meeting") if meeting else _("New meeting")
    return render_template(
        "meetings/meeting_form.html",
        form=form,
        meeting=meeting,
        answered=answered,
        split_warning=_split_warning(meeting, answered) if answered else None,
        title=title,
    ), status


def _split_warning(meeting: Meeting, answered: int) -> str:
    version = meeting.questionnaire_version
    return ngettext(
        "This meeting has %(num)s response to %(key)s version %(version)s. With another version its results "
        "are split: the responses so far stay with version %(version)s, new ones count for the other version, "
        "and the report shows each version on its own. Tick the confirmation to switch.",
        "This meeting has %(num)s responses to %(key)s version %(version)s. With another version its results "
        "are split: the responses so far stay with version %(version)s, new ones count for the other version, "
        "and the report shows each version on its own. Tick the confirmation to switch.",
        answered,
        key=version.questionnaire_key,
        version=version.version,
    )


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


@blueprint.route("/meetings/<int:meeting_id>/codes", methods=["GET", "POST"])
@coordinators_only
def access_codes_page(meeting_id: int):
    """Make access codes; the codes are shown once, in the answer to the POST."""
    meeting = get_or_404(Meeting, meeting_id)
    counted = access_codes.code_count(db_session(), meeting)
    form = AccessCodesForm()
    if request.method == "GET":
        form.count.data = codes.proposed_access_code_count(meeting.attended, meeting.invited, counted.total)
    if meeting.needs_access_code and form.validate_on_submit():
        session = writing()
        made = access_codes.make_codes(session, meeting, form.count.data)
        session.commit()
        return render_template(
            "meetings/access_code_list.html",
            meeting=meeting,
            lines=[(codes.shown_access_code(code), handouts.code_link(meeting, code)) for code in made],
            counted=access_codes.CodeCount(counted.used, counted.total + len(made)),
            card_languages=settings.participant_languages(questionnaire_of(meeting.questionnaire_version))[0],
            title=_("Access codes"),
        )
    status = 422 if form.errors or (request.method == "POST" and not meeting.needs_access_code) else 200
    return render_template(
        "meetings/access_codes.html", meeting=meeting, form=form, counted=counted, title=_("Access codes")
    ), status


def _not_these_codes_page():
    return render_template(
        "message.html",
        title=_("These are not this meeting's codes"),
        text=_("Only codes made for this meeting can be downloaded. Make new codes if the list is lost."),
    ), 422


@blueprint.post("/meetings/<int:meeting_id>/codes.csv")
@coordinators_only
def access_codes_csv(meeting_id: int):
    """The codes just shown, as a CSV file: the page sends them back (they
    are stored nowhere in clear), and only codes of this meeting are taken."""
    meeting = get_or_404(Meeting, meeting_id)
    made = access_codes.codes_of_meeting(db_session(), meeting, request.form.getlist("code"))
    if made is None:
        return _not_these_codes_page()
    filename = f"resonanz-codes-{meeting.date.isoformat()}-{meeting.public_code}.csv"
    return attachment(access_codes.codes_csv(meeting, made), filename, "text/csv; charset=utf-8")


def _no_handout_page(meeting):
    return render_template(
        "message.html",
        title=_("This meeting has no survey window yet"),
        text=_(
            "The handout prints until when the survey can be answered. Set the survey's opening and closing "
            "in the meeting's settings first."
        ),
        link=(url_for(".edit_meeting", meeting_id=meeting.id), _("Edit meeting")),
    ), 422


@blueprint.post("/meetings/<int:meeting_id>/codes.pdf")
@coordinators_only
def access_code_cards(meeting_id: int):
    """Cards for the codes just shown, as a PDF: the page sends them back (they
    are stored nowhere in clear), only codes of this meeting are taken, and
    making the cards records nothing."""
    meeting = get_or_404(Meeting, meeting_id)
    if not meeting.needs_access_code:
        return render_template(
            "message.html",
            title=_("This meeting's survey is an open link"),
            text=_("It has no access codes. Print its handout instead, or choose access codes in its settings."),
            link=(url_for(".handout", meeting_id=meeting.id), _("QR handout")),
        ), 422
    made = access_codes.codes_of_meeting(db_session(), meeting, request.form.getlist("code"))
    if made is None:
        return _not_these_codes_page()
    language = _pdf_language(meeting)
    if language is None:
        return _not_offered_page()
    try:
        body = handouts.access_code_cards_pdf(meeting, made, language)
    except handouts.NoSurveyWindow:
        return _no_handout_page(meeting)
    return attachment(
        body, f"resonanz-code-cards-{meeting.date.isoformat()}-{meeting.public_code}-{language}.pdf", "application/pdf"
    )


@blueprint.get("/meetings/<int:meeting_id>/handout")
@coordinators_only
def handout(meeting_id: int):
    """The poster and the cards, for the browser's print: the same sheets as the PDF."""
    meeting = get_or_404(Meeting, meeting_id)
    language = str(get_locale())
    try:
        shown = handouts.handout_of(meeting, language)
    except handouts.NoSurveyWindow:
        return _no_handout_page(meeting)
    return render_template(
        "meetings/handout.html",
        meeting=meeting,
        handout=shown,
        poster=True,
        sheets=handouts.sheets_of(handouts.open_link_cards(shown)),
        pdf_languages=settings.participant_languages(questionnaire_of(meeting.questionnaire_version))[0],
        paper_languages=questionnaire_of(meeting.questionnaire_version).languages,
        title=_("QR handout"),
    )


def _pdf_language(meeting) -> str | None:
    """The language asked for (``?lang=`` or the form's ``language``), if the questionnaire offers it."""
    offered = settings.participant_languages(questionnaire_of(meeting.questionnaire_version))[0]
    asked = request.values.get("language") or str(get_locale())
    return asked if asked in offered else None


def _not_offered_page():
    return render_template(
        "message.html",
        title=_("This language is not offered"),
        text=_("Handouts are printed in the languages the questionnaire and the network offer."),
    ), 422


@blueprint.get("/meetings/<int:meeting_id>/handout.pdf")
@coordinators_only
def handout_pdf(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    language = _pdf_language(meeting)
    if language is None:
        return _not_offered_page()
    try:
        body = handouts.handout_pdf(meeting, language)
    except handouts.NoSurveyWindow:
        return _no_handout_page(meeting)
    return attachment(
        body, f"resonanz-handout-{meeting.date.isoformat()}-{meeting.public_code}-{language}.pdf", "application/pdf"
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
    return attachment(body, filename, mimetype)


# --- partner organisations ---------------------------------------------------


@blueprint.route("/partners/", methods=["GET", "POST"])
@blueprint.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@coordinators_only
def partners(partner_id: int | None = None):
    partner = get_or_404(PartnerOrganisation, partner_id) if partner_id else None
    form = PartnerForm(obj=partner if request.method == "GET" else None)
    language = str(get_locale())
    groups = {g.code: actor_groups.label(g.labels, language) for g in actor_groups.actor_groups(db_session())}
    if partner is not None and partner.actor_group not in groups:  # its group was removed from the list since
        groups[partner.actor_group] = partner.actor_group
    form.actor_group.choices = choices(groups)
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
        groups=groups,
        statuses=PARTNER_STATUSES,
        title=_("Partner organisations"),
    ), (422 if form.errors else 200)


# --- paper questionnaires ----------------------------------------------------


def _paper_refused_page(meeting, reason: str):
    if reason == paper_entry.NO_SURVEY:
        title = _("This meeting's survey has not opened")
        text = _("Paper forms are entered once the survey has opened. Open it, or set its window, first.")
    else:
        title = _("The paper entry of this meeting is finished")
        text = _("Its coordinator marked every paper form as entered, so no more can be added.")
    return render_template(
        "message.html",
        title=title,
        text=text,
        link=(url_for(".meetings", _anchor=f"meeting-{meeting.id}"), _("Meetings")),
    ), 422


@blueprint.route("/meetings/<int:meeting_id>/paper", methods=["GET", "POST"])
@coordinators_only
def paper_forms(meeting_id: int):
    """One paper form per screen: a key per option as printed, Tab to move on,
    Enter to store and get the next empty form."""
    meeting = get_or_404(Meeting, meeting_id)
    questionnaire = questionnaire_of(meeting.questionnaire_version)
    reason = paper_entry.refusal(meeting, settings.now())
    if reason is not None:
        return _paper_refused_page(meeting, reason)
    language = request.form.get("paper_language") or questionnaire.default_language
    if language not in questionnaire.languages:
        language = questionnaire.default_language
    typed = {question.id: request.form.get(question.id, "")[:5000] for question in questionnaire.questions}
    errors, unknown, status = {}, {}, 200
    form_id = request.form.get("form_id") or paper_entry.new_form_id()
    if request.method == "POST":
        sent, unknown = paper_entry.checked(questionnaire, typed)
        errors = dict(sent.errors)
        if not errors and not unknown:
            session = writing()
            try:
                paper_entry.store_paper_form(
                    session, meeting, sent, language=language, form_id=form_id, today=settings.today()
                )
                session.commit()
            except AlreadySubmitted:
                session.rollback()  # Enter pressed twice: stored once
            except paper_entry.PaperEntryFinished:
                session.rollback()
                return _paper_refused_page(meeting, paper_entry.FINISHED)
            flash(_("The paper form was stored. Here is the next one."))
            return redirect(url_for(".paper_forms", meeting_id=meeting.id, paper_language=language))
        status = 422
    else:
        language = request.args.get("paper_language", language)
        if language not in questionnaire.languages:
            language = questionnaire.default_language
    return render_template(
        "meetings/paper_entry.html",
        meeting=meeting,
        questionnaire=questionnaire,
        questions=paper_questions_for_entry(questionnaire),
        typed=typed if request.method == "POST" else {},
        errors=errors,
        unknown=unknown,
        form_id=form_id,
        paper_language=language,
        title=_("Paper forms"),
    ), status


def paper_questions_for_entry(questionnaire):
    """The questions with the keys of their options, in the coordinator's language."""
    from app.questionnaires.paper import paper_questions

    return paper_questions(
        questionnaire,
        str(get_locale()) if str(get_locale()) in questionnaire.languages else questionnaire.default_language,
    )


@blueprint.post("/meetings/<int:meeting_id>/paper/finish")
@coordinators_only
def finish_paper_entry(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    session = writing()
    paper_entry.finish_paper_entry(session, session.get(Meeting, meeting.id))
    session.commit()
    flash(_("The paper entry is finished: %(count)s paper forms.", count=meeting.paper_responses))
    return redirect(url_for(".meetings", _anchor=f"meeting-{meeting_id}"))
