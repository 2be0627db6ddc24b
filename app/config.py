"""Configuration from environment variables; SQLite in ``instance/`` by default."""

from __future__ import annotations

import os
from pathlib import Path

from app import clock

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = PROJECT_ROOT / "instance" / "resonanz.sqlite3"


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from None


def _choice_env(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip() or default
    if value not in choices:
        raise RuntimeError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


class Config:
    ENV = os.environ.get("RESONANZ_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Former keys, comma-separated: cookies signed with them stay valid while
    # a new SECRET_KEY takes over (docs/operations.md, "Changing the secret key").
    SECRET_KEY_FALLBACKS = [key.strip() for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key.strip()]
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_DATABASE}")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Connections each server process keeps open to PostgreSQL (and may add
    # for a moment); see docs/operations.md for sizing several machines.
    DB_POOL_SIZE = _int_env("DB_POOL_SIZE", 5)
    DB_MAX_OVERFLOW = _int_env("DB_MAX_OVERFLOW", 5)
    SQLITE_BUSY_TIMEOUT_MS = _int_env("SQLITE_BUSY_TIMEOUT_MS", 15_000)
    # How many reverse proxies stand in front (X-Forwarded-* are trusted from
    # that many hops); 0 = none, the headers are ignored.
    PROXY_HOPS = _int_env("PROXY_HOPS", 0)
    QUESTIONNAIRE_DIR = str(PROJECT_ROOT / "questionnaires")

    # A participant's whole submission fits easily in 64 KB; anything larger is
    # answered with a friendly form page (see web/participant), and bodies above
    # the hard cap are refused before they are read.
    SUBMISSION_BODY_LIMIT = 64 * 1024
    MAX_CONTENT_LENGTH = 1024 * 1024

    # The workspace's forms (participants have no token, see
    # web/participant/origin.py): a token stays valid for a day.
    WTF_CSRF_TIME_LIMIT = 24 * 3600
    WTF_I18N_ENABLED = True

    BABEL_DEFAULT_LOCALE = "de"
    # The network's time zone: meeting times are typed and shown in it, and
    # "today" (a response's day, report and export defaults) is its date.
    TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
    BABEL_DEFAULT_TIMEZONE = TIME_ZONE
    # Where every page and command takes "now" from (naive UTC; today's date
    # follows from it and TIME_ZONE).  A setting rather than a fixed call so
    # that a test can run the real pages at a chosen moment, 23:30 on
    # 31 December in Berlin, without patching the app's internals.
    CLOCK = staticmethod(clock.utcnow)
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = ("de", "en", "tr", "ar", "ru", "uk", "fa", "fr")
    STAFF_LANGUAGES = ("de", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = ENV != "development"
    # Where participants reach the service (e.g. https://umfrage.example.org):
    # handout links and QR codes are built from it, never from a request's
    # Host header, and in production the app answers only its host and
    # ALLOWED_HOSTS (comma-separated further names, e.g. an internal one).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "").strip().rstrip("/")
    ALLOWED_HOSTS = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
    # Stored participant submissions per client address and meeting
    # (participation/address_limit.py): generous, since a venue's phones may
    # share one address.
    SUBMISSIONS_PER_ADDRESS = os.environ.get("SUBMISSIONS_PER_ADDRESS", "300 per hour")
    # Login attempts per client address, and failed ones per account name
    # (see app/accounts/login_limit.py).
    LOGIN_RATE_LIMIT = "5 per minute;30 per hour"
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per 15 minutes"
    # Calls to the read-only API per token (app/evaluation/api).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
    # A staff session ends after this long without a request, and this long
    # after its login in any case.
    STAFF_SESSION_IDLE_MINUTES = _int_env("STAFF_SESSION_IDLE_MINUTES", 120)
    STAFF_SESSION_MAX_HOURS = _int_env("STAFF_SESSION_MAX_HOURS", 12)
    # Days the security log keeps an entry (failed logins, account changes).
    SECURITY_LOG_DAYS = _int_env("SECURITY_LOG_DAYS", 365)
    # An SMTP server, if any, to mail links to set a password (app/accounts/mail.py);
    # without MAIL_SERVER nothing is mailed and the admin hands links over.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "").strip()
    MAIL_PORT = _int_env("MAIL_PORT", 587)
    MAIL_SECURITY = _choice_env("MAIL_SECURITY", "starttls", ("starttls", "ssl", "none"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "") or MAIL_USERNAME or "resonanz@localhost"
    MAIL_TIMEOUT_SECONDS = _int_env("MAIL_TIMEOUT_SECONDS", 10)
    # The cookie that says "this browser answered meeting X" lives this long.
    ANSWERED_COOKIE_MAX_AGE = 365 * 24 * 3600

    @classmethod
    def as_dict(cls) -> dict:
        return {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
