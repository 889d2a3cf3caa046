"""Tickets carry the customer's plan and the priority it gives (issue 11).

Revision ID: i11_priority
Revises: i16_security
"""

from alembic import op
import sqlalchemy as sa


revision = "i11_priority"
down_revision = "i16_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        # Tickets from before the rules: an anonymous visitor's normal priority.
        batch_op.add_column(sa.Column("priority", sa.String(length=16), nullable=False, server_default="normal"))
        batch_op.add_column(sa.Column("plan", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_tickets_priority"), ["priority"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_email_created_at"), ["email", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_email_created_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_priority"))
        batch_op.drop_column("plan")
        batch_op.drop_column("priority")
