"""Cheap text-region proposals and the far-end view of a frame (OpenCV only). No Qt.

OCR is the expensive step, so it only runs on regions that look like lines of print: thin dark
strokes on a lighter ground (black-hat) or light on dark (top-hat), closed horizontally into lines
and grouped into blocks. The frame is first turned into what the far end of the call receives
(the stream size and a call-like JPEG quality), so that judging legibility happens on the same
pixels a viewer would see.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class StreamOptions:
    """What a video call carries: frame size and compression (JPEG quality as a stand-in)."""

    size_wh: tuple[int, int] = (1280, 720)
    jpeg_quality: int = 60


@dataclass(frozen=True)
class TextBlock:
    """A proposed block of text lines, in stream pixels."""

    box_xyxy: tuple[int, int, int, int]
    lines: int
    line_height_px: float


def as_streamed(pixels_bgr: npt.NDArray[np.uint8], options: StreamOptions) -> npt.NDArray[np.uint8]:
    """The frame as the far end receives it, in grey: scaled to the stream size and compressed."""
    height, width = pixels_bgr.shape[:2]
    target_w, target_h = options.size_wh
    scale = min(target_w / width, target_h / height, 1.0)
    if scale < 1.0:
        pixels_bgr = cv2.resize(
            pixels_bgr, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
        )
    ok, encoded = cv2.imencode(".jpg", pixels_bgr, [cv2.IMWRITE_JPEG_QUALITY, options.jpeg_quality])
    if not ok:
        raise ValueError("could not encode the frame as JPEG")
    decoded = cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE)
    if decoded is None:
        raise ValueError("could not decode the compressed frame")
    return np.asarray(decoded, dtype=np.uint8)


def propose_text_blocks(
    gray: npt.NDArray[np.uint8],
    min_line_px: int = 5,
    max_line_px: int = 64,
    max_blocks: int = 8,
    line_gap: float = 1.6,
    shared_width: float | None = None,
) -> list[TextBlock]:
    """Regions that look like printed lines, largest first.

    Args:
        gray: the streamed frame in grey.
        min_line_px / max_line_px: line heights considered (smaller is unreadable anyway).
        max_blocks: at most this many blocks are returned (OCR cost bound).
        line_gap: lines this many line heights apart (or closer) belong to one block.
        shared_width: screens: a line joins a block only if they share this fraction of the
            narrower's width (windows side by side must not merge), and each polarity of print
            is found on its own (dark mode). None, the camera: a line joins a block it comes
            within two line heights of sideways (a letter's address, date and body), and both
            polarities are found together, as the camera benchmarks were tuned.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    dark_print = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, kernel)  # on a lighter ground
    light_print = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, kernel)  # on a darker ground
    if shared_width is None:
        # Camera: print of either polarity in one map (paper in a room is measured this way).
        lines = _line_boxes(np.maximum(dark_print, light_print), min_line_px, max_line_px)
    else:
        # Screens, each polarity on its own: mixed, the gaps between light letters on a dark
        # ground (dark mode) light up in the black-hat and join tightly spaced lines into one
        # tall blob.
        lines = _distinct(
            _line_boxes(dark_print, min_line_px, max_line_px)
            + _line_boxes(light_print, min_line_px, max_line_px)
        )
    return _group_lines(lines, gray.shape, line_gap, shared_width)[:max_blocks]


def _distinct(lines: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """One box per line: the other polarity also finds a line in the counters and gaps of the
    letters; the larger box is the line, a box mostly inside it is the same line again."""
    kept: list[tuple[int, int, int, int]] = []
    for box in sorted(lines, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True):
        area = (box[2] - box[0]) * (box[3] - box[1])
        inside = any(
            max(0, min(box[2], k[2]) - max(box[0], k[0]))
            * max(0, min(box[3], k[3]) - max(box[1], k[1]))
            >= 0.5 * area
            for k in kept
        )
        if not inside:
            kept.append(box)
    return kept


def _line_boxes(
    strokes: npt.NDArray[np.uint8], min_line_px: int, max_line_px: int
) -> list[tuple[int, int, int, int]]:
    """Boxes of things shaped like lines of print in one polarity's stroke map."""
    _, mask = cv2.threshold(strokes, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    # Weak strokes are texture (brick, fabric), not print.
    mask[strokes < 24] = 0
    lines_mask = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (11, 3))
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines_mask, connectivity=8)
    lines = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        # Lines of a tilted page have boxes taller than their strokes: accept squatter, sparser
        # boxes than level print would give.
        if not min_line_px <= h <= max_line_px or w < 1.6 * h:
            continue
        fill = area / float(w * h)
        if not 0.15 <= fill <= 0.95:
            continue
        lines.append((x, y, x + w, y + h))
    return lines


def deskew_angle(crop: npt.NDArray[np.uint8]) -> float:
    """The tilt of the print in a crop, in degrees (within ±20), from its stroke pixels."""
    strokes = cv2.morphologyEx(
        crop, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    )
    _, mask = cv2.threshold(strokes, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    lines = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 1))
    )
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    angles, weights = [], []
    for contour in contours:
        (_, _), (rw, rh), angle = cv2.minAreaRect(contour)
        long_side, short_side = max(rw, rh), min(rw, rh)
        if long_side < 40 or long_side < 4 * max(short_side, 1.0):
            continue  # not a line of print
        if rw < rh:
            angle -= 90.0
        if angle > 45:
            angle -= 90.0
        elif angle < -45:
            angle += 90.0
        if abs(angle) <= 20.0:
            angles.append(angle)
            weights.append(long_side)
    if not angles:
        return 0.0
    return float(np.average(angles, weights=weights))


def upright(crop: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The crop rotated so its lines of print are level (Tesseract reads level lines best)."""
    angle = deskew_angle(crop)
    if abs(angle) < 1.5:
        return crop
    height, width = crop.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    rotated: npt.NDArray[np.uint8] = cv2.warpAffine(
        crop, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return rotated


def _group_lines(
    lines: list[tuple[int, int, int, int]],
    shape: tuple[int, ...],
    line_gap: float,
    shared_width: float | None,
) -> list[TextBlock]:
    """Merge lines stacked close together (a paragraph, a letter) into blocks."""
    blocks: list[list[tuple[int, int, int, int]]] = []
    for line in sorted(lines, key=lambda b: (b[1], b[0])):
        lh = line[3] - line[1]
        for block in blocks:
            x0 = min(b[0] for b in block)
            x1 = max(b[2] for b in block)
            y1 = max(b[3] for b in block)
            if shared_width is None:
                overlaps_x = line[0] < x1 + 2 * lh and x0 - 2 * lh < line[2]
            else:
                # On a screen, lines of one block share most of their width; a line that only
                # grazes the block's edge is in another window or column.
                shared = min(x1, line[2]) - max(x0, line[0])
                overlaps_x = shared >= shared_width * min(x1 - x0, line[2] - line[0])
            if overlaps_x and line[1] - y1 < line_gap * lh:
                block.append(line)
                break
        else:
            blocks.append([line])
    height, width = shape[:2]
    out = []
    for block in blocks:
        x0, y0 = min(b[0] for b in block), min(b[1] for b in block)
        x1, y1 = max(b[2] for b in block), max(b[3] for b in block)
        line_h = float(np.median([b[3] - b[1] for b in block]))
        pad = round(line_h)
        out.append(
            TextBlock(
                (max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad), min(height, y1 + pad)),
                len(block),
                line_h,
            )
        )
    # Many lines and large area first: documents before stray edges.
    return sorted(out, key=lambda b: (b.lines, (b.box_xyxy[2] - b.box_xyxy[0])), reverse=True)
