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
    always = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        # Nothing leaves for other sites; our own form's POST carries our real
        # Origin (under no-referrer it would be "null"), see participation/origin.py.
        ("Referrer-Policy", "same-origin"),
    ]
    if app.config["ENV"] != "development":
        always.append(("Strict-Transport-Security", HSTS))
    pages = [*always, ("Cache-Control", "no-store")]

    @app.after_request
    def _security_headers(response):
        # One look at the headers already set (a view may set its own), not
        # one search per header: this runs for every response.
        present = {name.lower() for name in response.headers.keys()}
        for name, value in always if request.endpoint == "static" else pages:
            if name.lower() not in present:
                response.headers.add(name, value)
        return response
