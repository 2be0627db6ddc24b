"""The queries behind an export.  All run on one connection inside one
transaction, so the combination counts and the streamed rows see the same
responses (a response submitted or purged in between would otherwise make a
counted combination differ from the exported one).

Random order: the responses of the selection are numbered in random order
into a temporary table (``row_number() OVER (ORDER BY random())``, which
SQLite and PostgreSQL both know); the answers are then read by walking that
table in order and looking each response's answers up by primary key.  The
answers of a response arrive together, nothing is sorted in memory, and the
database returns the first row at once (a nested loop over an ordered index)
whatever the number of responses.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Table,
    Uuid,
    and_,
    case,
    exists,
    func,
    insert,
    select,
)
from sqlalchemy.orm import aliased

from app.evaluation.export.rows import Variable
from app.evaluation.report.queries import released
from app.meetings import storage_order
from app.models import Answer, Meeting, Response


def survey_closed(now: dt.datetime):
    """Meetings whose survey has closed, ``GRACE`` ago (a submission that began
    just before the end may still be on its way).  An open survey's responses
    are never exported: two exports, before and after one submission, would
    give it away.  The report's release rule, ``GRACE`` later."""
    return released(now - storage_order.GRACE)


def selection_filters(
    version_id: int, *, now: dt.datetime, meeting_id: int | None = None, year: int | None = None
) -> list:
    meetings = select(Meeting.id).where(survey_closed(now))
    if meeting_id is not None:
        meetings = meetings.where(Meeting.id == meeting_id)
    if year is not None:
        meetings = meetings.where(Meeting.date >= dt.date(year, 1, 1), Meeting.date < dt.date(year + 1, 1, 1))
    return [Response.questionnaire_version_id == version_id, Response.meeting_id.in_(meetings)]


def responses_per_meeting(connection: Connection, filters: Sequence) -> dict[int, int]:
    return dict(
        connection.execute(
            select(Response.meeting_id, func.count()).where(*filters).group_by(Response.meeting_id)
        ).all()
    )


def meeting_dates(connection: Connection, filters: Sequence) -> dict[int, dt.date]:
    """The date of every meeting in the selection (a handful of rows, not one per answer)."""
    return dict(
        connection.execute(
            select(Meeting.id, Meeting.date).where(Meeting.id.in_(select(Response.meeting_id).where(*filters)))
        ).all()
    )


def _multiple_choice_value(variable: Variable):
    """1 chosen, 0 answered without this option, NULL not answered: as the export row shows it."""

    def answer(*conditions):
        return and_(Answer.response_id == Response.id, Answer.question_id == variable.question_id, *conditions)

    return case((exists().where(answer(Answer.code == variable.option)), 1), (exists().where(answer()), 0), else_=None)


def combination_counts(connection: Connection, filters: Sequence, quasi: Sequence[Variable]) -> dict[tuple, int]:
    """How many responses give each combination of meeting and quasi-identifier
    values: a GROUP BY in the database, so one row per combination (a few
    hundred at most) reaches Python.

    The meeting belongs to the combination because every exported row shows
    its meeting's date: a combination common across meetings may be unique
    within one.
    """
    per_response = select(Response.meeting_id.label("meeting")).where(*filters)
    for position, variable in enumerate(quasi):
        label = f"q{position}"
        if variable.question_id is None:  # the language of the response
            per_response = per_response.add_columns(Response.language.label(label))
        elif variable.kind == "multiple_choice":
            per_response = per_response.add_columns(_multiple_choice_value(variable).label(label))
        else:
            # One answer at most: an outer join lets the database scan answers once.
            given = aliased(Answer)
            per_response = per_response.outerjoin(
                given, and_(given.response_id == Response.id, given.question_id == variable.question_id)
            ).add_columns((given.number if variable.kind == "number" else given.code).label(label))
    per_response = per_response.subquery()
    keys = [per_response.c.meeting, *(per_response.c[f"q{i}"] for i in range(len(quasi)))]
    rows = connection.execute(select(*keys, func.count()).group_by(*keys))
    counts = {}
    for meeting, *found, count in rows:
        key = (
            meeting,
            *(
                None if value is None else (v.value_of(value) if isinstance(value, str) else int(value))
                for v, value in zip(quasi, found)
            ),
        )
        counts[key] = count
    return counts


def create_random_order(connection: Connection, filters: Sequence) -> Table:
    """A temporary table numbering the selection's responses in a fresh random order."""
    # A fresh name each time: a pooled connection may still hold an earlier
    # export's table if that export was cut off.
    order = Table(
        f"export_order_{secrets.token_hex(6)}",
        MetaData(),
        Column("position", Integer, primary_key=True),
        Column("response_id", Uuid, nullable=False),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    order.create(connection)
    connection.execute(
        insert(order).from_select(
            ["position", "response_id"],
            select(func.row_number().over(order_by=func.random()), Response.id).where(*filters),
        )
    )
    if connection.dialect.name == "postgresql":
        # Temporary tables get no statistics otherwise; with them the planner
        # walks the table in order instead of sorting every answer.
        connection.exec_driver_sql(f"ANALYZE {order.name}")
    return order


def drop_random_order(connection: Connection, order: Table) -> None:
    if connection.dialect.name != "postgresql":  # PostgreSQL drops it at the end of the transaction
        order.drop(connection)


def answer_statement(order: Table, question_ids: Sequence[str]):
    """``(position, meeting id, language, question, code, number, text)`` in the
    table's order, the answers of one response together."""
    return (
        select(
            order.c.position,
            Response.meeting_id,
            Response.language,
            Answer.question_id,
            Answer.code,
            Answer.number,
            Answer.text,
        )
        .select_from(order)
        .join(Response, Response.id == order.c.response_id)
        .outerjoin(Answer, and_(Answer.response_id == order.c.response_id, Answer.question_id.in_(question_ids)))
        .order_by(order.c.position)
    )


def answer_rows(connection: Connection, order: Table, question_ids: Sequence[str], *, batch: int = 5000):
    """The rows of :func:`answer_statement`, streamed from a server-side cursor."""
    return connection.execution_options(stream_results=True, max_row_buffer=batch).execute(
        answer_statement(order, question_ids)
    )
