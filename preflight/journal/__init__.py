"""The attestation journal: signed, hash-chained session records. No Qt.

draft.py     begin_preflight(): a preflight in progress, then sealed (the kiosk's API)
record.py    what a record says (reduced to categories, counts and boxes)
seal.py      RFC 8785 canonical JSON, SHA-256 chain, Ed25519 signatures
keys.py      the device id and its signing key (OS keyring; a file only if allowed)
schema.py    the tables; migrations/ their history (Alembic), with append-only triggers
store.py     Journal: SQLite on the device or PostgreSQL for a group, via SQLAlchemy 2
recorder.py  Recorder.append(): the one way a record is written
sync.py      the outbox: local records sent to the central journal, idempotently
verify.py    signatures, chain links and sequence per device; names the first bad record
views.py     list rows, CSV, plain-text records

The kiosk (and `preflight check --sign`) use it like this; nothing is written before seal():

    recorder = open_recorder(config)                     # KeyUnavailable / JournalError
    draft = begin_preflight(config, who=Person(name, email, "staff"),
                            session=SessionInfo(pupils=("Sam",), teams_link=link), mode="staff")
    for result in report.checks:
        draft.record_result(result)                      # again after "Scan again"
    draft.affirm("consent_on_file"); ...                 # draft.missing lists the rest
    sealed = draft.seal(recorder, "Grace Hopper")        # NotReadyToSeal says what is missing
    if draft.cleared:
        open_teams(link)
        draft.record_launch(recorder, how="msteams")
"""

from __future__ import annotations

from pathlib import Path

from preflight.config import Config, data_dir
from preflight.journal.draft import NotReadyToSeal, PreflightDraft, begin_preflight
from preflight.journal.keys import KeyUnavailable, load_device_key
from preflight.journal.recorder import Recorder
from preflight.journal.store import Journal, JournalError

__all__ = [
    "Journal",
    "JournalError",
    "KeyUnavailable",
    "NotReadyToSeal",
    "PreflightDraft",
    "Recorder",
    "begin_preflight",
    "local_url",
    "open_recorder",
]

JOURNAL_FILE = "journal.sqlite3"


def local_url(config: Config, folder: Path | None = None) -> str:
    """The device's journal: the configured URL, or SQLite in the data folder."""
    if config.journal.url:
        return config.journal.url
    return f"sqlite:///{(folder or data_dir()) / JOURNAL_FILE}"


def open_recorder(config: Config, folder: Path | None = None) -> Recorder:
    """The device's journal, opened, with its signing key: ready to append records.

    Raises:
        KeyUnavailable: no usable keyring (and a file key is not allowed).
        JournalError: the journal cannot be opened.
    """
    folder = folder or data_dir()
    key = load_device_key(folder, allow_file_key=config.journal.allow_file_key)
    journal = Journal.open(local_url(config, folder), timeout_s=config.journal.timeout_s)
    return Recorder(journal, key, queue_for_central=bool(config.journal.central_url))
