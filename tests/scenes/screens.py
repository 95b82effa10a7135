"""Generated desktop screenshots with labelled windows, for `desktop.screen` accuracy and speed.

A screen is a 1920×1080 desktop: a background, a task bar, and two to six tiled application
windows (title bar, light or dark content) showing text at the sizes desktop programs use
(11-16 px, sans, serif or mono). Some windows show personal data a screen share would expose —
contact sheets, an inbox, a pupil register — and their labels say which categories; the rest show
harmless school text. Seeded and deterministic; pixels are what a screen capture gives (no
camera, no compression).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from tests.scenes.documents import font, nhs_number, ni_number, phone, postcode

SIZE_WH = (1920, 1080)
Box = tuple[int, int, int, int]

_FIRST = ("Amelia", "Noah", "Isla", "Oliver", "Ava", "Leo", "Mia", "Arjun", "Zara", "Harry")
_LAST = ("Patel", "Khan", "Walker", "Hughes", "Roberts", "Clarke", "Evans", "Nowak", "Okafor")
_HARMLESS = (
    "Year 5 maths - fractions of amounts",
    "Starter: halves and quarters of 24 and 36",
    "Main task: worksheet B, questions 1 to 12",
    "Extension: word problems on page 14",
    "Plenary: exit ticket on mini whiteboards",
    "Resources: counters and fraction walls",
    "Phonics: split digraphs a-e, i-e, o-e",
    "Read the sentence together and clap the syllables",
    "Science: which materials are magnetic?",
    "Predict, test and record in the table",
    "History: the Romans in Britain, lesson 3",
    "Geography: rivers from source to mouth",
    "Art: colour mixing with primary colours",
    "Spelling test on Friday: words ending in -tion",
    "Remember to bring your reading record",
)
_CODE = (
    "def fractions(total, parts):",
    "    return [total // p for p in parts]",
    "for question in worksheet.questions:",
    "    print(question.number, question.answer)",
    "if score >= pass_mark:",
    "    award_sticker(pupil_group)",
)
_TITLES = (
    "Lesson plan - Writer",
    "Worksheet.pdf - Document Viewer",
    "Notes - Text Editor",
    "main.py - Code",
    "Timetable - Calc",
    "Inbox - Mail",
    "Contacts",
    "Register - Calc",
)
# (name, points, line spacing as a multiple of the size) — what desktop programs draw.
_FONTS = (
    ("sans", 13),
    ("sans", 14),
    ("sans", 16),
    ("serif", 15),
    ("mono", 13),
    ("sans", 12),
    ("sans", 11),
)


@dataclass(frozen=True)
class ScreenWindow:
    """One window on a generated screen: where it is and which personal data it shows."""

    box_xyxy: Box
    pii: frozenset[str]
    theme: str
    font: tuple[str, int]


@dataclass(frozen=True)
class GeneratedScreen:
    pixels_bgr: npt.NDArray[np.uint8]
    windows: tuple[ScreenWindow, ...]


def _name(r: random.Random) -> tuple[str, str]:
    return r.choice(_FIRST), r.choice(_LAST)


def _personal_lines(r: random.Random, kind: str) -> tuple[list[str], set[str]]:
    """Lines that carry personal data of one kind of window, and the categories they carry."""
    first, last = _name(r)
    email = f"{first.lower()}.{last.lower()}{r.randint(1, 99)}@example.co.uk"
    mobile = phone(r, "07700 900")
    if kind == "contact":
        lines = [
            f"Parent contact - {first} {last}",
            f"Email: {email}",
            f"Mobile: {mobile}",
            f"Address: {r.randint(2, 140)} Church Lane, Leeds {postcode(r, 'LS', 28)}",
        ]
        return lines, {"email", "phone", "postcode"}
    if kind == "inbox":
        lines = []
        for _ in range(4):
            f2, l2 = _name(r)
            lines.append(f"{f2} {l2} <{f2.lower()}.{l2.lower()}@example.org>  Trip letter")
        return lines, {"email"}
    if kind == "register":
        born = dt.date(2015, 1, 1) + dt.timedelta(days=r.randint(0, 1500))
        lines = [
            f"Pupil: {first} {last}",
            f"Date of birth: {born:%d/%m/%Y}",
            f"NHS number: {nhs_number(r)}",
            f"Home phone: {phone(r, '0113 496 0')}",
        ]
        return lines, {"date_of_birth", "nhs_number", "phone"}
    # "staff": a staff record
    lines = [
        f"Staff record: {first} {last}",
        f"NI number: {ni_number(r)}",
        f"Sort code: {r.randint(10, 99)}-{r.randint(10, 99)}-{r.randint(10, 99)}",
        f"Account number: {r.randint(10_000_000, 99_999_999)}",
    ]
    return lines, {"ni_number", "bank_details"}


def _tiles(r: random.Random, count: int) -> list[Box]:
    """Non-overlapping window rectangles above the task bar."""
    cols = 2 if count <= 4 else 3
    rows = -(-count // cols)
    cell_w, cell_h = SIZE_WH[0] // cols, (SIZE_WH[1] - 48) // rows
    boxes = []
    for i in range(count):
        cx, cy = (i % cols) * cell_w, (i // cols) * cell_h
        w = r.randint(int(cell_w * 0.7), cell_w - 20)
        h = r.randint(int(cell_h * 0.6), cell_h - 20)
        x, y = cx + r.randint(10, cell_w - w - 10), cy + r.randint(10, cell_h - h - 10)
        boxes.append((x, y, x + w, y + h))
    return boxes


def generate_screen(seed: int, personal_share: float = 0.4) -> GeneratedScreen:
    """One screen; about `personal_share` of its windows show personal data."""
    r = random.Random(seed)
    top = tuple(r.randint(30, 200) for _ in range(3))
    image = Image.new("RGB", SIZE_WH, top)  # type: ignore[arg-type]
    draw = ImageDraw.Draw(image)
    bottom = tuple(max(0, c - 60) for c in top)
    for y in range(0, SIZE_WH[1], 8):  # a gentle vertical gradient
        k = y / SIZE_WH[1]
        colour = tuple(round(a * (1 - k) + b * k) for a, b in zip(top, bottom, strict=True))
        draw.rectangle((0, y, SIZE_WH[0], y + 8), fill=colour)  # type: ignore[arg-type]
    draw.rectangle((0, SIZE_WH[1] - 48, SIZE_WH[0], SIZE_WH[1]), fill=(32, 32, 36))
    for i, label in enumerate(("Files", "Teams", "Writer", "Mail")):
        draw.text(
            (70 + 110 * i, SIZE_WH[1] - 33), label, fill=(230, 230, 230), font=font("sans", 14)
        )
    draw.text(
        (SIZE_WH[0] - 90, SIZE_WH[1] - 33),
        f"{r.randint(8, 15)}:{r.randint(0, 59):02d}",
        fill=(230, 230, 230),
        font=font("sans", 14),
    )
    windows = []
    for box in _tiles(r, r.randint(2, 6)):
        theme = "dark" if r.random() < 0.3 else "light"
        bg, fg = (
            ((30, 30, 30), (220, 220, 220)) if theme == "dark" else ((255, 255, 255), (20, 20, 20))
        )
        x0, y0, x1, y1 = box
        draw.rectangle(box, fill=bg, outline=(90, 90, 90))
        draw.rectangle(
            (x0, y0, x1, y0 + 30), fill=(60, 60, 66) if theme == "dark" else (225, 225, 228)
        )
        draw.text((x0 + 12, y0 + 8), r.choice(_TITLES), fill=fg, font=font("sans", 13))
        style, size = r.choice(_FONTS)
        face = font(style, size)
        spacing = round(size * r.uniform(1.3, 1.9))
        lines = [r.choice(_CODE if style == "mono" else _HARMLESS) for _ in range(r.randint(4, 16))]
        pii: set[str] = set()
        if r.random() < personal_share:
            extra, pii = _personal_lines(r, r.choice(("contact", "inbox", "register", "staff")))
            at = r.randint(0, len(lines))
            lines[at:at] = extra
        y = y0 + 44
        for line in lines:
            if y + spacing > y1 - 8:
                break  # what does not fit is not on screen: drop its categories below
            draw.text((x0 + 16, y), line, fill=fg, font=face)
            y += spacing
        shown = " ".join(lines[: (y - (y0 + 44)) // spacing])
        pii = {c for c in pii if _shows(c, shown)}
        windows.append(ScreenWindow(box, frozenset(pii), theme, (style, size)))
    bgr = np.asarray(image)[:, :, ::-1].copy()
    return GeneratedScreen(bgr, tuple(windows))


_MARKERS = {
    "email": "@",
    "phone": ("Mobile:", "phone:"),
    "postcode": "Address:",
    "date_of_birth": "Date of birth:",
    "nhs_number": "NHS number:",
    "ni_number": "NI number:",
    "bank_details": ("Sort code:", "Account number:"),
}


def _shows(category: str, text: str) -> bool:
    markers = _MARKERS[category]
    return any(m in text for m in ((markers,) if isinstance(markers, str) else markers))
