"""Mailing a link to set a password, when an SMTP server is configured
(``MAIL_SERVER``; see docs/operations.md).  Without one nothing is sent: the
admin hands the link over, which always works.  Nothing here is ever
about participants."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

log = logging.getLogger(__name__)


class MailFailed(Exception):
    pass


def configured(config) -> bool:
    return bool(config.get("MAIL_SERVER"))


def send(config, *, to: str, subject: str, body: str) -> None:
    """One plain-text mail through the configured server; :class:`MailFailed` when it cannot be sent."""
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    host, port, security = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_SECURITY"]
    try:
        connect = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
        options = {"context": ssl.create_default_context()} if security == "ssl" else {}
        with connect(host, port, timeout=config["MAIL_TIMEOUT_SECONDS"], **options) as server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        # The address is staff data: the log names only what went wrong.
        log.warning("mail to an account could not be sent: %s", type(exc).__name__)
        raise MailFailed(type(exc).__name__) from exc
