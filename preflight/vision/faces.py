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

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from preflight.closing import Closing
from preflight.vision._mediapipe import BaseOptions, mp, vision
from preflight.vision._quiet import quiet_native_stderr
from preflight.vision.detections import Detections, containment, iou
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
        hint_confidence: a small face scored at least this (but below min_confidence) is not
            reported, but is looked at again on a close crop the next frame, where the model
            sees it ~4x larger: a 50-px face on a TV across the room scores 0.4-0.5 on a tile
            and 0.85-0.93 on the crop. Only what the crop confirms counts.
    """

    min_confidence: float = 0.55
    tiles_per_frame: int = 1
    follow_below_px: float = 110.0
    max_followed: int = 2
    hint_confidence: float = 0.35
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
        self._hinting: vision.FaceDetector | None = None
        full = None
        try:
            full = _detector(full_path, self.options.min_confidence)
            # Hints come from a second, lower-threshold pass over the tile only. A detector's
            # own suppression blends the boxes it keeps, so lowering the threshold of the
            # passes that find faces would move the boxes of live faces too (and split one
            # person into two tracks as they turn away).
            if 0 < self.options.hint_confidence < self.options.min_confidence and (
                self.options.follow_below_px > 0 and self.options.tiles_per_frame > 0
            ):
                self._hinting = _detector(full_path, self.options.hint_confidence)
        except BaseException:
            self._short.close()
            if full is not None:
                full.close()
            raise
        self._full: vision.FaceDetector = full
        self._tiles: list[tuple[int, int, int, int]] = []
        self._tiles_for: tuple[int, int] | None = None
        self._next_tile = 0
        self._follow: list[tuple[int, int, int, int]] = []
        self._hint_boxes: dict[tuple[int, int, int, int], npt.NDArray[np.float32]] = {}
        self._first_call = True

    def reset(self) -> None:
        """Start a new scan window: forget followed faces and restart the tile rotation."""
        self._follow = []
        self._hint_boxes = {}
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
        direct = [
            _to_detections(self._short.detect(whole), (0, 0), size_wh),
            _to_detections(self._full.detect(whole), (0, 0), size_wh),
        ]
        followed: list[Detections] = []
        faint: list[Detections] = []
        for crops, parts in ((self._tiles_this_frame(size_wh), direct), (self._follow, followed)):
            for x0, y0, x1, y1 in crops:
                tile = np.ascontiguousarray(rgb[y0:y1, x0:x1])
                image = mp.Image(image_format=mp.ImageFormat.SRGB, data=tile)
                parts.append(_to_detections(self._full.detect(image), (x0, y0), size_wh))
                if parts is direct and self._hinting is not None:
                    faint.append(_to_detections(self._hinting.detect(image), (x0, y0), size_wh))
        seen = Detections.concat(direct)
        faces = Detections.concat(direct + followed).merge_overlapping()
        hints = Detections.concat(faint).merge_overlapping()
        hints = hints.select(
            np.array(
                [
                    score < self.options.min_confidence and not _overlaps_any(box, faces)
                    for box, score in zip(hints.xyxy, hints.confidence, strict=True)
                ],
                dtype=bool,
            )
        )
        self._follow = self._crops_to_follow(faces, hints, size_wh)
        # Which faces the whole-frame or tile passes vouch for; the rest only a crop did.
        vouched = [_overlaps_any(box, seen) for box in faces.xyxy]
        return faces.with_column("direct", np.array(vouched, np.float32))

    def _crops_to_follow(
        self, faces: Detections, hints: Detections, size_wh: tuple[int, int]
    ) -> list[tuple[int, int, int, int]]:
        """Close crops for the next frame: small faces first, then hints, best scores first."""
        chosen = [
            (found, i)
            for found in (faces, hints)
            for i in np.argsort(-found.confidence)
            if found.heights[i] < self.options.follow_below_px
        ][: self.options.max_followed]
        crops = []
        self._hint_boxes = {}
        for found, i in chosen:
            x0, y0, x1, y1 = (float(v) for v in found.xyxy[i])
            # 5 face heights across: room to move between frames, and the face stays ~35 px
            # inside the model's 192-px input.
            half = max(128.0, 2.5 * (y1 - y0))
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            crop = (
                max(0, round(cx - half)), max(0, round(cy - half)),
                min(size_wh[0], round(cx + half)), min(size_wh[1], round(cy + half)),
            )  # fmt: skip
            crops.append(crop)
            if found is hints:
                self._hint_boxes[crop] = found.xyxy[i]
        return crops

    def drop_hints_on_people(
        self,
        support: Callable[[npt.NDArray[np.float32]], npt.NDArray[np.float32]],
        max_support: float = 0.3,
    ) -> None:
        """Do not follow hints that lie on a segmented live person (`support` gives the mask's
        cover of boxes): a live person's face is found by the whole-frame passes, and a hint on
        them is their head turning or something they wear, which a second box would split into
        two people (bench/camera_bench.py: 2 of 69 one-person clips). Pictures of people are
        off the person mask (support ~0)."""
        if not self._hint_boxes:
            return
        crops = list(self._hint_boxes)
        cover = support(np.array([self._hint_boxes[c] for c in crops], np.float32))
        on_people = {c for c, v in zip(crops, cover, strict=True) if float(v) >= max_support}
        self._follow = [c for c in self._follow if c not in on_people]

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
            if self._hinting is not None:
                self._hinting.close()


def _overlaps_any(box: npt.NDArray[np.float32], others: Detections) -> bool:
    return any(iou(box, o) >= 0.3 or containment(box, o) >= 0.6 for o in others.xyxy)
