"""Findings, check results and reports: the values every check produces. No Qt, no model libraries.

The JSON form is the public contract of design.md §4 (`schema: preflight.report/1`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from preflight.errors import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, EXIT_WARN

SCHEMA = "preflight.report/1"

Status = Literal["pass", "warn", "fail", "error", "skipped"]
Severity = Literal["info", "warn", "fail"]
Verdict = Literal["pass", "warn", "fail", "error"]

STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "error", "skipped")
SEVERITIES: tuple[Severity, ...] = ("info", "warn", "fail")
FINDING_KINDS = (
    "person",
    "photo",
    "document",
    "camera_motion",
    "window",
    "tab",
    "wallpaper",
    "screen_text",
    "schedule",
    "invite",
)
CHECK_IDS = (
    "camera.people",
    "camera.photos",
    "camera.documents",
    "camera.stillness",
    "desktop.windows",
    "desktop.tabs",
    "desktop.wallpaper",
    "desktop.screen",
    "session.schedule",
    "session.invite",
)

_EXIT_CODES: dict[Verdict, int] = {
    "pass": EXIT_PASS,
    "warn": EXIT_WARN,
    "fail": EXIT_FAIL,
    "error": EXIT_ERROR,
}


def _plain(value: Any) -> Any:
    """Numbers from numpy and tuples into plain JSON values, so records never hold library types."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class Finding:
    """One thing a check saw, with what the person should do about it.

    `message` is plain words for a teacher. It never carries content (OCR text, titles): only
    categories, counts and places.
    """

    kind: str
    severity: Severity
    message: str
    box_xyxy: tuple[float, float, float, float] | None = None
    confidence: float | None = None
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.kind not in FINDING_KINDS:
            raise ValueError(f"finding kind must be one of {FINDING_KINDS}, got {self.kind!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")
        if not self.message:
            raise ValueError("a finding needs a message")
        if self.box_xyxy is not None:
            box = tuple(float(v) for v in self.box_xyxy)
            if len(box) != 4:
                raise ValueError(f"box_xyxy must have 4 numbers, got {len(box)}")
            if box[2] < box[0] or box[3] < box[1]:
                raise ValueError(f"box_xyxy must be [x0, y0, x1, y1] with x1>=x0, y1>=y0: {box}")
            object.__setattr__(self, "box_xyxy", box)
        if self.confidence is not None:
            conf = float(self.confidence)
            if not 0.0 <= conf <= 1.0:
                raise ValueError(f"confidence must be within [0, 1], got {conf}")
            object.__setattr__(self, "confidence", conf)
        object.__setattr__(self, "details", _plain(dict(self.details)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "box_xyxy": None if self.box_xyxy is None else [round(v, 1) for v in self.box_xyxy],
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "message": self.message,
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        box = data.get("box_xyxy")
        return cls(
            kind=data["kind"],
            severity=data["severity"],
            message=data["message"],
            box_xyxy=None if box is None else (box[0], box[1], box[2], box[3]),
            confidence=data.get("confidence"),
            details=data.get("details") or {},
        )


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: a status, a one-line summary, findings and measurements."""

    id: str
    status: Status
    summary: str
    findings: tuple[Finding, ...] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict, hash=False)
    elapsed_ms: float = 0.0

    def __post_init__(self) -> None:
        if self.id not in CHECK_IDS:
            raise ValueError(f"check id must be one of {CHECK_IDS}, got {self.id!r}")
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")
        if not self.summary:
            raise ValueError("a check result needs a summary")
        object.__setattr__(self, "findings", tuple(self.findings))
        object.__setattr__(self, "metrics", _plain(dict(self.metrics)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "summary": self.summary,
            "findings": [f.to_dict() for f in self.findings],
            "metrics": dict(self.metrics),
            "elapsed_ms": round(self.elapsed_ms, 1),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        return cls(
            id=data["id"],
            status=data["status"],
            summary=data["summary"],
            findings=tuple(Finding.from_dict(f) for f in data.get("findings", ())),
            metrics=data.get("metrics") or {},
            elapsed_ms=float(data.get("elapsed_ms", 0.0)),
        )

    @classmethod
    def error(cls, check_id: str, reason: str, elapsed_ms: float = 0.0) -> CheckResult:
        """A check that could not run. It never passes by default (fail closed)."""
        return cls(id=check_id, status="error", summary=reason, elapsed_ms=elapsed_ms)

    @classmethod
    def skipped(cls, check_id: str, reason: str) -> CheckResult:
        return cls(id=check_id, status="skipped", summary=reason)


def verdict_of(statuses: Iterable[Status]) -> Verdict:
    """The overall verdict: any fail → fail; else any error → error; else any warn → warn.

    A failure outranks an error because it is a known problem to fix; both block a session.
    Skipped checks do not count. No checks at all is an error, never a pass.
    """
    seen = [s for s in statuses if s != "skipped"]
    if not seen:
        return "error"
    order: tuple[Verdict, ...] = ("fail", "error", "warn")
    for verdict in order:
        if verdict in seen:
            return verdict
    return "pass"


def exit_code_for(verdict: Verdict) -> int:
    return _EXIT_CODES[verdict]


@dataclass(frozen=True)
class Report:
    """Everything one run found, in the shape of `preflight.report/1`."""

    source: str
    checks: tuple[CheckResult, ...]
    frame_size_wh: tuple[int, int] | None = None
    frames_analysed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", tuple(self.checks))
        ids = [c.id for c in self.checks]
        if len(ids) != len(set(ids)):
            raise ValueError(f"each check may appear once in a report, got {ids}")

    @property
    def verdict(self) -> Verdict:
        return verdict_of(c.status for c in self.checks)

    @property
    def exit_code(self) -> int:
        return exit_code_for(self.verdict)

    def check(self, check_id: str) -> CheckResult:
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(check_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "source": self.source,
            "frame_size_wh": None if self.frame_size_wh is None else list(self.frame_size_wh),
            "frames_analysed": self.frames_analysed,
            "verdict": self.verdict,
            "checks": [c.to_dict() for c in self.checks],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        if data.get("schema") != SCHEMA:
            raise ValueError(f"expected schema {SCHEMA!r}, got {data.get('schema')!r}")
        size = data.get("frame_size_wh")
        return cls(
            source=data["source"],
            checks=tuple(CheckResult.from_dict(c) for c in data["checks"]),
            frame_size_wh=None if size is None else (int(size[0]), int(size[1])),
            frames_analysed=int(data.get("frames_analysed", 0)),
        )


_STATUS_LABELS: dict[str, str] = {
    "pass": "[ OK ] PASS ",
    "warn": "[ !! ] WARN ",
    "fail": "[FAIL] FAIL ",
    "error": "[ ?? ] ERROR",
    "skipped": "[ -- ] SKIP ",
}

_VERDICT_LINES: dict[Verdict, str] = {
    "pass": "PASS - everything checked is fine; you can start the session.",
    "warn": "WARN - nothing blocks the session, but read the warnings below.",
    "fail": "FAIL - fix the items marked FAIL before the session starts.",
    "error": "ERROR - some checks could not run, so the session cannot be cleared.",
}


def render_text(report: Report, checks_order: Sequence[str] = CHECK_IDS) -> str:
    """A readable report for people: status as a word (never colour alone), then what to do."""
    order = {cid: i for i, cid in enumerate(checks_order)}
    lines = [f"Session Preflight - {report.source}"]
    if report.frame_size_wh is not None:
        w, h = report.frame_size_wh
        lines.append(f"{report.frames_analysed} frames analysed at {w}x{h}")
    lines.append(f"Verdict: {_VERDICT_LINES[report.verdict]}")
    lines.append("")
    for check in sorted(report.checks, key=lambda c: order.get(c.id, len(order))):
        lines.append(f"{_STATUS_LABELS[check.status]}  {check.id:<18} {check.summary}")
        for finding in check.findings:
            if finding.severity == "info":
                continue
            lines.append(f"{'':14}- {finding.message}")
    return "\n".join(lines) + "\n"
