"""Records as people read them: list rows, CSV, and a plain-text record. No Qt.

Integrity comes from verify.py: a record is `verified` when it and every record before it in
its device's chain check out; the first bad record shows what is wrong; the records after it in
that chain are `unverified` (their link to the past is broken).
"""

from __future__ import annotations

import csv
import io
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

    def of(self, stored: StoredRecord) -> str:
        bad = self._bad.get(stored.sealed.device_id)
        if bad is None or stored.sealed.seq < bad.seq:
            return "verified"
        if stored.sealed.seq == bad.seq:
            return f"{bad.problem}: {bad.detail}"
        return "unverified: an earlier record of this device is not intact"


def row(stored: StoredRecord, integrity: str) -> dict[str, Any]:
    """One record as a flat row (list, CSV, review table)."""
    payload = _payload(stored)
    who = payload.get("who") or {}
    session = payload.get("session") or {}
    checks = payload.get("checks") or []
    overrides = payload.get("overrides") or []
    return {
        "record_id": stored.sealed.record_id,
        "device_id": stored.sealed.device_id,
        "seq": stored.sealed.seq,
        "sealed_utc": stored.sealed.created_utc,
        "kind": stored.kind,
        "staff": who.get("name", ""),
        "email": who.get("email", ""),
        "role": who.get("role", ""),
        "mode": payload.get("mode", ""),
        "pupils": "; ".join(session.get("pupils") or []),
        "group": session.get("group") or "",
        "scheduled_start_utc": (session.get("scheduled_start") or {}).get("utc", ""),
        "scheduled_end_utc": (session.get("scheduled_end") or {}).get("utc", ""),
        "verdict": payload.get("verdict", ""),
        "failed_checks": "; ".join(c["id"] for c in checks if c.get("status") == "fail"),
        "warned_checks": "; ".join(c["id"] for c in checks if c.get("status") == "warn"),
        "overrides": len(overrides),
        "override_reasons": "; ".join(
            f"{o.get('check')}: {o.get('reason')} (approved by {o.get('approved_by')})"
            for o in overrides
        ),
        "attestations": "; ".join(a.get("id", "") for a in payload.get("attestations") or []),
        "policy": (payload.get("policy") or {}).get("id", ""),
        "launched_for": payload.get("preflight_record", ""),
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
    """A record in plain words."""
    payload = _payload(stored)
    s = stored.sealed
    lines = [
        f"Record {s.record_id}",
        f"  device {s.device_id}, #{s.seq}, sealed {s.created_utc}",
        f"  integrity: {integrity}",
    ]
    if stored.kind == "launch":
        launched = (payload.get("launched_at") or {}).get("utc", "?")
        lines.append(
            f"  Teams launched at {launched} ({payload.get('how', '?')}) for record "
            f"{payload.get('preflight_record', '?')}"
        )
        return "\n".join(lines) + "\n"
    who = payload.get("who") or {}
    session = payload.get("session") or {}
    lines += [
        f"  who: {who.get('name', '?')} <{who.get('email', '?')}>, {who.get('role', '?')}"
        f" (signed as {payload.get('signed_name', '?')})",
        f"  mode: {payload.get('mode', '?')}; policy {(payload.get('policy') or {}).get('id')}"
        f"; app {payload.get('app_version', '?')}",
        f"  pupils: {', '.join(session.get('pupils') or []) or '-'}"
        f"; group: {session.get('group') or '-'}",
        f"  scheduled: {(session.get('scheduled_start') or {}).get('utc', '-')} to "
        f"{(session.get('scheduled_end') or {}).get('utc', '-')}",
        f"  preflight: {(payload.get('started_at') or {}).get('utc', '?')} to "
        f"{(payload.get('completed_at') or {}).get('utc', '?')}",
        f"  verdict: {payload.get('verdict', '?')}",
        "  checks:",
    ]
    for check in payload.get("checks") or []:
        lines.append(f"    {check.get('status', '?'):7} {check.get('id', '?')}")
        for f in check.get("findings") or []:
            what = ", ".join(str(f[k]) for k in ("app", "host", "category") if f.get(k) is not None)
            pii = f" [{', '.join(f['pii'])}]" if f.get("pii") else ""
            lines.append(f"            {f.get('severity')}: {f.get('kind')} {what}{pii}".rstrip())
    attest = payload.get("attestations") or []
    lines.append(
        "  affirmed: "
        + (", ".join(f"{a.get('id')} (v{a.get('wording_version')})" for a in attest) or "-")
    )
    for o in payload.get("overrides") or []:
        lines.append(
            f"  override: {o.get('check')} - {o.get('reason')} (approved by {o.get('approved_by')})"
        )
    return "\n".join(lines) + "\n"


def _payload(stored: StoredRecord) -> dict[str, Any]:
    try:
        value = stored.sealed.payload
    except (ValueError, KeyError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}
