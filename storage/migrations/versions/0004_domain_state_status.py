"""the engine's state says the interview's status, as the status column does

Until now a paused interview (and an imported one that stopped part-way, `abandoned`) kept its
engine state's own status ("active"): only the column said paused. Pause and resume are engine
commands now, so the state carries the same status as the column; this copies it over.

Revision ID: 0004_domain
Revises: 0003_firstday
Create Date: 2026-11-30 03:30:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_domain'
down_revision: str | None = '0003_firstday'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INTERVIEW = sa.table(
    'interview',
    sa.column('id', sa.Integer()),
    sa.column('status', sa.String()),
    sa.column('state', sa.JSON()),
)
_COPIED = ('paused', 'abandoned')  # the only statuses the state did not carry itself


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_INTERVIEW.c.id, _INTERVIEW.c.status, _INTERVIEW.c.state)
        .where(_INTERVIEW.c.status.in_(_COPIED))
    ).all()
    for row in rows:
        state = dict(row.state or {})
        if state.get('status') == 'consent':  # paused before saying yes: still to be asked
            state['consented'] = False
        state['status'] = row.status
        conn.execute(
            sa.update(_INTERVIEW).where(_INTERVIEW.c.id == row.id).values(state=state)
        )


def downgrade() -> None:
    # The older code has no `consented` flag (it said "consent" as the status) and read a paused
    # interview's state as it was before the pause; the column keeps saying paused.
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_INTERVIEW.c.id, _INTERVIEW.c.status, _INTERVIEW.c.state)
        .where(_INTERVIEW.c.status.in_(('active', *_COPIED)))
    ).all()
    for row in rows:
        state = dict(row.state or {})
        consented = state.pop('consented', True)
        if not consented:
            state['status'] = 'consent'
        elif row.status in _COPIED:
            state['status'] = 'active'
        conn.execute(
            sa.update(_INTERVIEW).where(_INTERVIEW.c.id == row.id).values(state=state)
        )
