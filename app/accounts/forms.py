"""Forms for logging in, passwords and accounts.  Labels are lazy so they
follow the request's language; a refused password gets the account rules'
own messages, translated, beside the field."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from app.accounts import passwords
from app.accounts import users as accounts

ROLE_LABELS = {"coordinator": _l("Coordinator"), "evaluator": _l("Evaluator"), "admin": _l("Admin")}


def translated(error: accounts.AccountError) -> str:
    """A refusal of the account rules in the reader's language."""
    return " ".join(_(message, **values) for message, values in error.messages)


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class NewPasswordForm(FlaskForm):
    """A new password, typed twice, for the account ``username`` (set by the view)."""

    username = ""
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=passwords.MAX_LENGTH)])
    confirmation = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )

    def validate_new_password(self, field):
        try:
            accounts.check_new_password(self.username, field.data)
        except accounts.AccountError as error:
            raise ValidationError(translated(error)) from None


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])


def _role_field():
    return SelectField(
        _l("Role"),
        choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired()],
    )


class EmailForm(FlaskForm):
    email = StringField(_l("E-mail address (optional)"), validators=[Optional(), Length(max=accounts.MAX_EMAIL_LENGTH)])

    def validate_email(self, field):
        try:
            accounts.normalised_email(field.data)
        except accounts.AccountError as error:
            raise ValidationError(translated(error)) from None


class NewUserForm(EmailForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=accounts.MAX_USERNAME_LENGTH)])
    role = _role_field()


class RoleForm(FlaskForm):
    role = _role_field()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
