"""contact consent and broadcasts (writing to respondents after their interview)

Revision ID: 0008_loopcontact
Revises: 0007_workers
Create Date: 2026-11-30 03:10:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_loopcontact'
down_revision: str | None = '0007_workers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('contact_consent',
    sa.Column('pseudonym', sa.String(length=64), nullable=False),
    sa.Column('results', sa.Boolean(), nullable=False),
    sa.Column('follow_up', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pseudonym'], ['respondent.pseudonym'], name=op.f('fk_contact_consent_pseudonym_respondent'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pseudonym', name=op.f('pk_contact_consent'))
    )
    op.create_table('broadcast',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('fallback', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_broadcast_study_id_study')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast')),
    sa.UniqueConstraint('study_id', 'name', name=op.f('uq_broadcast_study_id_name'))
    )
    op.create_table('broadcast_recipient',
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcast.id'], name=op.f('fk_broadcast_recipient_broadcast_id_broadcast'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pseudonym'], ['respondent.pseudonym'], name=op.f('fk_broadcast_recipient_pseudonym_respondent'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('broadcast_id', 'pseudonym', name=op.f('pk_broadcast_recipient'))
    )
    op.create_index('ix_broadcast_recipient_status', 'broadcast_recipient', ['broadcast_id', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_broadcast_recipient_status', table_name='broadcast_recipient')
    op.drop_table('broadcast_recipient')
    op.drop_table('broadcast')
    op.drop_table('contact_consent')
