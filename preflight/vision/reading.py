"""Read the text a call viewer could read: proposals → OCR on crops → categories. No Qt.

The recognised words live only inside `read_text_regions()`: they are classified for personal
data and dropped. What leaves this module is boxes, counts and category names.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from preflight.pii import classify_text
from preflight.vision.ocr import OcrBatch, OcrReader, OcrWord
from preflight.vision.text_regions import (
    StreamOptions,
    TextBlock,
    as_streamed,
    propose_text_blocks,
    upright,
)


@dataclass(frozen=True)
class ReadingOptions:
    """Attributes:
    stream: the call's frame size and compression; legibility is judged on that view.
    min_confidence: OCR confidence (0-100) for a word to count as read.
    min_text_px: smallest word height (stream pixels) a viewer can read; smaller text is
        ignored even if OCR, which sees it enlarged, makes it out.
    min_words: a block needs this many read words to be kept. Blocks of one document (an
        address, a postcode line) are merged by the documents check, which applies its own
        minimum to the whole, so a two-word postcode line beside a letter is not lost here.
    target_line_px: crops are enlarged so lines are about this tall for Tesseract.
    max_blocks: OCR at most this many proposals per frame.
    line_gap: lines this many line heights apart belong to one block (one OCR call).
    shared_width: for screens, the share of width lines of one block have in common (see
        propose_text_blocks); None for the camera, where a letter's parts sit side by side.
    dark_themes: light text on a dark ground (dark themes, terminals) is turned dark on light
        before OCR. Tesseract finds it either way, but only after a failed first read: screens
        read 25% faster (bench/screen_bench.py, tuning seeds: 783 -> 589 ms, same accuracy).
    piece_lines: tall blocks are cut between lines into pieces about this many lines tall, so
        OCR helper processes share a screen evenly (one window's text can be half the work).
        The words of the pieces are joined again before classification. None: never cut; a
        reader without helpers never cuts either (pieces cost a little accuracy).
    """

    stream: StreamOptions = StreamOptions()
    min_confidence: float = 60.0
    min_text_px: float = 7.0
    min_words: int = 1
    target_line_px: float = 36.0
    max_blocks: int = 8
    line_gap: float = 1.6
    shared_width: float | None = None
    dark_themes: bool = False
    piece_lines: float | None = None


@dataclass(frozen=True)
class TextRegionReading:
    """What was legible in one region of one frame: place, amount and kinds, never the text."""

    box_xyxy: tuple[float, float, float, float]
    words: int
    categories: frozenset[str]
    #: What the document looks like ("bank statement", "letter"...), from a fixed list.
    kind: str | None = None


def _is_word(word: OcrWord, options: ReadingOptions, scale: float) -> bool:
    alnum = sum(ch.isalnum() for ch in word.text)
    return (
        word.confidence >= options.min_confidence
        and alnum >= 2
        and alnum >= 0.6 * len(word.text)
        and word.height / scale >= options.min_text_px
    )


def _light_on_dark(crop: npt.NDArray[np.uint8]) -> bool:
    """The ground (most pixels) is nearer the darkest ink than the lightest."""
    dark, ground, light = np.percentile(crop, (2, 50, 98))
    return bool(light - dark > 40 and ground - dark < light - ground)


def _cuts_between_lines(crop: npt.NDArray[np.uint8], piece_px: float) -> list[int]:
    """Row positions cutting the crop into pieces about `piece_px` tall, only where a row
    crosses no text, so no line is split. A crop can span several windows and the desktop
    between them: their edges, scroll bars and dark areas change between ink and ground at
    the same places on row after row. Text adds changes at every stroke, so a row with no more
    changes than the quietest rows of the crop, and no different ones, crosses no text.
    Always starts at 0 and ends at the height.
    """
    height = crop.shape[0]
    if height < 1.5 * piece_px:
        return [0, height]
    ground = float(np.median(crop))
    ink = np.abs(crop.astype(np.int16) - ground) > 48
    edges = ink[:, 1:] != ink[:, :-1]
    changes = np.count_nonzero(edges, axis=1)
    quiet = changes <= np.percentile(changes, 10)
    # Quiet and the same as the row above and below: no short word or lone digit hides there.
    same = np.ones(height, bool)
    same[1:] &= ~np.any(edges[1:] != edges[:-1], axis=1)
    same[:-1] &= ~np.any(edges[:-1] != edges[1:], axis=1)
    blank = np.flatnonzero(quiet & same)
    cuts = [0]
    while height - cuts[-1] >= 1.5 * piece_px:
        target = cuts[-1] + piece_px
        near = blank[(blank > cuts[-1] + 0.5 * piece_px) & (blank < target + 0.5 * piece_px)]
        if near.size == 0:
            break
        cuts.append(int(near[np.argmin(np.abs(near - target))]))
    return [*cuts, height]


def read_text_regions(
    pixels_bgr: npt.NDArray[np.uint8], reader: OcrReader, options: ReadingOptions
) -> list[TextRegionReading]:
    """Legible text regions of one frame, judged as the far end of the call would see them."""
    return begin_text_regions(pixels_bgr, reader, options, ahead=False).result()


@dataclass
class PendingReading:
    """A frame's text blocks handed to the OCR reader; `result()` waits for and judges them.

    Holds crops of the frame (memory only) until `result()`, which lets them go.
    """

    options: ReadingOptions
    blocks: list[TextBlock]
    scales: list[float]
    owners: list[int]  # the block each OCR piece belongs to
    back: float  # stream pixels → frame pixels
    batch: OcrBatch | None

    def result(self) -> list[TextRegionReading]:
        if self.batch is None:
            raise RuntimeError("this reading's result was already taken")
        read_by_block: list[list[OcrWord]] = [[] for _ in self.blocks]
        for owner, read in zip(self.owners, self.batch.result(), strict=True):
            read_by_block[owner].extend(read)
        self.batch = None
        options, back = self.options, self.back
        readings = []
        for block, scale, read in zip(self.blocks, self.scales, read_by_block, strict=True):
            x0, y0, x1, y1 = block.box_xyxy
            words = [w for w in read if _is_word(w, options, scale)]
            if len(words) < options.min_words:
                continue
            text = " ".join(w.text for w in words)
            result = classify_text(text)
            del text
            readings.append(
                TextRegionReading(
                    (x0 * back, y0 * back, x1 * back, y1 * back),
                    len(words),
                    result.categories,
                    result.kind,
                )
            )
        return readings


def begin_text_regions(
    pixels_bgr: npt.NDArray[np.uint8],
    reader: OcrReader,
    options: ReadingOptions,
    ahead: bool = True,
) -> PendingReading:
    """Find a frame's text blocks and submit them to `reader`, which (with helper processes)
    starts reading them at once; the caller can do other work before `result()`. `ahead=False`
    when `result()` comes next (see `OcrReader.submit`)."""
    width = pixels_bgr.shape[1]
    streamed = as_streamed(pixels_bgr, options.stream)
    back = width / streamed.shape[1]
    blocks = propose_text_blocks(
        streamed,
        max_blocks=options.max_blocks,
        line_gap=options.line_gap,
        shared_width=options.shared_width,
    )
    crops, scales = [], []
    for block in blocks:
        x0, y0, x1, y1 = block.box_xyxy
        crop = streamed[y0:y1, x0:x1]
        scale = float(np.clip(options.target_line_px / max(block.line_height_px, 1.0), 1.0, 4.0))
        if scale > 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        crop = upright(crop)
        if options.dark_themes and _light_on_dark(crop):
            crop = 255 - crop
        crops.append(crop)
        scales.append(scale)
    pieces, owners = [], []
    for index, crop in enumerate(crops):
        if options.piece_lines is None or not reader.helpers:  # pieces are for sharing
            cuts = [0, crop.shape[0]]
        else:
            cuts = _cuts_between_lines(crop, options.piece_lines * 1.8 * options.target_line_px)
        for top, bottom in itertools.pairwise(cuts):
            pieces.append(crop[top:bottom])
            owners.append(index)
    return PendingReading(options, blocks, scales, owners, back, reader.submit(pieces, ahead))
