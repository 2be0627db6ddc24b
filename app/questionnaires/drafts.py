"""Questionnaire drafts: YAML being edited in the workspace, published as a version.

Each use case takes the session and flushes; the caller commits once.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from app.models import QuestionnaireDraft, QuestionnaireVersion
from app.questionnaires import versions
from app.questionnaires.model import Questionnaire

_VERSION_LINE = re.compile(r"^version:\s*\d+\s*$", re.M)


def save_draft(
    session: Session, source: str, draft: QuestionnaireDraft | None = None, import_report: str | None = None
) -> QuestionnaireDraft:
    if draft is None:
        draft = QuestionnaireDraft(source=source, import_report=import_report)
        session.add(draft)
    else:
        draft.source = source
    session.flush()
    return draft


def draft_from_version(session: Session, version: QuestionnaireVersion) -> QuestionnaireDraft:
    """A draft to edit a version.  A version with responses is frozen, so the
    draft already carries the next free version number."""
    source = version.source
    if versions.has_responses(session, version):
        next_version = versions.latest_version_number(session, version.questionnaire_key) + 1
        source = _VERSION_LINE.sub(f"version: {next_version}", source, count=1)
    return save_draft(session, source)


def publish_draft(
    session: Session, draft: QuestionnaireDraft, questionnaire: Questionnaire
) -> tuple[QuestionnaireVersion, str]:
    """Store the draft, parsed beforehand as ``questionnaire``, as a version
    (raises VersionFrozen) and drop the draft."""
    version, outcome = versions.store_parsed(session, questionnaire, draft.source)
    session.delete(draft)
    session.flush()
    return version, outcome
