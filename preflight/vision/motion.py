"""Global camera motion between frames: OpenCV feature tracking + robust similarity fit. No Qt.

Corners are found on the background only (live people, from the person mask, are left out),
tracked into the next frame with pyramidal Lucas-Kanade, checked forwards and backwards, and
fitted with a RANSAC similarity transform. People moving in front of a still camera therefore
do not read as camera motion; a hand-held device moves the whole background together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from preflight.vision.segmentation import PersonMask

WORK_SIZE_WH = (640, 360)


@dataclass(frozen=True)
class MotionOptions:
    """Attributes:
    max_corners: background corners tracked per frame.
    min_inliers: fewer agreeing corners than this and the pair cannot be measured.
    ransac_px: RANSAC inlier distance, in working-size pixels.
    """

    max_corners: int = 200
    min_inliers: int = 15
    ransac_px: float = 0.6


@dataclass(frozen=True)
class GlobalMotion:
    """How the whole picture moved from the previous analysed frame, in full-frame pixels."""

    dx_px: float
    dy_px: float
    rotation_deg: float
    inliers: int
    tracked: int

    @property
    def shift_px(self) -> float:
        return math.hypot(self.dx_px, self.dy_px)


def _background_mask(person: PersonMask | None, size_wh: tuple[int, int]) -> npt.NDArray[np.uint8]:
    width, height = size_wh
    mask = np.zeros((height, width), np.uint8)
    border = 8  # LK is unreliable on points that can leave the frame
    mask[border:-border, border:-border] = 255
    if person is not None:
        people = (person.probability >= 0.3).astype(np.uint8)
        if people.shape != (height, width):
            people = cv2.resize(people, size_wh, interpolation=cv2.INTER_NEAREST)
        # Margin around people: their outline moves with them, not with the camera.
        people = cv2.dilate(people, np.ones((25, 25), np.uint8))
        mask[people > 0] = 0
    return mask


class MotionEstimator:
    """Stateful: feed frames in order; each call returns the motion since the previous one."""

    def __init__(self, options: MotionOptions | None = None) -> None:
        self.options = options or MotionOptions()
        self._previous: npt.NDArray[np.uint8] | None = None
        self._previous_points: npt.NDArray[np.float32] | None = None
        # The last measured pair: (previous grey, current grey, prev→current matrix, scale).
        self._pair: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], Any, float] | None = None

    def reset(self) -> None:
        self._previous = None
        self._previous_points = None
        self._pair = None

    def update(
        self, pixels_bgr: npt.NDArray[np.uint8], person: PersonMask | None = None
    ) -> GlobalMotion | None:
        """Motion since the previous frame, or None (first frame, or too little detail to tell)."""
        width = pixels_bgr.shape[1]
        small = cv2.resize(pixels_bgr, WORK_SIZE_WH, interpolation=cv2.INTER_AREA)
        gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        motion = None
        self._pair = None
        scale = width / WORK_SIZE_WH[0]
        if self._previous is not None and self._previous_points is not None:
            measured = self._measure(self._previous, gray, self._previous_points, scale)
            if measured is not None:
                motion, matrix = measured
                self._pair = (self._previous, gray, matrix, scale)
        self._previous = gray
        self._previous_points = cv2.goodFeaturesToTrack(
            gray,
            maxCorners=self.options.max_corners,
            qualityLevel=0.005,
            minDistance=8,
            mask=_background_mask(person, WORK_SIZE_WH),
            blockSize=5,
        )
        return motion

    def _measure(
        self,
        previous: npt.NDArray[np.uint8],
        current: npt.NDArray[np.uint8],
        points: npt.NDArray[np.float32],
        scale: float,
    ) -> tuple[GlobalMotion, Any] | None:
        if len(points) < self.options.min_inliers:
            return None
        window, levels = (15, 15), 2  # handles steps up to ~30 px at working size
        forward, status, _ = cv2.calcOpticalFlowPyrLK(
            previous, current, points, None, winSize=window, maxLevel=levels
        )
        backward, status_back, _ = cv2.calcOpticalFlowPyrLK(
            current, previous, forward, None, winSize=window, maxLevel=levels
        )
        round_trip = np.linalg.norm((points - backward).reshape(-1, 2), axis=1)
        good = (status.reshape(-1) == 1) & (status_back.reshape(-1) == 1) & (round_trip < 0.5)
        tracked = int(good.sum())
        if tracked < self.options.min_inliers:
            return None
        src = points.reshape(-1, 2)[good]
        dst = forward.reshape(-1, 2)[good]
        matrix, inlier_flags = cv2.estimateAffinePartial2D(
            src, dst, method=cv2.RANSAC, ransacReprojThreshold=self.options.ransac_px,
            maxIters=500, confidence=0.99,
        )  # fmt: skip
        if matrix is None or inlier_flags is None:
            return None
        inliers = int(inlier_flags.sum())
        if inliers < self.options.min_inliers:
            return None
        # Translation measured at the frame centre, so rotation does not leak into it.
        centre = np.array([WORK_SIZE_WH[0] / 2, WORK_SIZE_WH[1] / 2])
        moved = matrix[:, :2] @ centre + matrix[:, 2]
        dx, dy = (moved - centre) * scale
        rotation = math.degrees(math.atan2(matrix[1, 0], matrix[0, 0]))
        return GlobalMotion(float(dx), float(dy), rotation, inliers, tracked), matrix

    def own_motion(self, boxes_xyxy: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """How each box's content moved on its own since the previous frame, camera motion removed.

        A face on a live person moves by itself (breathing, talking, small head movements); a
        face in a photograph or on a poster moves exactly with the wall behind it. Returns N×2
        (dx, dy) in full-frame pixels, NaN where it cannot be measured (the first frame, camera
        motion unmeasurable, or too little detail in the box).
        """
        out = np.full((len(boxes_xyxy), 2), np.nan, np.float32)
        if self._pair is None or not len(boxes_xyxy):
            return out
        previous, current, matrix, scale = self._pair
        inverse = cv2.invertAffineTransform(matrix)
        height, width = current.shape
        for i, box in enumerate(boxes_xyxy):
            x0, y0, x1, y1 = (float(v) / scale for v in box)
            c0, r0 = max(0, int(x0)), max(0, int(y0))
            c1, r1 = min(width, int(np.ceil(x1))), min(height, int(np.ceil(y1)))
            if c1 - c0 < 6 or r1 - r0 < 6:
                continue
            region = np.zeros_like(current)
            region[r0:r1, c0:c1] = 255
            points = cv2.goodFeaturesToTrack(
                current, maxCorners=25, qualityLevel=0.01, minDistance=3, mask=region, blockSize=3
            )
            if points is None or len(points) < 4:
                continue
            back, status, _ = cv2.calcOpticalFlowPyrLK(
                current, previous, points, None, winSize=(11, 11), maxLevel=2
            )
            ok = status.reshape(-1) == 1
            if ok.sum() < 4:
                continue
            here = points.reshape(-1, 2)[ok]
            there = back.reshape(-1, 2)[ok]
            # Where the camera motion alone would have put these points in the previous frame.
            expected = here @ inverse[:, :2].T + inverse[:, 2]
            # Content moved from `there` (previous) to `here`; camera alone: `expected` → `here`.
            residual = np.median(expected - there, axis=0) * scale
            out[i] = residual
        return out
