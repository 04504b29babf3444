"""keywords researchers add to codebooks; a second coder's independent codings

Revision ID: 0006_review
Revises: 0005_delivery
Create Date: 2026-11-30 03:10:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_review'
down_revision: str | None = '0005_delivery'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A second coder's codings sit beside the overrides in force, flagged, so every rule that
    # deletes an answer's overrides (restart, replaced answer, erasure) deletes them too.
    op.add_column('coding_override', sa.Column(
        'independent', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'codebook_keyword',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('study_id', sa.String(length=100), nullable=False),
        sa.Column('question_id', sa.String(length=100), nullable=False),
        sa.Column('theme_id', sa.String(length=100), nullable=False),
        sa.Column('language', sa.String(length=20), nullable=False),
        sa.Column('keyword', sa.String(length=200), nullable=False),
        sa.Column('coder', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_codebook_keyword')),
        sa.UniqueConstraint('study_id', 'question_id', 'theme_id', 'language', 'keyword',
                            name=op.f('uq_codebook_keyword_study_id_question_id_theme_id_language_keyword')),
    )
    op.create_index(op.f('ix_codebook_keyword_study_id'), 'codebook_keyword', ['study_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_codebook_keyword_study_id'), table_name='codebook_keyword')
    op.drop_table('codebook_keyword')
    # Plain ALTER TABLE, not batch mode (SQLite 3.35+ drops a column in place).
    op.drop_column('coding_override', 'independent')
