"""The live camera preview with labelled boxes around what the checks found."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import STATUSES, status_colour
from ui.workers import Overlay


class CameraView(QWidget):
    """Paints the newest frame, scaled to fit, and each overlay as a box with a label tag.

    Boxes carry words and a status mark, never colour alone.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._overlays: tuple[Overlay, ...] = ()
        self._message = "The camera preview appears here during the scan."
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Camera preview")
        self.setAccessibleDescription(
            "What the camera sees, with boxes around what needs attention"
        )

    def show_frame(self, image: QImage, overlays: Sequence[Overlay]) -> None:
        self._image = image
        self._overlays = tuple(overlays)
        self.update()

    def set_overlays(self, overlays: Sequence[Overlay]) -> None:
        self._overlays = tuple(overlays)
        self.update()

    def show_message(self, text: str) -> None:
        self._image, self._overlays, self._message = None, (), text
        self.update()

    @property
    def overlays(self) -> tuple[Overlay, ...]:
        return self._overlays

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#101214"))
        if self._image is None:
            painter.setPen(QColor("#c8ccd0"))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message
            )
            return
        iw, ih = self._image.width(), self._image.height()
        scale = min(self.width() / iw, self.height() / ih)
        ox, oy = (self.width() - iw * scale) / 2, (self.height() - ih * scale) / 2
        painter.drawImage(QRectF(ox, oy, iw * scale, ih * scale), self._image)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        for overlay in self._overlays:
            x0, y0, x1, y1 = overlay.box_xyxy
            rect = QRectF(ox + x0 * scale, oy + y0 * scale, (x1 - x0) * scale, (y1 - y0) * scale)
            colour = status_colour(overlay.status)
            pen = QPen(colour, 3)
            if overlay.status == "warn":
                pen.setStyle(Qt.PenStyle.DashLine)  # a second cue besides colour
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
            mark = STATUSES.get(overlay.status, STATUSES["waiting"]).mark
            text = f"{mark} {overlay.label}"
            tag = QRectF(
                rect.left(),
                rect.top() - metrics.height() - 6,
                metrics.horizontalAdvance(text) + 12,
                metrics.height() + 6,
            )
            if tag.top() < oy:
                tag.moveTop(rect.top())
            right_edge = ox + iw * scale
            if tag.right() > right_edge:  # keep the words inside the picture
                tag.moveRight(max(right_edge, ox + tag.width()))
            painter.fillRect(tag, colour)
            painter.setPen(QColor("#ffffff") if colour.lightness() < 140 else QColor("#101214"))
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
