"""Frame sources: every kind reads, and every unreadable source is a one-line SourceError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from preflight.errors import SourceError
from preflight.frames import open_source


def astronaut_bgr(width: int = 320, height: int = 180) -> np.ndarray:
    return cv2.resize(cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR), (width, height))


def write_video(path: Path, frames: int, fps: float) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (320, 180))
    base = astronaut_bgr()
    for i in range(frames):
        writer.write(np.roll(base, i, axis=1))
    writer.release()


def test_single_image_is_one_still_frame(tmp_path: Path) -> None:
    path = tmp_path / "room.png"
    cv2.imwrite(str(path), astronaut_bgr())
    with open_source(str(path)) as source:
        frames = list(source)
        assert source.is_single_image and source.kind == "image"
    assert len(frames) == 1
    assert frames[0].size_wh == (320, 180) and frames[0].index == 0


def test_grey_and_alpha_images_become_bgr(tmp_path: Path) -> None:
    grey, rgba = tmp_path / "grey.png", tmp_path / "rgba.png"
    cv2.imwrite(str(grey), data.camera())
    cv2.imwrite(str(rgba), np.dstack([astronaut_bgr(), np.full((180, 320), 255, np.uint8)]))
    for path in (grey, rgba):
        (frame,) = list(open_source(str(path)))
        assert frame.pixels_bgr.shape[2] == 3 and frame.pixels_bgr.dtype == np.uint8


def test_folder_reads_in_natural_name_order_at_the_given_fps(tmp_path: Path) -> None:
    base = astronaut_bgr()
    for i in (1, 2, 10):  # "10" must come after "2", as a person reads the names
        cv2.imwrite(str(tmp_path / f"frame{i}.png"), np.full_like(base, i))
    (tmp_path / "notes.txt").write_text("not a picture")
    frames = list(open_source(str(tmp_path), fps=10, seconds=None))
    assert [int(f.pixels_bgr[0, 0, 0]) for f in frames] == [1, 2, 10]
    assert [f.timestamp_ms for f in frames] == [0.0, 100.0, 200.0]


def test_folder_stops_at_the_scan_window(tmp_path: Path) -> None:
    for i in range(30):
        cv2.imwrite(str(tmp_path / f"{i:03d}.png"), astronaut_bgr())
    assert len(list(open_source(str(tmp_path), fps=15, seconds=1.0))) == 15


def test_video_is_thinned_to_the_analysis_rate_and_window(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    write_video(path, frames=90, fps=30)
    with open_source(str(path), fps=15, seconds=2.0) as source:
        frames = list(source)
        assert source.kind == "video" and not source.is_single_image
    assert len(frames) == 30
    assert [f.index for f in frames] == list(range(30))
    assert frames[1].timestamp_ms == pytest.approx(1000 / 15, abs=1)


def put(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path


NOISE = np.random.default_rng(1).bytes(20000)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.mp4", "no such file or folder"),
        (lambda p: folder(p / "empty"), "has no pictures"),
        (lambda p: put(p / "broken.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x13" * 5000), "cannot open video"),
        (lambda p: put(p / "noise.avi", NOISE), "cannot open video"),
        (lambda p: put(p / "fake.png", b"not a png"), "cannot read image"),
        (lambda p: put(p / "zero.jpg", b""), "cannot read image"),
    ],
    ids=["missing", "empty-folder", "corrupt-mp4", "random-bytes", "fake-png", "empty-jpg"],
)  # fmt: skip
def test_unreadable_sources_raise_a_one_line_reason(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    with pytest.raises(SourceError, match=message) as caught:
        open_source(str(make(tmp_path)))
    assert "\n" not in str(caught.value)


def test_truncated_video_is_rejected_or_reads_only_whole_frames(tmp_path: Path) -> None:
    path = tmp_path / "cut.mp4"
    write_video(path, frames=30, fps=30)
    path.write_bytes(path.read_bytes()[:1500])  # cut inside the first frames
    with pytest.raises(SourceError):
        list(open_source(str(path)))


def test_unknown_camera_index_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="no camera at index 57"):
        open_source("camera:57")


def test_folder_with_mixed_sizes_names_the_odd_file(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), astronaut_bgr())
    cv2.imwrite(str(tmp_path / "b.png"), astronaut_bgr(100, 100))
    with pytest.raises(SourceError, match=r"b\.png is 100x100"):
        list(open_source(str(tmp_path)))
