"""An app whose API limit stays out of the way, evaluators with tokens, and
the export fixture's two meetings of responses."""

from __future__ import annotations

import pytest

from app import clock, create_app
from app.accounts import users as accounts
from app.evaluation.api import tokens
from app.models import User
from tests.evaluation.export.conftest import survey  # noqa: F401  (a fixture)


@pytest.fixture
def app(database_url):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "API_RATE_LIMIT": "100000 per minute",
        }
    )
    yield app
    app.extensions["resonanz.db"].dispose()


def make_token(db, username: str, role: str = "evaluator", name: str = "R") -> str:
    """A new token of the account ``username`` (made with ``role`` if it does not exist yet)."""
    user = db.query(User).filter_by(username=username).one_or_none()
    if user is None:
        user = accounts.create_user(db, username, f"{username}-password-1", role)
        db.flush()
    _token, secret = tokens.create_token(db, user, name, now=clock.utcnow())
    db.commit()
    db.rollback()
    return secret


@pytest.fixture
def secret(db):
    """A working token of the evaluator "analyst"."""
    return make_token(db, "analyst")


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
