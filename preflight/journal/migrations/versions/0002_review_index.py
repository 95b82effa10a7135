"""The review index: one row per record with what leadership filters by (see journal/index.py).

Rows for records already in the journal are added by the journal itself when it is next opened
for writing (Journal.migrate), so this migration only makes the table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _text(length: int) -> sa.types.TypeEngine[str]:
    # SQLite's STRICT tables accept TEXT, not VARCHAR(n).
    return sa.String(length).with_variant(sa.Text(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "record_index",
        sa.Column("record_id", _text(36), primary_key=True),
        sa.Column("mode", _text(16), nullable=False),
        sa.Column("pupils", _text(2000), nullable=False),
        sa.Column("pupils_fold", _text(2000), nullable=False),
        sa.Column("staff_fold", _text(200), nullable=False),
        sa.Column("problems", _text(2000), nullable=False),
        sa.Column("launched_for", _text(36), nullable=False),
        sqlite_strict=True,
    )
    op.create_index("ix_record_index_launched_for", "record_index", ["launched_for"])
    op.create_index("ix_records_staff", "records", ["staff"])


def downgrade() -> None:
    op.drop_index("ix_records_staff", "records")
    op.drop_table("record_index")
