"""the probe each follow-up answer replies to (its wording's key), for exports

Revision ID: 0009_probeexport
Revises: 0008_loopcontact
Create Date: 2026-11-30 06:10:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_probeexport'
down_revision: str | None = '0008_loopcontact'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for every answer recorded before: which probe it replied to is not known, and the
    # exports leave that cell empty. Nullable without a default, so adding it rewrites nothing.
    op.add_column('answer', sa.Column('probe_asked', sa.String(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE, not batch mode: rebuilding `answer` on SQLite would drop its coding
    # overrides through the foreign key's cascade.
    op.drop_column('answer', 'probe_asked')
