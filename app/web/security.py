"""Security headers on every response.

The pages have no inline scripts or styles, so a strict Content-Security-Policy
costs nothing and turns any injected markup into inert text.  Pages carry
answers or results (the participant form, the workspace), so no browser or
proxy may keep a copy: ``no-store`` on everything but static files.
"""

from __future__ import annotations

from flask import Flask, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# One year; no includeSubDomains, as other services of the same domain may
# still be served over plain HTTP.
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    hsts = app.config["ENV"] != "development"

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        if hsts:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint != "static":
            headers.setdefault("Cache-Control", "no-store")
        return response
