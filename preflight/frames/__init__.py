"""Frame sources: camera, video file, image, folder of images. Each yields `Frame` values. No Qt."""

from preflight.frames.base import Frame, FrameSource
from preflight.frames.sources import open_source, read_image

__all__ = ["Frame", "FrameSource", "open_source", "read_image"]
