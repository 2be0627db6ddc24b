"""translation basis

Which source each translation of a questionnaire was made from, so a
translation whose source text changed afterwards is marked "to check".

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translation_basis",
        sa.Column("questionnaire_key", sa.String(length=40), nullable=False),
        sa.Column("text_key", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("questionnaire_key", "text_key", "language", name=op.f("pk_translation_basis")),
    )


def downgrade() -> None:
    op.drop_table("translation_basis")
