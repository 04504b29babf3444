"""replied update (a redelivered Telegram update whose reply went out gets no second reply)

Revision ID: 0007_workers
Revises: 0006_review
Create Date: 2026-11-30 03:40:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_workers'
down_revision: str | None = '0006_review'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('replied_update',
    sa.Column('update_id', sa.BigInteger(), nullable=False),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_replied_update'))
    )
    op.create_index(op.f('ix_replied_update_replied_at'), 'replied_update', ['replied_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_replied_update_replied_at'), table_name='replied_update')
    op.drop_table('replied_update')
