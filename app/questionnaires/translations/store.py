"""The sources translations were made from, in the database.  Each use case
takes the session and only flushes; the caller commits once."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import TranslationBasis
from app.questionnaires.translations import texts


def bases(session: Session, questionnaire_key: str) -> dict[tuple[str, str], str]:
    rows = session.scalars(select(TranslationBasis).filter_by(questionnaire_key=questionnaire_key))
    return {(row.text_key, row.language): row.source_digest for row in rows}


def record(session: Session, questionnaire_key: str, made: Mapping[tuple[str, str], str]) -> None:
    """Remember that these translations (key, language) were made from these sources."""
    for (text_key, language), source in made.items():
        row = session.get(TranslationBasis, (questionnaire_key, text_key, language))
        if row is None:
            session.add(
                TranslationBasis(
                    questionnaire_key=questionnaire_key, text_key=text_key, language=language, source_digest=source
                )
            )
        else:
            row.source_digest = source
    session.flush()


def record_changes(session: Session, old: dict | None, new: dict) -> None:
    """After an edit from ``old`` to ``new``: the translations written anew are made from today's sources."""
    key = new.get("id")
    if isinstance(key, str) and key:
        record(session, key[:40], texts.made_from(new, texts.changed_translations(old, new)))


def seed(session: Session, data: dict) -> None:
    """On publishing: a translation with no known source was made from the one it is published with."""
    key = data.get("id")
    if not isinstance(key, str) or not key:
        return
    known = bases(session, key)
    record(session, key, texts.made_from(data, texts.present_translations(data) - set(known)))
