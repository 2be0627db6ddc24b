"""Login, logout and role checks for coordinators, evaluators and admins."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from werkzeug.exceptions import TooManyRequests
from wtforms.validators import DataRequired, Length

from .. import accounts, db_session
from ..extensions import login_manager
from ..persistence.models import User
from .login_limit import LoginLimit

blueprint = Blueprint("auth", __name__)


class StaffUser(UserMixin):
    """What a request knows of the logged-in account (not the database row)."""

    def __init__(self, user: User):
        self.id = user.id
        self.username = user.username
        self.role = user.role

    def may(self, *roles: str) -> bool:
        """Whether this account acts in one of ``roles``; admins act in every role."""
        return self.role in roles or self.role == "admin"


@login_manager.user_loader
def _load_user(user_id: str):
    if not user_id.isdigit():
        return None
    user = db_session().get(User, int(user_id))
    return StaffUser(user) if user is not None and user.active else None


def role_required(*roles: str):
    """Only logged-in accounts with one of ``roles`` may pass; admins always may."""

    def decorate(view):
        @wraps(view)
        @login_required
        def checked(*args, **kwargs):
            if not current_user.may(*roles):
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


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
        wait = current_app.extensions["resonanz.login_limit"].attempt(current_app.config["LOGIN_RATE_LIMIT"],
                                                                      request.remote_addr or "")
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
            return redirect(_safe_next(request.args.get("next")) or url_for("staff.home"))
        error = _("User name or password is wrong.")
    return render_template("auth/login.html", form=form, error=error, title=_("Log in"))


@blueprint.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "strong"
    app.extensions["resonanz.login_limit"] = LoginLimit(app.config["RATELIMIT_STORAGE_URI"])
    app.register_blueprint(blueprint)
