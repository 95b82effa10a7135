"""Synthetic but photographic test scenes (people in rooms, mounted or hand-held cameras)."""

from tests.scenes.builder import (
    KINDS,
    MOTIONS,
    VISIBLE_FRACTION,
    CameraSpec,
    PersonSpec,
    SceneLabels,
    SceneSpec,
    build_scene,
    random_scene,
    save_frames,
    save_video,
)
from tests.scenes.rooms import N_ROOMS, RoomGeometry, room_geometry

__all__ = [
    "KINDS",
    "MOTIONS",
    "N_ROOMS",
    "VISIBLE_FRACTION",
    "CameraSpec",
    "PersonSpec",
    "RoomGeometry",
    "SceneLabels",
    "SceneSpec",
    "build_scene",
    "random_scene",
    "room_geometry",
    "save_frames",
    "save_video",
]
