"""desktop.wallpaper end to end: real gsettings (keyfile backend) → real pictures → detectors."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from preflight.desktop_scan import DesktopPlace, DesktopScanOptions, run_desktop
from tests.desktop.gnome import set_wallpaper
from tests.scenes.documents import font
from tests.scenes.photos import load_bgr


def family_photo() -> np.ndarray:
    """A 1920×1080 wallpaper: two portraits side by side on a soft background, as a phone's
    'set as wallpaper' would make of a holiday snap."""
    canvas = np.full((1080, 1920, 3), (180, 200, 215), np.uint8)
    left = cv2.resize(load_bgr("grace_hopper"), (720, 960))
    right = cv2.resize(load_bgr("astronaut"), (880, 880))
    canvas[60:1020, 120:840] = left
    canvas[100:980, 940:1820] = right
    return canvas


def plain_with_school_name() -> np.ndarray:
    """A school-issued wallpaper: a gradient with the school's name and motto (no personal data)."""
    gradient = np.linspace(90, 160, 1920, dtype=np.uint8)
    canvas = np.dstack([np.tile(gradient, (1080, 1))] * 3)
    canvas[..., 0] = 150
    image = Image.fromarray(canvas[..., ::-1].copy())
    draw = ImageDraw.Draw(image)
    draw.text((160, 420), "Oakfield Primary School", font=font("sans-bold", 96), fill="white")
    draw.text(
        (160, 560), "Learning together, growing together", font=font("sans", 48), fill="white"
    )
    return np.asarray(image)[..., ::-1].copy()


def contact_card() -> np.ndarray:
    """A wallpaper someone made of their contact details."""
    image = Image.new("RGB", (1920, 1080), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    lines = [
        "Mrs Jane Whitfield",
        "jane.whitfield@example.co.uk",
        "Mobile 07700 900812",
        "14 Hazel Grove, Leeds LS6 2QT",
    ]
    for i, line in enumerate(lines):
        draw.text((200, 300 + i * 110), line, font=font("sans", 64), fill=(20, 20, 20))
    return np.asarray(image)[..., ::-1].copy()


def _check(env: dict[str, str]):  # type: ignore[no-untyped-def]
    report = run_desktop(
        DesktopScanOptions(checks=("desktop.wallpaper",)),
        DesktopPlace(platform="linux", env=env, home=Path(env["HOME"])),
    )
    return report.check("desktop.wallpaper")


@pytest.mark.parametrize(
    ("picture", "status", "categories"),
    [
        # A family photo: people in the background of every shared screen.
        (family_photo, "fail", {"person"}),
        # The school's own wallpaper: text, but nothing personal.
        (plain_with_school_name, "pass", set()),
        # An address, email and phone number on the desktop.
        (contact_card, "fail", {"personal_data"}),
    ],
)
def test_gnome_wallpaper_is_judged(
    tmp_path: Path, gnome_env: dict[str, str], picture, status: str, categories: set[str]
) -> None:
    env = gnome_env
    path = tmp_path / "wallpaper.png"
    cv2.imwrite(str(path), picture())
    set_wallpaper(env, path)
    result = _check(env)
    assert result.status == status, result.summary
    assert {f.details["category"] for f in result.findings} == categories
    if "person" in categories:
        assert result.metrics["pictures"] == 1
        assert len([f for f in result.findings if f.details["category"] == "person"]) >= 2
    if "personal_data" in categories:
        pii = set().union(*(f.details["pii"] for f in result.findings))
        assert {"email", "phone", "postcode"} <= pii


def test_a_plain_colour_background_passes(gnome_env: dict[str, str]) -> None:
    env = gnome_env
    set_wallpaper(env, None)
    result = _check(env)
    assert result.status == "pass"
    assert result.metrics["solid"] >= 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        # The file named in the settings was deleted.
        (None, "missing"),
        # Not a picture at all.
        (b"this is not an image", "could not be opened"),
    ],
)
def test_an_unreadable_wallpaper_is_an_error(
    tmp_path: Path, gnome_env: dict[str, str], content: bytes | None, reason: str
) -> None:
    env = gnome_env
    path = tmp_path / "wallpaper.jpg"
    if content is not None:
        path.write_bytes(content)
    set_wallpaper(env, path)
    result = _check(env)
    assert result.status == "error"
    assert reason in result.summary
    # The user's file names and folders never reach the report.
    assert "wallpaper.jpg" not in repr(result.to_dict()) and str(tmp_path) not in repr(
        result.to_dict()
    )


def test_an_unknown_desktop_is_an_error(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CURRENT_DESKTOP": "Openbox", "PATH": "/nonexistent"}
    result = _check(env)
    assert result.status == "error"
