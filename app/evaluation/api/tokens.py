"""Personal API tokens of evaluators and admins.

A token is 32 random bytes (``secrets.token_urlsafe``), shown once when it
is made; the database keeps only its SHA-256 digest, so a copy of the
database opens nothing.  A token works while it is not revoked and its
account is active and still evaluates (an evaluator or an admin).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import ApiToken, ExportLog, User

TOKEN_BYTES = 32
MAX_NAME_LENGTH = 80
# A bearer token longer than this is no token of ours: it is not even hashed.
MAX_TOKEN_LENGTH = 200
ROLES = ("evaluator", "admin")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str, *, now: dt.datetime) -> tuple[ApiToken, str]:
    """A new token of ``user``, and its secret (returned once, never stored)."""
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(user_id=user.id, name=name.strip(), digest=digest(secret), created_at=now)
    session.add(token)
    session.flush()
    return token, secret


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """The account's tokens, newest first, revoked ones included."""
    return list(session.scalars(select(ApiToken).filter_by(user_id=user_id).order_by(ApiToken.id.desc())))


def revoke(session: Session, user_id: int, token_id: int, *, now: dt.datetime) -> ApiToken | None:
    """Revoke one of the account's own tokens; None if it has no such token.
    Revoking twice keeps the first time."""
    token = session.scalars(select(ApiToken).filter_by(id=token_id, user_id=user_id)).first()
    if token is not None and token.revoked_at is None:
        token.revoked_at = now
        session.flush()
    return token


def token_in_force(session: Session, secret: str) -> ApiToken | None:
    """The token ``secret`` stands for, with its account, if it opens the API now."""
    if not secret or len(secret) > MAX_TOKEN_LENGTH:
        return None
    return session.scalars(
        select(ApiToken)
        .join(User, ApiToken.user_id == User.id)
        .where(
            ApiToken.digest == digest(secret),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
            User.role.in_(ROLES),
        )
        .options(joinedload(ApiToken.user))
    ).first()


def record_use(
    session: Session,
    *,
    token_id: int,
    user_id: int,
    username: str,
    resource: str,
    now: dt.datetime,
    k: int,
    version_id: int | None = None,
    scope: str = "all",
    meeting_id: int | None = None,
    year: int | None = None,
) -> ExportLog:
    """The download-log entry of one API call that read ``resource`` (the
    export writes its own, with its format: ``exporting.record_export``)."""
    entry = ExportLog(
        created_at=now,
        user_id=user_id,
        username=username,
        channel="api",
        questionnaire_version_id=version_id,
        scope=scope,
        meeting_id=meeting_id,
        year=year,
        format="json",
        language="",
        free_text=False,
        k=k,
        api_token_id=token_id,
        resource=resource,
    )
    session.add(entry)
    session.flush()
    return entry
