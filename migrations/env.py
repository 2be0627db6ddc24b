"""Alembic environment: the models' metadata, the URL from the caller or DATABASE_URL."""

from alembic import context

from app.config import Config
from app.db import make_engine
from app.models import Base

config = context.config
url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url") or Config.DATABASE_URL


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        # render_as_batch: SQLite can only alter tables by copying them.
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
