"""stored counts: the answer counts of closed meetings, kept for the report

Each closed meeting whose results are released gets its answer counts (per
question and code, and per answer of each breakdown question) stored once,
so the report's cost no longer grows with every answer ever stored
(app/evaluation/report/stored_counts.py).  Existing meetings start without
stored counts; they are counted at the next staff request.

Revision ID: 0011_stored_counts
Revises: 0010
Create Date: 2026-12-01 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_stored_counts"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy of `meeting` (that would cascade to its topics).
    op.add_column("meeting", sa.Column("counts_stored", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "meeting_count",
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("group_question", sa.String(length=40), nullable=False),
        sa.Column("group_code", sa.String(length=40), nullable=False),
        sa.Column("question_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_count_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_version_id"],
            ["questionnaire_version.id"],
            name=op.f("fk_meeting_count_questionnaire_version_id_questionnaire_version"),
        ),
        sa.PrimaryKeyConstraint(
            "questionnaire_version_id",
            "meeting_id",
            "group_question",
            "group_code",
            "question_id",
            "code",
            name=op.f("pk_meeting_count"),
        ),
    )
    with op.batch_alter_table("meeting_count", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_count_meeting_id"), ["meeting_id"], unique=False)


def downgrade() -> None:
    op.drop_table("meeting_count")
    # ALTER TABLE … DROP COLUMN (SQLite 3.35 and later): a batch copy of `meeting` would cascade to its topics.
    op.drop_column("meeting", "counts_stored")
