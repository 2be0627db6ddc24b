"""Admin pages for the network's actor groups.  Each view reads and checks
first, then writes in one short transaction and commits once."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.access import role_required
from app.db import db_session, get_or_404, writing
from app.languages import SUPPORTED_LANGUAGES
from app.models import ActorGroup
from app.network.actor_groups import services
from app.network.actor_groups.forms import actor_group_form

blueprint = Blueprint("actor_groups", __name__, url_prefix="/workspace/actor-groups", template_folder="templates")
admins_only = role_required("admin")

# Every language a participant may answer in gets a label field.
LABEL_LANGUAGES = SUPPORTED_LANGUAGES


def _code_taken(form) -> None:
    form.code.errors.append(_("The code %(code)s is already used by another actor group.", code=form.code.data))


@blueprint.route("/", methods=["GET", "POST"])
@admins_only
def groups():
    form = actor_group_form(LABEL_LANGUAGES, new=True)
    if form.validate_on_submit():
        if services.group_with_code(db_session(), form.code.data) is not None:
            _code_taken(form)
        else:
            session = writing()
            try:
                services.add_group(session, form.code.data, form.labels())
                session.commit()
            except IntegrityError:  # the same code, added in the meantime
                session.rollback()
                _code_taken(form)
            else:
                flash(_("The actor group was added."))
                return redirect(url_for(".groups"))
    return _page("actor_groups/groups.html", form, title=_("Actor groups"))


@blueprint.route("/<int:group_id>", methods=["GET", "POST"])
@admins_only
def edit(group_id: int):
    group = get_or_404(ActorGroup, group_id)
    form = actor_group_form(LABEL_LANGUAGES, new=False)
    if not form.is_submitted():
        form.fill_from(group)
        form.position.data = [g.id for g in services.actor_groups(db_session())].index(group.id) + 1
    elif form.validate():
        session = writing()
        services.change_group(session, group, form.labels(), form.position.data)
        session.commit()
        flash(_("The actor group was saved."))
        return redirect(url_for(".groups"))
    return _page("actor_groups/edit.html", form, group=group, title=_("Edit actor group"))


@blueprint.post("/<int:group_id>/remove")
@admins_only
def remove(group_id: int):
    group = get_or_404(ActorGroup, group_id)
    in_use = services.partners_in_group(db_session(), group.code)
    if in_use:
        flash(
            _(
                "The actor group %(code)s was not removed: %(n)s organisations of the partner register belong to it.",
                code=group.code,
                n=in_use,
            )
        )
        return redirect(url_for(".edit", group_id=group_id))
    session = writing()
    services.remove_group(session, group)
    session.commit()
    flash(_("The actor group %(code)s was removed.", code=group.code))
    return redirect(url_for(".groups"))


def _page(template: str, form, **context):
    listed = services.actor_groups(db_session())
    return render_template(template, form=form, listed=listed, languages=LABEL_LANGUAGES, **context), (
        422 if form.errors else 200
    )
