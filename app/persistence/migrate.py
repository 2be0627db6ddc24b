"""Run the Alembic migrations programmatically (``flask db upgrade``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from ..config import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
