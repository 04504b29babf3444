"""interview undelivered step (the question a reply could not show; shown again before an answer)

Revision ID: 0005_delivery
Revises: 0004_domain
Create Date: 2026-11-30 03:20:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_delivery'
down_revision: str | None = '0004_domain'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for every existing interview: nothing is known to be undelivered.
    op.add_column('interview', sa.Column('undelivered_step', sa.Integer(), nullable=True))
    op.create_index('ix_interview_undelivered_step', 'interview', ['undelivered_step'])


def downgrade() -> None:
    # Plain ALTER TABLE, not batch mode: rebuilding `interview` on SQLite would drop it, and with
    # foreign keys on, that cascades into every answer.
    op.drop_index('ix_interview_undelivered_step', table_name='interview')
    op.drop_column('interview', 'undelivered_step')
