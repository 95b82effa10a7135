"""One camera analyzer (real MediaPipe models) shared by the scene tests of a module."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from preflight.config import load_config
from preflight.frames import Frame
from preflight.results import CheckResult
from preflight.scan import CameraAnalyzer, FrameObservation, ScanOptions


class SceneRunner:
    """Runs the real detectors over rendered frames and returns each check's result."""

    def __init__(self, analyzer: CameraAnalyzer) -> None:
        self.analyzer = analyzer

    def observe(self, frames: list[np.ndarray], fps: float = 15.0) -> list[FrameObservation]:
        self.analyzer.reset()
        return [
            self.analyzer.analyse(Frame(pixels, i * 1000.0 / fps, i))
            for i, pixels in enumerate(frames)
        ]

    def __call__(self, frames: list[np.ndarray], fps: float = 15.0) -> dict[str, CheckResult]:
        return {r.id: r for r in self.analyzer.evaluate(self.observe(frames, fps))}


@pytest.fixture(scope="module")
def run_scene() -> Iterator[SceneRunner]:
    with CameraAnalyzer(ScanOptions.from_config(load_config(), "staff")) as analyzer:
        yield SceneRunner(analyzer)
