"""accounts and sessions: a session token, an e-mail address and a reset link per account, the security log

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("reset_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reset_expires_at", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_user_account_reset_digest"), ["reset_digest"])
    # Each existing account its own token: sessions from before the upgrade end.
    accounts = sa.table("user_account", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(accounts.c.id)).all():
        connection.execute(
            accounts.update().where(accounts.c.id == user_id).values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)

    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_security_event_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
    )
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_event_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_security_event_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_security_event_created_at"))
    op.drop_table("security_event")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_account_reset_digest"), type_="unique")
        batch_op.drop_column("reset_expires_at")
        batch_op.drop_column("reset_digest")
        batch_op.drop_column("email")
        batch_op.drop_column("session_token")
