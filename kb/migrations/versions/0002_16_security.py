"""Security: staff session versions, outbox Message-IDs, one feedback answer per visitor.

Revision ID: i16_security
Revises: 0001
Create Date: 2026-11-29 14:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "i16_security"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_message_id"), ["message_id"], unique=False)

    with op.batch_alter_table("article_feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visitor", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_article_feedback_visitor", ["article_id", "question", "visitor"])


def downgrade() -> None:
    with op.batch_alter_table("article_feedback", schema=None) as batch_op:
        batch_op.drop_constraint("uq_article_feedback_visitor", type_="unique")
        batch_op.drop_column("visitor")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_id"))
        batch_op.drop_column("message_id")

    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
