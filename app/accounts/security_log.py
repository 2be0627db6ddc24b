"""The security log: what happened to the staff accounts, for the admins.

Failed logins and lockouts (with the client address the attempt came from),
refused pages, and every change to an account: created, role changed,
password set or reset, deactivated, sessions ended.  Nothing a participant
does is recorded: only the login form and the workspace write here.
Entries older than ``SECURITY_LOG_DAYS`` are deleted when a new one is
written.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models import SecurityEvent, User

KINDS = (
    "login_failed",
    "login_locked",
    "forbidden",
    "user_created",
    "role_changed",
    "password_changed",
    "password_set",
    "reset_link_issued",
    "reset_link_used",
    "user_deactivated",
    "user_reactivated",
    "sessions_ended",
)
PAGE_SIZE = 50


@dataclass(frozen=True)
class Actor:
    """Who makes a change (``None``: the account itself, or nobody logged in),
    through which channel (web or cli), when (UTC), and how many days the
    log keeps what they do."""

    name: str | None
    channel: str
    at: dt.datetime
    log_days: int


def record(
    session: Session,
    actor: Actor,
    kind: str,
    user: User | None = None,
    *,
    username: str | None = None,
    address: str | None = None,
    detail: str = "",
) -> None:
    """One entry about ``user`` (or, for a failed login, the name typed)."""
    assert kind in KINDS, kind
    session.add(
        SecurityEvent(
            created_at=actor.at,
            kind=kind,
            user_id=user.id if user is not None else None,
            username=_printable(user.username if user is not None else (username or ""), 80),
            actor=actor.name,
            channel=actor.channel,
            address=address,
            detail=_printable(detail, 200),
        )
    )
    session.execute(
        delete(SecurityEvent).where(SecurityEvent.created_at < actor.at - dt.timedelta(days=actor.log_days))
    )
    session.flush()


def _printable(text: str, limit: int) -> str:
    # What was typed or requested may hold control characters (PostgreSQL
    # refuses NUL in text): each is shown as a replacement character.
    return "".join(character if character.isprintable() else "\ufffd" for character in text[:limit])


@dataclass(frozen=True)
class Page:
    entries: list[SecurityEvent]
    number: int
    last: int


def page(session: Session, number: int) -> Page:
    """Page ``number`` (from 1, newest first); a number past the end gives the last page."""
    total = session.scalar(select(func.count()).select_from(SecurityEvent))
    last = max(1, math.ceil(total / PAGE_SIZE))
    number = min(max(1, number), last)
    entries = session.scalars(
        select(SecurityEvent).order_by(SecurityEvent.id.desc()).offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return Page(list(entries), number, last)
