"""Shared by the benchmarks: a scratch database filled with many responses fast.

Rows go in with the database's bulk path (COPY on PostgreSQL, executemany on
SQLite), bypassing the ORM: the benchmarks measure reading, not loading.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import uuid
from contextlib import contextmanager
from pathlib import Path

from app import clock
from app.config import Config
from app.db import Database
from app.demo import ACTOR_GROUPS
from app.meetings import codes
from app.models import Base, Meeting
from app.network.actor_groups import services as actor_groups
from app.questionnaires import versions
from tests.scratch import scratch_database as persistence_scratch

PROJECT = Path(__file__).resolve().parent.parent
IV1 = PROJECT / "questionnaires" / "iv-1.yaml"
POSTGRES_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# Realistic answer shapes for the IV.1 questionnaire: 12 answers per response.
CHOICES = {
    "actor_group": [code for code, _labels in ACTOR_GROUPS],
    "knows_more_offers": ["yes", "no", "dont_know"],
    "new_contacts": ["yes", "no", "dont_know"],
    "new_partners": ["yes", "no", "dont_know"],
    "central_topics": ["yes", "no", "dont_know"],
    "satisfaction": list("12345"),
    "impulses": list("12345"),
    "benefit": list("12345"),
    "relevant_topics": list("12345"),
    "transparency": list("12345"),
}
ANSWERS_PER_RESPONSE = len(CHOICES) + 2  # + number + free text


def _store_iv1(session):
    """IV.1 as a version, its actor-group question taking the demo network's list."""
    actor_groups.add_groups(session, ACTOR_GROUPS)
    return versions.store_questionnaire(session, IV1.read_text("utf-8"))


def open_meeting(url: str) -> str:
    """Store IV.1 and a meeting whose survey is open now in a migrated
    database; returns the meeting's public code."""
    database = Database(url)
    session = database.session(write=True)
    version, _ = _store_iv1(session)
    now = clock.utcnow()
    meeting = Meeting(
        public_code=codes.new_public_code(),
        title="Netzwerktreffen Bildung und Migration",
        date=clock.local_date(now, Config.TIME_ZONE),
        place="Freiburg im Breisgau",
        questionnaire_version=version,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    session.add(meeting)
    session.commit()
    code = meeting.public_code
    session.close()
    database.dispose()
    return code


@contextmanager
def scratch_database(engine_name: str):
    """An empty database of this engine, removed afterwards."""
    with persistence_scratch(engine_name, POSTGRES_URL) as url:
        yield url


def fill(url: str, answers: int, *, meetings: int = 13, seed: int = 1) -> int:
    """Create the schema, the IV.1 questionnaire, meetings and about ``answers`` answers;
    returns the questionnaire version id."""
    database = Database(url)
    Base.metadata.create_all(database.engine)
    session = database.session(write=True)
    version, _ = _store_iv1(session)
    meeting_ids = []
    for i in range(meetings):
        date = dt.date(2014 + i // 4, 1 + (i % 4) * 3, 15)
        opens_at = dt.datetime.combine(date, dt.time(16, 0))
        meeting = Meeting(
            public_code=codes.new_public_code(),
            title=f"Treffen {i + 1}",
            date=date,
            place="Freiburg",
            questionnaire_version=version,
            opens_at=opens_at,
            closes_at=opens_at + dt.timedelta(days=14),  # long closed: only such surveys are reported and exported
            paper_entry_finished=True,  # and no paper forms awaited, so their results are released
            invited=400,
            attended=240,
        )
        session.add(meeting)
        session.flush()
        meeting_ids.append(meeting.id)
    session.commit()
    version_id = version.id
    session.close()

    rng = random.Random(seed)
    responses = answers // ANSWERS_PER_RESPONSE
    batch = 20_000
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(0, responses, batch):
            response_rows, answer_rows = [], []
            for _ in range(min(batch, responses - start)):
                rid = uuid.uuid4()
                meeting_id = rng.choice(meeting_ids)
                response_rows.append((rid, meeting_id, version_id, "de", dt.date(2016, 1, 1)))
                for question, options in CHOICES.items():
                    answer_rows.append((rid, question, rng.choice(options), None, None))
                answer_rows.append((rid, "meetings_attended", "value", rng.randint(1, 13), None))
                answer_rows.append((rid, "comment", "value", None, "Mehr Zeit für Austausch, bitte."))
            _bulk_insert(database, cursor, response_rows, answer_rows)
            raw.commit()
    finally:
        raw.close()
    # Fresh statistics, as autovacuum or a nightly ANALYZE would give a live database.
    with database.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    database.dispose()
    return version_id


def _bulk_insert(database: Database, cursor, response_rows, answer_rows) -> None:
    if database.is_sqlite:
        cursor.execute("BEGIN")
        cursor.executemany(
            "INSERT INTO response VALUES (?, ?, ?, ?, ?)",
            [(r[0].hex, *r[1:4], r[4].isoformat()) for r in response_rows],
        )
        cursor.executemany("INSERT INTO answer VALUES (?, ?, ?, ?, ?)", [(a[0].hex, *a[1:]) for a in answer_rows])
        return
    with cursor.copy(
        "COPY response (id, meeting_id, questionnaire_version_id, language, submitted_on) FROM STDIN"
    ) as copy:
        for row in response_rows:
            copy.write_row(row)
    with cursor.copy("COPY answer (response_id, question_id, code, number, text) FROM STDIN") as copy:
        for row in answer_rows:
            copy.write_row(row)
