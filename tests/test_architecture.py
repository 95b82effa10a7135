"""The layout is the architecture: these tests fail the build when a boundary is crossed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

CORE = ROOT / "preflight"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


CORE_MODULES = sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_never_imports_qt(path: Path) -> None:
    qt = {"PySide6", "PyQt5", "PyQt6", "shiboken6"} & _imports(path)
    assert not qt, f"{path.relative_to(ROOT)} imports {qt}; the core must stay headless"


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_model_libraries_only_in_vision_adapters(path: Path) -> None:
    if path.is_relative_to(CORE / "vision"):
        return
    models = {"mediapipe", "tesserocr", "pytesseract"} & _imports(path)
    assert not models, f"{path.relative_to(ROOT)} imports {models}; only preflight/vision may"


def test_opencv_only_for_capture_and_vision() -> None:
    allowed = (CORE / "vision", CORE / "frames")
    offenders = [
        str(p.relative_to(ROOT))
        for p in CORE_MODULES
        if "cv2" in _imports(p) and not any(p.is_relative_to(a) for a in allowed)
    ]
    assert offenders == []


def test_threads_live_only_in_ui_workers() -> None:
    offenders = []
    for path in [*CORE_MODULES, *sorted((ROOT / "ui").rglob("*.py"))]:
        if path.name == "workers.py":
            continue
        if {"threading", "concurrent"} & _imports(path) or "QThread" in path.read_text():
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_core_imports_without_qt_installed_or_loaded() -> None:
    import subprocess
    import sys

    code = (
        "import sys, preflight.cli, preflight.scan, preflight.results, preflight.config\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
