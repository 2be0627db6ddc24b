"""The participant's journey: the form, its errors, the thank-you page.

Nothing here logs or stores who is asking: no address, no user agent, no
time of day (see docs/privacy.md).  A participant gets no cookie until they
have answered, and then only the signed "answered" marker for one meeting;
a submission from another site is refused by what the browser says of its
origin (see origin.py), not by a token kept in a session.
"""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from itsdangerous import BadSignature

from ... import db_session, services
from ...domain.answers import validate_submission
from ...extensions import csrf
from ...persistence.database import UNAVAILABLE, rollback_quietly
from ..errors import RETRY_AFTER
from .. import signing
from ..compression import RepeatedPage
from ..i18n import choose_language, use_language
from .forms import CONTROL_FIELDS, SUBMISSION_ID, form_for
from .open_meetings import OpenMeetings
from .origin import sent_from_another_site

blueprint = Blueprint("participant", __name__, url_prefix="/m")
# Participants have no session, so no CSRF token: see origin.py.
csrf.exempt(blueprint)


@blueprint.record_once
def _set_up(state):
    state.app.extensions["resonanz.open_meetings"] = OpenMeetings(state.app.config["OPEN_MEETING_SECONDS"])
    # A browser without a session cookie gets none made (and none saved) on
    # these pages; one of the workspace keeps its own (flash messages).
    state.app.session_interface.sessionless_paths += (blueprint.url_prefix + "/",)


ANSWERED_COOKIE = "resonanz_answered"


@blueprint.before_request
def _nobody_logged_in():
    """Participant pages never ask who is logged in.  Left to itself, Flask-Login
    would check every participant's session against a hash of address and user
    agent and answer with a cookie deletion (``remember_token``) on each page."""
    g._login_user = AnonymousUserMixin()


ANSWERED_SALT = "answered-meeting"


def _has_answered(code: str) -> bool:
    marker = request.cookies.get(ANSWERED_COOKIE)
    if not marker:
        return False  # most phones: nothing to check
    try:
        return signing.serializer(current_app, ANSWERED_SALT).loads(marker) == code
    except BadSignature:
        return False


def open_meetings() -> OpenMeetings:
    """This process's open meetings (see open_meetings.py)."""
    return current_app.extensions["resonanz.open_meetings"]


def _load(code: str, *, kept: bool = True):
    """The meeting and its questionnaire, with the page language chosen.
    ``kept=False`` reads the meeting from the database even if it is kept."""
    meeting = open_meetings().get(code) if kept else None
    if meeting is None:
        meeting = services.meeting_by_code(db_session(), code)
        if meeting is None:
            abort(404)
        if services.survey_window(meeting, services.utcnow()).state == "open":
            open_meetings().keep(meeting)
    questionnaire = meeting.questionnaire(db_session)
    speak_questionnaire_language(questionnaire)
    return meeting, questionnaire


def speak_questionnaire_language(questionnaire) -> None:
    """Render this request in the participant's language among the questionnaire's."""
    g.default_language = questionnaire.default_language
    shown_in = request.form.get("language") if request.method == "POST" else None
    use_language(choose_language(questionnaire.languages, questionnaire.default_language, explicit=shown_in))


def _window_page(meeting, questionnaire):
    """The page to show instead of the form, or None when the survey is open."""
    window = services.survey_window(meeting, services.utcnow())
    if window.state == "open":
        return None
    template = "participant/not_yet_open.html" if window.state == "not_yet_open" else "participant/closed.html"
    return render_template(template, meeting=meeting, questionnaire=questionnaire, window=window)


def new_submission_id() -> str:
    return secrets.token_urlsafe(24)


def render_form_page(meeting, questionnaire, form, submission_id: str | None = None, errors=None,
                     form_errors=(), status=200, preview=False):
    """The participant form; the workspace preview renders the very same page."""
    return render_template(
        "participant/form.html",
        meeting=meeting,
        questionnaire=questionnaire,
        form=form,
        submission_id=submission_id or new_submission_id(),
        errors=errors or {},
        form_errors=form_errors,
        preview=preview,
    ), status


# Stands for a phone's own submission id in a kept blank page; random, so
# that no meeting title can contain it.
_SUBMISSION_SLOT = f"submission-{secrets.token_hex(16)}"


def blank_form_page(meeting: services.ParticipantMeeting, questionnaire):
    """The empty form of a meeting: the same for every phone in one language
    but for the submission id, so it is rendered (and compressed up to the
    id) once per process, meeting and language (the key holds every meeting
    field the page shows); each phone gets a copy with its own id."""
    if cookie_session.get("_flashes"):
        # A message waits to be shown once (someone of the workspace opened the
        # link): render it into this page only.
        return render_form_page(meeting, questionnaire, new_form(questionnaire))[0]
    cache = current_app.extensions.setdefault("resonanz.blank_pages", {})
    key = (meeting, g.language)
    page = cache.get(key)
    if page is None:
        if len(cache) >= 256:
            cache.clear()
        rendered = render_form_page(meeting, questionnaire, new_form(questionnaire), _SUBMISSION_SLOT)[0]
        page = cache[key] = RepeatedPage(rendered, _SUBMISSION_SLOT)
    return page.response(new_submission_id())


