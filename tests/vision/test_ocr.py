"""The OCR adapter: both engines read a real scanned page; no engine is a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from preflight.vision.ocr import OcrReader, OcrUnavailable, find_tessdata
from tests.conftest import ROOT


@pytest.mark.parametrize("engine", ["tesserocr", "pytesseract"])
def test_both_engines_read_a_real_scanned_page(engine: str) -> None:
    with OcrReader(prefer=engine) as reader:
        assert reader.engine_name == engine
        words = reader.read_words(data.page())
    confident = {w.text.lower().strip(".,") for w in words if w.confidence >= 60}
    assert {"segmentation", "markers", "coins"} <= confident


def test_a_blank_crop_reads_as_no_words() -> None:
    with OcrReader() as reader:
        assert reader.read_words(np.full((60, 200), 255, np.uint8)) == []


def test_tessdata_prefix_is_the_only_place_looked_at_when_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find_tessdata() is not None  # the set-up installed English data
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert find_tessdata() is None


def test_no_usable_engine_raises_naming_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract binary either
    with pytest.raises(OcrUnavailable, match="tesseract-ocr-eng"):
        OcrReader()


def test_documents_check_reports_error_not_pass_without_ocr(tmp_path: Path) -> None:
    env = {**os.environ, "TESSDATA_PREFIX": str(tmp_path), "PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "preflight", "scan", str(ROOT / "assets/demo/room.mp4"), "--json"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    import json

    report = json.loads(result.stdout)
    documents = next(c for c in report["checks"] if c["id"] == "camera.documents")
    assert documents["status"] == "error"
    assert "apt-get install tesseract-ocr-eng" in documents["summary"]
    assert report["verdict"] in ("error", "fail")


def test_a_lazy_reader_loads_its_model_on_first_read_and_fails_closed_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "eng.traineddata").write_bytes(b"not a model" * 100)  # damaged language data
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract binary to fall back on
    with pytest.raises(OcrUnavailable, match="tesseract-ocr-eng"):
        OcrReader()  # eager: the damage is found at once
    reader = OcrReader(lazy=True)  # the library is there; the model is not loaded yet
    with pytest.raises(OcrUnavailable, match="could not load its English data"):
        reader.read_words(np.full((32, 32), 255, np.uint8))
    reader.close()


def test_a_lazy_reader_reads_like_an_eager_one() -> None:
    page = data.page()
    with OcrReader() as eager, OcrReader(lazy=True) as lazy:
        expected = [w.text for w in eager.read_words(page)]
        assert [w.text for w in lazy.read_words(page)] == expected
    assert any("segmentation" in word.lower() for word in expected)
