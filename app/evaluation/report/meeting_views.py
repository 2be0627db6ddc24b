"""One meeting's results page, for the same roles as the report."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from app.accounts.access import role_required
from app.db import db_session, get_or_404
from app.evaluation.export import codebook
from app.evaluation.report import wording
from app.evaluation.report.meeting import meeting_results
from app.models import Meeting
from app.network import settings

blueprint = Blueprint("meeting_report", __name__, url_prefix="/workspace/reports/meetings", template_folder="templates")


@blueprint.get("/<int:meeting_id>")
@role_required("coordinator", "evaluator")
def show(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    results = meeting_results(db_session(), meeting, k=settings.min_cell_size(), now=settings.now())
    return render_template(
        "reports/meeting.html",
        results=results,
        title=_("Results of the meeting"),
        percent=codebook.percent,
        goal=codebook.goal,
        words=wording,
    )
