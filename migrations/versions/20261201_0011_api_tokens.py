"""api tokens: personal tokens for the read-only API, and its calls in the download log

Only a token's SHA-256 digest is stored.  The download log (export_log) also
records each call to the API: the token, what was read, and no questionnaire
version for a call that read none.

Revision ID: 0011_api_tokens
Revises: 0011_stored_counts
Create Date: 2026-12-01 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_api_tokens"
down_revision = "0011_stored_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_token_digest")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)
    # A copy of export_log on SQLite (no table refers to it).
    with op.batch_alter_table("export_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_token_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resource", sa.String(length=20), nullable=True))
        batch_op.alter_column("questionnaire_version_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_export_log_api_token_id_api_token"),
            "api_token",
            ["api_token_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("export_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_export_log_api_token_id_api_token"), type_="foreignkey")
        batch_op.execute("DELETE FROM export_log WHERE questionnaire_version_id IS NULL")
        batch_op.alter_column("questionnaire_version_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("resource")
        batch_op.drop_column("api_token_id")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))
    op.drop_table("api_token")
