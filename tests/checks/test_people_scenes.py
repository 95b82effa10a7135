"""`camera.people` on rooms built from real photographs, with the real face models."""

from __future__ import annotations

import pytest

from preflight.checks.people import PeopleOptions, evaluate_people
from tests.checks.conftest import SceneRunner
from tests.scenes import CameraSpec, PersonSpec, SceneSpec, build_scene, random_scene

TEACHER = PersonSpec("grace_hopper", 190, (640, 400))


def boxes_overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("room", [0, 1, 2])
def test_one_person_at_the_screen_passes(run_scene: SceneRunner, room: int) -> None:
    frames, labels = build_scene(SceneSpec(seed=11 + room, people=(TEACHER,), room=room))
    people = run_scene(frames)["camera.people"]
    assert people.status == "pass", people.summary
    (finding,) = people.findings
    assert finding.kind == "person" and finding.severity == "info"
    assert boxes_overlap(finding.box_xyxy, labels.face_boxes_xyxy[22][0])  # type: ignore[arg-type]
    assert people.metrics["people_count"] == 1


@pytest.mark.parametrize(
    ("second", "why"),
    [
        (PersonSpec("astronaut", 150, (1000, 360)), "near, beside the teacher"),
        (PersonSpec("astronaut", 60, (250, 330)), "across the room"),
        (PersonSpec("astronaut", 42, (1050, 300)), "far corner, ~40 px face"),
        (PersonSpec("astronaut", 55, (150, 330), motion="walk_past"), "walking past behind"),
    ],
    ids=["near", "across-room", "40px", "walking-past"],
)
def test_a_second_person_fails(run_scene: SceneRunner, second: PersonSpec, why: str) -> None:
    frames, _ = build_scene(SceneSpec(seed=21, people=(TEACHER, second), room=1))
    people = run_scene(frames)["camera.people"]
    assert people.status == "fail", f"{why}: {people.summary}"
    assert people.metrics["people_count"] == 2
    extra = [f for f in people.findings if f.severity == "fail"]
    assert len(extra) == 1
    assert "second person" in extra[0].message
    assert extra[0].details["face_height_px"] < 190  # the extra one, not the teacher


def test_nobody_in_view_warns(run_scene: SceneRunner) -> None:
    frames, _ = build_scene(SceneSpec(seed=31, people=(), room=2))
    people = run_scene(frames)["camera.people"]
    assert people.status == "warn"
    assert people.findings == ()
    assert "Nobody is in view" in people.summary


@pytest.mark.parametrize("seed", [41, 42])
def test_a_person_who_turns_partly_away_is_still_one_person(
    run_scene: SceneRunner, seed: int
) -> None:
    frames, _ = build_scene(random_scene(seed, "turn_away"))
    people = run_scene(frames)["camera.people"]
    assert people.status == "pass", people.summary
    assert len(people.findings) == 1


def test_a_person_seen_in_most_frames_counts_once_not_per_frame(run_scene: SceneRunner) -> None:
    frames, _ = build_scene(SceneSpec(seed=51, people=(TEACHER,), room=0))
    people = run_scene(frames)["camera.people"]
    assert people.metrics["people_count"] == 1
    assert people.findings[0].details["frames_seen"] >= 40


def test_home_mode_allows_a_supervising_adult_but_staff_mode_does_not(
    run_scene: SceneRunner,
) -> None:
    adult = PersonSpec("astronaut", 120, (1000, 330))
    frames, _ = build_scene(SceneSpec(seed=61, people=(TEACHER, adult)))
    faces = [o.faces for o in run_scene.observe(frames)]
    staff = evaluate_people(faces, PeopleOptions(min_people=1, max_people=1))  # type: ignore[arg-type]
    home = evaluate_people(faces, PeopleOptions(min_people=1, max_people=2))  # type: ignore[arg-type]
    assert (staff.status, home.status) == ("fail", "pass")
    assert home.metrics["people_count"] == 2


def test_hand_held_shake_does_not_add_or_remove_people(run_scene: SceneRunner) -> None:
    camera = CameraSpec(
        mounted=False, shake_px_rms=6.0, tremor_hz=9.0, drift_px=6.0, rotation_deg_rms=0.3
    )
    frames, _ = build_scene(SceneSpec(seed=71, people=(TEACHER,), camera=camera, room=0))
    assert run_scene(frames)["camera.people"].metrics["people_count"] == 1
