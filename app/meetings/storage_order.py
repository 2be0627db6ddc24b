"""No order in storage: a closed survey's rows are rewritten in random order.

PostgreSQL appends each new row to its table's heap, so the rows' physical
places (``ctid``) follow the order of submission, and each row's ``xmin``
(the transaction that wrote it) even pairs a response with its answers, its
receipt and the access code it used.  Once a survey has closed, its
responses, answers and access codes, and the whole receipt table (receipts
carry no meeting), are deleted and written again in random order in one
transaction: every row then has the same ``xmin`` and a place drawn at
random.  What stays behind until VACUUM, and in backups: docs/operations.md.

SQLite keeps these tables WITHOUT ROWID, in the order of their random keys
(app/models.py), so there is nothing to rewrite; the meeting is only marked.

A survey counts as closed here only ``GRACE`` after its end: a submission
that asked the window just before it closed may still be on its way, and it
must not land after the rewrite.  Staff requests and ``flask meetings
shuffle`` look for such surveys (app/meetings/views.py, app/meetings/cli.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from app.models import Meeting

# Longer than any participant request lives (gunicorn's timeout is 30 s).
GRACE = dt.timedelta(minutes=2)

# What of the closed meetings is rewritten, parents before children.
_ROWS_OF_MEETINGS = {
    "response": "SELECT * FROM response WHERE meeting_id = ANY(:meetings)",
    "answer": "SELECT answer.* FROM answer JOIN response ON response.id = answer.response_id "
    "WHERE response.meeting_id = ANY(:meetings)",
    "access_code": "SELECT * FROM access_code WHERE meeting_id = ANY(:meetings)",
}


def _due(now: dt.datetime):
    return select(Meeting.id).where(Meeting.closes_at <= now - GRACE, Meeting.rows_shuffled.is_(False))


def due(session: Session, now: dt.datetime) -> list[int]:
    """The meetings whose survey closed (``GRACE`` ago) and whose rows were not rewritten since."""
    return list(session.scalars(_due(now)))


def shuffle_closed_surveys(session: Session, now: dt.datetime) -> list[int]:
    """Rewrite the rows of every survey that is :func:`due`; the meetings done.

    The meetings' rows are locked first (``FOR UPDATE``): a submission still
    inserting a response for one of them holds a key-share lock on its row
    through the response's foreign key, so the rewrite waits for it to
    finish, and one that comes later waits for the rewrite.
    """
    meeting_ids = list(session.scalars(_due(now).order_by(Meeting.id).with_for_update()))
    if not meeting_ids:
        return []
    if session.get_bind().dialect.name == "postgresql":
        _rewrite_in_random_order(session, meeting_ids)
    session.execute(update(Meeting).where(Meeting.id.in_(meeting_ids)).values(rows_shuffled=True))
    session.flush()
    return meeting_ids


def _rewrite_in_random_order(session: Session, meeting_ids: list[int]) -> None:
    """Copy the meetings' rows aside, delete them (answers go with their
    responses), insert them again in random order; then the receipts."""
    meetings = {"meetings": meeting_ids}
    for table, rows in _ROWS_OF_MEETINGS.items():
        session.execute(text(f"CREATE TEMPORARY TABLE moving_{table} AS {rows}"), meetings)
    session.execute(text("DELETE FROM access_code WHERE meeting_id = ANY(:meetings)"), meetings)
    session.execute(text("DELETE FROM response WHERE meeting_id = ANY(:meetings)"), meetings)
    for table in _ROWS_OF_MEETINGS:
        session.execute(text(f"INSERT INTO {table} SELECT * FROM moving_{table} ORDER BY random()"))
        session.execute(text(f"DROP TABLE moving_{table}"))
    # One statement: the receipts it deletes are exactly those it inserts
    # again, so one stored meanwhile (another survey is open) stays as it is.
    session.execute(
        text(
            "WITH moving AS (DELETE FROM submission_receipt RETURNING *) "
            "INSERT INTO submission_receipt SELECT * FROM moving ORDER BY random()"
        )
    )
