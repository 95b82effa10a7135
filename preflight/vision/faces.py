"""Face detection adapter: MediaPipe BlazeFace (short + full range, tiled) → Detections. No Qt.

Faces are located and counted, never identified: no embeddings, no recognition.

Three passes, merged:
- short range on the whole frame: the person at the screen;
- full range on the whole frame: people a few metres away;
- full range on overlapping tiles: people across the room, down to ~40 px face height at 720p;
- full range on a close crop around each small face found in the previous frame (following).
  The full-range model sees 192×192 pixels, so on a whole 1280×720 frame a 40-px face shrinks to
  6 px and is lost; on a 582×450 tile it is 13 px and found. Tiles cost ~6 ms each, so one or
  two run per frame in rotation, covering the whole frame every few frames; tracking across
  frames bridges the frames in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from preflight.closing import Closing
from preflight.vision._mediapipe import BaseOptions, mp, vision
from preflight.vision._quiet import quiet_native_stderr
from preflight.vision.detections import Detections
from preflight.vision.models import model_path

SHORT_RANGE_MODEL = "face_detection_short_range.tflite"
FULL_RANGE_MODEL = "face_detection_full_range_sparse.tflite"


@dataclass(frozen=True)
class FaceScanOptions:
    """How faces are searched for.

    Attributes:
        min_confidence: detector score below which a face is ignored.
        tiles_per_frame: full-range tile passes per frame (0 turns the far-face scan off).
        tile_grid: columns × rows of overlapping tiles over the frame.
        tile_overlap: share of a tile that overlaps its neighbour, so no face is cut in two.
        follow_below_px: faces smaller than this found in one frame are looked for again in
            the next frame on a close crop around them, so a small face walking across the room
            is seen in every frame rather than only when the tile rotation comes back to it.
        max_followed: at most this many small faces are followed per frame (cost bound).
    """

    min_confidence: float = 0.55
    tiles_per_frame: int = 1
    follow_below_px: float = 110.0
    max_followed: int = 2
    tile_grid: tuple[int, int] = (3, 2)
    # Tiles overlap by 40 %, so a face up to ~180 px tall always lies whole inside one tile.
    tile_overlap: float = 0.4

    def __post_init__(self) -> None:
        if not 0.0 < self.min_confidence < 1.0:
            raise ValueError(f"min_confidence must be within (0, 1), got {self.min_confidence}")
        if self.tiles_per_frame < 0:
            raise ValueError(f"tiles_per_frame must be >= 0, got {self.tiles_per_frame}")


def tile_boxes(
    size_wh: tuple[int, int], grid: tuple[int, int], overlap: float
) -> list[tuple[int, int, int, int]]:
    """Overlapping tiles `(x0, y0, x1, y1)` covering a frame, row by row."""
    width, height = size_wh
    cols, rows = grid
    tile_w = width / (cols - (cols - 1) * overlap)
    tile_h = height / (rows - (rows - 1) * overlap)
    tiles = []
    for r in range(rows):
        for c in range(cols):
            x0 = round(c * tile_w * (1 - overlap))
            y0 = round(r * tile_h * (1 - overlap))
            tiles.append((x0, y0, min(width, round(x0 + tile_w)), min(height, round(y0 + tile_h))))
    return tiles


def _detector(model: Path, min_confidence: float) -> vision.FaceDetector:
    options = vision.FaceDetectorOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.IMAGE,
        min_detection_confidence=min_confidence,
    )
    with quiet_native_stderr():
        return vision.FaceDetector.create_from_options(options)


def _to_detections(
    result: vision.FaceDetectorResult, offset_xy: tuple[int, int], limit_wh: tuple[int, int]
) -> Detections:
    boxes, scores = [], []
    ox, oy = offset_xy
    for detection in result.detections:
        box = detection.bounding_box
        x0 = max(0.0, float(box.origin_x + ox))
        y0 = max(0.0, float(box.origin_y + oy))
        x1 = min(float(limit_wh[0]), float(box.origin_x + box.width + ox))
        y1 = min(float(limit_wh[1]), float(box.origin_y + box.height + oy))
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        boxes.append((x0, y0, x1, y1))
        scores.append(float(detection.categories[0].score) if detection.categories else 0.0)
    if not boxes:
        return Detections.empty()
    return Detections(np.array(boxes, np.float32), np.array(scores, np.float32))


class FaceScanner(Closing):
    """Finds faces in frames. Create, use and close on one thread (MediaPipe requires it).

    Use as a context manager; an unclosed detector prints tracebacks at interpreter exit.

    Raises:
        ModelError: at construction, if a model file is missing or altered.
    """

    def __init__(self, options: FaceScanOptions | None = None) -> None:
        self.options = options or FaceScanOptions()
        short_path = model_path(SHORT_RANGE_MODEL)
        full_path = model_path(FULL_RANGE_MODEL)
        self._short = _detector(short_path, self.options.min_confidence)
        try:
            self._full = _detector(full_path, self.options.min_confidence)
        except BaseException:
            self._short.close()
            raise
        self._tiles: list[tuple[int, int, int, int]] = []
        self._tiles_for: tuple[int, int] | None = None
        self._next_tile = 0
        self._follow: list[tuple[int, int, int, int]] = []
        self._first_call = True

    def reset(self) -> None:
        """Start a new scan window: forget followed faces and restart the tile rotation."""
        self._follow = []
        self._next_tile = 0

    @classmethod
    def create_from_options(cls, options: FaceScanOptions) -> FaceScanner:
        return cls(options)

    def detect(self, pixels_bgr: npt.NDArray[np.uint8]) -> Detections:
        """All faces found in one frame (the tile pass covers part of the frame each call)."""
        if self._first_call:
            # The runtime prints one-time notices on the first inference.
            self._first_call = False
            with quiet_native_stderr():
                return self._detect(pixels_bgr)
        return self._detect(pixels_bgr)

    def _detect(self, pixels_bgr: npt.NDArray[np.uint8]) -> Detections:
        height, width = pixels_bgr.shape[:2]
        size_wh = (width, height)
        rgb = cv2.cvtColor(pixels_bgr, cv2.COLOR_BGR2RGB)
        whole = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        parts = [
            _to_detections(self._short.detect(whole), (0, 0), size_wh),
            _to_detections(self._full.detect(whole), (0, 0), size_wh),
        ]
        for x0, y0, x1, y1 in [*self._tiles_this_frame(size_wh), *self._follow]:
            tile = np.ascontiguousarray(rgb[y0:y1, x0:x1])
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=tile)
            parts.append(_to_detections(self._full.detect(image), (x0, y0), size_wh))
        faces = Detections.concat(parts).merge_overlapping()
        self._follow = self._crops_to_follow(faces, size_wh)
        return faces

    def _crops_to_follow(
        self, faces: Detections, size_wh: tuple[int, int]
    ) -> list[tuple[int, int, int, int]]:
        small = [
            i
            for i in np.argsort(-faces.confidence)
            if faces.heights[i] < self.options.follow_below_px
        ][: self.options.max_followed]
        crops = []
        for i in small:
            x0, y0, x1, y1 = (float(v) for v in faces.xyxy[i])
            # 5 face heights across: room to move between frames, and the face stays ~35 px
            # inside the model's 192-px input.
            half = max(128.0, 2.5 * (y1 - y0))
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            crops.append((
                max(0, round(cx - half)), max(0, round(cy - half)),
                min(size_wh[0], round(cx + half)), min(size_wh[1], round(cy + half)),
            ))  # fmt: skip
        return crops

    def _tiles_this_frame(self, size_wh: tuple[int, int]) -> list[tuple[int, int, int, int]]:
        if self.options.tiles_per_frame == 0:
            return []
        if self._tiles_for != size_wh:
            self._tiles = tile_boxes(size_wh, self.options.tile_grid, self.options.tile_overlap)
            self._tiles_for = size_wh
            self._next_tile = 0
        count = min(self.options.tiles_per_frame, len(self._tiles))
        chosen = [self._tiles[(self._next_tile + i) % len(self._tiles)] for i in range(count)]
        self._next_tile = (self._next_tile + count) % len(self._tiles)
        return chosen

    def close(self) -> None:
        with quiet_native_stderr():
            self._short.close()
            self._full.close()
