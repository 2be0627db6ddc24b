"""Flask's signed-cookie sessions, and none at all for a browser without a
session cookie under ``sessionless_paths`` (the participant pages: a
participant gets no cookie before answering)."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface, SessionMixin


class CookieSessions(SecureCookieSessionInterface):
    def __init__(self):
        self.sessionless_paths: tuple[str, ...] = ()  # prefixes
        self.sessionless_pages: frozenset[str] = frozenset()  # whole paths, such as "/"

    def is_sessionless(self, path: str) -> bool:
        return path in self.sessionless_pages or path.startswith(self.sessionless_paths)

    def open_session(self, app: Flask, request) -> SessionMixin | None:
        if self.is_sessionless(request.path) and self.get_cookie_name(app) not in request.cookies:
            # Read as empty, never saved (Flask skips a null session); writing
            # to it would fail loudly rather than set a cookie unasked.
            return self.make_null_session(app)
        return super().open_session(app, request)
