"""Live person or picture of one? Cues gathered over a face track, and the rule. No Qt.

A face in a framed photo, a poster or on a TV moves exactly with the wall behind it and often
sits inside a rectangular border; a live face moves on its own (breathing, talking, small head
movements). No face is ever recognised: only motion and shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from preflight.tracking import Track


@dataclass(frozen=True)
class LivenessOptions:
    """Attributes:
    max_static_px_rms: a face whose own motion (camera motion removed) stays within this RMS
        path, in frame pixels, is static like a picture.
    min_motion_samples: fewer measured frame pairs than this and motion is not judged.
    min_framed_share: share of the checked sightings that must have a border around the face.
    min_glimpse_confidence / min_glimpse_support: see `is_passing_glimpse()`.
    """

    max_static_px_rms: float = 0.5
    min_motion_samples: int = 5
    min_framed_share: float = 0.5
    min_glimpse_confidence: float = 0.75
    min_glimpse_support: float = 0.3


@dataclass(frozen=True)
class LivenessCues:
    """What a track showed; None where the cue could not be measured."""

    own_motion_px_rms: float | None
    framed_share: float | None
    person_support: float | None

    def as_details(self) -> dict[str, float | None]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "own_motion_px_rms": r(self.own_motion_px_rms),
            "framed_share": r(self.framed_share),
            "person_support": r(self.person_support),
        }


def cues_of(track: Track, options: LivenessOptions) -> LivenessCues:
    steps = track.column("own_motion_xy")
    known = ~np.isnan(steps).any(axis=1)
    own = None
    if known.sum() >= options.min_motion_samples:
        path = np.cumsum(steps[known], axis=0)
        own = float(np.sqrt(np.mean(np.sum((path - path.mean(axis=0)) ** 2, axis=1))))
    framed = track.column("framed")[:, 0]
    checked = framed[~np.isnan(framed)]
    share = float(np.mean(checked)) if len(checked) else None
    return LivenessCues(own, share, track.mean_support)


def is_picture(cues: LivenessCues, options: LivenessOptions, still_source: bool) -> bool:
    """True when the face is a picture of a person rather than a live person.

    Over a video window, motion decides. Measured on the scene set (bench/documents_bench.py):
    live faces move on their own by 2.2-4.2 px RMS over 3 s, pictures by 0.01-0.11 px, while
    the border cue found only about a third of the pictures and once framed a live face
    standing in a doorway; so the border only decides where there is no motion to measure
    (a single still image).
    """
    if still_source or cues.own_motion_px_rms is None:
        return cues.framed_share is not None and cues.framed_share >= options.min_framed_share
    return cues.own_motion_px_rms <= options.max_static_px_rms


def is_passing_glimpse(track: Track, cues: LivenessCues, options: LivenessOptions) -> bool:
    """A face seen too briefly to measure its motion, weakly, and off any segmented person:
    neither a live person nor a judged picture, so it is not counted. Following faint hints
    on close crops (`FaceScanOptions.hint_confidence`) finds more small faces, and with them
    the odd object that looks like one for a few frames (a mug in a framed picture, scored
    0.6, support 0, seen 4 of 45 frames). Live people, even far back, score 0.8 and up or sit
    on the person mask; pictures are seen long enough for their stillness to be measured.
    """
    return (
        cues.own_motion_px_rms is None
        and track.mean_confidence < options.min_glimpse_confidence
        and (cues.person_support is None or cues.person_support < options.min_glimpse_support)
    )


def found_only_by_following(track: Track) -> bool:
    """Whether only close crops that followed a faint hint ever found this face at the
    reporting score — never the whole-frame or tile passes. Such a track may be a picture
    (judged by its stillness like any other), but a moving one is not counted as a person:
    every live person the people check was measured on is found by those passes, and what
    only a hint led to and moves is most likely a hand or a pattern (bench/camera_bench.py:
    counting them raised false extra people from 0 of 69 clips to 4)."""
    direct = track.column("direct")[:, 0]
    known = direct[~np.isnan(direct)]
    return len(known) > 0 and not known.any()
