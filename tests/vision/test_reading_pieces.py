"""Screen reading's speed-ups change no answers: tall blocks cut between lines read the same
words, dark themes are read after turning them dark on light, and a batch handed to helper
processes early gives the same words as reading at once. Real Tesseract throughout."""

from __future__ import annotations

import dataclasses

import numpy as np
from PIL import Image, ImageDraw

from preflight.desktop_scan import DesktopScanOptions
from preflight.vision.ocr import OcrReader
from preflight.vision.reading import (
    _cuts_between_lines,
    _light_on_dark,
    begin_text_regions,
    read_text_regions,
)
from tests.scenes.documents import font

LINES = [
    "Year 5 maths: fractions of amounts",
    "Contact: jane.doe@example.org",
    "Mobile: 07700 900123",
    "Main task: worksheet B, questions 1-12",
    "Extension: word problems on page 14",
    "Plenary: exit ticket on whiteboards",
] * 3


def two_windows(dark: bool = False) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Two windows of text side by side on a black desktop; the rows each text line covers."""
    ground, ink = ((30, 30, 30), (235, 235, 235)) if dark else ((255, 255, 255), (0, 0, 0))
    image = Image.new("RGB", (1200, 40 + 30 * len(LINES)), (0, 0, 0))
    draw = ImageDraw.Draw(image)
    face = font("sans", 15)
    rows = []
    for left in (0, 640):
        draw.rectangle((left, 10, left + 520, image.height - 10), fill=ground, outline=(90, 90, 90))
        for i, line in enumerate(LINES):
            _, y0, _, y1 = draw.textbbox((left + 12, 24 + 30 * i), line, font=face)
            draw.text((left + 12, 24 + 30 * i), line, font=face, fill=ink)
            rows.append((y0, y1))
    return np.asarray(image)[:, :, ::-1].copy(), rows


def test_cuts_fall_between_lines_even_across_windows_and_the_desktop() -> None:
    bgr, rows = two_windows()
    gray = bgr[:, :, 1]
    cuts = _cuts_between_lines(gray, piece_px=120)
    assert cuts[0] == 0 and cuts[-1] == gray.shape[0]
    assert len(cuts) >= 4  # the crop is ~580 px tall: several pieces
    for cut in cuts[1:-1]:
        assert not any(top <= cut <= bottom for top, bottom in rows), cut


def test_a_short_crop_is_not_cut() -> None:
    assert _cuts_between_lines(np.full((100, 400), 255, np.uint8), piece_px=120) == [0, 100]


def test_dark_themes_are_recognised_and_light_ones_are_not() -> None:
    light, _ = two_windows()
    dark, _ = two_windows(dark=True)
    assert not _light_on_dark(light[10:400, 0:520, 1])
    assert _light_on_dark(dark[10:400, 0:520, 1])


def _found(readings: list) -> set[str]:
    return set().union(*(r.categories for r in readings)) if readings else set()


def test_pieces_and_dark_themes_find_the_same_personal_data() -> None:
    screen = DesktopScanOptions().screen_reading
    whole = dataclasses.replace(screen, piece_lines=None)
    with OcrReader(helpers=1) as reader:  # pieces are cut only for sharing with helpers
        for dark in (False, True):
            bgr, _ = two_windows(dark)
            cut = read_text_regions(bgr, reader, screen)
            uncut = read_text_regions(bgr, reader, whole)
            assert {"email", "phone"} <= _found(cut), dark
            assert _found(cut) == _found(uncut)
            assert sum(r.words for r in cut) >= 0.9 * sum(r.words for r in uncut)


def test_batches_handed_to_a_helper_early_read_the_same_as_at_once() -> None:
    screen = DesktopScanOptions().screen_reading
    light, _ = two_windows()
    dark, _ = two_windows(dark=True)
    with OcrReader() as alone:
        expected = [read_text_regions(f, alone, screen) for f in (light, dark)]
    with OcrReader(helpers=1) as reader:
        first = begin_text_regions(light, reader, screen)
        second = begin_text_regions(dark, reader, screen)
        reader.pump()
        # Taken in the other order, with another batch read at once in between.
        assert read_text_regions(light, reader, screen) == expected[0]
        assert second.result() == expected[1]
        assert first.result() == expected[0]
        assert len(reader.helpers) == 1
