"""The front door, ``/``: the network's name and a box for the code on the
poster, for whoever cannot scan its QR code.

A participant page like the form: no session, no cookie, the language in the
address.  Nothing typed here is logged or stored.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.db import db_session
from app.meetings.codes import ACCESS_CODE_LENGTH, could_be_code, survey_window, typed_public_code
from app.network import settings
from app.participation import submission

blueprint = Blueprint("front_door", __name__, template_folder="templates")


@blueprint.record_once
def _set_up(state):
    interface = state.app.session_interface
    interface.sessionless_pages = interface.sessionless_pages | {"/"}


@blueprint.get("/")
def enter():
    settings.speak_network_language()
    typed = request.args.get("code", "")
    if not typed.strip():
        return render_template("participation/front_door.html", typed="", problem=None)
    code = typed_public_code(typed)
    problem = _why_not(code)
    if problem is None:
        return redirect(url_for("participation.show_form", code=code, lang=g.language))
    return render_template("participation/front_door.html", typed=typed[:40], problem=problem), 404


def _why_not(code: str) -> str | None:
    """Why this code does not lead to a form, in the visitor's words; None when it does."""
    if len(code) == ACCESS_CODE_LENGTH:
        return _(
            "This looks like a personal access code from a card. Please type the code from the poster, "
            "or scan the QR code on your card."
        )
    found = submission.meeting_by_code(db_session(), code) if could_be_code(code) else None
    if found is None:
        return _("There is no survey with this code. Please check the code on the poster and try again.")
    if survey_window(found[0], settings.now()).state == "closed":
        return _("The survey of this meeting has closed. Thank you for your interest.")
    return None
