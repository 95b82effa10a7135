"""Tests for the scene generator: determinism, label consistency and camera-motion truth."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.scenes import (
    DOCUMENT_KINDS,
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
    """One clip per kind, shared by the per-kind checks (rendering is the cost).

    2 s for the people/camera kinds (their events need the time), 1 s for the prop kinds.
    """
    out = {}
    for kind in KINDS:
        spec = _short(random_scene(3, kind), 1.0 if kind in DOCUMENT_KINDS else 2.0)
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
    assert len(frames) == spec.n_frames == (15 if kind in DOCUMENT_KINDS else 30)
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


# --- Existing scenes must not change when props are added ------------------------------------

# What the existing kinds looked like before props existed, kept as the frames averaged over
# 16x16-pixel cells (`pinned_frames.npz`), plus exact sha256s of repr(labels) without the props
# field and of repr(spec fields) without props/desk_page. Frames are compared with a tolerance,
# not byte for byte: NumPy and OpenCV pick SIMD code by CPU (AVX2, AVX-512...), and their sin,
# exp and interpolation differ in the last bit, which moves a few edge pixels by up to 8 levels
# on ~1% of pixels (measured by disabling CPU features in both). A 1 px shift of a
# person, another noise seed or a changed colour is far above the tolerance. Re-pin
# (`python -m tests.scenes.test_builder --repin`) only after an OpenCV/NumPy upgrade, with the
# code at a commit before props (492283e), never to make a changed render pass.
_PINNED_LABELS = {
    "one_person": (
        "f6ad5a1851fc283bfecc57177e7459296c79cb301802f854c3f8d03b77005592",
        "19edc069853180d3e1c80e410869b10ca8dc962bd70b5ad674f59f405b89bfa5",
    ),
    "two_people": (
        "be112dc2cbe770482c123cc37c8aa68f4c3c7c1ddf6797db54a49ccc7591ff0f",
        "40143130634c77fb36fe12340ec7229217ef018f4ea2ce9138c9bbd0e756c015",
    ),
    "nobody": (
        "ea1923459adad7c6a28bd7216662ceb70885e74ceb4fd0783ddd4e9e4207d3cb",
        "58a99134c55a0df49f952c4c6505955a7428bb3ab4fcda73dd45262ac8a15ece",
    ),
    "turn_away": (
        "f092a42c8859bb6e454b20b017a3d4a21a44d5cd6424ea7254726172223dc6c2",
        "974ced96a56726406cc8ba4b869d1ebf7e404eadbd9024feb95d4e9a1f62b77f",
    ),
    "mounted_moving": (
        "9f44701edb405f80e859e797c633ccecc7d5f7179dc06c5a4e32f3961f58e637",
        "0bce41789fdb4aef7b0717f3f6d799798ec20f33bfd935336f8d994e0f78cad0",
    ),
    "handheld": (
        "b0b9f190b92077d05b578e29ec8cbedb5a56c1f91cea2d4e46d6558317e7a129",
        "9b787b82467284b74d8ca26a546082105c04b337bd1456be6093eebbcd223f17",
    ),
}
# A hand-held, turning-away custom spec in two rooms, with and without the desk.
_PINNED_CUSTOM_ROOMS = (1, 2)
_PINNED_CUSTOM_LABELS = "e8ce578ff1d7b94de40c17b5076824f14039c660f102ae50089bec13e8babbf2"
_PINNED_FRAMES = Path(__file__).with_name("pinned_frames.npz")
# Per 16x16 cell (levels 0-255): the largest difference allowed anywhere, and on average.
# Measured 2026-12-05 against these pins: other CPU code paths (AVX2 and AVX-512 off) move a
# cell by up to 2.0 and 0.008 on average; a 1 px shift of the picture by 12-15 and 0.9-1.5 on
# average; sensor noise of sigma 2 on top by 0.10 on average.
_CELL_MAX, _CELL_MEAN = 4.0, 0.02
_PIN_SCALE = 64.0  # cells are stored as uint16 in 1/64 levels


def _cells(frames: list[np.ndarray]) -> np.ndarray:
    """Each frame averaged over 16x16-pixel cells, as float32 (45x80x3 for 1280x720)."""
    size = (W // 16, H // 16)
    return np.stack(
        [cv2.resize(f.astype(np.float32), size, interpolation=cv2.INTER_AREA) for f in frames]
    )


def _labels_hash(labels: SceneLabels) -> str:
    fields = {k: v for k, v in dataclasses.asdict(labels).items() if k != "props"}
    return hashlib.sha256(repr(fields).encode()).hexdigest()


def _custom_spec(room: int) -> SceneSpec:
    cam = CameraSpec(mounted=False, shake_px_rms=4.0, tremor_hz=7.0, drift_px=2.0,
                     rotation_deg_rms=0.3)  # fmt: skip
    person = PersonSpec(photo="grace_hopper", face_height_px=180.0, center_xy=(600.0, 360.0),
                        motion="turn_away")  # fmt: skip
    return SceneSpec(seed=9, people=(person,), camera=cam, seconds=0.4, room=room,
                     desk=room % 2 == 0)  # fmt: skip


def _pinned_scenes() -> dict[str, SceneSpec]:
    scenes = {kind: _short(random_scene(3, kind), 0.4) for kind in sorted(_PINNED_LABELS)}
    scenes.update({f"custom_room{room}": _custom_spec(room) for room in _PINNED_CUSTOM_ROOMS})
    return scenes


def _assert_renders_as_pinned(name: str, frames: list[np.ndarray]) -> None:
    with np.load(_PINNED_FRAMES) as pinned:
        expected = pinned[name].astype(np.float32) / _PIN_SCALE
    got = _cells(frames)
    assert got.shape == expected.shape
    diff = np.abs(got - expected)
    assert float(diff.max()) <= _CELL_MAX and float(diff.mean()) <= _CELL_MEAN, (
        f"{name} renders differently: cell difference max {diff.max():.2f}, mean {diff.mean():.4f}"
    )


@pytest.mark.parametrize("kind", sorted(_PINNED_LABELS))
def test_existing_kinds_render_as_before(kind: str) -> None:
    labels_sha, spec_sha = _PINNED_LABELS[kind]
    spec = random_scene(3, kind)
    assert spec.props == () and spec.desk_page
    fields = {k: v for k, v in dataclasses.asdict(spec).items() if k not in ("props", "desk_page")}
    assert hashlib.sha256(repr(fields).encode()).hexdigest() == spec_sha
    frames, labels = build_scene(_short(spec, 0.4))
    assert labels.props == ()
    _assert_renders_as_pinned(kind, frames)
    assert _labels_hash(labels) == labels_sha


@pytest.mark.parametrize("room", _PINNED_CUSTOM_ROOMS)
def test_existing_custom_spec_renders_as_before(room: int) -> None:
    frames, labels = build_scene(_custom_spec(room))
    _assert_renders_as_pinned(f"custom_room{room}", frames)
    assert _labels_hash(labels) == _PINNED_CUSTOM_LABELS


def test_pinned_comparison_catches_a_one_pixel_shift() -> None:
    """The tolerance is not so loose that a real change of the render would pass."""
    frames, _ = build_scene(_pinned_scenes()["one_person"])
    shifted = [np.roll(f, 1, axis=1) for f in frames]
    with pytest.raises(AssertionError, match="renders differently"):
        _assert_renders_as_pinned("one_person", shifted)


# --- Prop kinds -----------------------------------------------------------------------------


def _inside(inner: tuple[float, ...], outer: tuple[float, ...], tol: float = 1.0) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)  # fmt: skip


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_prop_kinds_have_consistent_prop_labels(
    kind: str, built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]]
) -> None:
    spec, _, labels = built[kind]
    assert not spec.desk_page
    assert len(labels.props) == len(spec.props)
    for prop, label in zip(spec.props, labels.props, strict=True):
        assert (label.kind, label.variant, label.surface) == (prop.kind, prop.variant, prop.surface)
        x1, y1, x2, y2 = label.box_xyxy
        assert 0 <= x1 < x2 <= W
        assert 0 <= y1 < y2 <= H
        assert label.pii <= {"postcode", "phone", "email", "money", "date", "date_of_birth",
                             "bank_details", "nhs_number", "ni_number", "salutation_name",
                             "document_words"}  # fmt: skip
        if label.face_box_xyxy is not None:
            assert _inside(label.face_box_xyxy, label.box_xyxy)
    # One live person in every prop kind: pictured people are never counted.
    assert labels.people_count == labels.max_people_at_once == 1
    assert all(set(ids) <= {0} for ids in labels.face_ids)


def test_document_pii_is_readable_personal_paperwork(
    built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]],
) -> None:
    spec, _, labels = built["document_pii"]
    assert spec.camera.mounted
    (label,) = labels.props
    assert label.kind == "document"
    assert label.text_x_height_px >= 7.0
    assert label.pii - {"document_words"}


def test_document_small_is_unreadable(
    built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]],
) -> None:
    _, _, labels = built["document_small"]
    (label,) = labels.props
    assert 0 < label.text_x_height_px <= 3.0
    assert label.pii - {"document_words"}


def test_text_no_pii_is_readable_without_personal_data(
    built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]],
) -> None:
    _, _, labels = built["text_no_pii"]
    (label,) = labels.props
    assert label.variant in ("book_spines", "poster", "notebook")
    assert label.text_x_height_px >= 7.0
    assert label.pii == frozenset()


def test_clean_scene_has_no_text(
    built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]],
) -> None:
    spec, _, labels = built["clean"]
    assert spec.props == () and labels.props == ()
    assert spec.room != 2  # the classroom's whiteboard is full of handwriting


@pytest.mark.parametrize(("kind", "prop_kind"), [("photo_portrait", "framed_photo"),
                                                 ("photo_tv", "tv")])  # fmt: skip
def test_photo_kinds_show_a_pictured_face_apart_from_the_live_one(
    kind: str, prop_kind: str, built: dict[str, tuple[SceneSpec, list[np.ndarray], SceneLabels]]
) -> None:
    _, frames, labels = built[kind]
    (label,) = labels.props
    assert label.kind == prop_kind
    assert label.face_box_xyxy is not None
    x1, y1, x2, y2 = label.face_box_xyxy
    assert 40 <= y2 - y1 <= 120
    # The pictured face is a photograph in the frame, clear of the live person's face.
    assert frames[0][int(y1) : int(y2), int(x1) : int(x2)].std() > 12
    for bx1, by1, bx2, by2 in labels.face_boxes_xyxy[0]:
        assert bx2 <= x1 or x2 <= bx1 or by2 <= y1 or y2 <= by1


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["--repin"]:
        sys.exit("usage: python -m tests.scenes.test_builder --repin")
    cells = {
        name: np.round(_cells(build_scene(spec)[0]) * _PIN_SCALE).astype(np.uint16)
        for name, spec in _pinned_scenes().items()
    }
    np.savez_compressed(_PINNED_FRAMES, **cells)
    print(f"wrote {_PINNED_FRAMES}")
