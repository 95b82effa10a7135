"""Camera, video, image and folder sources behind one `open_source()` call. No Qt.

OpenCV is used here for capture and decoding only; model APIs live in `preflight.vision`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from preflight.errors import SourceError
from preflight.frames.base import Frame, FrameSource

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"})
_CAMERA_SPEC = re.compile(r"^camera:(\d+)$")

# OpenCV prints its own warnings for missing cameras and odd files; our errors say it better.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)


def _as_bgr(pixels: npt.NDArray[Any] | None) -> npt.NDArray[np.uint8] | None:
    """Any decoded picture (grey, BGRA, 16-bit) as H×W×3 uint8, or None if there is none."""
    if pixels is None or pixels.size == 0:
        return None
    if pixels.dtype != np.uint8:
        scale = 255.0 / float(np.iinfo(pixels.dtype).max) if pixels.dtype.kind in "ui" else 255.0
        pixels = np.clip(pixels.astype(np.float32) * scale, 0, 255).astype(np.uint8)
    if pixels.ndim == 2:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
    elif pixels.shape[2] == 4:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR)
    elif pixels.shape[2] == 1:
        pixels = cv2.cvtColor(pixels[:, :, 0], cv2.COLOR_GRAY2BGR)
    return np.ascontiguousarray(pixels, dtype=np.uint8)


def _read_image(path: Path) -> npt.NDArray[np.uint8]:
    data = np.fromfile(str(path), dtype=np.uint8)  # fromfile copes with non-ASCII paths
    pixels = _as_bgr(cv2.imdecode(data, cv2.IMREAD_UNCHANGED)) if data.size else None
    if pixels is None:
        raise SourceError(f"cannot read image {path}: not a picture, or damaged")
    return pixels


_MAX_IMAGE_BYTES = 256 * 1024 * 1024


def read_image(path: Path, max_side_px: int | None = None) -> npt.NDArray[np.uint8]:
    """One picture file as BGR pixels, scaled down to fit `max_side_px` if given.

    Raises:
        SourceError: the file is missing, unreadable, or not a picture this build can decode.
    """
    try:
        if path.stat().st_size > _MAX_IMAGE_BYTES:
            raise SourceError(f"cannot read image {path}: larger than any picture should be")
        pixels = _read_image(path)
    except OSError as exc:
        raise SourceError(f"cannot read image {path}: {exc.strerror or exc}") from None
    except cv2.error:
        raise SourceError(f"cannot read image {path}: too large or not a picture") from None
    height, width = pixels.shape[:2]
    if max_side_px is not None and max(height, width) > max_side_px:
        scale = max_side_px / max(height, width)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        pixels = np.ascontiguousarray(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA))
    return pixels


def _natural_key(path: Path) -> list[object]:
    # "frame2" before "frame10", as a person reading the folder would expect.
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


class _Pacer:
    """Keeps frames at most `fps` per second and stops after `seconds` of source time."""

    def __init__(self, fps: float, seconds: float | None) -> None:
        self._interval_ms = 1000.0 / fps
        self._limit_ms = None if seconds is None else seconds * 1000.0
        self._next_due_ms = 0.0

    def done(self, timestamp_ms: float) -> bool:
        return self._limit_ms is not None and timestamp_ms >= self._limit_ms - 1e-6

    def take(self, timestamp_ms: float) -> bool:
        # 1 ms of slack absorbs rounding in frame times (30 fps → 15 fps keeps every other frame).
        if timestamp_ms + 1.0 >= self._next_due_ms:
            self._next_due_ms = max(self._next_due_ms + self._interval_ms, timestamp_ms)
            return True
        return False


class ImageSource(FrameSource):
    """A single still picture: one frame."""

    kind = "image"

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        self._pixels = _read_image(path)

    @property
    def is_single_image(self) -> bool:
        return True

    def frames(self) -> Iterator[Frame]:
        yield Frame(self._pixels, 0.0, 0)


class FolderSource(FrameSource):
    """A folder of pictures read in name order as consecutive frames at `fps`."""

    kind = "folder"

    def __init__(self, path: Path, fps: float, seconds: float | None) -> None:
        self.name = str(path)
        self._fps = fps
        self._seconds = seconds
        self._files = sorted(
            (p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()),
            key=_natural_key,
        )
        if not self._files:
            raise SourceError(
                f"folder {path} has no pictures ({', '.join(sorted(IMAGE_SUFFIXES))})"
            )
        self._first = _read_image(self._files[0])

    @property
    def is_single_image(self) -> bool:
        return len(self._files) == 1

    def frames(self) -> Iterator[Frame]:
        limit = None if self._seconds is None else max(1, round(self._seconds * self._fps))
        for index, path in enumerate(self._files[:limit]):
            pixels = self._first if index == 0 else _read_image(path)
            if pixels.shape != self._first.shape:
                raise SourceError(
                    f"{path} is {pixels.shape[1]}x{pixels.shape[0]} but the first picture is "
                    f"{self._first.shape[1]}x{self._first.shape[0]}; frames must be one size"
                )
            yield Frame(pixels, index * 1000.0 / self._fps, index)


class _CaptureSource(FrameSource):
    """Shared reading loop for OpenCV captures (video files and cameras)."""

    def __init__(self, capture: cv2.VideoCapture, fps: float, seconds: float | None) -> None:
        self._capture = capture
        self._pacer = _Pacer(fps, seconds)
        self._first: npt.NDArray[np.uint8] | None = None

    def _read(self) -> npt.NDArray[np.uint8] | None:
        ok, pixels = self._capture.read()
        return _as_bgr(pixels) if ok else None

    def _clock_ms(self, raw_index: int) -> float:
        raise NotImplementedError

    def _on_lost(self, index: int) -> None:
        """What to do when frames stop: the end of a file, or a camera that went away."""

    def frames(self) -> Iterator[Frame]:
        index = 0
        raw_index = 0
        pixels = self._first
        self._first = None
        while True:
            if pixels is None:
                pixels = self._read()
                if pixels is None:
                    self._on_lost(index)
                    return
            timestamp_ms = self._clock_ms(raw_index)
            raw_index += 1
            if self._pacer.done(timestamp_ms):
                return
            if self.preview is not None:
                self.preview(pixels, timestamp_ms)
            if self._pacer.take(timestamp_ms):
                yield Frame(pixels, timestamp_ms, index)
                index += 1
            pixels = None

    @property
    def previews_every_picture(self) -> bool:
        return True

    def close(self) -> None:
        self._capture.release()


class VideoSource(_CaptureSource):
    """A video file; frames are timed by their position in the file."""

    kind = "video"

    def __init__(self, path: Path, fps: float, seconds: float | None) -> None:
        self.name = str(path)
        capture = cv2.VideoCapture(str(path))
        if not capture.isOpened():
            capture.release()
            raise SourceError(f"cannot open video {path}: not a video, or damaged")
        native_fps = capture.get(cv2.CAP_PROP_FPS)
        # Files with no frame rate in the header are taken at the analysis rate.
        self._native_fps = native_fps if 1.0 <= native_fps <= 480.0 else fps
        super().__init__(capture, fps, seconds)
        self._first = self._read()
        if self._first is None:
            self.close()
            raise SourceError(f"cannot read video {path}: no decodable frames")

    def _clock_ms(self, raw_index: int) -> float:
        return raw_index * 1000.0 / self._native_fps


class CameraLostError(SourceError):
    """The camera stopped sending frames mid-scan (unplugged, or taken by another app)."""


class CameraSource(_CaptureSource):
    """A live camera by index; frames are timed by the clock from the first frame."""

    kind = "camera"

    def __init__(
        self,
        device_index: int,
        fps: float,
        seconds: float | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = f"camera:{device_index}"
        capture = cv2.VideoCapture(device_index)
        if not capture.isOpened():
            capture.release()
            raise SourceError(
                f"no camera at index {device_index}: check it is plugged in and not used by "
                "another app"
            )
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, 1280)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, 720)
        super().__init__(capture, fps, seconds)
        self._clock = clock
        self._first = self._read()
        if self._first is None:
            self.close()
            raise SourceError(f"camera {device_index} opened but gave no picture")
        self._start = clock()

    def _clock_ms(self, raw_index: int) -> float:
        return (self._clock() - self._start) * 1000.0

    def _on_lost(self, index: int) -> None:
        raise CameraLostError(f"the camera stopped sending pictures after {index} frames")


def open_source(spec: str, fps: float = 15.0, seconds: float | None = 3.0) -> FrameSource:
    """Open SOURCE as the command line names it.

    Args:
        spec: `camera:N`, a video file, an image file, or a folder of images.
        fps: analysis rate; a folder is read at this rate, faster sources are thinned to it.
        seconds: the scan window; None reads to the end.

    Raises:
        SourceError: with one line saying why the source cannot be read.
    """
    if fps <= 0:
        raise SourceError(f"--fps must be positive, got {fps}")
    if seconds is not None and seconds <= 0:
        raise SourceError(f"--seconds must be positive, got {seconds}")
    match = _CAMERA_SPEC.match(spec)
    if match:
        return CameraSource(int(match.group(1)), fps, seconds)
    if spec.startswith("camera"):
        raise SourceError(f"camera sources are written camera:N (N = 0, 1, ...), got {spec!r}")
    path = Path(spec)
    if not path.exists():
        raise SourceError(f"no such file or folder: {spec}")
    if path.is_dir():
        return FolderSource(path, fps, seconds)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageSource(path)
    return VideoSource(path, fps, seconds)
