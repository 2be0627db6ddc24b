"""Error pages: every failure gets a friendly page in the reader's language."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def _page(status: int, title: str, text: str):
    return render_template("message.html", title=title, text=text), status


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_error):
        return _page(404, _("Page not found"),
                     _("This address does not exist. Please check the link or scan the QR code again."))

    @app.errorhandler(413)
    def too_large(_error):
        return _page(413, _("Too much data"),
                     _("What was sent is far larger than any answer to this form. Please go back and shorten your text."))

    @app.errorhandler(HTTPException)
    def other_http_error(error):
        return _page(error.code or 400, _("Something did not work"),
                     _("The request could not be handled. Please go back and try again."))

    @app.errorhandler(500)
    def server_error(_error):
        return _page(500, _("Something went wrong on our side"),
                     _("Please try again in a moment. If you were filling in a form, go back: your answers are still there."))
