"""The kiosk's look: light and dark palettes that follow the system, spacing, status marks.

Status is always a mark *and* a word (never colour alone), so it reads in greyscale, for
colour-blind people and through a screen reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

SPACING = 12
RADIUS = 8


@dataclass(frozen=True)
class Status:
    mark: str
    word: str
    light: str
    dark: str


STATUSES: dict[str, Status] = {
    "pass": Status("✓", "Passed", "#1b7f3b", "#6fd08c"),
    "warn": Status("!", "Check", "#8a5a00", "#f0c060"),
    "fail": Status("✕", "Blocked", "#b3261e", "#ff8a80"),
    "error": Status("?", "Could not run", "#b3261e", "#ff8a80"),
    "skipped": Status("–", "Not applicable", "#5f6368", "#a0a4a8"),
    "running": Status("…", "Checking", "#1a5fb4", "#8ab4f8"),
    "waiting": Status("○", "Waiting", "#5f6368", "#a0a4a8"),
}


#: "light" or "dark" to override the system's scheme (`--theme`); None follows the system.
forced_scheme: str | None = None


def is_dark() -> bool:
    if forced_scheme is not None:
        return forced_scheme == "dark"
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


def status_colour(status: str) -> QColor:
    s = STATUSES.get(status, STATUSES["waiting"])
    return QColor(s.dark if is_dark() else s.light)


def apply_theme(app: QApplication) -> None:
    """Fusion with a calm palette for the system's light or dark scheme; call again on change."""
    app.setStyle("Fusion")
    dark = is_dark()
    palette = QPalette()
    colours = (
        {
            QPalette.ColorRole.Window: "#1e2124",
            QPalette.ColorRole.WindowText: "#e8eaed",
            QPalette.ColorRole.Base: "#2a2d31",
            QPalette.ColorRole.AlternateBase: "#303338",
            QPalette.ColorRole.Text: "#e8eaed",
            QPalette.ColorRole.Button: "#30343a",
            QPalette.ColorRole.ButtonText: "#e8eaed",
            QPalette.ColorRole.Highlight: "#8ab4f8",
            QPalette.ColorRole.HighlightedText: "#102040",
            QPalette.ColorRole.PlaceholderText: "#9aa0a6",
            QPalette.ColorRole.ToolTipBase: "#30343a",
            QPalette.ColorRole.ToolTipText: "#e8eaed",
            QPalette.ColorRole.Link: "#8ab4f8",
        }
        if dark
        else {
            QPalette.ColorRole.Window: "#f6f7f9",
            QPalette.ColorRole.WindowText: "#1f2328",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#eef1f4",
            QPalette.ColorRole.Text: "#1f2328",
            QPalette.ColorRole.Button: "#ffffff",
            QPalette.ColorRole.ButtonText: "#1f2328",
            QPalette.ColorRole.Highlight: "#1a5fb4",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.PlaceholderText: "#6e7781",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1f2328",
            QPalette.ColorRole.Link: "#1a5fb4",
        }
    )
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    accent = "#8ab4f8" if dark else "#1a5fb4"
    accent_text = "#102040" if dark else "#ffffff"
    line = "#3c4043" if dark else "#d0d7de"
    card = "#2a2d31" if dark else "#ffffff"
    app.setStyleSheet(
        f"""
        QWidget {{ font-size: 11pt; }}
        QLabel#Title {{ font-size: 18pt; font-weight: 600; }}
        QLabel#Subtitle {{ font-size: 11pt; color: palette(placeholder-text); }}
        QLabel#School {{ font-size: 13pt; font-weight: 600; }}
        QLabel#Problem {{ color: {STATUSES["fail"].dark if dark else STATUSES["fail"].light}; }}
        QFrame#Card {{ background: {card}; border: 1px solid {line}; border-radius: {RADIUS}px; }}
        QFrame#Header {{ border-bottom: 1px solid {line}; }}
        QPushButton {{ padding: 8px 18px; border: 1px solid {line}; border-radius: 6px; }}
        QPushButton:focus {{ border: 2px solid {accent}; }}
        QPushButton#Primary {{ background: {accent}; color: {accent_text}; border: none;
                               font-weight: 600; }}
        QPushButton#Primary:disabled {{ background: {line}; color: palette(placeholder-text); }}
        QPushButton#Primary:focus {{ border: 2px solid {"#e8eaed" if dark else "#0b3d91"}; }}
        QLineEdit, QComboBox, QPlainTextEdit {{
            padding: 6px; border: 1px solid {line}; border-radius: 6px;
            background: palette(base); }}
        QLineEdit:focus, QDateTimeEdit:focus, QComboBox:focus {{ border: 2px solid {accent}; }}
        QCheckBox {{ spacing: 10px; }}
        QCheckBox:focus {{ outline: 2px solid {accent}; }}
        """
    )
