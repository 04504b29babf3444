"""respondent chat reference

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An encrypted reference to the respondent's chat (never the raw Telegram id).
    op.add_column('respondent', sa.Column('chat_ref', sa.String(length=255), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE, not batch mode: rebuilding `respondent` on SQLite would drop it, and
    # with foreign keys on, that cascades into every interview.
    op.drop_column('respondent', 'chat_ref')
