"""`camera.people`: no more live people in view than the mode expects. No Qt.

People are counted as distinct face tracks over the scan window, not per frame: a person seen in
40 of 45 frames is one person, and a person who turns away for a moment stays one person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from preflight.results import CheckResult, Finding, Status
from preflight.tracking import Track, TrackingOptions, max_concurrent, track_faces
from preflight.vision.detections import Detections

CHECK_ID = "camera.people"
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


@dataclass(frozen=True)
class PeopleOptions:
    """Attributes:
    min_people / max_people: how many live people the mode expects in view.
    min_track_fraction / min_frames: how long a face must be seen to count as a person.
    large_face_px / min_large_face_support / min_large_face_confidence: a face this tall
        counts only if it sits on a segmented person (mean mask support) or the detector is
        sure of it (mean score). The detector's false hits on room objects (a cat in a framed
        picture, a mug) come out large with scores of 0.55-0.65 and support ~0. Real faces
        pass at least one test: people at the screen have support > 0.8, while people further
        back, whom the segmenter barely sees, score 0.8 and up.
    tracking: how sightings are linked across frames.
    """

    min_people: int = 1
    max_people: int = 1
    min_track_fraction: float = 0.08
    min_frames: int = 3
    large_face_px: float = 90.0
    min_large_face_support: float = 0.3
    min_large_face_confidence: float = 0.75
    tracking: TrackingOptions = TrackingOptions()


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def _expected(options: PeopleOptions) -> str:
    if options.min_people == options.max_people:
        return f"{options.max_people} expected"
    if options.min_people == 0:
        return f"at most {options.max_people} expected"
    return f"{options.min_people} to {options.max_people} expected"


def confirmed_tracks(faces: Sequence[Detections], options: PeopleOptions) -> list[Track]:
    """Tracks seen long enough to be a person, the most present (longest, largest) first."""
    # A still picture (or a very short clip) cannot show a face for min_frames frames.
    needed = min(
        len(faces), max(options.min_frames, round(options.min_track_fraction * len(faces)))
    )
    tracks = track_faces(faces, options.tracking)
    tracks = [t for t in tracks if t.hits >= needed and _plausible(t, options)]
    return sorted(tracks, key=lambda t: t.hits * t.median_height, reverse=True)


def _plausible(track: Track, options: PeopleOptions) -> bool:
    if track.median_height < options.large_face_px:
        return True
    if track.mean_confidence >= options.min_large_face_confidence:
        return True
    support = track.mean_support
    return support is not None and support >= options.min_large_face_support


def evaluate_people(
    faces: Sequence[Detections],
    options: PeopleOptions,
    elapsed_ms: float = 0.0,
    live_tracks: Sequence[Track] | None = None,
    confirmed: Sequence[Track] | None = None,
) -> CheckResult:
    """Judge the faces found in each analysed frame.

    Args:
        faces: one `Detections` per analysed frame, in order.
        options: expectations for the mode and tracking thresholds.
        elapsed_ms: detector time already spent for this check, added to the result.
        live_tracks: the confirmed tracks that are live people, once pictures of people (see
            `preflight.liveness`) are taken out; by default every confirmed track.
        confirmed: `confirmed_tracks(faces, options)` when the caller already has them.
    """
    if not faces:
        return CheckResult.error(
            CHECK_ID, "No frames were analysed, so people could not be counted"
        )
    confirmed = list(confirmed) if confirmed is not None else confirmed_tracks(faces, options)
    tracks = confirmed if live_tracks is None else list(live_tracks)
    count = max_concurrent(tracks)
    too_many = count > options.max_people
    findings = []
    for rank, track in enumerate(tracks):
        extra = too_many and rank >= options.max_people
        if extra:
            ordinal = _ORDINALS[rank] if rank < len(_ORDINALS) else "another"
            message = (
                f"A {ordinal} person is in view. Ask them to leave the room or move out of the "
                "camera's view before the session."
            )
        else:
            message = "A person is in view." if rank else "The person at the screen is in view."
        findings.append(
            Finding(
                kind="person",
                severity="fail" if extra else "info",
                message=message,
                box_xyxy=track.median_box,
                confidence=track.mean_confidence,
                details={
                    "frames_seen": track.hits,
                    "first_frame": track.first,
                    "last_frame": track.last,
                    "face_height_px": round(track.median_height, 1),
                },
            )
        )
    summary = f"{_people(count)} in view; {_expected(options)}"
    status: Status
    if too_many:
        status = "fail"
    elif count == 0:
        status = "warn"
        summary = f"Nobody is in view; {_expected(options)}. Sit in front of the camera."
    elif count < options.min_people:
        status = "warn"
    else:
        status = "pass"
    per_frame = [len(f) for f in faces]
    return CheckResult(
        id=CHECK_ID,
        status=status,
        summary=summary,
        findings=tuple(findings),
        metrics={
            "people_count": count,
            "tracks": len(tracks),
            "max_faces_in_a_frame": max(per_frame),
            "frames_with_faces": sum(1 for n in per_frame if n),
            "pictures_excluded": len(confirmed) - len(tracks),
            "expected_min": options.min_people,
            "expected_max": options.max_people,
        },
        elapsed_ms=elapsed_ms,
    )
