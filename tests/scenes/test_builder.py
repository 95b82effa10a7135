"""Tests for the scene generator: determinism, label consistency and camera-motion truth."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.scenes import (
    KINDS,
    CameraSpec,
    PersonSpec,
    SceneLabels,
    SceneSpec,
    build_scene,
    random_scene,
    save_frames,
    save_video,
)

W, H = 1280, 720


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]]:
    """One 2 s clip per kind, shared by the per-kind checks (rendering is the cost)."""
    out = {}
    for kind in KINDS:
        spec = _short(random_scene(3, kind), 2.0)
        frames, labels = build_scene(spec)
        out[kind] = (spec, frames, labels)
    return out


def _short(spec: SceneSpec, seconds: float = 1.0) -> SceneSpec:
    return dataclasses.replace(spec, seconds=seconds)


def test_same_seed_gives_identical_frames_and_labels() -> None:
    spec = _short(random_scene(11, "two_people"), 0.6)
    frames_a, labels_a = build_scene(spec)
    frames_b, labels_b = build_scene(spec)
    assert len(frames_a) == len(frames_b)
    assert all(np.array_equal(a, b) for a, b in zip(frames_a, frames_b, strict=True))
    assert labels_a == labels_b


def test_random_scene_is_a_pure_function_of_seed_and_kind() -> None:
    assert random_scene(5, "handheld") == random_scene(5, "handheld")
    assert random_scene(5, "handheld") != random_scene(6, "handheld")
    assert random_scene(5, "one_person") != random_scene(5, "turn_away")


def test_different_seeds_give_different_frames() -> None:
    a, _ = build_scene(_short(random_scene(1, "one_person"), 0.2))
    b, _ = build_scene(_short(random_scene(2, "one_person"), 0.2))
    assert not np.array_equal(a[0], b[0])


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_builds_with_consistent_labels(
    kind: str, built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]]
) -> None:
    spec, frames, labels = built[kind]
    assert len(frames) == spec.n_frames == 30
    for frame in frames:
        assert frame.shape == (H, W, 3)
        assert frame.dtype == np.uint8
    assert labels.kind == kind
    assert labels.mounted == spec.camera.mounted
    n = len(frames)
    assert len(labels.face_boxes_xyxy) == len(labels.face_ids) == n
    assert len(labels.face_visibility) == len(labels.camera_offsets_xy) == n
    for boxes, ids, vis in zip(
        labels.face_boxes_xyxy, labels.face_ids, labels.face_visibility, strict=True
    ):
        assert len(boxes) == len(ids) == len(vis)
        assert len(set(ids)) == len(ids)
        for (x1, y1, x2, y2), i, v in zip(boxes, ids, vis, strict=True):
            assert 0 <= x1 < x2 <= W
            assert 0 <= y1 < y2 <= H
            assert 0 <= i < len(spec.people)
            assert 0 < v <= 1
    assert 0 <= labels.max_people_at_once <= labels.people_count <= len(spec.people)
    if spec.camera.mounted:
        assert labels.shake_px_rms == 0.0
        assert all(xy == (0.0, 0.0) for xy in labels.camera_offsets_xy)
    else:
        assert labels.shake_px_rms == pytest.approx(spec.camera.shake_px_rms, rel=0.25)


@pytest.mark.parametrize(
    ("kind", "count"),
    [("nobody", 0), ("one_person", 1), ("turn_away", 1), ("two_people", 2)],
)
def test_people_count_matches_kind(
    kind: str, count: int, built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]]
) -> None:
    _, _, labels = built[kind]
    assert labels.people_count == count
    if count == 0:
        assert all(not boxes for boxes in labels.face_boxes_xyxy)


def test_kind_specific_camera_and_motion(
    built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]],
) -> None:
    for kind in ("one_person", "nobody", "turn_away", "mounted_moving"):
        assert built[kind][0].camera.mounted
    handheld = built["handheld"][0].camera
    assert not handheld.mounted
    assert 1.0 <= handheld.shake_px_rms <= 8.0
    assert 4.0 <= handheld.tremor_hz <= 12.0
    motions = {p.motion for p in built["mounted_moving"][0].people}
    assert motions & {"stand_up", "walk_past"}


def test_turning_away_dips_visibility_and_comes_back(
    built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]],
) -> None:
    _, _, labels = built["turn_away"]
    vis = [v[0] if v else 0.0 for v in labels.face_visibility]
    low = int(np.argmin(vis))
    assert vis[low] < 0.9
    assert vis[0] > 0.95
    assert vis[-1] > 0.95
    # The dip is brief (about half a second), not most of the clip.
    assert sum(v < 0.95 for v in vis) <= 12


def test_handheld_labels_match_measured_image_motion() -> None:
    # An empty room with pure translation: phase correlation recovers the applied offsets.
    spec = SceneSpec(
        seed=7,
        camera=CameraSpec(mounted=False, shake_px_rms=5.0, tremor_hz=6.0, drift_px=2.0),
        seconds=0.6,
        room=0,
        noise_sigma=1.0,
        exposure_s=0.0,
    )
    frames, labels = build_scene(spec)
    ref = cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY).astype(np.float32)
    x0, y0 = labels.camera_offsets_xy[0]
    for frame, (x, y) in zip(frames[1:], labels.camera_offsets_xy[1:], strict=True):
        cur = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)
        (dx, dy), _ = cv2.phaseCorrelate(ref, cur)
        assert dx == pytest.approx(x - x0, abs=0.5)
        assert dy == pytest.approx(y - y0, abs=0.5)


def test_mounted_camera_has_no_global_motion() -> None:
    frames, labels = build_scene(SceneSpec(seed=3, seconds=0.6, room=2))
    assert labels.shake_px_rms == 0.0
    ref = cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY).astype(np.float32)
    for frame in frames[1:]:
        cur = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)
        (dx, dy), _ = cv2.phaseCorrelate(ref, cur)
        assert abs(dx) < 0.2
        assert abs(dy) < 0.2


def test_strong_shake_leaves_no_black_borders() -> None:
    cam = CameraSpec(mounted=False, shake_px_rms=8.0, tremor_hz=12.0, drift_px=4.0,
                     rotation_deg_rms=0.4)  # fmt: skip
    frames, _ = build_scene(SceneSpec(seed=1, camera=cam, seconds=1.0, room=3, light=0.8))
    for frame in frames:
        for edge in (frame[0], frame[-1], frame[:, 0], frame[:, -1]):
            assert edge.mean() > 20


def test_face_box_follows_the_spec() -> None:
    person = PersonSpec(photo="grace_hopper", face_height_px=200.0, center_xy=(640.0, 380.0))
    frames, labels = build_scene(SceneSpec(seed=4, people=(person,), seconds=0.4))
    assert labels.people_count == 1
    for boxes in labels.face_boxes_xyxy:
        (x1, y1, x2, y2) = boxes[0]
        assert (x1 + x2) / 2 == pytest.approx(640.0, abs=8)
        assert (y1 + y2) / 2 == pytest.approx(380.0, abs=8)
        assert y2 - y1 == pytest.approx(200.0, rel=0.05)
    # The face region is a photograph (textured), not a flat fill.
    x1, y1, x2, y2 = (int(v) for v in labels.face_boxes_xyxy[0][0])
    assert frames[0][y1:y2, x1:x2].std() > 20


def test_face_out_of_frame_is_omitted() -> None:
    person = PersonSpec(photo="astronaut", face_height_px=120.0, center_xy=(-300.0, 300.0))
    _, labels = build_scene(SceneSpec(seed=2, people=(person,), seconds=0.2))
    assert labels.people_count == 0
    assert all(not boxes for boxes in labels.face_boxes_xyxy)


def test_invalid_specs_are_rejected() -> None:
    with pytest.raises(ValueError, match="mounted"):
        CameraSpec(mounted=True, shake_px_rms=2.0)
    with pytest.raises(ValueError, match="photo"):
        PersonSpec(photo="nobody", face_height_px=100.0, center_xy=(0.0, 0.0))
    with pytest.raises(ValueError, match="motion"):
        PersonSpec(photo="astronaut", face_height_px=100.0, center_xy=(0.0, 0.0), motion="run")
    with pytest.raises(ValueError, match="kind"):
        random_scene(0, "crowd")


def test_save_frames_and_video(tmp_path: Path) -> None:
    frames, labels = build_scene(SceneSpec(seed=0, seconds=0.4, fps=10.0))
    save_frames(frames, tmp_path / "png")
    names = sorted(os.listdir(tmp_path / "png"))
    assert names == [f"{i:05d}.png" for i in range(len(frames))]
    first = cv2.imread(str(tmp_path / "png" / "00000.png"))
    assert first is not None
    assert np.array_equal(first, frames[0])
    save_video(frames, tmp_path / "clip.mp4", labels.fps)
    assert (tmp_path / "clip.mp4").stat().st_size > 0
