"""What the server signs for participants: the submission ids it issues and
the "answered" marker.  Signed with the current SECRET_KEY; former keys
(SECRET_KEY_FALLBACKS) still verify, so a key change loses nobody's form."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SUBMISSION_ID_SALT = "submission-id"


def serializer(salt: str) -> URLSafeSerializer:
    # Former keys first, the current one last: it signs, all of them verify.
    keys = [*current_app.config["SECRET_KEY_FALLBACKS"], current_app.secret_key]
    return URLSafeSerializer(keys, salt=salt)


def new_submission_id(code: str, issued_on: dt.date) -> str:
    """An id for one copy of a meeting's form: it binds the meeting and the
    day it was issued, and a random part makes each copy its own."""
    return serializer(SUBMISSION_ID_SALT).dumps([code, issued_on.isoformat(), secrets.token_urlsafe(12)])


def issued_on(submission_id: str, code: str) -> dt.date | None:
    """The day ``submission_id`` was issued for the meeting ``code``; None when
    this server never issued it, or issued it for another meeting."""
    try:
        payload = serializer(SUBMISSION_ID_SALT).loads(submission_id)
        issued_for, day, _random = payload
        return dt.date.fromisoformat(day) if issued_for == code else None
    except (BadSignature, ValueError, TypeError):
        return None
