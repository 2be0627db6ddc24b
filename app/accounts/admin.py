"""The admins' pages for accounts: list, create, change the role, deactivate
and reactivate, end the sessions, make a link to set a password; and the
security log.  Each view reads and checks first, then changes in one short
write transaction and commits once."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.accounts import mail, security_log
from app.accounts import users as accounts
from app.accounts.access import actor, now, role_required
from app.accounts.forms import ROLE_LABELS, ActionForm, EmailForm, NewUserForm, RoleForm, translated
from app.db import db_session, get_or_404, writing
from app.models import User

blueprint = Blueprint("users", __name__, url_prefix="/workspace", template_folder="templates")
admins_only = role_required("admin")

EVENT_LABELS = {
    "login_failed": _l("Failed login"),
    "login_locked": _l("Login locked for a while"),
    "forbidden": _l("Page refused"),
    "user_created": _l("Account created"),
    "role_changed": _l("Role changed"),
    "password_changed": _l("Password changed"),
    "password_set": _l("Password set on the command line"),
    "reset_link_issued": _l("Link to set a password made"),
    "reset_link_used": _l("Password set with a link"),
    "user_deactivated": _l("Account deactivated"),
    "user_reactivated": _l("Account reactivated"),
    "sessions_ended": _l("Sessions ended"),
}
# So that an admin never locks themselves out (and one admin always stays).
NOT_YOURSELF = _l("Another admin can change the role of your own account or deactivate it; you cannot.")
# What a lockout counted: the client address or the account name.
DETAIL_LABELS = {"address": _l("per address"), "account": _l("per account")}


@blueprint.get("/users/")
@admins_only
def index():
    users = db_session().scalars(select(User).order_by(User.username)).all()
    return render_template("accounts/users.html", users=users, role_labels=ROLE_LABELS, title=_("Accounts"))


@blueprint.route("/users/new", methods=["GET", "POST"])
@admins_only
def new():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            accounts.check_username(db_session(), form.username.data)
        except accounts.AccountError as error:
            form.username.errors.append(translated(error))
        else:
            session = writing()
            by = actor(current_user.username)
            user = accounts.create_user(session, form.username.data, None, form.role.data, email=form.email.data, by=by)
            token = accounts.issue_reset_link(session, user, by=by)
            session.commit()
            return _show_link(user, token)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/new_user.html", form=form, title=_("New account")), status


@blueprint.get("/users/<int:user_id>")
@admins_only
def show(user_id: int):
    return _user_page(get_or_404(User, user_id))


def _user_page(
    user: User, *, role_form: RoleForm | None = None, email_form: EmailForm | None = None, error: str | None = None
):
    status = 200 if role_form is None and email_form is None and error is None else 422
    if role_form is None:
        role_form = RoleForm(formdata=None, role=user.role)
    if email_form is None:
        email_form = EmailForm(formdata=None, email=user.email)
    return render_template(
        "accounts/user.html",
        user=user,
        role_form=role_form,
        email_form=email_form,
        action=ActionForm(),
        error=error,
        role_labels=ROLE_LABELS,
        is_me=user.id == current_user.id,
        link_until=user.reset_expires_at if user.reset_expires_at and user.reset_expires_at > now() else None,
        title=user.username,
    ), status


@blueprint.post("/users/<int:user_id>/role")
@admins_only
def change_role(user_id: int):
    user = get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _user_page(user, role_form=form)
    if user.id == current_user.id:
        return _user_page(user, error=NOT_YOURSELF)
    role = form.role.data
    done = _("%(name)s is %(role)s now.", name=user.username, role=ROLE_LABELS[role])
    return _apply(user, lambda session, by: accounts.change_role(session, user, role, by=by), done, form)


@blueprint.post("/users/<int:user_id>/email")
@admins_only
def change_email(user_id: int):
    user = get_or_404(User, user_id)
    form = EmailForm()
    if not form.validate_on_submit():
        return _user_page(user, email_form=form)
    session = writing()
    accounts.change_email(session, user, form.email.data)
    session.commit()
    flash(_("Saved."))
    return redirect(url_for("users.show", user_id=user.id))


@blueprint.post("/users/<int:user_id>/deactivate")
@admins_only
def deactivate(user_id: int):
    user = get_or_404(User, user_id)
    if user.id == current_user.id:
        return _user_page(user, error=NOT_YOURSELF)
    done = _("%(name)s is deactivated.", name=user.username)
    return _apply(user, lambda session, by: accounts.deactivate(session, user, by=by), done)


@blueprint.post("/users/<int:user_id>/reactivate")
@admins_only
def reactivate(user_id: int):
    user = get_or_404(User, user_id)
    done = _("%(name)s can log in again.", name=user.username)
    return _apply(user, lambda session, by: accounts.reactivate(session, user, by=by), done)


@blueprint.post("/users/<int:user_id>/end-sessions")
@admins_only
def end_sessions(user_id: int):
    user = get_or_404(User, user_id)
    done = _("Every session of %(name)s has ended.", name=user.username)
    return _apply(user, lambda session, by: accounts.end_sessions(session, user, by=by), done)


@blueprint.post("/users/<int:user_id>/reset-link")
@admins_only
def reset_link(user_id: int):
    user = get_or_404(User, user_id)
    session = writing()
    try:
        token = accounts.issue_reset_link(session, user, by=actor(current_user.username))
    except accounts.AccountError as error:
        session.rollback()
        return _user_page(user, error=translated(error))
    session.commit()
    return _show_link(user, token)


def _apply(user: User, change, done: str, role_form: RoleForm | None = None):
    """Make ``change`` to ``user`` and go back to the account's page; a
    refusal of the account rules shows there instead.  (CSRFProtect has
    checked the form's token before the view.)"""
    session = writing()
    try:
        change(session, actor(current_user.username))
    except accounts.AccountError as error:
        session.rollback()
        return _user_page(user, role_form=role_form, error=translated(error))
    session.commit()
    flash(done)
    return redirect(url_for("users.show", user_id=user.id))


def _show_link(user: User, token: str):
    """The one-time link, shown this once (only its digest is stored), and
    mailed to the account's address when an SMTP server is configured."""
    link = url_for("accounts.reset_password", token=token, _external=True)
    config, mailed, mail_failed = current_app.config, None, None
    if user.email and mail.configured(config):
        expires = format_datetime(user.reset_expires_at, "short")
        body = "\n\n".join(
            (
                _("Hello %(name)s,", name=user.username),
                _(
                    "with this link you set the password of your account; it works once and until %(time)s:",
                    time=expires,
                ),
                link,
                _("If you did not expect this mail, please tell an admin."),
            )
        )
        try:
            mail.send(config, to=user.email, subject=_("Set your password"), body=body)
            mailed = user.email
        except mail.MailFailed:
            mail_failed = user.email
    return render_template(
        "accounts/reset_link.html",
        user=user,
        link=link,
        mailed=mailed,
        mail_failed=mail_failed,
        title=_("Link to set a password"),
    )


@blueprint.get("/security-log", endpoint="security_log")
@admins_only
def security_log_page():
    shown = security_log.page(db_session(), request.args.get("page", 1, type=int))
    return render_template(
        "accounts/security_log.html", page=shown, kind_labels=EVENT_LABELS, detail=_detail, title=_("Security log")
    )


def _detail(entry) -> str:
    """An entry's detail in the reader's words: roles and what a lockout counted are named."""
    if entry.kind in ("user_created", "role_changed"):
        return " → ".join(str(ROLE_LABELS.get(role, role)) for role in entry.detail.split(" → "))
    return str(DETAIL_LABELS.get(entry.detail, entry.detail))
