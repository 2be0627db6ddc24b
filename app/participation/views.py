"""The participant's journey: the form, its errors, the thank-you page.

Nothing here logs or stores who is asking: no address, no user agent, no
time of day (see docs/privacy.md).  A participant gets no cookie until they
have answered, and then only the signed "answered" marker for one meeting
(answered.py); a submission from another site is refused by what the
browser says of its origin (origin.py), not by a token kept in a session.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _

from app.db import UNAVAILABLE, db_session, rollback_quietly, writing
from app.extensions import csrf
from app.http.errors import RETRY_AFTER
from app.http.i18n import choose_language, use_language
from app.meetings import access_codes
from app.meetings.codes import normalised_access_code, shown_access_code, survey_window
from app.network import settings
from app.participation import address_limit, answered, messages, pages, signed, submission
from app.participation.form import CONTROL_FIELDS, SUBMISSION_ID, SWITCH_LANGUAGE, form_for
from app.participation.origin import sent_from_another_site
from app.questionnaires.answers import validate_submission, visible_questions

blueprint = Blueprint("participation", __name__, url_prefix="/m", template_folder="templates")
# Participants have no session, so no CSRF token: see origin.py.
csrf.exempt(blueprint)


@blueprint.record_once
def _set_up(state):
    address_limit.init_app(state.app)
    state.app.jinja_env.globals["error_message"] = messages.error_message
    # A browser without a session cookie gets none made (and none saved) on
    # these pages; one of the workspace keeps its own (flash messages).
    state.app.session_interface.sessionless_paths += (blueprint.url_prefix + "/",)


def _load(code: str):
    """The meeting and its questionnaire, with the page language chosen."""
    found = submission.meeting_by_code(db_session(), code)
    if found is None:
        abort(404)
    meeting, questionnaire = found
    speak_questionnaire_language(questionnaire, remembered=answered.answered_in(code))
    return meeting, questionnaire


def speak_questionnaire_language(questionnaire, remembered: str | None = None) -> None:
    """Render this request in the participant's language among those both the
    network and the questionnaire speak: the one a form was switched to or
    shown in, else ``?lang=``, else the one it was answered in (``remembered``)."""
    g.default_language = questionnaire.default_language  # where a missing text falls back to
    offered, first = settings.participant_languages(questionnaire)
    g.offered_languages = offered
    shown_in = None
    if request.method == "POST":
        wanted = (request.form.get(SWITCH_LANGUAGE), request.form.get("language"))
        shown_in = next((language for language in wanted if language in offered), None)
    use_language(choose_language(offered, first, explicit=shown_in, remembered=remembered))


def _window_page(meeting, questionnaire):
    """The page to show instead of the form, or None when the survey is open."""
    window = survey_window(meeting, settings.now())
    if window.state == "open":
        return None
    template = "participation/not_yet_open.html" if window.state == "not_yet_open" else "participation/closed.html"
    return render_template(template, meeting=meeting, questionnaire=questionnaire, window=window)


def new_submission_id(meeting) -> str:
    return signed.new_submission_id(meeting.public_code, settings.today())


def issued_here(meeting, submission_id: str) -> bool:
    """Whether this server issued ``submission_id`` for ``meeting`` within its
    survey window: not made up, not another meeting's, not from before the
    survey (re)opened.  (Each id is used once: its receipt.)"""
    if not SUBMISSION_ID.match(submission_id) or meeting.opens_at is None:
        return False
    day = signed.issued_on(submission_id, meeting.public_code)
    return day is not None and settings.local_date(meeting.opens_at) <= day <= settings.today()


@dataclass(frozen=True)
class CodeField:
    """The access code on the form of a meeting that needs one."""

    value: str = ""
    from_link: bool = False  # a code from the card's link goes along unseen
    error: str | None = None


def render_form_page(
    meeting,
    questionnaire,
    form,
    submission_id: str | None = None,
    errors=None,
    form_errors=(),
    status=200,
    preview=False,
    code_field: CodeField | None = None,
    page: int | None = 1,
):
    """The participant form; the workspace preview renders the very same page
    (``page=None``: every part one after another)."""
    parts = questionnaire.pages
    part = parts[page - 1] if page else None
    return render_template(
        "participation/form.html",
        meeting=meeting,
        questionnaire=questionnaire,
        form=form,
        submission_id=submission_id or new_submission_id(meeting),
        errors=errors or {},
        form_errors=form_errors,
        preview=preview,
        code_field=code_field or CodeField(),
        part=part,
        page_count=len(parts),
        **_page_contents(questionnaire, part),
    ), status


def _page_contents(questionnaire, part) -> dict:
    """What one page of a form in parts asks and carries: its questions
    (without those that answers on other pages rule out), and every other
    page's answers as they were sent, so the server keeps nothing."""
    if part is None or len(questionnaire.pages) == 1:
        return {"shown": part.questions if part else questionnaire.questions, "carried": ()}
    here = {question.id for question in part.questions}
    sent = request.form
    settled = [q for q in part.questions if q.show_if is not None and q.show_if.question not in here]
    shown = part.questions
    if settled:  # conditions on another page's answers: judged on what was sent, only when the page has them
        given = validate_submission(questionnaire, sent.to_dict(flat=False), ignored_fields=CONTROL_FIELDS).answers
        applies = visible_questions(questionnaire, given)
        shown = tuple(question for question in part.questions if question not in settled or question.id in applies)
    carried = tuple(
        (question.id, value)
        for question in questionnaire.questions
        if question.id not in here
        for value in sent.getlist(question.id)
    )
    return {"shown": shown, "carried": carried}


