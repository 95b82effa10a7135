"""`camera.stillness` on rooms built from real photographs: mounted passes, hand-held fails."""

from __future__ import annotations

import pytest

from tests.checks.conftest import SceneRunner
from tests.scenes import CameraSpec, PersonSpec, SceneSpec, build_scene

TEACHER = PersonSpec("astronaut", 200, (620, 420))


@pytest.mark.parametrize(
    ("people", "why"),
    [
        ((TEACHER,), "a person moving slightly"),
        ((PersonSpec("grace_hopper", 180, (640, 420), motion="stand_up"),), "the person stands up"),
        (
            (TEACHER, PersonSpec("grace_hopper", 90, (100, 300), motion="walk_past")),
            "someone walks past",
        ),
    ],
    ids=["live", "stand-up", "walk-past"],
)
@pytest.mark.parametrize("room", [0, 3])
def test_mounted_camera_passes_while_people_move(
    run_scene: SceneRunner, people: tuple[PersonSpec, ...], why: str, room: int
) -> None:
    frames, labels = build_scene(SceneSpec(seed=101 + room, people=people, room=room))
    assert labels.mounted
    still = run_scene(frames)["camera.stillness"]
    assert still.status == "pass", f"{why}: {still.summary}"
    assert still.metrics["shake_px_rms"] < 0.3


@pytest.mark.parametrize(
    ("shake_px_rms", "tremor_hz"),
    [(1.5, 5.0), (2.0, 8.0), (4.0, 11.0), (8.0, 6.0)],
)
def test_hand_held_camera_fails(
    run_scene: SceneRunner, shake_px_rms: float, tremor_hz: float
) -> None:
    camera = CameraSpec(mounted=False, shake_px_rms=shake_px_rms, tremor_hz=tremor_hz,
                        drift_px=shake_px_rms, rotation_deg_rms=0.2)  # fmt: skip
    frames, labels = build_scene(SceneSpec(seed=211, people=(TEACHER,), camera=camera, room=1))
    still = run_scene(frames)["camera.stillness"]
    assert still.status == "fail", still.summary
    (finding,) = still.findings
    assert finding.kind == "camera_motion"
    assert "stand" in finding.message
    # The measured shake tracks what was applied (the scene's own measurement of its path).
    assert still.metrics["shake_px_rms"] == pytest.approx(labels.shake_px_rms, rel=0.35)
    assert 0 < still.metrics["dominant_hz"] <= still.metrics["nyquist_hz"]
