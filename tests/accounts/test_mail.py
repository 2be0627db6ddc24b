"""A link to set a password is also mailed when an SMTP server is set up:
tested against a real SMTP server on this machine (aiosmtpd)."""

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.models import User
from tests.conftest import PASSWORDS, login, token


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_SECURITY="none", MAIL_SENDER="resonanz@example.org"
    )
    yield handler
    controller.stop()


@pytest.fixture
def admin(app, staff):
    client = app.test_client()
    login(client, "admin", PASSWORDS["admin"])
    client.get("/workspace/?lang=en")
    return client


def post(client, path, **data):
    return client.post(path, data={"csrf_token": token(client, "/workspace/users/"), **data})


def test_a_new_account_with_an_address_gets_its_link_by_mail(admin, inbox):
    page = post(admin, "/workspace/users/new", username="maria", role="evaluator", email="maria@example.org")
    html = page.get_data(as_text=True)
    link = re.search(r'<p class="link"><bdi>(http://localhost/password-reset/[^<]+)</bdi>', html).group(1)
    assert "The link was also sent to maria@example.org." in html
    (sent,) = inbox.messages
    assert sent.mail_from == "resonanz@example.org" and sent.rcpt_tos == ["maria@example.org"]
    body = sent.content.decode()
    assert link in body and "Hello maria," in body and "Subject: Set your password" in body


def test_without_an_address_or_a_server_nothing_is_mailed(app, db, admin, inbox):
    post(admin, "/workspace/users/new", username="ohne", role="evaluator")
    app.config["MAIL_SERVER"] = ""
    post(admin, "/workspace/users/new", username="mit", role="evaluator", email="mit@example.org")
    assert inbox.messages == []


def test_a_failed_mail_still_shows_the_link(app, db, admin, staff):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SECURITY="none")  # nobody listens
    evaluator = db.scalars(select(User).filter_by(username="evaluator")).one()
    assert post(admin, f"/workspace/users/{evaluator.id}/email", email="eva@example.org").status_code == 302
    page = post(admin, f"/workspace/users/{evaluator.id}/reset-link")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/password-reset/" in html
    assert "could not be sent: please hand the link over yourself" in html


@pytest.mark.parametrize("email", ["maria", "maria@localhost", "ma ria@example.org", "maria@example.org\r\nBcc: x@y.z"])
def test_an_address_that_is_none_is_refused_beside_the_field(db, admin, email):
    refused = post(admin, "/workspace/users/new", username="maria", role="evaluator", email=email)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert '<p class="error" id="email-error">This is not an e-mail address.</p>' in html and 'value="maria"' in html
    evaluator = db.scalars(select(User).filter_by(username="evaluator")).one()
    assert post(admin, f"/workspace/users/{evaluator.id}/email", email=email).status_code == 422
    db.rollback()
    assert db.scalars(select(User.email).filter_by(username="evaluator")).one() is None


def test_a_server_without_the_encryption_asked_for_gets_no_mail(app, db, admin, inbox):
    """STARTTLS is the default: a server that does not offer it is not sent the link in the clear."""
    app.config["MAIL_SECURITY"] = "starttls"
    page = post(admin, "/workspace/users/new", username="maria", role="evaluator", email="maria@example.org")
    assert "could not be sent" in page.get_data(as_text=True) and inbox.messages == []
