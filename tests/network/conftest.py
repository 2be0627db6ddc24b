"""Fixtures of the network's data: an admin's client, the demo strategy's text."""

from __future__ import annotations

import pytest

from app.accounts import users as accounts
from tests.conftest import PROJECT, login

STRATEGY_FILE = PROJECT / "questionnaires" / "strategy.yaml"
STRATEGY = STRATEGY_FILE.read_text("utf-8")


@pytest.fixture
def admin(client, db):
    """The test client, logged in as an admin."""
    accounts.create_user(db, "verwaltung", "Verwaltung-mit-Weitblick-7", "admin")
    db.commit()
    assert login(client, "verwaltung", "Verwaltung-mit-Weitblick-7").status_code == 302
    return client
