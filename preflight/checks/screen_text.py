"""`desktop.screen`: no personal data legible on screen, where sharing the screen would expose
it. No Qt.

Judges text regions read from screen captures; captures and text never leave memory, findings
hold boxes, counts and categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from preflight.checks.desktop_rules import pii_words, status_of
from preflight.results import CheckResult, Finding, Severity
from preflight.vision.reading import TextRegionReading

CHECK_ID = "desktop.screen"


@dataclass(frozen=True)
class ScreenOptions:
    """Attributes:
    pii: personal-data categories that make on-screen text a finding.
    severity: the severity of such a finding.
    """

    pii: frozenset[str] = frozenset(
        {"email", "phone", "postcode", "nhs_number", "ni_number", "bank_details", "date_of_birth"}
    )
    severity: Severity = "warn"


def evaluate_screen(
    screens: Sequence[Sequence[TextRegionReading]],
    options: ScreenOptions,
    elapsed_ms: float = 0.0,
) -> CheckResult:
    """Judge the text read on each screen (one list of regions per monitor)."""
    findings = []
    regions = 0
    for index, readings in enumerate(screens):
        regions += len(readings)
        for reading in readings:
            pii = set(reading.categories) & options.pii
            if not pii:
                continue
            where = "the screen" if len(screens) == 1 else f"screen {index + 1}"
            findings.append(
                Finding(
                    kind="screen_text",
                    severity=options.severity,
                    message=(
                        f"{pii_words(pii).capitalize()} can be read on {where}. Close or minimise "
                        "it before you share your screen."
                    ),
                    box_xyxy=reading.box_xyxy,
                    details={
                        "screen": index,
                        "words": reading.words,
                        "pii": sorted(pii),
                        "category": "personal_data",
                    },
                )
            )
    if findings:
        summary = "Personal data can be read on screen"
    else:
        plural = "s" if len(screens) != 1 else ""
        summary = f"No personal data on screen ({len(screens)} screen{plural} read)"
    return CheckResult(
        id=CHECK_ID,
        status=status_of(findings),
        summary=summary,
        findings=tuple(findings),
        metrics={
            "screens": len(screens),
            "text_regions": regions,
            "personal_regions": len(findings),
        },
        elapsed_ms=elapsed_ms,
    )
