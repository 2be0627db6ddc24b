"""Resonanz: the survey and feedback service of an education network.

This module only builds the app: :func:`create_app` sets up the core (config,
database, HTTP concerns) and registers every feature's blueprints and
commands, in one place.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="http/templates", static_folder="http/static")
    app.config.from_mapping(Config.as_dict())
    if config:
        app.config.from_mapping(config)
    _require_secret_key(app)
    _trust_only_our_hosts(app)
    if app.config["ENV"] != "development":
        # A "__Host-" cookie: the browser keeps it only from HTTPS, for this
        # host alone (no Domain), on every path.
        app.config["SESSION_COOKIE_NAME"] = "__Host-resonanz"
        app.config["SESSION_COOKIE_SECURE"] = True
    if app.config["PROXY_HOPS"]:
        # Behind that many proxies, trust their X-Forwarded-* headers (scheme,
        # host, and the address the login rate limit keys on); no further.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    from app import db
    from app.extensions import babel, csrf
    from app.http import assets, compression, errors, i18n, security, sessions, templating

    app.extensions[db.EXTENSION] = db.Database(
        app.config["DATABASE_URL"],
        sqlite_busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"],
        pool_size=app.config["DB_POOL_SIZE"],
        max_overflow=app.config["DB_MAX_OVERFLOW"],
    )
    app.teardown_appcontext(db.close_request_session)
    app.session_interface = sessions.CookieSessions()
    csrf.init_app(app)
    from app.network import settings as network_settings

    # Times are typed and shown in the network's time zone, as its settings say.
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=network_settings.display_time_zone)
    i18n.check_catalogues(app)
    for concern in (security, assets, compression, templating, errors):
        concern.init_app(app)

    _register_features(app)
    return app


def _register_features(app: Flask) -> None:
    """Every feature's blueprints and commands."""
    from app import commands
    from app.accounts import admin as account_admin
    from app.accounts import cli as accounts_cli
    from app.accounts import views as accounts
    from app.evaluation import cli as evaluation_cli
    from app.evaluation.api import token_pages as api_tokens
    from app.evaluation.api import views as api
    from app.evaluation.export import views as exports
    from app.evaluation.report import meeting_views as meeting_report
    from app.evaluation.report import views as reports
    from app.evaluation.trends import views as trends
    from app.meetings import cli as meetings_cli
    from app.meetings import views as meetings
    from app.meetings.topics import views as topics
    from app.network import cli as network_cli
    from app.network import views as network
    from app.network.actor_groups import views as actor_groups
    from app.network.strategy import views as strategy
    from app.participation import front_door, preview
    from app.participation import views as participation
    from app.questionnaires import cli as questionnaires_cli
    from app.questionnaires import views as questionnaires
    from app.questionnaires.builder import views as builder
    from app.questionnaires.translations import views as translations

    accounts.init_app(app)
    for feature in (
        front_door,
        participation,
        preview,
        network,
        accounts,
        account_admin,
        meetings,
        topics,
        questionnaires,
        builder,
        translations,
        reports,
        meeting_report,
        trends,
        exports,
        strategy,
        actor_groups,
        api,
        api_tokens,
    ):
        app.register_blueprint(feature.blueprint)
    for command in (
        *commands.COMMANDS,
        network_cli.cli,
        questionnaires_cli.cli,
        meetings_cli.cli,
        accounts_cli.cli,
        *evaluation_cli.COMMANDS,
    ):
        app.cli.add_command(command)


def _trust_only_our_hosts(app: Flask) -> None:
    """Answer only for PUBLIC_URL's host (and ALLOWED_HOSTS); required in production,
    so that no link the app builds can be pointed elsewhere by a Host header."""
    public_url = app.config["PUBLIC_URL"]
    if not public_url:
        if app.config["ENV"] != "development" and not app.testing:
            raise RuntimeError("PUBLIC_URL must be set outside development (e.g. https://umfrage.example.org).")
        return
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuntimeError(f"PUBLIC_URL must be an http(s) address, not {public_url!r}.")
    app.config.setdefault("TRUSTED_HOSTS", None)
    app.config["TRUSTED_HOSTS"] = [parts.hostname, *app.config["ALLOWED_HOSTS"]]
    app.config["PREFERRED_URL_SCHEME"] = parts.scheme


def _require_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV"] != "development" and not app.testing:
        raise RuntimeError("SECRET_KEY must be set outside development (RESONANZ_ENV=development).")
    # Development and tests only: a key kept in instance/, made on first start.
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
    app.config["SECRET_KEY"] = key_file.read_text().strip()
