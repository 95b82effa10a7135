"""Records as people read them: list rows, CSV, and a plain-text record. No Qt.

Integrity comes from verify.py: a record is `verified` when it and every record before it in
its device's chain check out; the first bad record shows what is wrong; the records after it in
that chain are `unverified` (their link to the past is broken).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from typing import Any

from preflight.journal.store import StoredRecord
from preflight.journal.verify import VerifyReport

CSV_COLUMNS = (
    "record_id",
    "device_id",
    "seq",
    "sealed_utc",
    "kind",
    "staff",
    "email",
    "role",
    "mode",
    "pupils",
    "group",
    "scheduled_start_utc",
    "scheduled_end_utc",
    "verdict",
    "cleared",
    "origin",
    "failed_checks",
    "warned_checks",
    "overrides",
    "override_reasons",
    "attestations",
    "policy",
    "launched_for",
    "integrity",
)


class Integrity:
    """Per-record integrity from a verification report."""

    def __init__(self, report: VerifyReport) -> None:
        self._bad = {d.device_id: d.first_bad for d in report.devices if d.first_bad}
        self._ok = frozenset().union(*(d.verified for d in report.devices))
        self._ok_ids = frozenset(record_id for record_id, _ in self._ok)

    def of_place(self, record_id: str, device_id: str, seq: int) -> str:
        """As `of()`, for a listed row (its id and place in its device's chain)."""
        if record_id in self._ok_ids:
            return "verified"
        bad = self._bad.get(device_id)
        if bad is not None and (bad.record_id, bad.seq) == (record_id, seq):
            return f"{bad.problem}: {bad.detail}"
        if bad is not None:
            return "unverified: an earlier record of this device is not intact"
        return "unverified: it was not in the journal when it was checked"

    def of(self, stored: StoredRecord) -> str:
        s = stored.sealed
        if (s.record_id, s.hash) in self._ok:
            return "verified"
        bad = self._bad.get(s.device_id)
        if bad is not None and (bad.record_id, bad.seq) == (s.record_id, s.seq):
            return f"{bad.problem}: {bad.detail}"
        if bad is not None:
            return "unverified: an earlier record of this device is not intact"
        return "unverified: it was not in the journal when it was checked"


def row(stored: StoredRecord, integrity: str) -> dict[str, Any]:
    """One record as a flat row (list, CSV, review table); odd payloads give empty cells."""
    payload = _payload(stored)
    who = _dict(payload.get("who"))
    session = _dict(payload.get("session"))
    checks = [_dict(c) for c in _list(payload.get("checks"))]
    overrides = [_dict(o) for o in _list(payload.get("overrides"))]
    return {
        "record_id": stored.sealed.record_id,
        "device_id": stored.sealed.device_id,
        "seq": stored.sealed.seq,
        "sealed_utc": stored.sealed.created_utc,
        "kind": stored.kind,
        "staff": _text(who.get("name")),
        "email": _text(who.get("email")),
        "role": _text(who.get("role")),
        "mode": _text(payload.get("mode")),
        "pupils": "; ".join(_text(p) for p in _list(session.get("pupils"))),
        "group": _text(session.get("group")),
        "scheduled_start_utc": _text(_dict(session.get("scheduled_start")).get("utc")),
        "scheduled_end_utc": _text(_dict(session.get("scheduled_end")).get("utc")),
        "verdict": _text(payload.get("verdict")),
        "cleared": _yes_no(payload.get("cleared")),
        "origin": _text(payload.get("origin")),
        "failed_checks": "; ".join(_text(c.get("id")) for c in checks if c.get("status") == "fail"),
        "warned_checks": "; ".join(_text(c.get("id")) for c in checks if c.get("status") == "warn"),
        "overrides": len(overrides),
        "override_reasons": "; ".join(
            f"{_text(o.get('check'))}: {_text(o.get('reason'))} "
            f"(approved by {_text(o.get('approved_by'))})"
            for o in overrides
        ),
        "attestations": "; ".join(
            _text(_dict(a).get("id")) for a in _list(payload.get("attestations"))
        ),
        "policy": _text(_dict(payload.get("policy")).get("id")),
        "launched_for": _text(payload.get("preflight_record")),
        "integrity": integrity,
    }


def write_csv(rows: Iterable[dict[str, Any]], out: io.TextIOBase | Any) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for r in rows:
        writer.writerow({k: _cell(v) for k, v in r.items()})
        count += 1
    return count


def _cell(value: Any) -> Any:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render(stored: StoredRecord, integrity: str) -> str:
    """A record in plain words (control characters shown as spaces: a name cannot fake a line)."""
    payload = _payload(stored)
    s = stored.sealed
    lines = [
        f"Record {s.record_id}",
        f"  device {s.device_id}, #{s.seq}, sealed {s.created_utc}",
        f"  integrity: {integrity}",
    ]
    if stored.kind == "launch":
        launched = _text(_dict(payload.get("launched_at")).get("utc")) or "?"
        lines.append(
            f"  Teams launched at {launched} ({_text(payload.get('how')) or '?'}) for record "
            f"{_text(payload.get('preflight_record')) or '?'}"
        )
        return "\n".join(printable(line) for line in lines) + "\n"
    r = row(stored, integrity)
    lines += [
        f"  who: {r['staff'] or '?'} <{r['email'] or '?'}>, {r['role'] or '?'}"
        f" (signed as {_text(payload.get('signed_name')) or '?'})",
        f"  mode: {r['mode'] or '?'}; policy {r['policy'] or '?'}"
        f"; app {_text(payload.get('app_version')) or '?'}",
        f"  pupils: {r['pupils'] or '-'}; group: {r['group'] or '-'}",
        f"  scheduled: {r['scheduled_start_utc'] or '-'} to {r['scheduled_end_utc'] or '-'}",
        f"  preflight: {_text(_dict(payload.get('started_at')).get('utc')) or '?'} to "
        f"{_text(_dict(payload.get('completed_at')).get('utc')) or '?'}",
        f"  verdict: {r['verdict'] or '?'}; cleared to start: {r['cleared'] or '?'}"
        f"; sealed from the {r['origin'] or '?'}",
        "  checks:",
    ]
    for check in (_dict(c) for c in _list(payload.get("checks"))):
        lines.append(f"    {_text(check.get('status')) or '?':7} {_text(check.get('id')) or '?'}")
        for f in (_dict(f) for f in _list(check.get("findings"))):
            what = ", ".join(_text(f[k]) for k in ("app", "site", "category") if f.get(k))
            pii = ", ".join(_text(p) for p in _list(f.get("pii")))
            lines.append(
                f"            {_text(f.get('severity'))}: {_text(f.get('kind'))} {what}"
                + (f" [{pii}]" if pii else "")
            )
    attest = [_dict(a) for a in _list(payload.get("attestations"))]
    lines.append(
        "  affirmed: "
        + (
            ", ".join(f"{_text(a.get('id'))} (v{_text(a.get('wording_version'))})" for a in attest)
            or "-"
        )
    )
    acknowledged = [_text(a) for a in _list(payload.get("acknowledged_warnings"))]
    if acknowledged:
        lines.append("  warnings ticked off as dealt with: " + ", ".join(acknowledged))
    for o in (_dict(o) for o in _list(payload.get("overrides"))):
        lines.append(
            f"  override: {_text(o.get('check'))} - {_text(o.get('reason'))} "
            f"(approved by {_text(o.get('approved_by'))})"
        )
    return "\n".join(printable(line.rstrip()) for line in lines) + "\n"


def _yes_no(value: Any) -> str:
    return "yes" if value is True else "no" if value is False else ""


def printable(text: str) -> str:
    """Text for a terminal: control characters (newlines, escapes) become spaces."""
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def _payload(stored: StoredRecord) -> dict[str, Any]:
    try:
        value = stored.sealed.payload
    except (ValueError, KeyError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)
