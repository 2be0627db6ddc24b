"""Who is logged in, for how long, and which roles may see a page.

A staff session cookie names the account and its session token
("id:token", Flask-Login's alternative id).  Every request compares the
token with the account's: a new token (logout, new password, deactivation,
role change, an admin ending the sessions) ends every session of the account
at once, copied cookies included.  A session also ends after
``STAFF_SESSION_IDLE_MINUTES`` without a request and
``STAFF_SESSION_MAX_HOURS`` after its login.
"""

from __future__ import annotations

import datetime as dt
import hmac
from functools import wraps

from flask import abort, current_app, request, session
from flask_login import UserMixin, current_user, login_required, login_user

from app.accounts import security_log
from app.accounts.security_log import Actor
from app.db import db_session, writing
from app.extensions import login_manager
from app.http import i18n
from app.models import User
from app.network.settings import now

LOGGED_IN_AT = "staff_login_at"
SEEN_AT = "staff_seen_at"
# The last request is noted at most once a minute, so the cookie is not
# rewritten on every page.
SEEN_RESOLUTION = 60
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", LOGGED_IN_AT, SEEN_AT)


def actor(name: str | None) -> Actor:
    """A web request's actor: ``name`` when acting on another account (an
    admin), ``None`` when the account acts itself."""
    return Actor(name, "web", now(), current_app.config["SECURITY_LOG_DAYS"])


class StaffUser(UserMixin):
    """What a request knows of the logged-in account (not the database row)."""

    def __init__(self, user: User):
        self.id = user.id
        self.username = user.username
        self.role = user.role
        self.session_token = user.session_token

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def may(self, *roles: str) -> bool:
        """Whether this account acts in one of ``roles``; admins act in every role."""
        return self.role in roles or self.role == "admin"


def start_session(user: User) -> None:
    """Log ``user`` in with a fresh session: nothing from before survives
    but the language chosen."""
    language = session.get(i18n.REMEMBERED)
    session.clear()
    if language:
        session[i18n.REMEMBERED] = language
    login_user(StaffUser(user))
    session[LOGGED_IN_AT] = session[SEEN_AT] = _seconds(now())


def _seconds(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=dt.UTC).timestamp())


@login_manager.user_loader
def _load_user(alternative_id: str):
    user_id, _, token = alternative_id.partition(":")
    user = db_session().get(User, int(user_id)) if user_id.isdigit() and token else None
    if (
        user is None
        or not user.active
        or not hmac.compare_digest(user.session_token, token)
        or not _session_still_fresh()
    ):
        for key in _LOGIN_KEYS:
            session.pop(key, None)
        return None
    return StaffUser(user)


def _session_still_fresh() -> bool:
    config = current_app.config
    at = _seconds(now())
    logged_in, seen = session.get(LOGGED_IN_AT), session.get(SEEN_AT)
    if not isinstance(logged_in, int) or not isinstance(seen, int):
        return False
    if (
        at - seen > config["STAFF_SESSION_IDLE_MINUTES"] * 60
        or at - logged_in > config["STAFF_SESSION_MAX_HOURS"] * 3600
    ):
        return False
    if at - seen >= SEEN_RESOLUTION:
        session[SEEN_AT] = at
    return True


def role_required(*roles: str):
    """Only logged-in accounts with one of ``roles`` may pass; admins always
    may.  A refusal goes into the security log."""

    def decorate(view):
        @wraps(view)
        @login_required
        def checked(*args, **kwargs):
            if not current_user.may(*roles):
                write = writing()
                account = write.get(User, current_user.id)
                security_log.record(write, actor(None), "forbidden", account, detail=f"{request.method} {request.path}")
                write.commit()
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate
