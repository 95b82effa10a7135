"""desktop.screen on a real X11 screen: a window showing contact details is found."""

from __future__ import annotations

import time

import pytest
from PIL import Image, ImageDraw

from preflight.desktop.base import DesktopUnavailable
from preflight.desktop.screen import capture_screens
from preflight.desktop_scan import DesktopPlace, DesktopScanOptions, run_desktop
from tests.desktop.xwindows import WindowSpec, XWindows, wait_for_titles
from tests.scenes.documents import font


def _sheet(lines: list[str], size: int = 16) -> Image.Image:
    image = Image.new("RGB", (640, 40 + 34 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((20, 20 + i * 34), line, fill="black", font=font("sans", size))
    return image


CONTACT = [
    "Parent contact sheet - Year 4",
    "Name: Sam Patel",
    "Email: sam.patel@example.co.uk",
    "Mobile: 07700 900456",
    "Notes: prefers afternoon calls",
]
LESSON = [
    "Year 4 phonics - lesson plan",
    "Warm up: rhyming pairs game",
    "Main: split digraphs a-e, i-e, o-e",
    "Plenary: read the sentence together",
]


def _screen_check(display: str):  # type: ignore[no-untyped-def]
    report = run_desktop(
        DesktopScanOptions(checks=("desktop.screen",)),
        DesktopPlace(platform="linux", env={"DISPLAY": display}),
    )
    return report.check("desktop.screen")


@pytest.mark.parametrize(
    ("lines", "status", "pii"),
    [
        # An email address and a mobile number in an open window.
        (CONTACT, "warn", ["email", "phone"]),
        # A lesson plan: readable, but nothing personal.
        (LESSON, "pass", None),
    ],
)
def test_personal_data_in_a_window_on_screen_is_found(
    wm_display: str, lines: list[str], status: str, pii: list[str] | None
) -> None:
    with XWindows(wm_display) as windows:
        windows.open(WindowSpec("Document", picture=_sheet(lines), position_xy=(300, 200)))
        wait_for_titles(wm_display, ["Document"])
        time.sleep(0.3)
        result = _screen_check(wm_display)
    assert result.status == status, result.summary
    if pii is None:
        assert result.findings == ()
        assert result.metrics["text_regions"] >= 1  # the text was read, and judged harmless
    else:
        assert [f.details["pii"] for f in result.findings] == [pii]
        x0, y0, x1, y1 = result.findings[0].box_xyxy
        # The box covers the text block inside the 640-pixel-wide window, not the whole screen.
        assert 0 <= x0 < x1 <= 1280 and 0 <= y0 < y1 <= 800
        assert x1 - x0 <= 640 and y1 - y0 <= 250
        assert "example.co.uk" not in repr(result.to_dict())


def test_the_capture_is_the_whole_screen_in_memory(wm_display: str) -> None:
    shots = capture_screens(platform="linux", env={"DISPLAY": wm_display})
    assert [s.size_wh for s in shots] == [(1280, 800)]
    assert shots[0].pixels_bgr.shape == (800, 1280, 3)


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "Wayland"),
        # XWayland would capture native Wayland windows as black: an error, never a pass.
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "Wayland"),
        ({}, "DISPLAY is not set"),
        ({"DISPLAY": ":251"}, "could not be captured"),
    ],
)
def test_a_screen_that_cannot_be_captured_is_an_error(env: dict[str, str], reason: str) -> None:
    with pytest.raises(DesktopUnavailable, match=reason):
        capture_screens(platform="linux", env=env)
    result = run_desktop(
        DesktopScanOptions(checks=("desktop.screen",)), DesktopPlace(platform="linux", env=env)
    ).check("desktop.screen")
    assert result.status == "error"
