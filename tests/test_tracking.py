"""Face tracks: one person seen across frames is one track; two at once are two."""

from __future__ import annotations

import numpy as np

from preflight.tracking import TrackingOptions, max_concurrent, track_faces
from preflight.vision.detections import Detections


def faces(*boxes: tuple[float, float, float, float]) -> Detections:
    return Detections(
        np.array(boxes, np.float32).reshape(-1, 4), np.full(len(boxes), 0.9, np.float32)
    )


NONE = Detections.empty()


def test_a_face_drifting_across_frames_is_one_track() -> None:
    frames = [faces((500 + 3 * i, 200 + (i % 3), 650 + 3 * i, 350)) for i in range(45)]
    tracks = track_faces(frames)
    assert len(tracks) == 1 and tracks[0].hits == 45


def test_a_face_missing_for_a_few_frames_stays_one_track() -> None:
    frames = [faces((500, 200, 650, 350)) if not 20 <= i < 28 else NONE for i in range(45)]
    tracks = track_faces(frames, TrackingOptions(max_gap_frames=15))
    assert len(tracks) == 1 and tracks[0].hits == 37


def test_a_long_look_away_is_joined_back_into_one_track() -> None:
    frames = [faces((500, 200, 650, 350)) if not 10 <= i < 35 else NONE for i in range(45)]
    tracks = track_faces(frames, TrackingOptions(max_gap_frames=5))
    assert len(tracks) == 1


def test_two_faces_at_once_are_two_concurrent_tracks() -> None:
    frames = [faces((500, 300, 650, 450), (100, 100, 140, 140)) for _ in range(30)]
    tracks = track_faces(frames)
    assert len(tracks) == 2 and max_concurrent(tracks) == 2


def test_a_person_walking_past_behind_is_a_second_concurrent_track() -> None:
    frames = []
    for i in range(45):
        boxes = [(500.0, 300.0, 650.0, 450.0)]
        if 10 <= i < 35:
            x = 50 + 40 * (i - 10)  # brisk walk: 40 px per frame, face 80 px
            boxes.append((x, 150, x + 80, 230))
        frames.append(faces(*boxes))
    tracks = track_faces(frames)
    assert max_concurrent(tracks) == 2
    assert sorted(t.hits for t in tracks) == [25, 45]


def test_people_one_after_another_are_never_counted_at_once() -> None:
    frames = [
        faces((100, 100, 200, 200)) if i < 20 else faces((900, 100, 1000, 200)) for i in range(40)
    ]
    assert max_concurrent(track_faces(frames)) == 1
