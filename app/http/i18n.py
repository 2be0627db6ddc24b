"""Which language a page speaks, and the start-up check of the catalogues.

Order of precedence: an explicit choice (the language a participant's form
was switched to or shown in, or ``?lang=xx``), the choice remembered for this
browser (in the signed session cookie, or for a participant who has answered,
in the answered marker), the browser's ``Accept-Language``, and finally the
default.  A participant page narrows the candidates to the languages both the
network and the questionnaire speak, and remembers nothing: participants
get no session cookie, so their choice travels with the page (the links, the
form's ``language`` field, the address of the thank-you page).  Participant
pages are those under the session interface's ``sessionless_paths``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import Flask, current_app, g, request, session

REMEMBERED = "lang"
# Message ids in the code are English; every other language needs a catalogue.
SOURCE_LANGUAGE = "en"


def participant_page() -> bool:
    """A page for participants (the form, the privacy notice): no session, every language."""
    return current_app.session_interface.is_sessionless(request.path)


def choose_language(
    offered: Sequence[str], default: str, *, explicit: str | None = None, remembered: str | None = None
) -> str:
    """``explicit`` overrides ``?lang=``; a form passes the language it was shown in.
    In the workspace a language chosen with ``?lang=`` is remembered for the next pages;
    a participant page may pass one it remembers otherwise (``remembered``)."""
    if explicit in offered:
        return explicit
    chosen = request.args.get("lang")
    if chosen in offered:
        if not participant_page() and session.get(REMEMBERED) != chosen:
            session[REMEMBERED] = chosen
        return chosen
    remembered = remembered or session.get(REMEMBERED)
    if remembered in offered:
        return remembered
    return request.accept_languages.best_match(offered) or default


def use_language(language: str) -> None:
    """Make this request render in ``language`` (see :func:`select_locale`)."""
    g.language = language
    from flask_babel import refresh

    refresh()


def select_locale() -> str:
    if "language" not in g:
        # Participants may read every language; the workspace speaks German and English.
        languages = current_app.config["LANGUAGES" if participant_page() else "STAFF_LANGUAGES"]
        g.language = choose_language(languages, current_app.config["BABEL_DEFAULT_LOCALE"])
    return g.language


def check_catalogues(app: Flask) -> None:
    """Refuse to start when a configured language has no compiled catalogue."""
    directory = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    missing = [
        language
        for language in app.config["LANGUAGES"]
        if language != SOURCE_LANGUAGE and not (directory / language / "LC_MESSAGES" / "messages.mo").exists()
    ]
    if missing:
        raise RuntimeError(
            f"No compiled translation catalogue for {', '.join(missing)} in {directory}; "
            "run 'make translations' (pybabel compile -d translations)."
        )
