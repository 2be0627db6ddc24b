"""Accounts of coordinators, evaluators and admins: argon2id password hashes,
roles, the per-account session token and one-time links to set a password.

Parameters follow the OWASP Password Storage Cheat Sheet (argon2id, 19 MiB,
2 iterations, 1 degree of parallelism).  A hash made with other parameters is
replaced at the next successful login (``needs_rehash``).

Every change that should end the account's sessions gives it a new session
token (:func:`end_sessions`); every change is written to the security log.
Like every service these take the session and only flush.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import passwords, security_log
from app.accounts.passwords import N_
from app.accounts.security_log import Actor
from app.models import User, new_session_token

ROLES = ("admin", "coordinator", "evaluator")
MAX_USERNAME_LENGTH = 80
MAX_EMAIL_LENGTH = 254
RESET_LINK_VALID = dt.timedelta(hours=24)
# Words an attacker would try first in anyone's password here, besides the
# user's own name.
NETWORK_WORDS = ("Resonanz",)

hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
# Verifying against this keeps the time of a login with an unknown name equal
# to one with a wrong password, so names cannot be probed by timing.
_DUMMY_HASH = hasher.hash("resonanz-dummy-password")


class AccountError(ValueError):
    """A refused change.  ``messages`` are (message id, values) pairs, for the
    web to translate; ``str()`` is the English text the command line shows."""

    def __init__(self, *messages: tuple[str, dict]):
        super().__init__(" ".join(message % values if values else message for message, values in messages))
        self.messages = messages


def _refuse(message: str, **values) -> AccountError:
    return AccountError((message, values))


def password_context(username: str) -> list[str]:
    """What a new password of ``username`` is checked against besides dictionaries."""
    return [username, *NETWORK_WORDS]


def check_new_password(username: str, password: str) -> None:
    found = passwords.problems(password, password_context(username))
    if found:
        raise AccountError(*found)


def check_username(session: Session, username: str) -> None:
    if (
        not username
        or len(username) > MAX_USERNAME_LENGTH
        or username != username.strip()
        or not username.isprintable()
    ):
        raise _refuse(
            N_("The user name needs 1 to %(max)s characters, without spaces around it or control characters."),
            max=MAX_USERNAME_LENGTH,
        )
    if find_user(session, username) is not None:
        raise _refuse(N_("There is already an account named %(name)s."), name=username)


def normalised_email(email: str | None) -> str | None:
    """An e-mail address as stored (``None`` for none), or a refusal.  Only
    its shape is checked: one @, no spaces or control characters (a line
    break would let it add mail headers)."""
    email = (email or "").strip()
    if not email:
        return None
    local, _, domain = email.rpartition("@")
    if len(email) > MAX_EMAIL_LENGTH or not local or "." not in domain or not email.isprintable() or " " in email:
        raise _refuse(N_("This is not an e-mail address."))
    return email


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise _refuse(N_("Unknown role %(role)s."), role=role)


def create_user(
    session: Session,
    username: str,
    password: str | None,
    role: str,
    *,
    email: str | None = None,
    by: Actor | None = None,
    check_strength: bool = True,
) -> User:
    """A new active account.  Without a password nobody can log in to it until
    a reset link sets one; ``check_strength=False`` only for the demo's
    published passwords, which no rule could make secret."""
    _check_role(role)
    check_username(session, username)
    if password is not None and check_strength:
        check_new_password(username, password)
    email = normalised_email(email)
    secret = password if password is not None else secrets.token_urlsafe(32)
    user = User(username=username, password_hash=hasher.hash(secret), role=role, active=True, email=email)
    session.add(user)
    session.flush()
    if by is not None:
        security_log.record(session, by, "user_created", user, detail=role)
    return user


def find_user(session: Session, username: str) -> User | None:
    if "\x00" in username:
        return None  # no user name holds one, and PostgreSQL refuses to compare it (a 500)
    return session.scalars(select(User).filter_by(username=username)).one_or_none()


def password_matches(user: User, password: str) -> bool:
    try:
        return hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(session: Session, user: User, password: str, *, by: Actor, kind: str = "password_changed") -> None:
    """A new password (checked), which ends every session of the account and
    any reset link."""
    check_new_password(user.username, password)
    user.password_hash = hasher.hash(password)
    user.reset_digest = user.reset_expires_at = None
    user.session_token = new_session_token()
    security_log.record(session, by, kind, user)


def change_role(session: Session, user: User, role: str, *, by: Actor) -> None:
    _check_role(role)
    if role == user.role:
        return
    if user.role == "admin":
        _keep_an_admin(session, user)
    before, user.role = user.role, role
    user.session_token = new_session_token()
    security_log.record(session, by, "role_changed", user, detail=f"{before} → {role}")


def change_email(session: Session, user: User, email: str | None) -> None:
    user.email = normalised_email(email)
    session.flush()


def deactivate(session: Session, user: User, *, by: Actor) -> None:
    """The account can no longer log in and its sessions end; its history stays."""
    if not user.active:
        return
    if user.role == "admin":
        _keep_an_admin(session, user)
    user.active = False
    user.reset_digest = user.reset_expires_at = None
    user.session_token = new_session_token()
    security_log.record(session, by, "user_deactivated", user)


def reactivate(session: Session, user: User, *, by: Actor) -> None:
    if user.active:
        return
    user.active = True
    security_log.record(session, by, "user_reactivated", user)


def end_sessions(session: Session, user: User, *, by: Actor | None = None) -> None:
    """Every session of the account ends at its next request."""
    user.session_token = new_session_token()
    if by is not None:
        security_log.record(session, by, "sessions_ended", user)
    else:
        session.flush()


def _keep_an_admin(session: Session, user: User) -> None:
    admins = session.scalar(select(func.count()).select_from(User).filter_by(role="admin", active=True))
    if user.active and admins <= 1:
        raise _refuse(N_("%(name)s is the only active admin; make another account admin first."), name=user.username)


# --- one-time links to set a password ----------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset_link(session: Session, user: User, *, by: Actor) -> str:
    """A new one-time token for ``user`` (an earlier one stops working); only
    its digest is stored, so the token is shown once and never again."""
    if not user.active:
        raise _refuse(N_("%(name)s is deactivated; reactivate the account first."), name=user.username)
    token = secrets.token_urlsafe(32)
    user.reset_digest = _digest(token)
    user.reset_expires_at = by.at + RESET_LINK_VALID
    security_log.record(session, by, "reset_link_issued", user)
    return token


def user_of_reset_link(session: Session, token: str, now: dt.datetime) -> User | None:
    """The active account this unexpired token was issued for, or None."""
    user = session.scalars(select(User).filter_by(reset_digest=_digest(token))).one_or_none()
    if user is None or not user.active or user.reset_expires_at is None or user.reset_expires_at <= now:
        return None
    return user


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
