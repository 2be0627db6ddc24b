"""access codes, and no order in storage

The meeting learns how its survey is reached (open link or access codes) and
whether its rows were rewritten in random order since it closed; access codes
get their table.  On SQLite the participants' tables are rebuilt WITHOUT ROWID,
keeping every row: the hidden rowid counted the submissions.  Existing
meetings start as open links, not yet shuffled, so on PostgreSQL their rows
are rewritten at the next staff request (app/meetings/storage_order.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SURVEY_ACCESS_CHECK = "survey_access IN ('open_link', 'access_codes')"
# The participants' tables, parents before children.
PARTICIPANT_TABLES = ("submission_receipt", "response", "answer")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _add_meeting_columns(sqlite)
    op.create_table(
        "access_code",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_access_code_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_access_code")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_code_meeting_id"), ["meeting_id"], unique=False)
    if sqlite:
        _rebuild(PARTICIPANT_TABLES, with_rowid=False)


def _add_meeting_columns(sqlite: bool) -> None:
    # Plain ADD COLUMN, never a batch copy of `meeting`: dropping the old
    # table would cascade to its topics.
    if sqlite:
        op.execute(
            "ALTER TABLE meeting ADD COLUMN survey_access VARCHAR(20) DEFAULT 'open_link' NOT NULL "
            f"CONSTRAINT ck_meeting_known_survey_access CHECK ({SURVEY_ACCESS_CHECK})"
        )
    else:
        op.add_column(
            "meeting", sa.Column("survey_access", sa.String(length=20), server_default="open_link", nullable=False)
        )
        op.create_check_constraint(op.f("ck_meeting_known_survey_access"), "meeting", SURVEY_ACCESS_CHECK)
    op.add_column("meeting", sa.Column("rows_shuffled", sa.Boolean(), server_default=sa.false(), nullable=False))


def _rebuild(tables: tuple[str, ...], *, with_rowid: bool) -> None:
    """Copy each table into one of the same shape, WITH or WITHOUT ROWID.

    Dropping a parent table deletes its rows first, and with foreign keys on
    (which a transaction cannot turn off) that cascades to the answers: so
    the answers wait in a scratch table while their parents are rebuilt.
    """
    op.execute("CREATE TABLE _answer_kept AS SELECT * FROM answer")
    op.execute("DELETE FROM answer")
    for table in tables:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}):
            pass
    op.execute(
        "INSERT INTO answer (response_id, question_id, code, number, text) "
        "SELECT response_id, question_id, code, number, text FROM _answer_kept"
    )
    op.execute("DROP TABLE _answer_kept")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _rebuild(PARTICIPANT_TABLES, with_rowid=True)  # rowids that now count nothing
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_code_meeting_id"))
    op.drop_table("access_code")
    if sqlite:
        op.execute("ALTER TABLE meeting DROP COLUMN rows_shuffled")
        op.execute("ALTER TABLE meeting DROP COLUMN survey_access")
    else:
        op.drop_constraint(op.f("ck_meeting_known_survey_access"), "meeting", type_="check")
        op.drop_column("meeting", "rows_shuffled")
        op.drop_column("meeting", "survey_access")