def blank_form(questionnaire):
    return form_for(questionnaire, formdata=None)


# The pages every phone of a meeting sees alike, the blank form (with a
# stand-in for its submission id) and the thank-you page, rendered once per
# process, meeting and language: rendering is most of the server's work for a
# phone's journey (docs/architecture.md, "What is kept for speed").  The key
# holds all a page shows, so an edited meeting or another questionnaire
# renders anew.
_kept_pages: dict[tuple, str] = {}
_ID_STAND_IN = secrets.token_urlsafe(24)  # a submission id of this process's own, replaced in every copy


def _kept_page(page: str, meeting, questionnaire, render) -> str:
    if cookie_session.get("_flashes"):  # a workspace message waiting: this page shows it once
        return render()
    key = (
        page,
        meeting.public_code,
        meeting.title,
        meeting.date,
        meeting.place,
        questionnaire.fingerprint,
        g.language,
        settings.current(),
    )
    if key not in _kept_pages:
        if len(_kept_pages) >= 1024:
            _kept_pages.clear()
        _kept_pages[key] = render()
    return _kept_pages[key]


def _blank_form_page(meeting, questionnaire):
    page = _kept_page(
        "form",
        meeting,
        questionnaire,
        lambda: render_form_page(meeting, questionnaire, blank_form(questionnaire), _ID_STAND_IN)[0],
    )
    return page.replace(_ID_STAND_IN, new_submission_id(meeting))


@blueprint.get("/<code>")
def show_form(code: str):
    meeting, questionnaire = _load(code)
    closed = _window_page(meeting, questionnaire)
    if closed is not None:
        return closed
    if answered.has_answered(code):
        return render_template("participation/already_answered.html", meeting=meeting, questionnaire=questionnaire)
    if meeting.needs_access_code:  # the page shows the card's code: not one page for every phone
        from_link = normalised_access_code(request.args.get("code"))
        if from_link:
            code_field = CodeField(shown_access_code(from_link), from_link=True)
        else:
            code_field = CodeField(request.args.get("code", "")[:40])
        return render_form_page(meeting, questionnaire, blank_form(questionnaire), code_field=code_field)
    return _blank_form_page(meeting, questionnaire)


@blueprint.post("/<code>")
def submit(code: str):
    if sent_from_another_site(request):
        # Nothing is read, stored or set: whoever sent this is not on our page.
        return render_template(
            "message.html",
            title=_("This form was sent from another website"),
            text=_("Answers are only accepted from the survey's own page. Please open the survey link again."),
        ), 403
    meeting, questionnaire = _load(code)  # when this fails, errors.py keeps the answers
    if SWITCH_LANGUAGE in request.form:
        return _in_another_language(code, meeting, questionnaire)
    try:
        return _store(code, meeting, questionnaire)
    except UNAVAILABLE:
        # The database is unreachable or busy.  The form comes back with every
        # answer and the same submission id: sending again stores it exactly
        # once, even if this commit reached the database before the line broke.
        rollback_quietly(db_session())
        message = _(
            "Your answers could not be saved just now. They are all still here: please send them again in a moment."
        )
        return (
            *_form_as_sent(
                meeting, questionnaire, request.form.get("submission_id", ""), form_errors=[message], status=503
            ),
            {"Retry-After": RETRY_AFTER},
        )


def _in_another_language(code: str, meeting, questionnaire):
    """The same form in the language chosen (the request speaks it already),
    every answer kept: nothing is checked, stored or set."""
    closed = _window_page(meeting, questionnaire)
    if closed is not None:
        return closed
    if answered.has_answered(code):
        return render_template("participation/already_answered.html", meeting=meeting, questionnaire=questionnaire)
    page = pages.page_number(request.form.get("page"), len(questionnaire.pages))
    return _form_as_sent(meeting, questionnaire, request.form.get("submission_id", ""), status=200, page=page)


def _form_as_sent(
    meeting, questionnaire, submission_id: str, errors=None, form_errors=(), status=422, code_error=None, page=None
):
    """The form again with every answer that was sent, the access code too;
    by default its last page, where it is sent from."""
    if not issued_here(meeting, submission_id):
        submission_id = new_submission_id(meeting)
    code_field = CodeField(request.form.get("access_code", "")[:40], error=code_error)
    return render_form_page(
        meeting,
        questionnaire,
        form_for(questionnaire),
        submission_id,
        errors,
        form_errors,
        status,
        code_field=code_field,
        page=page or len(questionnaire.pages),
    )


