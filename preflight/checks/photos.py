"""`camera.photos`: no pictures of people (framed photos, posters, a TV) in view. No Qt.

Family photos in the background are out of place in a professional setting and show other
people who have not agreed to be on a call with a child.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from preflight.liveness import LivenessCues
from preflight.results import CheckResult, Finding, Severity, Status
from preflight.tracking import Track

CHECK_ID = "camera.photos"


@dataclass(frozen=True)
class PhotosOptions:
    """Attributes:
    severity: what a picture of a person is: "fail" (staff mode default) or "warn".
    """

    severity: Severity = "fail"


def evaluate_photos(
    pictures: Sequence[tuple[Track, LivenessCues, tuple[float, float, float, float] | None]],
    options: PhotosOptions,
    elapsed_ms: float = 0.0,
) -> CheckResult:
    """Judge the face tracks found to be pictures.

    Args:
        pictures: each picture's track, its cues, and the border around it if one was found.
        options: severity.
        elapsed_ms: time already spent on the cues.
    """
    findings = []
    for track, cues, border in pictures:
        findings.append(
            Finding(
                kind="photo",
                severity=options.severity,
                message=(
                    "A picture of a person (a photo, poster or screen) is in view. Take it down "
                    "or turn the camera so it is out of view."
                ),
                box_xyxy=border or track.median_box,
                confidence=track.mean_confidence,
                details={
                    "face_box_xyxy": [round(v, 1) for v in track.median_box],
                    "face_height_px": round(track.median_height, 1),
                    "frames_seen": track.hits,
                    **cues.as_details(),
                },
            )
        )
    count = len(findings)
    status: Status
    if count == 0:
        status, summary = "pass", "No pictures of people in view"
    else:
        status = "fail" if options.severity == "fail" else "warn"
        summary = (
            "A picture of a person is in view"
            if count == 1
            else f"{count} pictures of people in view"
        )
    return CheckResult(
        id=CHECK_ID,
        status=status,
        summary=summary,
        findings=tuple(findings),
        metrics={"pictures": count},
        elapsed_ms=elapsed_ms,
    )
