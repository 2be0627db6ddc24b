"""The strategy in the database: published versions (the newest is in force)
and drafts being edited in the workspace.

A draft is kept even while it has errors, so no text is lost; only a valid
draft becomes a version.  Each use case takes the session and only flushes;
the caller commits once.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import StrategyDraft, StrategyVersion
from app.network.strategy.model import Strategy, parse_strategy, strategy_from_json

# Parsed strategies by fingerprint: every report reads the one in force.
_by_fingerprint: dict[str, Strategy] = {}


def strategy_of(version: StrategyVersion) -> Strategy:
    strategy = _by_fingerprint.get(version.fingerprint)
    if strategy is None:
        if len(_by_fingerprint) >= 32:
            _by_fingerprint.clear()
        strategy = _by_fingerprint[version.fingerprint] = strategy_from_json(version.definition)
    return strategy


def version_in_force(session: Session) -> StrategyVersion | None:
    return session.scalars(select(StrategyVersion).order_by(StrategyVersion.number.desc()).limit(1)).first()


def strategy_in_force(session: Session) -> Strategy | None:
    """The network's strategy, or None while none was published."""
    version = version_in_force(session)
    return None if version is None else strategy_of(version)


def all_versions(session: Session) -> list[StrategyVersion]:
    """Newest first."""
    return list(session.scalars(select(StrategyVersion).order_by(StrategyVersion.number.desc())))


def store_parsed(session: Session, strategy: Strategy, source: str) -> tuple[StrategyVersion, str]:
    """Publish a strategy parsed beforehand as the next version; ``unchanged``
    when the one in force has the same content, else ``created``."""
    newest = version_in_force(session)
    if newest is not None and newest.fingerprint == strategy.fingerprint:
        return newest, "unchanged"
    number = (session.scalar(select(func.max(StrategyVersion.number))) or 0) + 1
    version = StrategyVersion(
        number=number, definition=strategy.canonical_json(), source=source, fingerprint=strategy.fingerprint
    )
    session.add(version)
    session.flush()
    return version, "created"


def store_strategy(session: Session, source: str) -> tuple[StrategyVersion, str]:
    """Parse and publish (raises StrategyError listing every problem)."""
    return store_parsed(session, parse_strategy(source), source)


def save_draft(session: Session, source: str, draft: StrategyDraft | None = None) -> StrategyDraft:
    if draft is None:
        draft = StrategyDraft(source=source)
        session.add(draft)
    else:
        draft.source = source
    session.flush()
    return draft


def publish_draft(session: Session, draft: StrategyDraft, strategy: Strategy) -> tuple[StrategyVersion, str]:
    """Publish the draft, parsed beforehand as ``strategy``, and drop it."""
    version, outcome = store_parsed(session, strategy, draft.source)
    session.delete(draft)
    session.flush()
    return version, outcome
