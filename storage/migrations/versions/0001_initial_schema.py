"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 16:01:50.682065
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('respondent',
    sa.Column('pseudonym', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('source', sa.String(length=64), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('pseudonym', name=op.f('pk_respondent'))
    )
    op.create_table('study',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study'))
    )
    op.create_table('script_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_script_version_study_id_study')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_script_version')),
    sa.UniqueConstraint('study_id', 'sha256', name=op.f('uq_script_version_study_id_sha256'))
    )
    op.create_table('interview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=64), nullable=False),
    sa.Column('study_id', sa.String(length=100), nullable=False),
    sa.Column('script_version_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=True),
    sa.Column('source', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['pseudonym'], ['respondent.pseudonym'], name=op.f('fk_interview_pseudonym_respondent'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['script_version_id'], ['script_version.id'], name=op.f('fk_interview_script_version_id_script_version')),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_interview_study_id_study')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview'))
    )
    op.create_index('ix_interview_pseudonym_study', 'interview', ['pseudonym', 'study_id'], unique=False)
    op.create_index('ix_interview_status_updated', 'interview', ['status', 'updated_at'], unique=False)
    op.create_index(op.f('ix_interview_study_id'), 'interview', ['study_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('probe', sa.Integer(), nullable=False),
    sa.Column('raw_text', sa.String(), nullable=True),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['interview_id'], ['interview.id'], name=op.f('fk_answer_interview_id_interview'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('interview_id', 'question_id', 'probe', name=op.f('uq_answer_interview_id_question_id_probe'))
    )
    op.create_table('applied_update',
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interview.id'], name=op.f('fk_applied_update_interview_id_interview'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('interview_id', 'update_id', name=op.f('pk_applied_update'))
    )
    op.create_table('coding_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('coder', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_coding_override_answer_id_answer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coding_override'))
    )
    op.create_index(op.f('ix_coding_override_answer_id'), 'coding_override', ['answer_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_coding_override_answer_id'), table_name='coding_override')
    op.drop_table('coding_override')
    op.drop_table('applied_update')
    op.drop_table('answer')
    op.drop_index(op.f('ix_interview_study_id'), table_name='interview')
    op.drop_index('ix_interview_status_updated', table_name='interview')
    op.drop_index('ix_interview_pseudonym_study', table_name='interview')
    op.drop_table('interview')
    op.drop_table('script_version')
    op.drop_table('study')
    op.drop_table('respondent')
