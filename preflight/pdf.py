"""PDF files and private output files, for the review's reports and the home set-up's
confirmation. No Qt (fpdf2).

Files are written whole to a temporary name and renamed, readable by their owner only: they
name staff and pupils, like the journal.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from preflight.errors import PreflightError

_FONT_FILES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian/Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Fedora
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
    "C:\\Windows\\Fonts\\arial.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
]


class ExportError(PreflightError):
    """The export cannot be written (the reason names the file or what is missing)."""


@contextmanager
def private_file(path: Path, mode: str) -> Iterator[IO[Any]]:
    if not path.name or path.name in (".", ".."):
        raise ExportError(f"export: {str(path)!r} is not a file name")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ExportError(f"export: {path} exists and is not a regular file; choose another")
    if not path.parent.is_dir():
        raise ExportError(f"export: the folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        out: IO[Any]
        if "b" in mode:
            out = os.fdopen(fd, "wb")
        else:
            out = os.fdopen(fd, "w", newline="", encoding="utf-8")
        with out:
            yield out
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _font_file() -> str:
    for candidate in _FONT_FILES:
        if Path(candidate).is_file():
            return candidate
    raise ExportError(
        "no font for PDF reports was found (Debian/Ubuntu: apt-get install fonts-dejavu-core)"
    )


class PdfReport:
    """An A4 report: the school's name and a title on every page, then lines and tables."""

    def __init__(self, school: str, title: str) -> None:
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(auto=True, margin=15)
        font = _font_file()
        pdf.add_font("body", "", font)
        pdf.set_title(f"{school}: {title}")
        pdf.set_creator("Session Preflight")
        self.pdf, self.school, self.title = pdf, school, title
        generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")

        def header() -> None:
            pdf.set_font("body", size=9)
            pdf.set_text_color(90, 90, 90)
            pdf.cell(0, 5, f"{school} - {title}", new_x="LMARGIN", new_y="NEXT")
            pdf.cell(
                0, 5, f"Session Preflight, generated {generated}, page {pdf.page_no()}",
                new_x="LMARGIN", new_y="NEXT",
            )  # fmt: skip
            pdf.set_text_color(0, 0, 0)
            pdf.ln(3)

        pdf.header = header  # type: ignore[method-assign]
        pdf.add_page()

    def heading(self, text: str) -> None:
        self.pdf.set_font("body", size=15)
        self.pdf.multi_cell(0, 8, _safe(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def line(
        self, text: str, size: float = 10, bold_colour: tuple[int, int, int] | None = None
    ) -> None:
        self.pdf.set_font("body", size=size)
        if bold_colour:
            self.pdf.set_text_color(*bold_colour)
        self.pdf.multi_cell(0, size * 0.5, _safe(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0, 0, 0)

    def table(self, headings: list[str], widths: list[float], rows: Iterable[list[str]]) -> None:
        pdf = self.pdf
        pdf.set_font("body", size=8)

        def head() -> None:
            pdf.set_fill_color(225, 230, 240)
            for text, width in zip(headings, widths, strict=True):
                pdf.cell(width, 6, text, border=1, fill=True)
            pdf.ln()

        head()
        for cells in rows:
            if pdf.will_page_break(5):
                pdf.add_page()
                head()
            for text, width in zip(cells, widths, strict=True):
                pdf.cell(width, 5, _fit(pdf, _safe(text), width), border=1)
            pdf.ln()

    def save(self, path: Path) -> None:
        data = bytes(self.pdf.output())
        with private_file(path, "wb") as out:
            out.write(data)


def _safe(text: str) -> str:
    """No control characters (a name cannot break a line or the layout)."""
    return "".join(" " if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 else ch for ch in text)


def _fit(pdf: Any, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "...") > width - 2:
        text = text[:-1]
    return text + "..."
