"""Signed cookies, with their serializers made once per key instead of on
every request (Flask makes the session's anew for each, which is a good
part of what a participant's page costs)."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, unchanged but for the kept serializer."""

    def __init__(self):
        self._made_for: tuple | None = None
        self._serializer: URLSafeTimedSerializer | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys != self._made_for:
            self._serializer, self._made_for = super().get_signing_serializer(app), keys
        return self._serializer


@lru_cache(maxsize=8)
def serializer(secret_key: str, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=salt)
