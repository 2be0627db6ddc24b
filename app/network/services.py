"""Storing the network's settings.  Each use case takes the session and
flushes; the caller commits once."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.orm import Session

from app.accounts import users as accounts
from app.models import NetworkSettings, User
from app.network.rules import Network


class AlreadySetUp(Exception):
    """The network has its settings already (``flask network init`` runs once)."""


def is_set_up(session: Session) -> bool:
    return session.get(NetworkSettings, NetworkSettings.ONLY_ID) is not None


def save_settings(session: Session, network: Network) -> NetworkSettings:
    """Store ``network`` as the settings, made on first save."""
    row = session.get(NetworkSettings, NetworkSettings.ONLY_ID)
    if row is None:
        row = NetworkSettings(id=NetworkSettings.ONLY_ID)
        session.add(row)
    for name, value in asdict(network).items():
        setattr(row, name, ",".join(value) if name == "languages" else value)
    session.flush()
    return row


def set_up(session: Session, network: Network, *, admin: str, password: str) -> User:
    """The network's first settings and its first admin (``flask network init``)."""
    if is_set_up(session):
        raise AlreadySetUp
    save_settings(session, network)
    return accounts.create_user(session, admin, password, "admin")
