"""The network's list of actor groups (Akteursgruppen): codes and their labels
in the network's languages.

A questionnaire's ``options_from: actor_groups`` question takes this list as
its options when a version is stored; the partner register chooses from it.
Each use case takes the session and only flushes; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.languages import pick
from app.models import ActorGroup, PartnerOrganisation
from app.questionnaires.model import Option


def actor_groups(session: Session) -> list[ActorGroup]:
    """The list in its order."""
    return list(session.scalars(select(ActorGroup).order_by(ActorGroup.position, ActorGroup.id)))


def as_options(session: Session) -> tuple[Option, ...]:
    """The list as a choice question's options."""
    return tuple(Option(code=group.code, label=group.labels) for group in actor_groups(session))


def label(labels: Mapping[str, str], language: str) -> str:
    """A group's label in ``language``, or in another one it has."""
    return pick(labels, language, language).text


def group_with_code(session: Session, code: str) -> ActorGroup | None:
    return session.scalars(select(ActorGroup).filter_by(code=code)).first()


def partners_in_group(session: Session, code: str) -> int:
    """How many organisations of the partner register belong to the group."""
    return session.scalar(select(func.count()).select_from(PartnerOrganisation).filter_by(actor_group=code))


def _only_given(labels: Mapping[str, str]) -> dict[str, str]:
    return {language: text.strip() for language, text in labels.items() if text and text.strip()}


def add_group(session: Session, code: str, labels: Mapping[str, str]) -> ActorGroup:
    """Append a group; the caller has checked that no other one has ``code``
    (the unique key refuses a clash made in the meantime)."""
    last = session.scalar(select(func.max(ActorGroup.position))) or 0
    group = ActorGroup(code=code, labels=_only_given(labels), position=last + 1)
    session.add(group)
    session.flush()
    return group


def change_group(session: Session, group: ActorGroup, labels: Mapping[str, str], position: int | None) -> None:
    """New labels, and (1-based) a new place in the list."""
    group.labels = _only_given(labels)
    if position is not None:
        others = [g for g in actor_groups(session) if g.id != group.id]
        others.insert(max(0, min(position - 1, len(others))), group)
        for number, member in enumerate(others, start=1):
            member.position = number
    session.flush()


def remove_group(session: Session, group: ActorGroup) -> None:
    """Remove a group; the caller has checked that no partner organisation uses it.
    Stored questionnaire versions keep the options they were stored with."""
    session.delete(group)
    session.flush()


def add_groups(session: Session, entries: Iterable[tuple[str, Mapping[str, str]]]) -> None:
    """Add (code, labels) entries that the list does not have yet, in order."""
    for code, labels in entries:
        if group_with_code(session, code) is None:
            add_group(session, code, labels)
