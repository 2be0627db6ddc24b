"""QR codes of a meeting's participant link (segno), for slides and print."""

from __future__ import annotations

import io

import segno
from flask import current_app, url_for

# High error correction survives a smudged print or a logo-free projector glare.
ERROR_CORRECTION = "h"


def participant_url(meeting) -> str:
    """The meeting's link as printed: from PUBLIC_URL, never from the request's Host."""
    public_url = current_app.config["PUBLIC_URL"]
    if public_url:
        return public_url + url_for("participation.show_form", code=meeting.public_code)
    return url_for("participation.show_form", code=meeting.public_code, _external=True)


def qr_code(meeting) -> segno.QRCode:
    return segno.make(participant_url(meeting), error=ERROR_CORRECTION, micro=False)


def qr_svg(meeting, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    qr_code(meeting).save(buffer, kind="svg", scale=scale, border=4, xmldecl=False, title=participant_url(meeting))
    return buffer.getvalue()


def qr_png(meeting, *, scale: int = 16) -> bytes:
    buffer = io.BytesIO()
    qr_code(meeting).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
