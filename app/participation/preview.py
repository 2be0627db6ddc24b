"""The workspace's preview of a questionnaire: the participant's very form,
for a draft or a version, in any of its languages; nothing is stored."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _

from app.accounts.access import role_required
from app.db import db_session, get_or_404
from app.models import QuestionnaireDraft, QuestionnaireVersion
from app.network import settings
from app.participation.views import blank_form, render_form_page, speak_questionnaire_language
from app.questionnaires.versions import check_for_network, questionnaire_of

blueprint = Blueprint("preview", __name__, url_prefix="/workspace/questionnaires")
coordinators_only = role_required("coordinator")


@blueprint.get("/drafts/<int:draft_id>/preview")
@coordinators_only
def draft(draft_id: int):
    result = check_for_network(db_session(), get_or_404(QuestionnaireDraft, draft_id).source)
    if result.errors or result.questionnaire is None:
        flash(_("The questionnaire has errors; fix them to see the preview."))
        return redirect(url_for("questionnaires.draft", draft_id=draft_id))
    return _preview(result.questionnaire)


@blueprint.get("/versions/<int:version_id>/preview")
@coordinators_only
def version(version_id: int):
    return _preview(questionnaire_of(get_or_404(QuestionnaireVersion, version_id)))


def _preview(questionnaire):
    speak_questionnaire_language(questionnaire)
    stand_in = SimpleNamespace(title=_("Preview"), date=settings.today(), place="", public_code="preview")
    return render_form_page(stand_in, questionnaire, blank_form(questionnaire), preview=True, page=None)
