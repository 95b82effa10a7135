"""The first journal: device keys, sealed records (append-only), and the local outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_APPEND_ONLY = ("device_keys", "records")


def _text(length: int) -> sa.types.TypeEngine[str]:
    # SQLite's STRICT tables accept TEXT, not VARCHAR(n).
    return sa.String(length).with_variant(sa.Text(), "sqlite")


def upgrade() -> None:
    # STRICT (SQLite): a value of the wrong type is refused, as PostgreSQL refuses it, so no row
    # can hold a seq of 5.5 or a BLOB device id that the chain walk would trip over.
    op.create_table(
        "device_keys",
        sa.Column("key_id", _text(32), primary_key=True),
        sa.Column("device_id", _text(36), nullable=False),
        sa.Column("algorithm", _text(16), nullable=False),
        sa.Column("public_key", _text(64), nullable=False),
        sa.Column("registered_utc", _text(32), nullable=False),
        sqlite_strict=True,
    )
    op.create_index("ix_device_keys_device_id", "device_keys", ["device_id"])
    op.create_table(
        "records",
        sa.Column("record_id", _text(36), primary_key=True),
        sa.Column("device_id", _text(36), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("prev_hash", _text(64), nullable=False),
        sa.Column("hash", _text(64), nullable=False, unique=True),
        sa.Column("key_id", _text(32), nullable=False),
        sa.Column("signature", _text(128), nullable=False),
        sa.Column("created_utc", _text(32), nullable=False),
        sa.Column("kind", _text(16), nullable=False),
        sa.Column("staff", _text(200), nullable=False),
        sa.Column("verdict", _text(8), nullable=False),
        sa.Column("overrides", sa.Integer, nullable=False),
        sa.Column("envelope", sa.Text, nullable=False),
        sa.UniqueConstraint("device_id", "seq", name="uq_records_device_seq"),
        sa.CheckConstraint("seq >= 1 AND seq <= 2000000000", name="ck_records_seq"),
        sa.CheckConstraint("overrides >= 0", name="ck_records_overrides"),
        sqlite_strict=True,
    )
    op.create_index("ix_records_created_utc", "records", ["created_utc"])
    op.create_table(
        "outbox",
        sa.Column("record_id", _text(36), primary_key=True),
        sa.Column("queued_utc", _text(32), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", _text(300)),
        sqlite_strict=True,
    )
    # Append-only in the database itself: the application never updates or deletes a record or
    # a key, and neither can anything else that goes through SQL without first dropping these.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in _APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the journal is append-only: {table} rows "
                    f"cannot be changed or removed'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION preflight_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the journal is append-only: % rows cannot be changed or "
            "removed', TG_TABLE_NAME; END $$"
        )
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION preflight_append_only()"
            )


def downgrade() -> None:
    raise NotImplementedError("the journal's first schema cannot be removed by a migration")
