"""Logging in and out, one's own password, and the one-time link an admin
hands over to set a forgotten one."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from werkzeug.exceptions import TooManyRequests

from app.accounts import security_log
from app.accounts import users as accounts
from app.accounts.access import actor, now, start_session
from app.accounts.forms import ChangePasswordForm, LoginForm, NewPasswordForm
from app.accounts.login_limit import LoginLimit
from app.db import db_session, writing
from app.extensions import login_manager
from app.models import User

blueprint = Blueprint("accounts", __name__, template_folder="templates")
LIMIT = "resonanz.login_limit"


def _safe_next(target: str | None) -> str | None:
    # Only paths on this site: never an absolute URL an attacker could plant.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _refuse_if_locked(wait: int | None, key: str, username: str) -> None:
    """A 429 while ``key`` is locked out; the lockout goes into the security log once."""
    if wait is None:
        return
    limit = current_app.extensions[LIMIT]
    if limit.first_refusal(key):
        session = writing()
        account = accounts.find_user(session, username)
        security_log.record(
            session,
            actor(None),
            "login_locked",
            account,
            username=username,
            address=request.remote_addr,
            detail=key.partition(":")[0],
        )
        session.commit()
    raise TooManyRequests(retry_after=wait)


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    limit, config = current_app.extensions[LIMIT], current_app.config
    address = request.remote_addr or ""
    if request.method == "POST":
        typed = request.form.get("username", "")[: accounts.MAX_USERNAME_LENGTH]
        _refuse_if_locked(limit.attempt(config["LOGIN_RATE_LIMIT"], address), f"address:{address}", typed)
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        username = form.username.data
        _refuse_if_locked(_account_wait(username), f"account:{username}", username)
        user = accounts.authenticate(db_session(), username, form.password.data)
        if user is not None:
            db_session().commit()  # a rehashed password, if any
            start_session(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("meetings.home"))
        _count_failure(username, address)
        error = _("User name or password is wrong.")
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form, error=error, title=_("Log in")), status


def _account_wait(username: str) -> int | None:
    return current_app.extensions[LIMIT].wait(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], username)


def _count_failure(username: str, address: str | None) -> None:
    current_app.extensions[LIMIT].failed(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], username)
    session = writing()
    account = accounts.find_user(session, username)
    security_log.record(session, actor(None), "login_failed", account, username=username, address=address)
    session.commit()


@blueprint.post("/logout")
@login_required
def logout():
    """Ends every session of the account, not only this browser's."""
    session = writing()
    user = session.get(User, current_user.id)
    accounts.end_sessions(session, user)
    session.commit()
    logout_user()
    flask_session.clear()
    return redirect(url_for("accounts.login"))


@blueprint.route("/workspace/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = db_session().get(User, current_user.id)
    form = ChangePasswordForm()
    form.username = user.username
    if form.validate_on_submit():
        _refuse_if_locked(_account_wait(user.username), f"account:{user.username}", user.username)
        if accounts.password_matches(user, form.current_password.data):
            session = writing()
            accounts.set_password(session, user, form.new_password.data, by=actor(None))
            session.commit()
            done = _("Your password has been changed. Every other session of your account has ended.")
            start_session(user)  # this browser stays logged in, with the new token
            flash(done)
            return redirect(url_for("meetings.home"))
        # A wrong current password counts as a failed login of the account.
        _count_failure(user.username, request.remote_addr)
        form.current_password.errors.append(_("This is not your current password."))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/password.html", form=form, title=_("Change your password")), status


@blueprint.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = accounts.user_of_reset_link(db_session(), token, now()) if len(token) <= 100 else None
    if user is None:
        text = _(
            "This link is not valid: it was used already, it is older than 24 hours, or a newer one was made. "
            "Please ask an admin for a new link."
        )
        return render_template("message.html", title=_("Link not valid"), text=text), 404
    form = NewPasswordForm()
    form.username = user.username
    if form.validate_on_submit():
        session = writing()
        accounts.set_password(session, user, form.new_password.data, by=actor(None), kind="reset_link_used")
        session.commit()
        logout_user()
        flash(_("Your password has been set. Please log in with it."))
        return redirect(url_for("accounts.login"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "accounts/reset.html", form=form, username=user.username, title=_("Set your password")
    ), status


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "strong"
    app.extensions[LIMIT] = LoginLimit(app.config["RATELIMIT_STORAGE_URI"])
