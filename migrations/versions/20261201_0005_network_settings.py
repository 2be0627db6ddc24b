"""network settings

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("operator_name", sa.String(length=200), nullable=False),
        sa.Column("operator_address", sa.Text(), nullable=False),
        sa.Column("operator_email", sa.String(length=254), nullable=False),
        sa.Column("imprint", sa.Text(), nullable=False),
        sa.Column("privacy_notice", sa.Text(), nullable=False),
        sa.Column("languages", sa.String(length=64), nullable=False),
        sa.Column("default_language", sa.String(length=8), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("min_cell_size", sa.Integer(), nullable=False),
        sa.Column("free_text_months", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_network_settings_single_row")),
        sa.CheckConstraint("min_cell_size >= 3", name=op.f("ck_network_settings_min_cell_size_at_least_3")),
        sa.CheckConstraint("free_text_months >= 1", name=op.f("ck_network_settings_free_text_months_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_settings")),
    )


def downgrade() -> None:
    op.drop_table("network_settings")
