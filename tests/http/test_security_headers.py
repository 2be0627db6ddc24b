"""Security headers on every response, one test per header; the strict
Content-Security-Policy breaks no page (none has inline scripts or styles);
ProxyFix trusts exactly PROXY_HOPS proxies."""

from __future__ import annotations

import re

import pytest

from app import create_app
from tests.conftest import VALID_ANSWERS, login, open_form, route_url


@pytest.fixture
def responses(client, meeting, staff):  # noqa: F811
    """One response of each kind: participant pages (GET, POST with errors,
    POST stored, thanks), errors, the login page, the workspace, a static file."""
    code = meeting.public_code
    page = open_form(client, code)
    got = {
        "form": client.get(f"/m/{code}"),
        "form with errors": client.post(f"/m/{code}", data=page.fields({"satisfaction": "9"})),
        "stored": client.post(f"/m/{code}", data=page.fields(VALID_ANSWERS)),
        "thanks": client.get(f"/m/{code}/thanks"),
        "not found": client.get("/m/nosuchcode"),
        "login": client.get("/login"),
        "static": client.get("/static/style.css"),
    }
    assert login(client, "admin", "admin-password-1").status_code == 302
    got["workspace"] = client.get("/workspace/")
    got["report"] = client.get(f"/workspace/reports/{meeting.questionnaire_version_id}")
    assert got["workspace"].status_code == 200 and got["stored"].status_code == 303
    return got


def _directives(policy: str) -> dict[str, set[str]]:
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        parsed[name] = set(sources)
    return parsed


def test_content_security_policy_on_every_response(responses):
    """Read from each response as a browser would: no inline script or style,
    no plugins, no framing, forms only to this site."""
    for name, response in responses.items():
        policy = _directives(response.headers["Content-Security-Policy"])
        assert policy["default-src"] == {"'self'"}, name
        assert policy["object-src"] == {"'none'"}, name
        assert policy["base-uri"] == {"'none'"}, name
        assert policy["frame-ancestors"] == {"'none'"}, name
        assert policy["form-action"] == {"'self'"}, name
        for fetch in ("script-src", "style-src"):  # absent: default-src 'self' governs
            assert not policy.get(fetch, set()) & {"'unsafe-inline'", "'unsafe-eval'", "*"}, name


def test_nosniff_on_every_response(responses):
    for name, response in responses.items():
        assert response.headers["X-Content-Type-Options"] == "nosniff", name


def test_no_referrer_on_every_response(responses):
    for name, response in responses.items():
        assert response.headers["Referrer-Policy"] == "same-origin", name


def test_no_store_on_pages_with_answers_or_results(responses):
    for name, response in responses.items():
        if name != "static":
            assert response.headers["Cache-Control"] == "no-store", name
    # Stylesheets may be cached: they hold nobody's answers.
    assert "no-store" not in responses["static"].headers.get("Cache-Control", "")


def test_hsts_outside_development_only(database_url, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers  # tests run as development
    production = create_app(
        {"TESTING": True, "ENV": "production", "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"}
    )
    try:
        hsts = production.test_client().get("/login").headers["Strict-Transport-Security"]
        assert int(re.fullmatch(r"max-age=(\d+)", hsts).group(1)) >= 180 * 24 * 3600
    finally:
        production.extensions["resonanz.db"].dispose()


def test_request_body_is_limited(client, meeting):
    response = client.post(
        f"/m/{meeting.public_code}", data={"comment": "z" * (client.application.config["MAX_CONTENT_LENGTH"] + 1)}
    )
    assert response.status_code == 413


# A script is allowed only as a file of our own (src="/static/…"), never inline.
INLINE = re.compile(r"<script(?![^>]*\ssrc=\"/static/)|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I)


def test_no_page_needs_what_the_policy_forbids(app, client, meeting, staff):  # noqa: F811
    """Every GET page, as a participant and as an admin: no inline script (only our own files),
    style element, style attribute or event handler, which the CSP would block."""
    page = open_form(client, meeting.public_code)
    pages = {
        "form with errors": client.post(
            f"/m/{meeting.public_code}", data=page.fields({"comment": "<b>x</b>"})
        ).get_data(as_text=True)
    }
    assert login(client, "admin", "admin-password-1").status_code == 302
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        try:
            url = route_url(rule, meeting)
        except KeyError:
            continue  # an argument with no sample value
        response = client.get(url)
        if response.mimetype == "text/html":
            pages[url] = response.get_data(as_text=True)
    assert f"/m/{meeting.public_code}" in pages and "/workspace/" in pages
    for url, html in pages.items():
        tags = re.findall(r"<[a-zA-Z][^>]*>", html)
        offending = [tag for tag in tags if INLINE.search(tag)]
        assert offending == [], url


def test_proxy_fix_trusts_the_configured_hops_only(database_url, meeting):
    """Behind one TLS proxy (PROXY_HOPS=1) the app knows the request was HTTPS
    and marks its cookies Secure; without PROXY_HOPS the header is ignored."""

    def answered_cookie(hops: int) -> str:
        app = create_app(
            {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "PROXY_HOPS": hops}
        )
        try:
            client = app.test_client()
            https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}
            page = open_form(client, meeting.public_code)
            response = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS), headers=https)
            assert response.status_code == 303
            return next(
                value for value in response.headers.getlist("Set-Cookie") if value.startswith("resonanz_answered=")
            )
        finally:
            app.extensions["resonanz.db"].dispose()

    assert "Secure" in answered_cookie(1)
    assert "Secure" not in answered_cookie(0)
