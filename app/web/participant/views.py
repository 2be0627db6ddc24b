"""The participant's journey: the form, its errors, the thank-you page.

Nothing here logs or stores who is asking: no address, no user agent, no
time of day (see docs/privacy.md).  The only cookies are the signed session
(CSRF token, chosen language) and the "answered" marker for one meeting.
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
from flask_babel import gettext as _
from flask_wtf.csrf import validate_csrf
from flask_login import AnonymousUserMixin
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from wtforms import ValidationError

from ... import db_session, services
from ...domain.answers import validate_submission
from ...extensions import csrf
from ...persistence.database import UNAVAILABLE, rollback_quietly
from ..errors import RETRY_AFTER
from ..i18n import choose_language, use_language
from .forms import CONTROL_FIELDS, SUBMISSION_ID, form_for

blueprint = Blueprint("participant", __name__)
# The CSRF check runs inside the form (see ``submit``), so an expired token
# re-renders the form with every answer instead of an error page.
csrf.exempt(blueprint)

ANSWERED_COOKIE = "resonanz_answered"


@blueprint.before_request
def _nobody_logged_in():
    """Participant pages never ask who is logged in.  Left to itself, Flask-Login
    would check every participant's session against a hash of address and user
    agent and answer with a cookie deletion (``remember_token``) on each page."""
    g._login_user = AnonymousUserMixin()


def _answered_marker() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="answered-meeting")


def _has_answered(code: str) -> bool:
    try:
        return _answered_marker().loads(request.cookies.get(ANSWERED_COOKIE, "")) == code
    except BadSignature:
        return False


def _load(code: str):
    """The meeting and its questionnaire, with the page language chosen."""
    session = db_session()
    meeting = services.meeting_by_code(session, code)
    if meeting is None:
        abort(404)
    questionnaire = services.questionnaire_of(meeting.questionnaire_version)
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


def render_form_page(meeting, questionnaire, form, errors=None, form_errors=(), status=200, preview=False):
    """The participant form; the workspace preview renders the very same page."""
    blank = not errors and not any(form[question.id].data for question in questionnaire.questions)
    return render_template(
        "participant/form.html",
        meeting=meeting,
        questionnaire=questionnaire,
        form=form,
        errors=errors or {},
        form_errors=form_errors,
        preview=preview,
        questions_html=blank_questions(questionnaire, form) if blank else None,
    ), status


def blank_questions(questionnaire, form) -> Markup:
    """The questions of a form without answers, rendered once per questionnaire
    and language: the same for every phone, and most of the page's work."""
    cache = current_app.extensions.setdefault("resonanz.blank_questions", {})
    key = (questionnaire.fingerprint, g.language)
    html = cache.get(key)
    if html is None:
        if len(cache) >= 256:
            cache.clear()
        html = cache[key] = Markup(render_template(
            "participant/_questions.html", questionnaire=questionnaire, form=form, errors={}))
    return html


def new_form(questionnaire):
    form = form_for(questionnaire, formdata=None)
    form.submission_id.data = secrets.token_urlsafe(24)
    form.language.data = g.language
    return form


@blueprint.get("/m/<code>")
def show_form(code: str):
    meeting, questionnaire = _load(code)
    closed = _window_page(meeting, questionnaire)
    if closed is not None:
        return closed
    if _has_answered(code):
        return render_template("participant/already_answered.html", meeting=meeting, questionnaire=questionnaire)
    return render_form_page(meeting, questionnaire, new_form(questionnaire))


@blueprint.post("/m/<code>")
def submit(code: str):
    # Read first; the write transaction covers the inserts only (see _store).
    db_session(write=False)
    meeting, questionnaire = _load(code)  # when this fails, errors.py keeps the answers
    try:
        return _store(code, meeting, questionnaire)
    except UNAVAILABLE:
        # The database is unreachable or busy.  The form comes back with every
        # answer and the same submission id: sending again stores it exactly
        # once, even if this commit reached the database before the line broke.
        rollback_quietly(db_session())
        form = _form_as_sent(questionnaire, request.form.get("submission_id", ""))
        message = _("Your answers could not be saved just now. They are all still here: please send them again in a moment.")
        return (*render_form_page(meeting, questionnaire, form, form_errors=[message], status=503),
                {"Retry-After": RETRY_AFTER})


def _form_as_sent(questionnaire, submission_id: str):
    """The form with every answer that was sent, to show it again."""
    form = form_for(questionnaire)
    # A tampered or missing id gets a fresh one.
    form.submission_id.data = submission_id if SUBMISSION_ID.match(submission_id) else secrets.token_urlsafe(24)
    form.language.data = g.language
    return form


def _csrf_token_valid() -> bool:
    # The check FlaskForm.validate() makes, without building the form: most
    # submissions are valid and need no form object at all.
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def _store(code: str, meeting, questionnaire):
    closed = _window_page(meeting, questionnaire)
    if closed is not None:
        return closed
    session = db_session()
    submission_id = request.form.get("submission_id", "")
    valid_id = bool(SUBMISSION_ID.match(submission_id))
    if valid_id and services.was_submitted(session, submission_id):
        return _thank(code)  # a retry of a stored form: it is already counted
    if _has_answered(code):
        return render_template("participant/already_answered.html", meeting=meeting, questionnaire=questionnaire)

    if not valid_id:
        # A tampered or missing id: issue a fresh one, keep the answers.
        submission_id = secrets.token_urlsafe(24)

    form_errors = []
    if not _csrf_token_valid():  # the answers are checked below
        form_errors.append(_("For your security this form had expired. Your answers are kept: please send them again."))
    answers = {
        name: request.form.getlist(name) for name in request.form if name not in CONTROL_FIELDS
    }
    submission = validate_submission(questionnaire, answers)
    if submission.unexpected_fields:
        form_errors.append(_("The form contained fields that do not belong to it; they were ignored. Please check your answers and send again."))
    if (request.content_length or 0) > current_app.config["SUBMISSION_BODY_LIMIT"]:
        form_errors.append(_("What you sent is too large. Please shorten your texts and send again."))
    if form_errors or submission.errors:
        form = _form_as_sent(questionnaire, submission_id)
        return render_form_page(meeting, questionnaire, form, submission.errors, form_errors, status=422)

    try:
        current_app.extensions["resonanz.db"].begin_writing(session)
        services.submit_response(
            session, meeting, submission,
            language=g.language, submission_id=submission_id, today=services.utcnow().date(),
        )
        session.commit()
    except services.AlreadySubmitted:
        session.rollback()  # the same form, sent twice at once: stored by the other request
    return _thank(code)


def _thank(code: str):
    response = redirect(url_for(".thanks", code=code), code=303)
    response.set_cookie(
        ANSWERED_COOKIE, _answered_marker().dumps(code),
        max_age=current_app.config["ANSWERED_COOKIE_MAX_AGE"], path=f"/m/{code}",
        httponly=True, samesite="Lax", secure=request.is_secure,
    )
    return response


@blueprint.get("/m/<code>/thanks")
def thanks(code: str):
    meeting, questionnaire = _load(code)
    return render_template("participant/thanks.html", meeting=meeting, questionnaire=questionnaire)
