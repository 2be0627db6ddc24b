"""The "answered" marker: a signed cookie that says only "this browser
answered meeting X, in language L", so a second submission is refused
politely, in the language the participant chose.  It is the
one cookie a participant ever gets, and only after answering."""

from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature
from werkzeug.wrappers import Response

from app.participation.signed import serializer

COOKIE = "resonanz_answered"
SALT = "answered-meeting"


def _marker() -> dict:
    """What this browser's marker says: the meeting answered and the language it was answered in."""
    marker = request.cookies.get(COOKIE)
    if not marker:
        return {}
    try:
        said = serializer(SALT).loads(marker)
    except BadSignature:
        return {}
    if isinstance(said, str):  # a marker from before it kept the language
        return {"meeting": said}
    return said if isinstance(said, dict) else {}


def has_answered(code: str) -> bool:
    return _marker().get("meeting") == code


def answered_in(code: str) -> str | None:
    """The language this browser answered ``code``'s form in, if it has."""
    said = _marker()
    return said.get("language") if said.get("meeting") == code else None


def mark_answered(response: Response, code: str, path: str, language: str) -> None:
    response.set_cookie(
        COOKIE,
        serializer(SALT).dumps({"meeting": code, "language": language}),
        max_age=current_app.config["ANSWERED_COOKIE_MAX_AGE"],
        path=path,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