def _store(code: str, meeting, questionnaire):
    closed = _window_page(meeting, questionnaire)
    if closed is not None:
        return closed
    submission_id = request.form.get("submission_id", "")
    valid_id = issued_here(meeting, submission_id)

    def stored_before() -> bool:
        # Asked only off the common path: a first submission finds out when
        # its receipt is inserted (submission.AlreadySubmitted).
        return valid_id and submission.was_submitted(db_session(), submission_id)

    if answered.has_answered(code):
        if stored_before():
            return _thank(code)  # a retry of a stored form: it is already counted
        return render_template("participation/already_answered.html", meeting=meeting, questionnaire=questionnaire)

    sent = validate_submission(questionnaire, request.form.to_dict(flat=False), ignored_fields=CONTROL_FIELDS)
    form_errors = []
    if sent.unexpected_fields:
        form_errors.append(
            _(
                "The form contained fields that do not belong to it; they were ignored. Please check your answers and send again."
            )
        )
    if (request.content_length or 0) > current_app.config["SUBMISSION_BODY_LIMIT"]:
        form_errors.append(_("What you sent is too large. Please shorten your texts and send again."))
    access_code = normalised_access_code(request.form.get("access_code")) if meeting.needs_access_code else None
    code_error = None
    if meeting.needs_access_code and access_code is None:
        typed = request.form.get("access_code", "").strip()
        code_error = messages.access_code_message("unknown" if typed else "missing")
    # A form in parts goes back, on, or to its first page with errors; one
    # page, or the last, is sent once every page is valid.
    step = pages.next_step(questionnaire.pages, request.form.get("page"), request.form.get("step"), sent.errors)
    if not step.store and not step.errors:
        return _form_as_sent(meeting, questionnaire, submission_id, status=200, page=step.page)
    if step.page < len(questionnaire.pages):
        code_error = None  # the code is asked on the last page
    if form_errors or step.errors or code_error:
        if stored_before():
            return _thank(code)
        return _form_as_sent(
            meeting, questionnaire, submission_id, step.errors, form_errors, code_error=code_error, page=step.page
        )
    if not valid_id:
        # Made up, another meeting's, or from before the survey opened: nothing
        # is stored; a real phone gets its answers back with a fresh id.
        message = _("This form has expired. Your answers are all still here: please send them again.")
        return _form_as_sent(meeting, questionnaire, submission_id, form_errors=[message])

    wait = address_limit.wait(code)
    if wait is not None:
        message = _(
            "Very many answers came from your network just now. Your answers are all still here: please send them again in a few minutes."
        )
        page, status = _form_as_sent(meeting, questionnaire, submission_id, form_errors=[message], status=429)
        return page, status, {"Retry-After": str(wait)}

    version_id = meeting.questionnaire_version_id
    asked = (version_id, meeting.survey_access)
    code_digests = access_codes.digests(meeting.public_code, access_code) if access_code else ()
    session = writing()  # everything is checked: now the short write transaction
    try:
        now = settings.now()
        submission.submit_response(
            session,
            meeting,
            version_id,
            sent,
            language=g.language,
            submission_id=submission_id,
            now=now,
            today=settings.local_date(now),
            access_code_digests=code_digests,
        )
        session.commit()
        address_limit.count(code)
    except submission.AlreadySubmitted:
        session.rollback()  # the same form, sent before or twice at once: stored by the other request
    except submission.AccessCodeRefused:
        # Nothing is stored and the code stays as it was; say why.
        session.rollback()
        reason = submission.access_code_state(session, meeting.id, code_digests)
        return _form_as_sent(meeting, questionnaire, submission_id, code_error=messages.access_code_message(reason))
    except submission.SurveyNotOpen:
        # Closed in this very moment, or another questionnaire version or
        # access mode since: decide again on what the database says now.
        session.rollback()
        session.expire_all()
        meeting, questionnaire = _load(code)
        window_page = _window_page(meeting, questionnaire)
        if window_page is None and (meeting.questionnaire_version_id, meeting.survey_access) != asked:
            return _form_as_sent(meeting, questionnaire, submission_id)
        return window_page or render_template(
            "participation/closed.html",
            meeting=meeting,
            questionnaire=questionnaire,
            window=survey_window(meeting, settings.now()),
        )
    return _thank(code)


def _thank(code: str):
    # The language goes along in the address: participants have no session to keep it in.
    response = redirect(url_for(".thanks", code=code, lang=g.language), code=303)
    answered.mark_answered(response, code, path=f"{blueprint.url_prefix}/{code}", language=g.language)
    return response


@blueprint.get("/<code>/thanks")
def thanks(code: str):
    meeting, questionnaire = _load(code)
    return _kept_page(
        "thanks",
        meeting,
        questionnaire,
        lambda: render_template("participation/thanks.html", meeting=meeting, questionnaire=questionnaire),
    )