def new_form(questionnaire):
    return form_for(questionnaire, formdata=None)


@blueprint.get("/<code>")
def show_form(code: str):
    meeting, questionnaire = _load(code)
    closed = _window_page(meeting, questionnaire)
    if closed is not None:
        return closed
    if _has_answered(code):
        return render_template("participant/already_answered.html", meeting=meeting, questionnaire=questionnaire)
    return blank_form_page(meeting, questionnaire)


@blueprint.post("/<code>")
def submit(code: str):
    if sent_from_another_site(request):
        # Nothing is read, stored or set: whoever sent this is not on our page.
        return render_template("message.html", title=_("This form was sent from another website"),
                               text=_("Answers are only accepted from the survey's own page. Please open the survey link again.")), 403
    # The request's session writes (on SQLite: BEGIN IMMEDIATE at its first
    # statement).  Most submissions read nothing before their INSERTs, the
    # meeting being kept; the rare reads before them hold the write lock a
    # moment longer.
    meeting, questionnaire = _load(code)  # when this fails, errors.py keeps the answers
    try:
        return _store(code, meeting, questionnaire)
    except UNAVAILABLE:
        # The database is unreachable or busy.  The form comes back with every
        # answer and the same submission id: sending again stores it exactly
        # once, even if this commit reached the database before the line broke.
        rollback_quietly(db_session())
        message = _("Your answers could not be saved just now. They are all still here: please send them again in a moment.")
        return (*_form_as_sent(meeting, questionnaire, request.form.get("submission_id", ""),
                               form_errors=[message], status=503),
                {"Retry-After": RETRY_AFTER})


def _form_as_sent(meeting, questionnaire, submission_id: str, errors=None, form_errors=(), status=422):
    """The form again with every answer that was sent."""
    # A tampered or missing id gets a fresh one.
    if not SUBMISSION_ID.match(submission_id):
        submission_id = new_submission_id()
    return render_form_page(meeting, questionnaire, form_for(questionnaire), submission_id, errors, form_errors,
                            status)


def _store(code: str, meeting, questionnaire, kept: bool = True):
    closed = _window_page(meeting, questionnaire)
    if closed is not None:
        return closed
    session = db_session()
    submission_id = request.form.get("submission_id", "")
    valid_id = bool(SUBMISSION_ID.match(submission_id))

    def stored_before() -> bool:
        # Asked only off the common path: a first submission finds out when
        # its receipt is inserted (services.AlreadySubmitted).
        return valid_id and services.was_submitted(session, submission_id)

    if _has_answered(code):
        if stored_before():
            return _thank(code)  # a retry of a stored form: it is already counted
        return render_template("participant/already_answered.html", meeting=meeting, questionnaire=questionnaire)

    form_errors = []
    submission = validate_submission(questionnaire, request.form.to_dict(flat=False), ignored_fields=CONTROL_FIELDS)
    if submission.unexpected_fields:
        form_errors.append(_("The form contained fields that do not belong to it; they were ignored. Please check your answers and send again."))
    if (request.content_length or 0) > current_app.config["SUBMISSION_BODY_LIMIT"]:
        form_errors.append(_("What you sent is too large. Please shorten your texts and send again."))
    if form_errors or submission.errors:
        if stored_before():
            return _thank(code)
        return _form_as_sent(meeting, questionnaire, submission_id, submission.errors, form_errors)
    if not valid_id:
        submission_id = new_submission_id()  # a tampered or missing id: the answers are good

    try:
        now = services.utcnow()
        services.submit_response(
            session, meeting, submission,
            language=g.language, submission_id=submission_id, today=now.date(), open_at=now,
        )
        session.commit()
    except services.AlreadySubmitted:
        session.rollback()  # the same form, sent before or twice at once: stored by the other request
    except services.SurveyNotOpen:
        session.rollback()
        open_meetings().forget(code)
        if not kept:  # closed in the very moment since the check above
            return _window_page(meeting, questionnaire) or render_template(
                "participant/closed.html", meeting=meeting, questionnaire=questionnaire,
                window=services.survey_window(meeting, services.utcnow()))
        # The kept meeting was out of date: closed, or another questionnaire
        # version since.  Decide again on what the database says now.
        meeting, questionnaire = _load(code, kept=False)
        return _store(code, meeting, questionnaire, kept=False)
    return _thank(code)


def _thank(code: str):
    # The language goes along in the address: participants have no session to keep it in.
    response = redirect(url_for(".thanks", code=code, lang=g.language), code=303)
    response.set_cookie(
        ANSWERED_COOKIE, signing.signed(current_app, ANSWERED_SALT, code),
        max_age=current_app.config["ANSWERED_COOKIE_MAX_AGE"], path=f"{blueprint.url_prefix}/{code}",
        httponly=True, samesite="Lax", secure=request.is_secure,
    )
    return response


@blueprint.get("/<code>/thanks")
def thanks(code: str):
    meeting, questionnaire = _load(code)
    return render_template("participant/thanks.html", meeting=meeting, questionnaire=questionnaire)
