"""answer order index (a study's answers by interview in recording order, with no sort)

Revision ID: 0010_reportspeed
Revises: 0009_probeexport
Create Date: 2026-11-30 06:40:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0010_reportspeed'
down_revision: str | None = '0009_probeexport'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_answer_interview_order', 'answer', ['interview_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_answer_interview_order', table_name='answer')
