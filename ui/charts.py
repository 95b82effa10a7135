"""Small charts for the review window, painted with QPainter (no chart library needed).

Every bar carries its number as text, and the legend names each colour with its word, so the
charts read without colour and through a screen reader (each chart's accessible description
lists its values).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import is_dark, status_colour

_VERDICTS = ("pass", "warn", "fail", "error")
_WORDS = {"pass": "Passed", "warn": "Warnings", "fail": "Blocked", "error": "Could not run"}
# "Could not run" shares the list's red; in a stacked bar it needs a colour of its own.
_ERROR_LIGHT, _ERROR_DARK = "#6a3d9a", "#c9a0ff"


def _colour(verdict: str) -> QColor:
    if verdict == "error":
        return QColor(_ERROR_DARK if is_dark() else _ERROR_LIGHT)
    return QColor(status_colour(verdict))


class _Chart(QWidget):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _title(self, painter: QPainter) -> float:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(
            QRectF(8, 4, self.width() - 16, 24), Qt.AlignmentFlag.AlignLeft, self.title
        )
        painter.setFont(self.font())
        return 32.0


class WeeklyVerdicts(_Chart):
    """Preflights per week, stacked by verdict."""

    def __init__(self) -> None:
        super().__init__("Preflights per week, by verdict")
        self._weeks: list[tuple[dt.date, dict[str, int]]] = []

    def set_weeks(self, weeks: list[tuple[dt.date, dict[str, int]]]) -> None:
        self._weeks = weeks[-26:]  # half a year fits; the filter narrows it further
        total = sum(sum(w.values()) for _, w in self._weeks)
        self.setAccessibleDescription(
            f"{len(self._weeks)} weeks, {total} preflights: "
            + "; ".join(
                f"week of {m:%d %b}: " + ", ".join(f"{w[v]} {v}" for v in _VERDICTS)
                for m, w in self._weeks
            )
        )
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        top = self._title(painter)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        legend_x = 8.0
        for verdict in _VERDICTS:
            painter.fillRect(QRectF(legend_x, top, 12, 12), _colour(verdict))
            painter.setPen(text)
            label = _WORDS[verdict]
            painter.drawText(QRectF(legend_x + 16, top - 3, 120, 18), label)
            legend_x += 26 + painter.fontMetrics().horizontalAdvance(label)
        top += 24
        bottom = self.height() - 24.0
        if not self._weeks:
            painter.setPen(text)
            painter.drawText(QRectF(8, top, self.width() - 16, 40), "No preflights match.")
            return
        peak = max(sum(w.values()) for _, w in self._weeks) or 1
        step = (self.width() - 16.0) / len(self._weeks)
        width = max(3.0, step * 0.7)
        for i, (monday, week) in enumerate(self._weeks):
            x = 8 + i * step
            y = bottom
            for verdict in _VERDICTS:
                h = (bottom - top - 14) * week.get(verdict, 0) / peak
                if h > 0:
                    painter.fillRect(QRectF(x, y - h, width, h), _colour(verdict))
                    y -= h
            painter.setPen(text)
            total = sum(week.values())
            painter.drawText(QRectF(x - 4, y - 16, width + 8, 14), Qt.AlignmentFlag.AlignHCenter,
                             str(total))  # fmt: skip
            if len(self._weeks) <= 14 or i % 2 == 0:
                painter.drawText(QRectF(x - 10, bottom + 4, width + 20, 16),
                                 Qt.AlignmentFlag.AlignHCenter, f"{monday:%d %b}")  # fmt: skip
        painter.end()


class RankedBars(_Chart):
    """Horizontal bars, largest first, each with its name and number."""

    def __init__(self, title: str, colour_status: str = "running") -> None:
        super().__init__(title)
        self._items: list[tuple[str, int]] = []
        self._colour_status = colour_status

    def set_items(self, items: list[tuple[str, int]]) -> None:
        self._items = items[:10]
        self.setAccessibleDescription(
            "; ".join(f"{name}: {n}" for name, n in self._items) or "none"
        )
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        top = self._title(painter)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        painter.setPen(text)
        if not self._items:
            painter.drawText(QRectF(8, top, self.width() - 16, 40), "None in these records.")
            return
        metrics = painter.fontMetrics()
        label_w = min(
            self.width() * 0.45, max(metrics.horizontalAdvance(n) for n, _ in self._items) + 12
        )
        row_h = min(26.0, (self.height() - top - 8) / len(self._items))
        peak = max(n for _, n in self._items) or 1
        colour = QColor(status_colour(self._colour_status))
        for i, (name, n) in enumerate(self._items):
            y = top + i * row_h
            painter.setPen(text)
            shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(label_w - 8))
            left = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
            painter.drawText(QRectF(8, y, label_w - 8, row_h), left, shown)
            span = (self.width() - label_w - 60) * n / peak
            painter.fillRect(QRectF(label_w, y + 4, max(2.0, span), row_h - 8), colour)
            painter.drawText(QRectF(label_w + span + 6, y, 54, row_h), left, str(n))
        painter.end()
