"""``upgrade head`` on an empty database gives exactly the models' schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.db import make_engine, upgrade
from app.models import Base
from tests.conftest import ENGINES, POSTGRES_URL
from tests.scratch import scratch_database


@pytest.fixture(params=ENGINES)
def empty_database(request):
    with scratch_database(request.param, POSTGRES_URL) as url:
        yield url


def test_upgrade_head_matches_the_models(empty_database):
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        assert tables == set(Base.metadata.tables)
    finally:
        engine.dispose()
