"""Synthetic but photographic test scenes (people in rooms, mounted or hand-held cameras)."""

from tests.scenes.builder import (
    DOCUMENT_KINDS,
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
from tests.scenes.documents import PII_CATEGORIES, VARIANTS, RenderedDocument, render_document
from tests.scenes.props import PROP_PHOTOS, PropLabel, PropSpec
from tests.scenes.rooms import N_ROOMS, RoomGeometry, room_geometry

__all__ = [
    "DOCUMENT_KINDS",
    "KINDS",
    "MOTIONS",
    "N_ROOMS",
    "PII_CATEGORIES",
    "PROP_PHOTOS",
    "VARIANTS",
    "VISIBLE_FRACTION",
    "CameraSpec",
    "PersonSpec",
    "PropLabel",
    "PropSpec",
    "RenderedDocument",
    "RoomGeometry",
    "SceneLabels",
    "SceneSpec",
    "build_scene",
    "random_scene",
    "render_document",
    "room_geometry",
    "save_frames",
    "save_video",
]
