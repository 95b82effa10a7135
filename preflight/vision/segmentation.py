"""Person segmentation adapter: MediaPipe selfie segmentation → PersonMask. No Qt.

The mask marks where live people are, so motion estimation can ignore them (a person moving in
front of a mounted camera is not camera motion). It is computed at 640×360: people are large,
and the model is cheaper on a small input.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from preflight.closing import Closing
from preflight.vision._mediapipe import BaseOptions, mp, vision
from preflight.vision._quiet import quiet_native_stderr
from preflight.vision.models import model_path

SEGMENTATION_MODEL = "selfie_segmentation_landscape.tflite"
MASK_SIZE_WH = (640, 360)


@dataclass(frozen=True, eq=False)
class PersonMask:
    """Per-pixel probability of a person, at `MASK_SIZE_WH`, for a frame of `frame_size_wh`."""

    probability: npt.NDArray[np.float32]
    frame_size_wh: tuple[int, int]

    def binary(self, threshold: float = 0.5) -> npt.NDArray[np.bool_]:
        return np.asarray(self.probability >= threshold)

    def support(self, boxes_xyxy: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Mean person probability inside each box (frame pixels), 0-1.

        A live face sits on a segmented person; the detector's false hits on room objects
        (a cat picture, a mug) score about 0 here.
        """
        height, width = self.probability.shape
        sx, sy = width / self.frame_size_wh[0], height / self.frame_size_wh[1]
        scores = np.zeros(len(boxes_xyxy), np.float32)
        for i, (x0, y0, x1, y1) in enumerate(boxes_xyxy):
            c0, c1 = int(x0 * sx), max(int(x0 * sx) + 1, int(np.ceil(x1 * sx)))
            r0, r1 = int(y0 * sy), max(int(y0 * sy) + 1, int(np.ceil(y1 * sy)))
            region = self.probability[max(0, r0) : min(height, r1), max(0, c0) : min(width, c1)]
            scores[i] = float(region.mean()) if region.size else 0.0
        return scores

    @property
    def coverage(self) -> float:
        """Share of the frame that shows people."""
        return float(np.mean(self.probability >= 0.5))


class PersonSegmenter(Closing):
    """Segments people. Create, use and close on one thread; use as a context manager.

    Raises:
        ModelError: at construction, if the model file is missing or altered.
    """

    def __init__(self) -> None:
        options = vision.ImageSegmenterOptions(
            base_options=BaseOptions(model_asset_path=str(model_path(SEGMENTATION_MODEL))),
            running_mode=vision.RunningMode.IMAGE,
            output_confidence_masks=True,
            output_category_mask=False,
        )
        with quiet_native_stderr():
            self._segmenter = vision.ImageSegmenter.create_from_options(options)
        self._first_call = True

    def segment(self, pixels_bgr: npt.NDArray[np.uint8]) -> PersonMask:
        height, width = pixels_bgr.shape[:2]
        small = cv2.resize(pixels_bgr, MASK_SIZE_WH, interpolation=cv2.INTER_AREA)
        rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        if self._first_call:
            # The runtime prints one-time notices on the first inference.
            self._first_call = False
            with quiet_native_stderr():
                result = self._segmenter.segment(image)
        else:
            result = self._segmenter.segment(image)
        masks = result.confidence_masks or []
        if not masks:
            return PersonMask(np.zeros(MASK_SIZE_WH[::-1], np.float32), (width, height))
        probability = np.array(masks[-1].numpy_view(), dtype=np.float32).reshape(MASK_SIZE_WH[::-1])
        return PersonMask(probability, (width, height))

    def close(self) -> None:
        with quiet_native_stderr():
            self._segmenter.close()
