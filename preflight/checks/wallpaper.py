"""`desktop.wallpaper`: the desktop background shows no people (family photos) and no legible
personal data. No Qt.

Judges what the camera detectors found on each wallpaper image; the image itself never leaves
memory and no text is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from preflight.checks.desktop_rules import pii_words, status_of
from preflight.desktop.base import Wallpaper
from preflight.pii import PERSONAL
from preflight.results import CheckResult, Finding, Severity
from preflight.vision.detections import Detections
from preflight.vision.reading import TextRegionReading

CHECK_ID = "desktop.wallpaper"


@dataclass(frozen=True)
class WallpaperOptions:
    """Attributes:
    person_severity: a person in the wallpaper (a family photo).
    personal_data_severity: legible personal data in the wallpaper.
    min_face_confidence: a face counts at this detector score (stricter than the camera's:
        a wallpaper is looked at once, with no tracking over frames to weed out false hits).
    min_face_px: faces smaller than this (in the inspected image) are not counted.
    """

    person_severity: Severity = "fail"
    personal_data_severity: Severity = "fail"
    min_face_confidence: float = 0.7
    min_face_px: float = 24.0


@dataclass(frozen=True)
class WallpaperObservation:
    """What was seen on one wallpaper image (`problem` set when it could not be inspected)."""

    wallpaper: Wallpaper
    image_index: int = 0
    faces: Detections | None = None
    text: Sequence[TextRegionReading] = ()
    problem: str = ""


_WHERE = {"gnome-dark": "dark-mode wallpaper", "slideshow": "slideshow wallpaper"}


def evaluate_wallpaper(
    observations: Sequence[WallpaperObservation],
    options: WallpaperOptions,
    elapsed_ms: float = 0.0,
) -> CheckResult:
    """Judge every wallpaper picture found (light and dark, each screen, each slideshow image).

    An observation with a `problem` (the picture could not be read) makes the check an error unless
    something else already fails it.
    """
    findings: list[Finding] = []
    problems: list[str] = []
    pictures = solid = 0
    for obs in observations:
        wallpaper = obs.wallpaper
        where = _WHERE.get(wallpaper.source, "wallpaper")
        if wallpaper.kind == "slideshow":
            where = _WHERE["slideshow"]
        if obs.problem:
            problems.append(obs.problem)
            continue
        if wallpaper.kind == "solid":
            solid += 1
            continue
        pictures += 1
        people = 0
        if obs.faces is not None and len(obs.faces):
            heights = obs.faces.xyxy[:, 3] - obs.faces.xyxy[:, 1]
            keep = (obs.faces.confidence >= options.min_face_confidence) & (
                heights >= options.min_face_px
            )
            for box, score in zip(obs.faces.xyxy[keep], obs.faces.confidence[keep], strict=True):
                people += 1
                findings.append(
                    Finding(
                        kind="wallpaper",
                        severity=options.person_severity,
                        message=(
                            f"Your {where} shows a person. Choose a plain or school background "
                            "before the session."
                        ),
                        box_xyxy=(float(box[0]), float(box[1]), float(box[2]), float(box[3])),
                        confidence=float(score),
                        details={
                            "source": wallpaper.source,
                            "image": obs.image_index,
                            "category": "person",
                        },
                    )
                )
        for region in obs.text:
            personal = set(region.categories) & PERSONAL
            if not personal:
                continue
            findings.append(
                Finding(
                    kind="wallpaper",
                    severity=options.personal_data_severity,
                    message=(
                        f"Your {where} shows {pii_words(personal)}. Choose a plain or school "
                        "background before the session."
                    ),
                    box_xyxy=region.box_xyxy,
                    details={
                        "source": wallpaper.source,
                        "image": obs.image_index,
                        "category": "personal_data",
                        "words": region.words,
                        "pii": sorted(personal),
                    },
                )
            )
    status = status_of(findings)
    if findings:
        summary = "The wallpaper is not suitable for a session"
    elif pictures:
        plural = "s" if pictures != 1 else ""
        summary = f"{pictures} wallpaper picture{plural} checked: no people or personal data"
    elif solid:
        summary = "A plain-colour background"
    else:
        summary = "No wallpaper picture was found"
    if problems and status != "fail":
        status, summary = "error", " ".join(dict.fromkeys(problems))
    return CheckResult(
        id=CHECK_ID,
        status=status,
        summary=summary,
        findings=tuple(findings),
        metrics={"pictures": pictures, "solid": solid, "unreadable": len(problems)},
        elapsed_ms=elapsed_ms,
    )
