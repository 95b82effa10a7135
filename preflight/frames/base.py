"""The `Frame` value and the `FrameSource` interface every source implements. No Qt."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from preflight.closing import Closing


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture from a source, in memory only (frames are never written anywhere).

    Attributes:
        pixels_bgr: H×W×3 uint8 array, OpenCV channel order.
        timestamp_ms: time since the source started, in milliseconds.
        index: position in the analysed sequence, from 0.
    """

    pixels_bgr: npt.NDArray[np.uint8]
    timestamp_ms: float
    index: int

    def __post_init__(self) -> None:
        px = self.pixels_bgr
        if px.ndim != 3 or px.shape[2] != 3:
            raise ValueError(f"pixels_bgr must be H×W×3, got shape {px.shape}")
        if px.dtype != np.uint8:
            raise ValueError(f"pixels_bgr must be uint8, got {px.dtype}")
        if self.index < 0:
            raise ValueError(f"index must be >= 0, got {self.index}")

    @property
    def size_wh(self) -> tuple[int, int]:
        return int(self.pixels_bgr.shape[1]), int(self.pixels_bgr.shape[0])


class FrameSource(Closing, abc.ABC):
    """A sequence of frames for one scan window. Use as a context manager; iterate once.

    Sources open eagerly: a source that cannot be read raises `SourceError` when it is opened,
    before any analysis starts.
    """

    #: "camera", "video", "image" or "folder".
    kind: str = ""
    #: How the source was named by the user, for reports.
    name: str = ""
    #: Called with every picture the source reads (pixels, timestamp_ms), analysed or not, for
    #: a live preview only (sources that thin their input to the analysis rate call it for the
    #: pictures they skip too). It must not keep the pixels.
    preview: Callable[[npt.NDArray[np.uint8], float], None] | None = None

    @property
    def previews_every_picture(self) -> bool:
        """True when `preview` sees every picture read, not just the analysed frames."""
        return False

    @property
    def is_single_image(self) -> bool:
        """True when the source is one still picture (motion checks are then skipped)."""
        return False

    @abc.abstractmethod
    def frames(self) -> Iterator[Frame]:
        """Yield frames in order, at most for the scan window the source was opened with."""

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()
