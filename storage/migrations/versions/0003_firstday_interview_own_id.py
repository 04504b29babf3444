"""interview own id (the respondent's id in the tool an imported interview came from)

Revision ID: 0003_firstday
Revises: 0002
Create Date: 2026-11-29 23:55:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_firstday'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # E.g. KoboToolbox's `_uuid` or a paper form's number; empty for interviews held on Telegram.
    op.add_column('interview', sa.Column('own_id', sa.String(length=100), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE, not batch mode: rebuilding `interview` on SQLite would drop it, and with
    # foreign keys on, that cascades into every answer.
    op.drop_column('interview', 'own_id')
