"""`camera.stillness` judged from motion series alone (the scene tests cover the measurement)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from preflight.checks.stillness import StillnessOptions, dominant_frequency_hz, evaluate_stillness
from preflight.vision.motion import GlobalMotion

FPS = 15.0
TIMES = [i * 1000 / FPS for i in range(45)]


def motions_from_path(xs: np.ndarray, ys: np.ndarray) -> list[GlobalMotion | None]:
    steps = [None] + [
        GlobalMotion(float(xs[i] - xs[i - 1]), float(ys[i] - ys[i - 1]), 0.0, 100, 120)
        for i in range(1, len(xs))
    ]
    return steps  # type: ignore[return-value]


def test_a_still_camera_passes_with_its_shake_measured() -> None:
    rng = np.random.default_rng(3)
    result = evaluate_stillness(
        motions_from_path(rng.normal(0, 0.05, 45), rng.normal(0, 0.05, 45)),
        TIMES,
        (1280, 720),
        StillnessOptions(),
    )
    assert result.status == "pass"
    assert result.metrics["shake_px_rms"] < 0.2


def test_a_trembling_camera_fails_with_a_camera_motion_finding() -> None:
    t = np.arange(45) / FPS
    result = evaluate_stillness(
        motions_from_path(3 * np.sin(2 * math.pi * 5 * t), 2 * np.cos(2 * math.pi * 5 * t)),
        TIMES, (1280, 720), StillnessOptions(),
    )  # fmt: skip
    assert result.status == "fail"
    (finding,) = result.findings
    assert finding.kind == "camera_motion" and finding.severity == "fail"
    assert "stand" in finding.message
    assert result.metrics["dominant_hz"] == pytest.approx(5.0, abs=0.4)


def test_threshold_scales_with_frame_width() -> None:
    xs = np.tile([0.0, 2.0], 23)[:45]  # 1 px RMS: hand-held at 720p, still at 4K
    ys = np.zeros(45)
    at_720p = evaluate_stillness(motions_from_path(xs, ys), TIMES, (1280, 720), StillnessOptions())
    at_4k = evaluate_stillness(motions_from_path(xs, ys), TIMES, (3840, 2160), StillnessOptions())
    assert (at_720p.status, at_4k.status) == ("fail", "pass")
    assert at_4k.metrics["threshold_px_rms"] == pytest.approx(
        3 * at_720p.metrics["threshold_px_rms"]
    )


def test_a_single_image_is_skipped() -> None:
    result = evaluate_stillness([None], [0.0], (1280, 720), StillnessOptions(), single_image=True)
    assert result.status == "skipped"


def test_unmeasurable_motion_is_an_error_not_a_pass() -> None:
    result = evaluate_stillness([None] * 45, TIMES, (1280, 720), StillnessOptions())
    assert result.status == "error"
    assert "too little detail" in result.summary


def test_dominant_frequency_of_a_pure_tone() -> None:
    t = np.arange(60) / 30.0
    steps = np.stack([np.sin(2 * math.pi * 6 * t), np.zeros_like(t)], axis=1)
    assert dominant_frequency_hz(steps, 30.0) == pytest.approx(6.0, abs=0.5)
