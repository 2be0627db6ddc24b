"""The sources translations were made from, in the database.  Each use case
takes the session and only flushes; the caller commits once.  What to record
is worked out beforehand (texts.py), so a write transaction only stores it."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import TranslationBasis
from app.questionnaires.translations import texts

KEY_LENGTH = 200


def bases(session: Session, questionnaire_key: str) -> dict[tuple[str, str], str]:
    rows = session.execute(
        select(TranslationBasis.text_key, TranslationBasis.language, TranslationBasis.source_digest).filter_by(
            questionnaire_key=questionnaire_key
        )
    )
    return {(text_key, language): digest for text_key, language, digest in rows}


def record(session: Session, questionnaire_key: object, made: Mapping[tuple[str, str], str]) -> None:
    """Remember that these translations (key, language) were made from these sources:
    one read of the questionnaire's records, one insert of the new ones."""
    if not isinstance(questionnaire_key, str) or not 0 < len(questionnaire_key) <= 40 or not made:
        return
    made = {(key, language): source for (key, language), source in made.items() if len(key) <= KEY_LENGTH}
    existing = {
        (row.text_key, row.language): row
        for row in session.scalars(select(TranslationBasis).filter_by(questionnaire_key=questionnaire_key))
    }
    new = []
    for (text_key, language), source in made.items():
        row = existing.get((text_key, language))
        if row is None:
            new.append(
                {
                    "questionnaire_key": questionnaire_key,
                    "text_key": text_key,
                    "language": language,
                    "source_digest": source,
                }
            )
        elif row.source_digest != source:
            row.source_digest = source
    if new:
        session.execute(insert(TranslationBasis), new)
    session.flush()


def to_seed(session: Session, data: dict) -> dict[tuple[str, str], str]:
    """On publishing: the translations with no known source, as made from the one they are published with."""
    key = data.get("id")
    if not isinstance(key, str) or not key:
        return {}
    return texts.made_from(data, texts.present_translations(data) - set(bases(session, key)))
