"""The journal's tables, for queries. Their history (and the append-only triggers) is in
migrations/versions; a change here needs a new migration there. No Qt.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

#: Public keys of every device that has written records: anyone can verify, nobody needs secrets.
device_keys = Table(
    "device_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("device_id", String(36), nullable=False, index=True),
    Column("algorithm", String(16), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("registered_utc", String(32), nullable=False),
)

#: Sealed records. `envelope` is the exact canonical text that was hashed and signed; the other
#: columns repeat some of its fields for listing and filtering (verify checks they agree).
records = Table(
    "records",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Column("key_id", String(32), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("created_utc", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("staff", String(200), nullable=False),
    Column("verdict", String(8), nullable=False),
    Column("overrides", Integer, nullable=False),
    Column("envelope", Text, nullable=False),
    UniqueConstraint("device_id", "seq", name="uq_records_device_seq"),
)

#: Local only: records sealed here and not yet confirmed by the central journal.
outbox = Table(
    "outbox",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("queued_utc", String(32), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", String(300)),
)

#: The review index (index.py): one row per record, derived from its envelope; a finding aid
#: for filters, not evidence.
record_index = Table(
    "record_index",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("mode", String(16), nullable=False),
    Column("pupils", String(2000), nullable=False),
    Column("pupils_fold", String(2000), nullable=False),
    Column("staff_fold", String(200), nullable=False),
    Column("problems", String(2000), nullable=False),
    Column("launched_for", String(36), nullable=False, index=True),
)
