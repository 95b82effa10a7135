"""`camera.documents`: no bills, letters or other documents readable on camera. No Qt.

Works from `TextRegionReading`s (place, word count, personal-data categories) made on a few
frames of the scan window. A document seen in several frames is one finding. Personal data
fails; other legible text warns. A date on its own (a calendar, a poster) and document words
on their own ("statement", "account") are not personal data. The text itself never reaches
this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from preflight.pii import PERSONAL, describe
from preflight.results import CheckResult, Finding, Status
from preflight.vision.detections import iou
from preflight.vision.reading import TextRegionReading

CHECK_ID = "camera.documents"


@dataclass(frozen=True)
class DocumentsOptions:
    """Attributes:
    other_text_severity: what legible text without personal data is ("warn" or "info").
    merge_gap_px: text regions closer than this (frame pixels) are parts of one document.
    min_words: a (merged) region needs this many read words to be legible text at all.
    """

    other_text_severity: str = "warn"
    merge_gap_px: float = 40.0
    min_words: int = 3


@dataclass
class _Region:
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    words: int = 0
    categories: set[str] = field(default_factory=set)
    kinds: list[str] = field(default_factory=list)

    @property
    def personal(self) -> set[str]:
        return self.categories & (PERSONAL - {"date"})

    @property
    def kind(self) -> str | None:
        return max(set(self.kinds), key=self.kinds.count) if self.kinds else None

    @property
    def box(self) -> tuple[float, float, float, float]:
        m = np.median(np.array(self.boxes), axis=0)
        return float(m[0]), float(m[1]), float(m[2]), float(m[3])


def _aggregate(readings: Sequence[Sequence[TextRegionReading]]) -> list[_Region]:
    regions: list[_Region] = []
    for frame_readings in readings:
        for reading in frame_readings:
            box = np.array(reading.box_xyxy, np.float32)
            match = next((r for r in regions if iou(np.array(r.box, np.float32), box) >= 0.3), None)
            if match is None:
                match = _Region()
                regions.append(match)
            match.boxes.append(reading.box_xyxy)
            match.words = max(match.words, reading.words)
            match.categories |= set(reading.categories)
            if reading.kind:
                match.kinds.append(reading.kind)
    return regions


def _near(a: tuple[float, ...], b: tuple[float, ...], gap: float) -> bool:
    return a[0] - gap < b[2] and b[0] - gap < a[2] and a[1] - gap < b[3] and b[1] - gap < a[3]


def _merge_neighbours(regions: list[_Region], gap_px: float) -> list[_Region]:
    """Blocks of one document (letterhead, address, body) become one region, so one finding."""
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(regions):
            for b in regions[i + 1 :]:
                if _near(a.box, b.box, gap_px):
                    box_a, box_b = a.box, b.box
                    union = (
                        min(box_a[0], box_b[0]), min(box_a[1], box_b[1]),
                        max(box_a[2], box_b[2]), max(box_a[3], box_b[3]),
                    )  # fmt: skip
                    a.boxes = [union] * max(len(a.boxes), len(b.boxes))
                    a.words += b.words
                    a.categories |= b.categories
                    a.kinds += b.kinds
                    regions.remove(b)
                    merged = True
                    break
            if merged:
                break
    return regions


def evaluate_documents(
    readings: Sequence[Sequence[TextRegionReading] | None],
    options: DocumentsOptions,
    elapsed_ms: float = 0.0,
) -> CheckResult:
    """Judge the text read on the frames that were read (None for frames that were not)."""
    read = [r for r in readings if r is not None]
    if not read:
        return CheckResult.error(
            CHECK_ID, "No frame was read for text, so documents were not checked"
        )
    regions = _merge_neighbours(_aggregate(read), options.merge_gap_px)
    regions = [r for r in regions if r.words >= options.min_words]
    findings = []
    for region in sorted(regions, key=lambda r: (-len(r.personal), -r.words)):
        personal = bool(region.personal)
        findings.append(
            Finding(
                kind="document",
                severity="fail" if personal else "warn",
                message=describe(region.categories, region.kind)
                + (". Move it out of view." if personal else ". Check it is meant to be seen."),
                box_xyxy=region.box,
                details={
                    "words": region.words,
                    "pii": sorted(region.categories),
                    "frames_seen": len(region.boxes),
                },
            )
        )
    failing = [f for f in findings if f.severity == "fail"]
    status: Status
    if failing:
        status = "fail"
        summary = (
            failing[0].message.split(".")[0]
            if len(failing) == 1
            else f"{len(failing)} documents with personal data are readable on camera"
        )
    elif findings:
        status = "warn" if options.other_text_severity == "warn" else "pass"
        summary = "Readable text is on camera, with no personal data found in it"
    else:
        status, summary = "pass", "No readable documents on camera"
    return CheckResult(
        id=CHECK_ID,
        status=status,
        summary=summary,
        findings=tuple(findings),
        metrics={
            "frames_read": len(read),
            "regions": len(regions),
            "regions_with_personal_data": len(failing),
        },
        elapsed_ms=elapsed_ms,
    )
