"""`preflight scan` end to end in a real subprocess: exit codes, stdout, stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import jsonschema
import numpy as np
import pytest
from skimage import data

from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text())


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "preflight", *args],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120,
    )  # fmt: skip


def room_with(portraits: int, path: Path) -> Path:
    """A 1280×720 still: a brick wall with 0, 1 or 2 real portraits side by side."""
    wall = cv2.resize(cv2.cvtColor(data.brick(), cv2.COLOR_GRAY2BGR), (1280, 720))
    face = cv2.resize(cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR), (420, 420))
    for i in range(portraits):
        x = 120 + i * 620
        wall[300:720, x : x + 420] = face
    cv2.imwrite(str(path), wall)
    return path


@pytest.mark.parametrize(
    ("portraits", "verdict", "code"), [(1, "pass", 0), (0, "warn", 1), (2, "fail", 3)]
)
def test_exit_code_and_json_follow_the_verdict(
    tmp_path: Path, portraits: int, verdict: str, code: int
) -> None:
    result = run("scan", str(room_with(portraits, tmp_path / "room.png")), "--json")
    assert result.returncode == code, result.stderr
    report = json.loads(result.stdout)  # stdout holds the JSON and nothing else
    jsonschema.validate(report, SCHEMA)
    assert report["verdict"] == verdict
    assert report["frames_analysed"] == 1 and report["frame_size_wh"] == [1280, 720]
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["camera.stillness"] == "skipped"
    people = next(c for c in report["checks"] if c["id"] == "camera.people")
    assert people["metrics"]["people_count"] == portraits


def test_human_report_is_the_default(tmp_path: Path) -> None:
    result = run("scan", str(room_with(2, tmp_path / "room.png")))
    assert result.returncode == 3
    assert "Verdict: FAIL" in result.stdout
    assert "A second person is in view" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "/no/such/clip.mp4"], "no such file or folder: /no/such/clip.mp4"),
        (["scan", "camera:42"], "no camera at index 42"),
        (["scan", "camera:x"], "camera sources are written camera:N"),
        (["scan"], "required: source"),
        (["scan", "x.png", "--mode", "office"], "invalid choice"),
        (["--config", "/no/such.toml", "scan", "README.md"], "config file not found"),
    ],
)
def test_usage_errors_exit_2_with_one_line_on_stderr(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_a_corrupt_video_exits_2(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(np.random.default_rng(0).bytes(50_000))
    result = run("scan", str(clip), "--json")
    assert result.returncode == 2 and "cannot open video" in result.stderr and result.stdout == ""


def test_missing_models_make_the_people_check_an_error_not_a_pass(tmp_path: Path) -> None:
    result = run("scan", str(room_with(1, tmp_path / "room.png")), "--json",
                 env={"PREFLIGHT_MODELS_DIR": str(tmp_path / "empty")})  # fmt: skip
    assert result.returncode == 4
    report = json.loads(result.stdout)
    people = next(c for c in report["checks"] if c["id"] == "camera.people")
    assert people["status"] == "error"
    assert "face_detection_short_range.tflite is missing" in people["summary"]
    assert "make models" in people["summary"]


def test_models_verify_reports_an_altered_file(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    for f in (ROOT / "models").glob("*.tflite"):
        (models / f.name).write_bytes(f.read_bytes())
    (models / "face_landmark.tflite").write_bytes(b"tampered")
    result = run("models", "verify", env={"PREFLIGHT_MODELS_DIR": str(models)})
    assert result.returncode == 4
    assert "face_landmark.tflite does not match its pinned sha256" in result.stderr
