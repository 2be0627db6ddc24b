"""The staff home page; the feature pages hang off it."""

from flask import Blueprint, render_template
from flask_babel import gettext as _

from ..auth import role_required

blueprint = Blueprint("staff", __name__, url_prefix="/workspace")


@blueprint.get("/")
@role_required("coordinator", "evaluator")
def home():
    return render_template("staff/home.html", title=_("Workspace"))
