"""Signed cookies, with their serializers made once per key instead of on
every request (Flask makes the session's anew for each, which is a good
part of what a participant's page costs)."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer


def keys(app: Flask) -> tuple:
    """The keys a cookie may be signed with, the current one last (it signs)."""
    return (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session with the serializer kept, and none at all
    for a browser without a session cookie under ``sessionless_paths``."""

    def __init__(self):
        self._made_for: tuple | None = None
        self._serializer: URLSafeTimedSerializer | None = None
        self.sessionless_paths: tuple[str, ...] = ()

    def open_session(self, app: Flask, request) -> SessionMixin | None:
        if request.path.startswith(self.sessionless_paths) and self.get_cookie_name(app) not in request.cookies:
            # Read as empty, never saved (Flask skips a null session); writing
            # to it would fail loudly rather than set a cookie unasked.
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if keys(app) != self._made_for:
            self._serializer, self._made_for = super().get_signing_serializer(app), keys(app)
        return self._serializer


def serializer(app: Flask, salt: str) -> URLSafeSerializer:
    """A serializer for a cookie of our own, with the app's keys."""
    return _serializer(keys(app), salt)


@lru_cache(maxsize=8)
def _serializer(secret_keys: tuple, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(list(secret_keys), salt=salt)


def signed(app: Flask, salt: str, value: str) -> str:
    """``value`` signed for a cookie of our own.  Unlike the session's, these
    signatures carry no time, so the same value always gives the same text:
    made once per key and value (every participant of a meeting gets the
    same "answered" marker)."""
    return _signed(keys(app), salt, value)


@lru_cache(maxsize=1024)
def _signed(secret_keys: tuple, salt: str, value: str) -> str:
    return _serializer(secret_keys, salt).dumps(value)
