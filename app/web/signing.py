"""Signed cookies, with their serializers made once per key instead of on
every request (Flask makes the session's anew for each, which is a good
part of what a participant's page costs)."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer


def keys(app: Flask) -> tuple:
    """The keys a cookie may be signed with, the current one last (it signs)."""
    return (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, unchanged but for the kept serializer."""

    def __init__(self):
        self._made_for: tuple | None = None
        self._serializer: URLSafeTimedSerializer | None = None

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
