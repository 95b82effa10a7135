"""Live face or picture: the rule over the cues a track gathered."""

from __future__ import annotations

import numpy as np
import pytest

from preflight.liveness import (
    LivenessCues,
    LivenessOptions,
    cues_of,
    found_only_by_following,
    is_passing_glimpse,
    is_picture,
)
from preflight.tracking import Track

OPTIONS = LivenessOptions()


def track(own_motion: np.ndarray, framed: np.ndarray) -> Track:
    n = len(own_motion)
    boxes = np.tile(np.array([[100, 100, 160, 160]], np.float32), (n, 1))
    return Track(
        tuple(range(n)), boxes, np.full(n, 0.9, np.float32),
        {"own_motion_xy": own_motion.astype(np.float32), "framed": framed.astype(np.float32).reshape(-1, 1)},
        tuple([0] * n),
    )  # fmt: skip


def framed_every_8th(n: int) -> np.ndarray:
    return np.array([1.0 if i % 8 == 0 else np.nan for i in range(n)])


def test_a_still_face_inside_a_border_is_a_picture() -> None:
    rng = np.random.default_rng(0)
    cues = cues_of(track(rng.normal(0, 0.03, (45, 2)), framed_every_8th(45)), OPTIONS)
    assert cues.own_motion_px_rms is not None and cues.own_motion_px_rms < 0.2
    assert cues.framed_share == 1.0
    assert is_picture(cues, OPTIONS, still_source=False)


def test_a_moving_face_is_live_even_inside_a_border() -> None:
    t = np.arange(45) / 15
    bob = np.stack([np.diff(np.r_[0, 3 * np.sin(2 * np.pi * 1.2 * t)]), np.zeros(45)], axis=1)
    cues = cues_of(track(bob, framed_every_8th(45)), OPTIONS)
    assert not is_picture(cues, OPTIONS, still_source=False)


def test_over_video_a_face_that_never_moves_on_its_own_is_a_picture_even_without_a_border() -> None:
    cues = cues_of(track(np.zeros((45, 2)), np.zeros(45)), OPTIONS)
    assert is_picture(cues, OPTIONS, still_source=False)


def test_too_few_motion_samples_fall_back_to_the_border() -> None:
    steps = np.full((45, 2), np.nan)
    steps[:3] = 0.0
    cues = cues_of(track(steps, np.zeros(45)), OPTIONS)
    assert cues.own_motion_px_rms is None
    assert not is_picture(cues, OPTIONS, still_source=False)


@pytest.mark.parametrize(("framed", "expected"), [(1.0, True), (0.0, False), (None, False)])
def test_on_a_still_image_the_border_decides(framed: float | None, expected: bool) -> None:
    cues = LivenessCues(own_motion_px_rms=None, framed_share=framed, person_support=0.5)
    assert is_picture(cues, OPTIONS, still_source=True) is expected


def _with(t: Track, name: str, values: np.ndarray, confidence: float = 0.9) -> Track:
    return Track(
        t.frames, t.boxes_xyxy, np.full(len(t.frames), confidence, np.float32),
        {**t.columns, name: values.astype(np.float32).reshape(len(t.frames), -1)}, t.rows,
    )  # fmt: skip


def test_a_face_only_a_followed_hint_ever_found_is_not_vouched_for() -> None:
    moving = track(np.random.default_rng(1).normal(0, 1.0, (45, 2)), np.zeros(45))
    crop_only = _with(moving, "direct", np.zeros(45))
    once_seen = _with(moving, "direct", np.r_[1.0, np.zeros(44)])
    assert found_only_by_following(crop_only)
    assert not found_only_by_following(once_seen)
    assert not found_only_by_following(moving)  # not measured: nothing to go on


def test_a_brief_weak_face_off_any_person_is_a_passing_glimpse() -> None:
    steps = np.full((4, 2), np.nan)  # seen in 4 frames: too few to measure motion
    brief = _with(track(steps, np.full(4, np.nan)), "person_support", np.zeros(4), 0.6)
    cues = cues_of(brief, OPTIONS)
    assert cues.own_motion_px_rms is None
    assert is_passing_glimpse(brief, cues, OPTIONS)
    sure = _with(brief, "person_support", np.zeros(4), 0.85)  # far back, but the model is sure
    assert not is_passing_glimpse(sure, cues_of(sure, OPTIONS), OPTIONS)
    on_person = _with(brief, "person_support", np.full(4, 0.9), 0.6)
    assert not is_passing_glimpse(on_person, cues_of(on_person, OPTIONS), OPTIONS)
