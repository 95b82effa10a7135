"""Scan orchestration: progress events, cancellation, and a camera lost mid-scan."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from preflight.config import load_config
from preflight.frames import Frame, FrameSource
from preflight.frames.sources import CameraLostError
from preflight.scan import (
    CameraAnalyzer,
    FrameAnalysed,
    ScanCancelled,
    ScanFinished,
    ScanOptions,
    run_scan,
)
from tests.scenes import PersonSpec, SceneSpec, build_scene

# No desk, so no printed page on it: this scene is meant to be clean.
FRAMES, _ = build_scene(
    SceneSpec(seed=5, people=(PersonSpec("astronaut", 180, (640, 420)),), seconds=2.0, desk=False)
)


class RenderedCamera(FrameSource):
    """A camera stand-in that plays rendered frames and can be 'unplugged' after N frames."""

    kind = "camera"
    name = "camera:0"

    def __init__(self, unplug_after: int | None = None) -> None:
        self.unplug_after = unplug_after

    def frames(self) -> Iterator[Frame]:
        for i, pixels in enumerate(FRAMES):
            if self.unplug_after is not None and i == self.unplug_after:
                raise CameraLostError(f"the camera stopped sending pictures after {i} frames")
            yield Frame(pixels, i * 1000 / 15, i)


@pytest.fixture(scope="module")
def analyzer() -> Iterator[CameraAnalyzer]:
    with CameraAnalyzer(ScanOptions.from_config(load_config(), "staff")) as a:
        yield a


def test_progress_for_every_frame_then_one_report(analyzer: CameraAnalyzer) -> None:
    events = list(run_scan(RenderedCamera(), analyzer))
    progress = [e for e in events if isinstance(e, FrameAnalysed)]
    assert [e.observation.index for e in progress] == list(range(len(FRAMES)))
    assert isinstance(events[-1], ScanFinished)
    report = events[-1].report
    assert report.frames_analysed == len(FRAMES)
    assert report.verdict == "pass"
    assert {c.id for c in report.checks} == {
        "camera.people",
        "camera.photos",
        "camera.documents",
        "camera.stillness",
    }
    assert all(c.elapsed_ms > 0 for c in report.checks)


def test_a_camera_lost_mid_scan_turns_every_camera_check_to_error(analyzer: CameraAnalyzer) -> None:
    events = list(run_scan(RenderedCamera(unplug_after=10), analyzer))
    report = events[-1].report  # type: ignore[union-attr]
    assert report.verdict == "error"
    assert report.exit_code == 4
    for check in report.checks:
        assert check.status == "error"
        assert "camera stopped sending pictures after 10 frames" in check.summary
        assert "Reconnect the camera" in check.summary


def test_cancelling_stops_without_a_report(analyzer: CameraAnalyzer) -> None:
    seen = []

    def cancel() -> bool:
        return len(seen) >= 5

    events = []
    for event in run_scan(RenderedCamera(), analyzer, cancel=cancel):
        events.append(event)
        if isinstance(event, FrameAnalysed):
            seen.append(event)
    assert isinstance(events[-1], ScanCancelled)
    assert not any(isinstance(e, ScanFinished) for e in events)
    assert len(seen) == 5


def test_observations_carry_no_frame_pixels(analyzer: CameraAnalyzer) -> None:
    event = next(e for e in run_scan(RenderedCamera(), analyzer) if isinstance(e, FrameAnalysed))
    observation = event.observation
    assert not any(
        getattr(getattr(observation, name), "shape", (0,))[-1:] == (3,)
        for name in vars(observation)
    )
