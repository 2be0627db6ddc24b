"""Error pages: every failure gets a friendly page in the reader's language."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.http import HTTP_STATUS_CODES

from app.db import UNAVAILABLE, rollback_quietly
from app.http.i18n import choose_language, use_language

# Path prefixes answered in JSON rather than with a page (an API's), added by
# the feature that serves them.
JSON_PATHS = "resonanz.json_error_paths"


def _page(status: int, title: str, text: str, error: HTTPException | None = None):
    # An HTTP error's own headers stay (Retry-After of a 429, Allow of a 405).
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"] if error else []
    if request.path.startswith(current_app.extensions.get(JSON_PATHS, ())):
        code = HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_")
        return {"error": code, "message": text}, status, headers
    return render_template("message.html", title=title, text=text), status, headers


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_error):
        return _page(
            404, _("Page not found"), _("This address does not exist. Please check the link or scan the QR code again.")
        )

    @app.errorhandler(413)
    def too_large(_error):
        return _page(
            413,
            _("Too much data"),
            _("What was sent is far larger than any answer to this form. Please go back and shorten your text."),
        )

    @app.errorhandler(429)
    def too_many_attempts(error):
        return _page(
            429,
            _("Too many attempts"),
            _("There were too many login attempts. Please wait a minute and try again."),
            error,
        )

    @app.errorhandler(SecurityError)
    def unknown_host(_error):
        # A Host header the app does not answer for (TRUSTED_HOSTS): no page of
        # ours, since every link on it would be built for that host.
        return "Unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def other_http_error(error):
        return _page(
            error.code or 400,
            _("Something did not work"),
            _("The request could not be handled. Please go back and try again."),
            error,
        )

    @app.errorhandler(500)
    def server_error(_error):
        return _page(
            500,
            _("Something went wrong on our side"),
            _("Please try again in a moment. If you were filling in a form, go back: your answers are still there."),
        )

    for unavailable in UNAVAILABLE:
        app.register_error_handler(unavailable, _database_unavailable)


# Seconds after which a client (or a proxy's health check) may try again.
RETRY_AFTER = "10"


def _database_unavailable(_error):
    """The database is down or busy.  A participant's POST that failed before
    the questionnaire could be read comes back as a "send again" page that
    carries every field it sent; anything else gets a friendly 503."""
    session = g.get("db_session")
    if session is not None:
        rollback_quietly(session)
    if "_login_user" not in g:
        # Flask-Login would read the account to render this page; it cannot
        # now, so the page is rendered for nobody in particular.
        g._login_user = current_app.login_manager.anonymous_user()
    fields = _posted_participant_fields()
    if fields:
        config = current_app.config
        use_language(
            choose_language(config["LANGUAGES"], config["BABEL_DEFAULT_LOCALE"], explicit=request.form.get("language"))
        )
        body = render_template(
            "participation/send_again.html",
            fields=fields,
            action=request.path,
            title=_("Your answers are not saved yet"),
        )
    else:
        body = render_template(
            "message.html", title=_("The service is briefly unavailable"), text=_("Please try again in a moment.")
        )
    return body, 503, {"Retry-After": RETRY_AFTER}


def _posted_participant_fields() -> list[tuple[str, str]]:
    if request.method != "POST" or request.blueprint != "participation":
        return []
    try:
        return [(name, value) for name, values in request.form.lists() for value in values]
    except HTTPException:  # a body too large to read: nothing to carry
        return []
