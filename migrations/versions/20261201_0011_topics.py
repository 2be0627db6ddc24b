"""topics

The network's topic list, the member proposals taken into it, and the link
from a meeting's topics to it.  Existing meeting topics keep their title and
their "brought in by members" tick, now read as a coordinator's statement.

Revision ID: 0011_topics
Revises: 0011_api_tokens
Create Date: 2026-12-01 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_topics"
down_revision = "0011_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.CheckConstraint("origin IN ('members', 'coordinators')", name=op.f("ck_topic_known_origin")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic")),
    )
    op.create_table(
        "topic_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text_digest", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_topic_proposal_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topic.id"], name=op.f("fk_topic_proposal_topic_id_topic"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_proposal")),
        sa.UniqueConstraint("meeting_id", "text_digest", name=op.f("uq_topic_proposal_meeting_id")),
    )
    with op.batch_alter_table("topic_proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_proposal_topic_id"), ["topic_id"], unique=False)
    with op.batch_alter_table("meeting_topic", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topic_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_meeting_topic_topic_id"), ["topic_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_topic_topic_id_topic"), "topic", ["topic_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_topic", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_meeting_topic_topic_id_topic"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_meeting_topic_topic_id"))
        batch_op.drop_column("topic_id")
    with op.batch_alter_table("topic_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_proposal_topic_id"))
    op.drop_table("topic_proposal")
    op.drop_table("topic")
