"""Several OS processes submit at once; exactly every submission is stored.

Each process is a server worker of its own (own app, own engine, own
connections), as under gunicorn; SQLite must queue the writers (WAL,
BEGIN IMMEDIATE, busy timeout) and never answer "database is locked".
"""

import multiprocessing
import time

import pytest
from sqlalchemy import func, select

from app.models import Answer, Response, SubmissionReceipt

PROCESSES = 8
SUBMISSIONS_EACH = 250


def _phone_burst(database_url: str, code: str, submissions: int) -> tuple[int, list[str]]:
    from app import create_app
    from tests.conftest import VALID_ANSWERS, open_form

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"})
    stored, problems = 0, []
    for _ in range(submissions):
        client = app.test_client()  # a new phone each time
        page = open_form(client, code)
        response = client.post(f"/m/{code}", data=page.fields(VALID_ANSWERS))
        if response.status_code == 303:
            stored += 1
        else:
            problems.append(f"{response.status_code}: {response.get_data(as_text=True)[:200]}")
    app.extensions["resonanz.db"].dispose()
    return stored, problems


@pytest.mark.slow
def test_concurrent_submissions_from_several_processes_are_all_stored(database_url, db, meeting):
    context = multiprocessing.get_context("spawn")  # no inherited connections
    started = time.perf_counter()
    with context.Pool(PROCESSES) as pool:
        results = pool.starmap(_phone_burst, [(database_url, meeting.public_code, SUBMISSIONS_EACH)] * PROCESSES)
    elapsed = time.perf_counter() - started
    problems = [p for _, ps in results for p in ps]
    assert problems == []
    assert sum(stored for stored, _ in results) == PROCESSES * SUBMISSIONS_EACH
    db.rollback()
    expected = PROCESSES * SUBMISSIONS_EACH
    assert db.scalar(select(func.count()).select_from(Response)) == expected
    assert db.scalar(select(func.count()).select_from(SubmissionReceipt)) == expected
    # Every response has all its answers (none stored half).
    per_response = db.execute(select(func.count()).select_from(Answer).group_by(Answer.response_id)).scalars().all()
    assert len(per_response) == expected and len(set(per_response)) == 1
    print(
        f"\n{database_url.split(':')[0]}: {expected} journeys from {PROCESSES} processes "
        f"in {elapsed:.1f} s ({expected / elapsed:.0f}/s)"
    )
