"""The "answered" marker: a signed cookie that says only "this browser
answered meeting X", so a second submission is refused politely.  It is the
one cookie a participant ever gets, and only after answering."""

from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature
from werkzeug.wrappers import Response

from app.participation.signed import serializer

COOKIE = "resonanz_answered"
SALT = "answered-meeting"


def has_answered(code: str) -> bool:
    marker = request.cookies.get(COOKIE)
    if not marker:
        return False
    try:
        return serializer(SALT).loads(marker) == code
    except BadSignature:
        return False


def mark_answered(response: Response, code: str, path: str) -> None:
    response.set_cookie(
        COOKIE,
        serializer(SALT).dumps(code),
        max_age=current_app.config["ANSWERED_COOKIE_MAX_AGE"],
        path=path,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
