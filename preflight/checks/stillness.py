"""`camera.stillness`: the phone or laptop is mounted and still, not hand-held. No Qt.

The camera's path over the scan window is rebuilt from frame-to-frame global motion (measured on
the background only). A mounted device stays within a fraction of a pixel; a hand-held one
drifts and trembles (typically 4-12 Hz, a few pixels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from preflight.results import CheckResult, Finding
from preflight.vision.motion import GlobalMotion

CHECK_ID = "camera.stillness"
REFERENCE_WIDTH_PX = 1280  # thresholds are given for a 1280-wide frame


@dataclass(frozen=True)
class StillnessOptions:
    """Attributes:
    max_shake_px_rms: RMS camera displacement (1280-wide pixels) above which it is hand-held.
    min_measured_fraction: share of frame pairs that must be measurable to judge at all.
    """

    max_shake_px_rms: float = 0.8
    min_measured_fraction: float = 0.5


def dominant_frequency_hz(steps_xy: np.ndarray, fps: float) -> float | None:
    """The strongest frequency in the frame-to-frame motion, up to the Nyquist limit (fps / 2)."""
    if len(steps_xy) < 8 or fps <= 0:
        return None
    centred = steps_xy - steps_xy.mean(axis=0)
    power = (np.abs(np.fft.rfft(centred, axis=0)) ** 2).sum(axis=1)
    freqs = np.fft.rfftfreq(len(centred), d=1.0 / fps)
    if len(power) < 2 or power[1:].max() <= 0:
        return None
    return float(freqs[1 + int(np.argmax(power[1:]))])


def evaluate_stillness(
    motions: Sequence[GlobalMotion | None],
    timestamps_ms: Sequence[float],
    frame_size_wh: tuple[int, int],
    options: StillnessOptions,
    single_image: bool = False,
    elapsed_ms: float = 0.0,
) -> CheckResult:
    """Judge the camera's motion over the scan window.

    Args:
        motions: for each analysed frame, its motion since the previous one (None for the first
            frame and for pairs that could not be measured).
        timestamps_ms: each frame's time, for the frequency estimate.
        frame_size_wh: analysed frame size; thresholds scale with its width.
        options: thresholds.
        single_image: True for a still picture, where motion does not apply.
        elapsed_ms: measurement time already spent for this check.
    """
    if single_image:
        return CheckResult.skipped(
            CHECK_ID, "A single picture cannot show whether the camera moves"
        )
    pairs = max(0, len(motions) - 1)
    if pairs < 2:
        return CheckResult.error(
            CHECK_ID, "Too few frames to judge whether the camera is still; scan for longer"
        )
    measured = [m for m in motions[1:] if m is not None]
    fraction = len(measured) / pairs
    if fraction < options.min_measured_fraction:
        return CheckResult.error(
            CHECK_ID,
            "Could not tell whether the camera is still: the picture has too little detail "
            "(too dark, or a blank wall filling the view). Add light and scan again.",
            elapsed_ms=elapsed_ms,
        )
    steps = np.array([(m.dx_px, m.dy_px) for m in measured], dtype=np.float64)
    path = np.cumsum(steps, axis=0)
    shake = float(np.sqrt(np.mean(np.sum((path - path.mean(axis=0)) ** 2, axis=1))))
    intervals = np.diff(np.asarray(timestamps_ms, dtype=np.float64))
    fps = 1000.0 / float(np.median(intervals)) if len(intervals) and np.median(intervals) > 0 else 0
    threshold = options.max_shake_px_rms * frame_size_wh[0] / REFERENCE_WIDTH_PX
    dominant = dominant_frequency_hz(steps, fps)
    metrics = {
        "shake_px_rms": round(shake, 3),
        "threshold_px_rms": round(threshold, 3),
        "max_step_px": round(float(np.max(np.hypot(steps[:, 0], steps[:, 1]))), 3),
        "max_rotation_deg": round(max(abs(m.rotation_deg) for m in measured), 4),
        "dominant_hz": None if dominant is None else round(dominant, 2),
        "nyquist_hz": round(fps / 2, 2),
        "measured_pairs": len(measured),
        "pairs": pairs,
    }
    if shake <= threshold:
        return CheckResult(
            id=CHECK_ID,
            status="pass",
            summary=f"The camera is still (shake {shake:.1f} px)",
            metrics=metrics,
            elapsed_ms=elapsed_ms,
        )
    width, height = frame_size_wh
    finding = Finding(
        kind="camera_motion",
        severity="fail",
        message=(
            f"The camera is moving (about {shake:.0f} px of shake); it looks hand-held. Mount the "
            "phone or laptop on a stand or put it on a flat surface."
        ),
        box_xyxy=(0.0, 0.0, float(width), float(height)),
        details={"shake_px_rms": round(shake, 2), "dominant_hz": metrics["dominant_hz"]},
    )
    return CheckResult(
        id=CHECK_ID,
        status="fail",
        summary=f"The camera looks hand-held (shake {shake:.1f} px, limit {threshold:.1f} px)",
        findings=(finding,),
        metrics=metrics,
        elapsed_ms=elapsed_ms,
    )
