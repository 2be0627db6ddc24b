"""Questionnaire versions: storing a definition, reading it parsed, comparing two.

Each use case takes the database session and only flushes; the request or
CLI command that called it commits once.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.meetings.topics.options import topic_options
from app.models import QuestionnaireVersion, Response
from app.network import settings
from app.network.actor_groups.services import as_options
from app.network.strategy.store import strategy_in_force
from app.questionnaires.model import (
    CheckResult,
    Questionnaire,
    QuestionnaireError,
    check_questionnaire,
    publishing_problems,
    questionnaire_from_json,
    with_frozen_options,
)


class VersionFrozen(Exception):
    """A questionnaire version that has responses cannot change."""


# Parsed questionnaires by fingerprint (the hash of the definition, so never
# stale, even for a draft version that is replaced): parsing the IV.1
# definition costs more than the rest of a participant's page.
_by_fingerprint: dict[str, Questionnaire] = {}


def questionnaire_of(version: QuestionnaireVersion) -> Questionnaire:
    return parsed(version.fingerprint, lambda: version.definition)


def parsed(fingerprint: str, definition: Callable[[], str]) -> Questionnaire:
    """The questionnaire with this fingerprint; ``definition`` is asked for
    only the first time this process meets it."""
    questionnaire = _by_fingerprint.get(fingerprint)
    if questionnaire is None:
        if len(_by_fingerprint) >= 256:
            _by_fingerprint.clear()
        questionnaire = _by_fingerprint[fingerprint] = questionnaire_from_json(definition())
    return questionnaire


def check_for_network(session: Session, source: str) -> CheckResult:
    """Check a questionnaire against what the network keeps: its Mittlerziele
    must be the strategy's (once there is one), ``options_from:
    actor_groups`` takes the current list of actor groups, and a ranking with
    ``options_from: topics`` the network's open topics of today, frozen in."""
    strategy = strategy_in_force(session)
    result = check_questionnaire(
        source, goals=None if strategy is None else strategy.goals, actor_groups=as_options(session)
    )
    if result.questionnaire is None or not result.questionnaire.ranks_topics:
        return result
    frozen = with_frozen_options(result.questionnaire, topic_options(session, settings.today()))
    return replace(result, questionnaire=frozen)


def store_questionnaire(session: Session, source: str) -> tuple[QuestionnaireVersion, str]:
    """Store a YAML definition as a version; returns the version and what happened:
    ``created``, ``unchanged`` or ``replaced`` (a version nobody has answered yet).
    Raises QuestionnaireError when :func:`check_for_network` finds an error."""
    result = check_for_network(session, source)
    if result.errors or result.questionnaire is None:
        raise QuestionnaireError(list(result.errors))
    return store_parsed(session, result.questionnaire, source)


def store_parsed(session: Session, questionnaire: Questionnaire, source: str) -> tuple[QuestionnaireVersion, str]:
    """:func:`store_questionnaire` for a definition parsed beforehand (outside
    the write transaction).  A ranking on the network's topics must have them
    frozen in by then (``model.with_frozen_options``)."""
    unpublishable = publishing_problems(questionnaire)
    if unpublishable:
        raise QuestionnaireError(unpublishable)
    existing = session.scalars(
        select(QuestionnaireVersion).filter_by(questionnaire_key=questionnaire.id, version=questionnaire.version)
    ).one_or_none()
    fingerprint = questionnaire.fingerprint
    if existing is None:
        version = QuestionnaireVersion(
            questionnaire_key=questionnaire.id,
            version=questionnaire.version,
            definition=questionnaire.canonical_json(),
            source=source,
            fingerprint=fingerprint,
        )
        session.add(version)
        session.flush()
        return version, "created"
    if existing.fingerprint == fingerprint:
        return existing, "unchanged"
    if has_responses(session, existing):
        raise VersionFrozen(
            f"{questionnaire.id} version {questionnaire.version} already has responses and cannot "
            f"change; raise 'version' to {latest_version_number(session, questionnaire.id) + 1} "
            "to publish the changed questionnaire as a new version"
        )
    existing.definition = questionnaire.canonical_json()
    existing.source = source
    existing.fingerprint = fingerprint
    session.flush()
    return existing, "replaced"


def has_responses(session: Session, version: QuestionnaireVersion) -> bool:
    return session.scalar(select(exists().where(Response.questionnaire_version_id == version.id)))


def latest_version_number(session: Session, key: str) -> int:
    return session.scalar(select(func.max(QuestionnaireVersion.version)).filter_by(questionnaire_key=key)) or 0


@dataclass(frozen=True)
class VersionRow:
    version: QuestionnaireVersion
    responses: int

    @property
    def frozen(self) -> bool:
        return self.responses > 0


def version_rows(session: Session) -> list[VersionRow]:
    """Every questionnaire version with its number of responses, by key, newest first."""
    rows = session.execute(
        select(QuestionnaireVersion, func.count(Response.id))
        .outerjoin(Response, Response.questionnaire_version_id == QuestionnaireVersion.id)
        .group_by(QuestionnaireVersion.id)
        .order_by(QuestionnaireVersion.questionnaire_key, QuestionnaireVersion.version.desc())
    ).all()
    return [VersionRow(version, count) for version, count in rows]


def versions_of(session: Session, key: str) -> list[QuestionnaireVersion]:
    """Every version of one questionnaire, oldest first."""
    return list(
        session.scalars(
            select(QuestionnaireVersion).filter_by(questionnaire_key=key).order_by(QuestionnaireVersion.version)
        )
    )


def indicator_versions(session: Session, key: str) -> dict[str, list[QuestionnaireVersion]]:
    """By indicator id, the versions of a questionnaire that have it: an
    indicator is the same one across versions when its id is."""
    found: dict[str, list[QuestionnaireVersion]] = {}
    for version in versions_of(session, key):
        for indicator in questionnaire_of(version).indicators:
            found.setdefault(indicator.id, []).append(version)
    return found


def version_diff(old: QuestionnaireVersion, new: QuestionnaireVersion) -> list[tuple[str, str]]:
    """The changed lines of two versions' YAML (see :func:`source_diff`)."""
    return source_diff(old.source, new.source)


def source_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The changed lines of two YAML sources, as (kind, line) with kind in
    ' ', '+', '-', '@' (a hunk header)."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), "old", "new", lineterm="", n=2)
    result = []
    for line in list(lines)[2:]:  # skip the file headers
        kind = line[:1] if line[:1] in "+-@" else " "
        result.append((kind, line[1:] if kind != "@" else line))
    return result
