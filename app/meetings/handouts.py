"""QR codes of a meeting's participant link (segno), and the printed
handouts: an A4 poster and A6 cards, four to a sheet, as the browser's print
page and as a PDF made on the server (app/printing.py).

Cards with access codes carry one code each; the codes exist in clear only
while the cards are made (app/meetings/access_codes.py), so their PDF is
made from the codes just made, never from the database, and making it
records nothing.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app import printing
from app.languages import SUPPORTED_LANGUAGES, direction, pick
from app.meetings import codes
from app.network import settings
from app.questionnaires.versions import questionnaire_of

# High error correction survives a smudged print or a logo-free projector glare.
ERROR_CORRECTION = "h"
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def participant_url(meeting) -> str:
    """The meeting's link as printed: from PUBLIC_URL, never from the request's Host."""
    public_url = current_app.config["PUBLIC_URL"]
    if public_url:
        return public_url + url_for("participation.show_form", code=meeting.public_code)
    return url_for("participation.show_form", code=meeting.public_code, _external=True)


def code_link(meeting, code: str) -> str:
    """The link a card's QR code carries: the meeting's link with the access code."""
    return f"{participant_url(meeting)}?code={codes.shown_access_code(code)}"


def short_link(link: str) -> str:
    """The link as people type it: without the scheme."""
    return link.split("://", 1)[-1]


def qr_code(meeting) -> segno.QRCode:
    return _qr(participant_url(meeting))


def _qr(link: str) -> segno.QRCode:
    return segno.make(link, error=ERROR_CORRECTION, micro=False)


def qr_svg(meeting, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    qr_code(meeting).save(
        buffer, kind="svg", scale=scale, border=QUIET_ZONE, xmldecl=False, title=participant_url(meeting)
    )
    return buffer.getvalue()


def qr_png(meeting, *, scale: int = 16) -> bytes:
    buffer = io.BytesIO()
    qr_code(meeting).save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return buffer.getvalue()


def scalable_svg(link: str) -> Markup:
    """The QR code of ``link`` as inline SVG that scales to its box: a viewBox
    and no fixed size, the quiet zone inside, square modules without seams."""
    buffer = io.BytesIO()
    _qr(link).save(
        buffer,
        kind="svg",
        border=QUIET_ZONE,
        xmldecl=False,
        svgns=True,
        omitsize=True,
        svgclass="qr-code",
        nl=False,
        title=link,
    )
    return Markup(buffer.getvalue().decode())


# --- the handout -------------------------------------------------------------


class NoSurveyWindow(Exception):
    """The meeting's survey has no closing time, which the handout prints."""


class UnknownLanguage(Exception):
    """A handout in a language Resonanz does not ship."""


@dataclass(frozen=True)
class Card:
    link: str
    svg: Markup
    code: str | None = None  # as printed, on a card with an access code


@dataclass(frozen=True)
class Handout:
    language: str
    direction: str
    title: str  # the questionnaire's
    meeting_title: str
    date: object
    place: str
    closes_at: object  # UTC
    organiser: str
    invitations: tuple[tuple[str, str], ...]  # (language, line) for each language offered
    link: str
    short_link: str
    svg: Markup


def invitation_lines(questionnaire) -> tuple[tuple[str, str], ...]:
    """The invitation in each language the participant pages offer: the network's and the questionnaire's."""
    lines = []
    for language in settings.participant_languages(questionnaire)[0]:
        with force_locale(language):
            lines.append((language, _("Your opinion counts: scan the code and answer anonymously in three minutes.")))
    return tuple(lines)


def handout_of(meeting, language: str) -> Handout:
    """What the poster and the cards of ``meeting`` say, labelled in ``language``."""
    if language not in SUPPORTED_LANGUAGES:
        raise UnknownLanguage(language)
    if meeting.closes_at is None:
        raise NoSurveyWindow
    questionnaire = questionnaire_of(meeting.questionnaire_version)
    network = settings.current()
    link = participant_url(meeting)
    return Handout(
        language=language,
        direction=direction(language),
        title=pick(questionnaire.title, language, questionnaire.default_language).text,
        meeting_title=meeting.title,
        date=meeting.date,
        place=meeting.place,
        closes_at=meeting.closes_at,
        organiser=network.operator_name or network.name,
        invitations=invitation_lines(questionnaire),
        link=link,
        short_link=short_link(link),
        svg=scalable_svg(link),
    )


CARDS_PER_SHEET = 4


def sheets_of(cards: list[Card]) -> list[list[Card]]:
    return [cards[start : start + CARDS_PER_SHEET] for start in range(0, len(cards), CARDS_PER_SHEET)]


def open_link_cards(handout: Handout) -> list[Card]:
    return [Card(handout.link, handout.svg)] * CARDS_PER_SHEET


def access_code_cards(meeting, made: Iterable[str]) -> list[Card]:
    """One card per code, in random order, with no number: nothing on a card
    tells which came first."""
    shuffled = list(made)
    secrets.SystemRandom().shuffle(shuffled)
    cards = []
    for code in shuffled:
        link = code_link(meeting, code)
        cards.append(Card(link, scalable_svg(link), codes.shown_access_code(code)))
    return cards


def _document(handout: Handout, *, poster: bool, cards: list[Card]) -> str:
    with force_locale(handout.language):
        return render_template(
            "meetings/handout_document.html",
            handout=handout,
            poster=poster,
            sheets=sheets_of(cards),
            title=_("QR handout"),
        )


def handout_pdf(meeting, language: str) -> bytes:
    """The A4 poster, then a sheet of four A6 cards."""
    handout = handout_of(meeting, language)
    return printing.pdf_of(_document(handout, poster=True, cards=open_link_cards(handout)))


def access_code_cards_pdf(meeting, made: Iterable[str], language: str) -> bytes:
    """One A6 card per code, four to a sheet."""
    if not meeting.needs_access_code:
        raise codes.NotForOpenLink
    handout = handout_of(meeting, language)
    return printing.pdf_of(_document(handout, poster=False, cards=access_code_cards(meeting, made)))
