"""Resonanz: the survey and feedback service of an education network."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask, g, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Config
from .extensions import babel, csrf
from .persistence.database import Database, close_quietly


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="web/templates",
                static_folder="web/static")
    app.config.from_mapping(Config.as_dict())
    if config:
        app.config.from_mapping(config)
    _require_secret_key(app)

    app.extensions["resonanz.db"] = Database(
        app.config["DATABASE_URL"], sqlite_busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"],
        pool_size=app.config["DB_POOL_SIZE"], max_overflow=app.config["DB_MAX_OVERFLOW"],
    )
    if app.config["PROXY_HOPS"]:
        # Behind that many proxies, trust their X-Forwarded-* headers (scheme,
        # host, and the address the login rate limit keys on); no further.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    from .web import i18n, signing

    app.session_interface = signing.CookieSessions()
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.check_catalogues(app)

    from .web import assets, auth, compression, coordinator, errors, participant, reports, security, staff, templating

    security.init_app(app)
    assets.init_app(app)
    compression.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    app.register_blueprint(participant.blueprint)
    app.register_blueprint(staff.blueprint)
    app.register_blueprint(reports.blueprint)
    app.register_blueprint(coordinator.blueprint)
    from .web import exports

    app.register_blueprint(exports.blueprint)

    from . import cli

    cli.init_app(app)

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            close_quietly(session)

    return app


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


def db_session():
    """The request's session; POST requests write, so on SQLite they begin IMMEDIATE."""
    from flask import current_app

    if "db_session" not in g:
        write = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        g.db_session = current_app.extensions["resonanz.db"].session(write=write)
    return g.db_session
