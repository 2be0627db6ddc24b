"""The workspace home: for coordinators, the surveys open now."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ... import db_session, services, workspace
from ..auth import role_required

blueprint = Blueprint("staff", __name__, url_prefix="/workspace")


@blueprint.get("/")
@role_required("coordinator", "evaluator")
def home():
    open_rows = []
    if current_user.may("coordinator"):
        rows = workspace.meeting_rows(db_session(), services.utcnow())
        open_rows = [row for row in rows if row.state == "open"]
    return render_template("staff/home.html", open_rows=open_rows, title=_("Workspace"))
