"""Evaluators' and admins' own API tokens, in the workspace: make one (its
secret shown once, on the page that answers the form), see them, revoke one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.accounts.access import role_required
from app.db import db_session, writing
from app.evaluation.api import tokens
from app.models import User
from app.network import settings

blueprint = Blueprint("api_tokens", __name__, url_prefix="/workspace/api-tokens", template_folder="templates")


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        description=_l("What it is for, e.g. “R on my laptop”."),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message=_l("Give the token a name.")),
            Length(max=tokens.MAX_NAME_LENGTH, message=_l("At most %(max)d characters.")),
        ],
    )


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template(
        "api/tokens.html",
        form=form,
        tokens=tokens.tokens_of(db_session(), current_user.id),
        secret=secret,
        title=_("Your API tokens"),
    ), status


@blueprint.route("/", methods=["GET", "POST"])
@role_required("evaluator")
def index():
    form = TokenForm()
    if form.validate_on_submit():
        session = writing()
        _token, secret = tokens.create_token(
            session, session.get(User, current_user.id), form.name.data, now=settings.now()
        )
        session.commit()
        # Shown on this answer alone, never put in the session or a link.
        return _page(TokenForm(formdata=None), secret)
    return _page(form, status=422 if request.method == "POST" else 200)


@blueprint.post("/<int:token_id>/revoke")
@role_required("evaluator")
def revoke(token_id: int):
    # The CSRF token is checked for every POST (app/extensions.py).
    session = writing()
    token = tokens.revoke(session, current_user.id, token_id, now=settings.now())
    if token is None:
        abort(404)
    session.commit()
    flash(_("The token “%(name)s” is revoked: it opens nothing any more.", name=token.name))
    return redirect(url_for(".index"))
