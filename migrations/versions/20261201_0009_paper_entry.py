"""paper entry: when a meeting's paper forms are all typed in, and how many there were

A meeting counts its responses that came on paper (never a mark on the
response: the few who answered on paper would stand out) and knows whether
its coordinator has marked the paper entry finished.  Meetings whose survey
had closed before start finished: they have no paper forms to wait for.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy of `meeting` (that would cascade to its topics).
    op.add_column("meeting", sa.Column("paper_entry_finished", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("meeting", sa.Column("paper_responses", sa.Integer(), server_default="0", nullable=False))
    # A survey that closed before paper forms could be typed in has none to wait for.
    utc_now = "CURRENT_TIMESTAMP" if op.get_bind().dialect.name == "sqlite" else "(now() AT TIME ZONE 'utc')"
    op.execute(f"UPDATE meeting SET paper_entry_finished = TRUE WHERE closes_at IS NOT NULL AND closes_at < {utc_now}")


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite 3.35 and later): a batch copy of `meeting` would cascade to its topics.
    op.drop_column("meeting", "paper_responses")
    op.drop_column("meeting", "paper_entry_finished")
