"""Is a face inside a rectangle (a picture frame, a poster edge, a screen bezel)? OpenCV. No Qt.

One cue among several for telling a photographed face from a live one: pictures, posters and
screens have straight, closed rectangular borders around the face; a live head does not.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt


def enclosing_rectangle(
    gray: npt.NDArray[np.uint8],
    face_xyxy: tuple[float, float, float, float] | npt.NDArray[np.float32],
    max_area_ratio: float = 40.0,
) -> tuple[float, float, float, float] | None:
    """The smallest quadrilateral border around the face, or None.

    Args:
        gray: the frame in grey, full resolution.
        face_xyxy: the face box in frame pixels.
        max_area_ratio: a border enclosing more than this many face areas is a wall or a door,
            not a picture of this face.

    Returns:
        The border's bounding box in frame pixels.
    """
    x0, y0, x1, y1 = (float(v) for v in face_xyxy)
    fw, fh = x1 - x0, y1 - y0
    if fw < 8 or fh < 8:
        return None
    height, width = gray.shape
    reach = 3.5 * max(fw, fh)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rx0, ry0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    rx1, ry1 = min(width, int(cx + reach)), min(height, int(cy + reach))
    region = gray[ry0:ry1, rx0:rx1]
    if region.size == 0:
        return None
    edges = cv2.Canny(cv2.GaussianBlur(region, (3, 3), 0), 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    face_area = fw * fh
    best: tuple[float, tuple[float, float, float, float]] | None = None
    for contour in contours:
        perimeter = cv2.arcLength(contour, True)
        if perimeter < 2 * (fw + fh):
            continue
        polygon = cv2.approxPolyDP(contour, 0.03 * perimeter, True)
        if len(polygon) != 4 or not cv2.isContourConvex(polygon):
            continue
        area = cv2.contourArea(polygon)
        if not 1.6 * face_area <= area <= max_area_ratio * face_area:
            continue
        bx, by, bw, bh = cv2.boundingRect(polygon)
        # Close to a rectangle (a frame seen at an angle is still nearly one).
        if area < 0.8 * bw * bh:
            continue
        bx0, by0 = bx + rx0, by + ry0
        bx1, by1 = bx0 + bw, by0 + bh
        # The face must lie (almost) wholly inside the border.
        inside_w = max(0.0, min(x1, bx1) - max(x0, bx0))
        inside_h = max(0.0, min(y1, by1) - max(y0, by0))
        if inside_w * inside_h < 0.9 * face_area:
            continue
        if best is None or area < best[0]:
            best = (area, (float(bx0), float(by0), float(bx1), float(by1)))
    return None if best is None else best[1]


def borders_around(
    pixels_bgr: npt.NDArray[np.uint8], boxes_xyxy: npt.NDArray[np.float32]
) -> list[tuple[float, float, float, float] | None]:
    """`enclosing_rectangle()` for each face box of one frame."""
    gray = cv2.cvtColor(pixels_bgr, cv2.COLOR_BGR2GRAY)
    return [enclosing_rectangle(gray, box) for box in boxes_xyxy]
