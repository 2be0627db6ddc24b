"""A page of another site that sends the participant form (the attack a CSRF
token would stop): Chromium tells the app where the form came from, and the
app stores nothing and sets no cookie.  (From the survey's own page the same
form is taken: every journey in test_journeys.py.)"""

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.conftest import VALID_ANSWERS


def forged_page(action: str) -> bytes:
    fields = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
        for name, value in {**VALID_ANSWERS, "submission_id": "F" * 32}.items()
    )
    return (
        f'<!doctype html><title>Win a prize</title><form method="post" action="{html.escape(action)}">'
        f"{fields}<button>Claim</button></form>"
    ).encode()


@pytest.fixture
def other_site():
    """A server on another loopback port that serves whatever page the test sets."""
    served = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(served["page"])

        def log_message(self, *_args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield served, httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


# Another port is the same site but another origin; "localhost" is another site.
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_form_sent_from_another_site_is_refused(server, new_phone, other_site, host):
    served, port = other_site
    code = server.new_meeting()
    served["page"] = forged_page(server.url(f"/m/{code}"))
    page = new_phone(javascript=False)
    page.goto(f"http://{host}:{port}/")
    with page.expect_navigation() as navigation:
        page.locator("button").click()
    response = navigation.value
    assert urlsplit(response.url).port == urlsplit(server.base_url).port
    assert response.status == 403
    assert server.responses(code) == []
    assert page.context.cookies(server.base_url) == []
