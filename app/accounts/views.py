"""Logging in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import TooManyRequests
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.accounts import users as accounts
from app.accounts.access import StaffUser
from app.accounts.login_limit import LoginLimit
from app.db import db_session
from app.extensions import login_manager

blueprint = Blueprint("accounts", __name__, template_folder="templates")


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str | None:
    # Only paths on this site: never an absolute URL an attacker could plant.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        wait = current_app.extensions["resonanz.login_limit"].attempt(
            current_app.config["LOGIN_RATE_LIMIT"], request.remote_addr or ""
        )
        if wait is not None:
            raise TooManyRequests(retry_after=wait)
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(db_session(), form.username.data, form.password.data)
        if user is not None:
            db_session().commit()  # a rehashed password, if any
            session.clear()  # a fresh session: nothing from before the login survives
            login_user(StaffUser(user))
            return redirect(_safe_next(request.args.get("next")) or url_for("meetings.home"))
        error = _("User name or password is wrong.")
    return render_template("accounts/login.html", form=form, error=error, title=_("Log in"))


@blueprint.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("accounts.login"))


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "strong"
    app.extensions["resonanz.login_limit"] = LoginLimit(app.config["RATELIMIT_STORAGE_URI"])
