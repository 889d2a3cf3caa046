"""Analytics events, ticket status, and an index on the tickets' date.

Revision ID: i14_analytics
Revises: i11_priority
"""

from alembic import op
import sqlalchemy as sa


revision = "i14_analytics"
down_revision = "i11_priority"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("flow", sa.String(length=32), nullable=True),
        sa.Column("visitor", sa.String(length=32), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=True),
        sa.Column("result_count", sa.Integer(), nullable=True),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("article_id", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("positive", sa.Boolean(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("ticket_kind", sa.String(length=32), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("analytics_events", schema=None) as batch_op:
        batch_op.create_index("ix_analytics_events_flow", ["flow"], unique=False)
        batch_op.create_index("ix_analytics_events_ticket_id", ["ticket_id"], unique=False)
        batch_op.create_index("ix_analytics_events_kind_occurred_at", ["kind", "occurred_at"], unique=False)
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), server_default="new", nullable=False))
        batch_op.create_index("ix_tickets_status", ["status"], unique=False)
        batch_op.create_index("ix_tickets_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_created_at")
        batch_op.drop_index("ix_tickets_status")
        batch_op.drop_column("status")
    op.drop_table("analytics_events")
