"""``upgrade head`` on an empty database gives exactly the models' schema, and an
upgrade carries the rows stored under earlier revisions over."""

import datetime as dt
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade
from alembic.migration import MigrationContext
from sqlalchemy import Uuid, bindparam, inspect, text
from sqlalchemy.orm import Session

from app.db import alembic_config, make_engine, upgrade
from app.meetings import storage_order
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


def _participant_rows(connection) -> dict[str, list[tuple]]:
    # The columns of meeting_topic at revision 0004: later revisions add more.
    tables = {
        "response": "*",
        "answer": "*",
        "submission_receipt": "*",
        "meeting_topic": "id, meeting_id, position, title, brought_in_by_members",
    }
    return {
        name: sorted(tuple(map(str, row)) for row in connection.execute(text(f"SELECT {columns} FROM {name}")))
        for name, columns in tables.items()
    }


def test_upgrade_carries_responses_of_earlier_revisions_over(empty_database):
    """Responses stored under revision 0004 (rowid tables on SQLite) are all
    there after the upgrade, in tables without rowid, and can be shuffled."""
    upgrade(empty_database, "0004")
    engine = make_engine(empty_database)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO questionnaire_version VALUES (1, 'iv-1', 1, '{}', 'id: iv-1', 'f')"))
            connection.execute(
                text(
                    "INSERT INTO meeting (id, public_code, title, date, place, questionnaire_version_id, "
                    "opens_at, closes_at, good_practice_presentations) "
                    "VALUES (1, 'abcdefghjk', 'Treffen', :day, '', 1, :opened, :closed, 0)"
                ),
                {
                    "day": dt.date(2026, 3, 18),
                    "opened": dt.datetime(2026, 3, 18, 16),
                    "closed": dt.datetime(2026, 4, 1),
                },
            )
            connection.execute(text("INSERT INTO meeting_topic VALUES (1, 1, 0, 'Sprachbildung', true)"))
            response = text("INSERT INTO response VALUES (:id, 1, 1, 'de', :day)").bindparams(
                bindparam("id", type_=Uuid)
            )
            answer = text("INSERT INTO answer VALUES (:id, :question, :code, :number, :text)").bindparams(
                bindparam("id", type_=Uuid)
            )
            for i in range(20):
                response_id = uuid.uuid4()
                connection.execute(response, {"id": response_id, "day": dt.date(2026, 3, 18)})
                connection.execute(
                    answer, {"id": response_id, "question": "count", "code": "value", "number": i, "text": None}
                )
                connection.execute(
                    answer,
                    {"id": response_id, "question": "note", "code": "value", "number": None, "text": f"Notiz {i}"},
                )
                connection.execute(text("INSERT INTO submission_receipt VALUES (:digest)"), {"digest": f"{i:064x}"})
            before = _participant_rows(connection)

        upgrade(empty_database)
        with engine.begin() as connection:
            assert _participant_rows(connection) == before
            assert connection.execute(text("SELECT survey_access, rows_shuffled FROM meeting")).one() == (
                "open_link",
                False,
            )
            if engine.dialect.name == "sqlite":
                for name in ("response", "answer", "submission_receipt", "access_code"):
                    sql = connection.scalar(text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": name})
                    assert sql.rstrip().endswith("WITHOUT ROWID"), name
                assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        with Session(engine) as session:
            assert storage_order.shuffle_closed_surveys(session, dt.datetime(2026, 5, 1)) == [1]
            session.commit()
        with engine.begin() as connection:
            assert _participant_rows(connection) == before

        downgrade(alembic_config(empty_database), "0004")  # and back: the rows stay
        with engine.begin() as connection:
            assert _participant_rows(connection) == before
    finally:
        engine.dispose()


def test_meetings_closed_before_paper_entry_existed_start_finished(empty_database):
    upgrade(empty_database, "0008")
    engine = make_engine(empty_database)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO questionnaire_version VALUES (1, 'iv-1', 1, '{}', 'id: iv-1', 'f')"))
            meeting = text(
                "INSERT INTO meeting (id, public_code, title, date, place, questionnaire_version_id, "
                "opens_at, closes_at, good_practice_presentations) VALUES (:id, :code, 'Treffen', :day, '', 1, "
                ":opened, :closed, 0)"
            )
            day = dt.date(2016, 3, 18)
            for number, closed in enumerate([dt.datetime(2016, 4, 1), dt.datetime(2099, 1, 1), None], start=1):
                connection.execute(
                    meeting,
                    {
                        "id": number,
                        "code": f"abcdefghj{number}",
                        "day": day,
                        "opened": dt.datetime(2016, 3, 18),
                        "closed": closed,
                    },
                )
        upgrade(empty_database)
        with engine.begin() as connection:
            rows = connection.execute(text("SELECT id, paper_entry_finished, paper_responses FROM meeting ORDER BY id"))
            assert [tuple(row) for row in rows] == [(1, True, 0), (2, False, 0), (3, False, 0)]
    finally:
        engine.dispose()
