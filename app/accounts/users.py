"""Accounts of coordinators, evaluators and admins: argon2id password hashes.

Parameters follow the OWASP Password Storage Cheat Sheet (argon2id, 19 MiB,
2 iterations, 1 degree of parallelism).  A hash made with other parameters is
replaced at the next successful login (``needs_rehash``).
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User

ROLES = ("admin", "coordinator", "evaluator")
MIN_PASSWORD_LENGTH = 10

hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
# Verifying against this keeps the time of a login with an unknown name equal
# to one with a wrong password, so names cannot be probed by timing.
_DUMMY_HASH = hasher.hash("resonanz-dummy-password")


class AccountError(ValueError):
    pass


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def create_user(session: Session, username: str, password: str, role: str) -> User:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (use one of: {', '.join(ROLES)})")
    if not username or len(username) > 80:
        raise AccountError("the user name must have 1 to 80 characters")
    if find_user(session, username) is not None:
        raise AccountError(f"user {username!r} exists already")
    _check_password(password)
    user = User(username=username, password_hash=hasher.hash(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User | None:
    if "\x00" in username:
        return None  # no user name holds one, and PostgreSQL refuses to compare it (a 500)
    return session.scalars(select(User).filter_by(username=username)).one_or_none()


def set_password(session: Session, user: User, password: str) -> None:
    _check_password(password)
    user.password_hash = hasher.hash(password)
    session.flush()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None; rehashes outdated hashes."""
    user = find_user(session, username)
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        session.flush()
    return user
