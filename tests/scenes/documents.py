"""Made-up but realistic UK paperwork (bills, statements, letters) rendered with real fonts."""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cv2
import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from preflight.pii import CATEGORIES

# The label vocabulary is the classifier's public category list, so labels and findings compare.
PII_CATEGORIES: frozenset[str] = frozenset(CATEGORIES)
PERSONAL_VARIANTS: tuple[str, ...] = (
    "utility_bill",
    "bank_statement",
    "payslip",
    "gp_letter",
    "receipt",
    "council_tax_bill",
)
TEXT_VARIANTS: tuple[str, ...] = ("book_spines", "poster", "notebook")
VARIANTS: tuple[str, ...] = PERSONAL_VARIANTS + TEXT_VARIANTS

Box = tuple[float, float, float, float]
RGB = tuple[int, int, int]

# Words that make a text read like personal paperwork; any line printing one is tagged with
# "document_words", any line printing an amount in pounds with "money".
_DOCUMENT_WORDS = re.compile(
    r"\b(?:invoice|statement|payslip|prescription|council tax|account|balance|hmrc|tax code|"
    r"bill|amount due|receipt|vat|direct debit|overdraft|sort code|appointment|patient|gp|nhs|"
    r"pension|benefit|mortgage|rent|tenancy|meter|energy|payroll|salary|net pay|gross pay)s?\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"£\s?-?[0-9]")
# Which line of a wrapped paragraph really carries a tagged item.
_LINE_HAS = {
    "date": re.compile(r"\b[0-9]{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"),
    "phone": re.compile(r"\b0[0-9]{2,4} [0-9]{3,4}"),
    "email": re.compile(r"@"),
    "document_words": _DOCUMENT_WORDS,
}

# A4 at 1000 px across: 4.76 px per mm, so 17 px body type is about 10 pt.
_A4 = (1000, 1414)
_INK: RGB = (28, 29, 33)
_GREY: RGB = (92, 94, 100)
_PAPER: RGB = (247, 246, 241)


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered sheet and what is printed on it.

    Attributes:
        image_bgr: ``(h, w, 3)`` uint8 BGR render.
        pii: Categories really printed on the sheet (see :data:`PII_CATEGORIES`).
        x_height_px: Height of a lower-case letter of the body text, in image pixels.
        fields: Where each category is printed: ``(category, (x1, y1, x2, y2))`` in image
            pixels, one entry per printed item (a category can appear several times).
        alpha: ``(h, w)`` float32 coverage in ``[0, 1]`` for sheets that are not rectangles
            (torn receipts, a row of books of different heights); ``None`` means opaque.
    """

    image_bgr: np.ndarray
    pii: frozenset[str]
    x_height_px: float
    fields: tuple[tuple[str, Box], ...] = ()
    alpha: np.ndarray | None = field(default=None, compare=False)


# ---------------------------------------------------------------------------------------------
# Fonts and a small layout toolkit.
# ---------------------------------------------------------------------------------------------

_FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "sans-italic": "DejaVuSans-Oblique.ttf",
    "serif": "DejaVuSerif.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
    "serif-italic": "DejaVuSerif-Italic.ttf",
    "mono": "DejaVuSansMono.ttf",
    "mono-bold": "DejaVuSansMono-Bold.ttf",
    # Computer Modern text italic: the nearest thing to handwriting that ships with matplotlib.
    "script": "cmti10.ttf",
}


@functools.cache
def font(style: str, size: int) -> ImageFont.FreeTypeFont:
    """A TrueType font shipped with matplotlib.

    Args:
        style: A key of ``_FONT_FILES`` (``"sans"``, ``"serif-bold"``, ``"mono"``, ...).
        size: Em size in pixels.

    Returns:
        The loaded font (cached).
    """
    path = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", _FONT_FILES[style])
    return ImageFont.truetype(path, size)


@functools.cache
def x_height_ratio(style: str) -> float:
    """Lower-case x height as a fraction of the em size, measured on the glyph outline."""
    _, y1, _, y2 = font(style, 1000).getbbox("x")
    return (y2 - y1) / 1000.0


class _Sheet:
    """A PIL canvas that remembers where each kind of personal data was printed."""

    def __init__(self, size: tuple[int, int], paper: RGB = _PAPER) -> None:
        self.w, self.h = size
        self.img = Image.new("RGB", size, paper)
        self.draw = ImageDraw.Draw(self.img)
        self.fields: list[tuple[str, Box]] = []

    def text(
        self,
        xy: tuple[float, float],
        s: str,
        style: str,
        size: int,
        fill: RGB = _INK,
        anchor: str = "ls",
        tags: Sequence[str] = (),
    ) -> Box:
        """Draw one line (``anchor`` as in PIL: ``"ls"`` left/baseline) and tag it."""
        f = font(style, size)
        self.draw.text(xy, s, font=f, fill=fill, anchor=anchor)
        box = tuple(float(v) for v in self.draw.textbbox(xy, s, font=f, anchor=anchor))
        auto = [t for t, rx in (("document_words", _DOCUMENT_WORDS), ("money", _MONEY))
                if t not in tags and rx.search(s)]  # fmt: skip
        for tag in (*tags, *auto):
            self.fields.append((tag, box))  # type: ignore[arg-type]
        return box  # type: ignore[return-value]

    def para(
        self,
        x: float,
        y: float,
        width: float,
        s: str,
        style: str = "sans",
        size: int = 17,
        leading: float = 1.45,
        fill: RGB = _INK,
        tags: Sequence[str] = (),
    ) -> float:
        """Wrap ``s`` into ``width`` from baseline ``y``; returns the baseline after it."""
        for line in wrap(s, font(style, size), width):
            mine = [t for t in tags if t not in _LINE_HAS or _LINE_HAS[t].search(line)]
            self.text((x, y), line, style, size, fill, tags=mine)
            y += size * leading
        return y

    def rule(self, x0: float, x1: float, y: float, fill: RGB = _GREY, width: int = 1) -> None:
        """A horizontal line."""
        self.draw.line([(x0, y), (x1, y)], fill=fill, width=width)

    def rect(
        self,
        box: Box,
        fill: RGB | None = None,
        outline: RGB | None = None,
        width: int = 1,
        radius: float = 0,
    ) -> None:
        """A (rounded) rectangle."""
        self.draw.rounded_rectangle(box, radius=radius, fill=fill, outline=outline, width=width)

    def pii(self) -> frozenset[str]:
        """Every category printed so far."""
        return frozenset(tag for tag, _ in self.fields)


def wrap(s: str, f: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap of ``s`` to lines no wider than ``width`` pixels."""
    lines: list[str] = []
    cur = ""
    for word in s.split():
        cand = f"{cur} {word}" if cur else word
        if cur and f.getlength(cand) > width:
            lines.append(cur)
            cur = word
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def _tint(c: RGB, k: float) -> RGB:
    """Mix a colour towards white by ``k``."""
    return tuple(round(v + (255 - v) * k) for v in c)  # type: ignore[return-value]


def _finish(
    sheet: _Sheet,
    seed: int,
    body_style: str,
    body_size: int,
    folds: bool = False,
    alpha: np.ndarray | None = None,
) -> RenderedDocument:
    """Paper texture, soft toner edges and optional fold creases; then package the result."""
    rng = np.random.default_rng([seed, 77])
    rgb = np.asarray(sheet.img, np.float32)
    h, w = rgb.shape[:2]
    # Paper: faint low-frequency mottling plus fibre grain, stronger on the bare paper.
    low = cv2.resize(rng.standard_normal((8, 6)).astype(np.float32), (w, h), cv2.INTER_CUBIC)
    grain = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 0.8)
    shade = 1.0 + 0.008 * low + 0.012 * grain
    if folds:
        # A letter folded in three for a DL envelope keeps two creases with a faint ridge.
        yy = np.arange(h, dtype=np.float32)[:, None]
        for frac, sign in ((1 / 3, 1.0), (2 / 3, -1.0)):
            y0 = frac * h + float(rng.uniform(-4, 4))
            d = yy - y0
            shade = shade * (1.0 - 0.05 * np.exp(-(d**2) / 3.0) + sign * 0.012 * np.tanh(d / 30.0))
    rgb = rgb * shade[:, :, None]
    # Laser toner is not infinitely sharp: a fraction-of-a-pixel blur keeps text crisp but real.
    rgb = cv2.GaussianBlur(rgb, (0, 0), 0.45)
    bgr = np.clip(rgb[:, :, ::-1], 0, 255).astype(np.uint8)
    return RenderedDocument(
        image_bgr=np.ascontiguousarray(bgr),
        pii=sheet.pii(),
        x_height_px=round(x_height_ratio(body_style) * body_size, 2),
        fields=tuple(sheet.fields),
        alpha=alpha,
    )


# ---------------------------------------------------------------------------------------------
# Made-up people, places and numbers.
# ---------------------------------------------------------------------------------------------

_WOMEN = ("Jane", "Sarah", "Priya", "Aisha", "Emma", "Olivia", "Chloe", "Fatima", "Grace",
          "Hannah", "Zara", "Megan", "Rebecca", "Joanne", "Claire", "Nicola")  # fmt: skip
_MEN = ("David", "James", "Tom", "Mohammed", "Daniel", "Liam", "Wei", "Andrew", "Kwame",
        "Gareth", "Ryan", "Imran", "Stephen", "Callum", "Matthew", "Piotr")  # fmt: skip
_SURNAMES = ("Thompson", "Patel", "Khan", "Walker", "Hughes", "Roberts", "Clarke", "Evans",
             "Wright", "Okafor", "Nowak", "Murphy", "Lewis", "Shah", "Bennett", "Harrison",
             "Fletcher", "Ahmed", "Campbell", "Doyle", "Osei", "Turner", "Kaur", "Morgan")  # fmt: skip
_STREETS = ("Victoria Road", "Church Lane", "Mill Street", "Oakfield Close", "Station Road",
            "Park Crescent", "Meadow Way", "Queens Drive", "Hawthorn Grove", "Albert Terrace",
            "Willow Gardens", "Beech Avenue", "Chapel Street", "Kingsley Road", "Orchard Rise")  # fmt: skip
# Town, postcode area, district range, local area, Ofcom drama-number prefix (never allocated).
_TOWNS: tuple[tuple[str, str, int, str, str], ...] = (
    ("Leeds", "LS", 28, "Headingley", "0113 496 0"),
    ("Sheffield", "S", 36, "Crookes", "0114 496 0"),
    ("Nottingham", "NG", 25, "Beeston", "0115 496 0"),
    ("Leicester", "LE", 19, "Knighton", "0116 496 0"),
    ("Bristol", "BS", 41, "Bishopston", "0117 496 0"),
    ("Reading", "RG", 31, "Caversham", "0118 496 0"),
    ("Birmingham", "B", 45, "Moseley", "0121 496 0"),
    ("Manchester", "M", 40, "Didsbury", "0161 496 0"),
    ("Liverpool", "L", 37, "Wavertree", "0151 496 0"),
    ("Newcastle upon Tyne", "NE", 30, "Jesmond", "0191 498 0"),
    ("London", "SE", 28, "Peckham", "020 7946 0"),
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


@dataclass(frozen=True)
class _Person:
    """A made-up addressee."""

    title: str
    first: str
    last: str
    lines: tuple[str, ...]  # address lines without the postcode
    town: str
    postcode: str
    phone_prefix: str
    email: str

    @property
    def full(self) -> str:
        """``Mrs Jane Thompson``."""
        return f"{self.title} {self.first} {self.last}"


def postcode(r: random.Random, area: str, max_district: int) -> str:
    """A postcode in valid Royal Mail format for an area, e.g. ``LS6 2AB``."""
    inward = f"{r.randint(1, 9)}{r.choice(_INWARD_LETTERS)}{r.choice(_INWARD_LETTERS)}"
    return f"{area}{r.randint(1, max_district)} {inward}"


def _person(r: random.Random) -> _Person:
    """A random addressee with a home address."""
    female = r.random() < 0.55
    first = r.choice(_WOMEN if female else _MEN)
    last = r.choice(_SURNAMES)
    title = r.choice(("Mrs", "Ms", "Miss", "Mrs")) if female else r.choice(("Mr", "Mr", "Dr"))
    town, area, districts, local, phone = r.choice(_TOWNS)
    street = f"{r.randint(2, 148)} {r.choice(_STREETS)}"
    lines = (f"Flat {r.randint(1, 12)}", street) if r.random() < 0.3 else (street,)
    lines = (*lines, local)
    email = f"{first.lower()}.{last.lower()}{r.randint(1, 99)}@example.co.uk"
    return _Person(title, first, last, lines, town, postcode(r, area, districts), phone, email)


def phone(r: random.Random, prefix: str) -> str:
    """An Ofcom drama number (reserved for fiction, never in service) with a given prefix."""
    return f"{prefix}{r.randint(0, 999):03d}"


def money(v: float) -> str:
    """``£1,234.56`` (negative amounts as ``-£12.00``)."""
    s = f"£{abs(v):,.2f}"
    return f"-{s}" if v < 0 else s


def long_date(d: dt.date) -> str:
    """``14 March 2025``."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def short_date(d: dt.date) -> str:
    """``14 Mar 2025``."""
    return f"{d.day:02d} {_MONTHS[d.month - 1][:3]} {d.year}"


def _some_day(r: random.Random) -> dt.date:
    """A date in 2024-2025."""
    return dt.date(2024, 1, 15) + dt.timedelta(days=r.randint(0, 620))


def nhs_number(r: random.Random) -> str:
    """A ten-digit NHS number with a valid modulus-11 check digit, as ``485 777 3456``."""
    while True:
        digits = [r.choice((4, 6, 7, 9))] + [r.randint(0, 9) for _ in range(8)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            s = "".join(map(str, [*digits, check]))
            return f"{s[:3]} {s[3:6]} {s[6:]}"


def nhs_number_valid(s: str) -> bool:
    """Whether a (spaced) NHS number passes the modulus-11 check."""
    d = [int(c) for c in s if c.isdigit()]
    if len(d) != 10:
        return False
    check = 11 - sum(a * w for a, w in zip(d[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == d[9]


def ni_number(r: random.Random) -> str:
    """A National Insurance number in the issued format, as ``JT 48 21 93 C``."""
    first = "ABCEGHJKLMNOPRSTWXYZ"
    second = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = r.choice(first) + r.choice(second)
        if prefix not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            break
    nums = " ".join(f"{r.randint(0, 99):02d}" for _ in range(3))
    return f"{prefix} {nums} {r.choice('ABCD')}"


def _address(sheet: _Sheet, x: float, y: float, p: _Person, size: int = 18) -> float:
    """An addressee block as seen through an envelope window; returns the next baseline."""
    lead = size * 1.38
    sheet.text((x, y), p.full, "sans", size)
    y += lead
    for line in (*p.lines, p.town):
        sheet.text((x, y), line, "sans", size)
        y += lead
    sheet.text((x, y), p.postcode, "sans", size, tags=("postcode",))
    return y + lead


def _logo(
    sheet: _Sheet, x: float, y: float, colour: RGB, mark: str, name: str, sub: str, size: int = 34
) -> float:
    """A brand mark (rounded block with a letter) beside the company name; returns its left."""
    # Long names shrink so that they never run into the title on the right.
    while font("sans-bold", size).getlength(name) + 2.4 * size > 450 and size > 20:
        size -= 1
    s = round(size * 1.9)
    sheet.rect((x, y, x + s, y + s), fill=colour, radius=s * 0.22)
    sheet.text(
        (x + s / 2, y + s / 2 + 1), mark, "sans-bold", round(s * 0.62), (255, 255, 255), "mm"
    )
    tx = x + s + size * 0.45
    bold, _, rest = name.partition(" ")
    box = sheet.text((tx, y + s * 0.58), bold, "sans-bold", size, colour)
    if rest:
        sheet.text((box[2] + size * 0.3, y + s * 0.58), rest, "sans", size, colour)
    if sub:
        sheet.text((tx, y + s * 0.58 + size * 0.75), sub, "sans", round(size * 0.42), _GREY)
    return tx


def _table_row(
    sheet: _Sheet,
    y: float,
    cells: Sequence[tuple[float, str, str]],
    style: str = "sans",
    size: int = 16,
    fill: RGB = _INK,
    tags: Sequence[Sequence[str]] | None = None,
) -> None:
    """One table row: ``(x, anchor, text)`` per cell (anchor ``"ls"`` or ``"rs"``)."""
    for i, (x, anchor, s) in enumerate(cells):
        if s:
            sheet.text((x, y), s, style, size, fill, anchor, tags=tags[i] if tags else ())


# ---------------------------------------------------------------------------------------------
# Personal documents.
# ---------------------------------------------------------------------------------------------


def utility_bill(seed: int) -> RenderedDocument:
    """An energy bill: brand header, addressee, amount due, meter readings and charges.

    Args:
        seed: Picks the supplier, customer, readings and dates.

    Returns:
        The rendered A4 sheet.
    """
    r = random.Random(f"utility_bill:{seed}")
    p = _person(r)
    brand, mark, colour, domain = r.choice(
        (
            ("Brightwatt Energy", "b", (0, 118, 110), "brightwatt-energy.co.uk"),
            ("Northern Spark Energy", "n", (196, 64, 32), "northernspark.co.uk"),
            ("Evergreen Power", "e", (46, 125, 50), "evergreenpower.co.uk"),
            ("Albion Gas & Electric", "a", (40, 62, 140), "albionenergy.co.uk"),
        )
    )
    s = _Sheet(_A4)
    L, R = 70, 930
    _logo(s, L, 58, colour, mark, brand, "Simpler energy for your home")
    s.text((R, 92), "Your energy bill", "sans-bold", 28, _INK, "rs", tags=("document_words",))
    bill_date = _some_day(r)
    start = bill_date - dt.timedelta(days=r.randint(28, 31) + 2)
    end = bill_date - dt.timedelta(days=2)
    days = (end - start).days + 1
    account = f"{r.randint(1000, 9999)} {r.randint(1000, 9999)} {r.randint(10, 99)}"
    y = 124
    for label, value, tags in (
        ("Bill date", long_date(bill_date), ("date",)),
        ("Account number", account, ("document_words",)),
        ("Bill period", f"{short_date(start)} to {short_date(end)}", ("date",)),
    ):
        s.text((R - 390, y), label, "sans", 15, _GREY)
        s.text((R, y), value, "sans-bold", 15, _INK, "rs", tags=tags)
        y += 23
    # Return address above the window, then the addressee.
    s.text((L + 20, 232), f"{brand}, PO Box {r.randint(1000, 9999)}, {p.town}", "sans", 11, _GREY)
    _address(s, L + 20, 262, p)

    # Amount due panel.
    elec_units = r.randint(160, 420)
    elec_rate = round(r.uniform(22.4, 27.9), 2)
    elec_sc = round(r.uniform(45.0, 61.0), 2)
    gas_m3 = r.randint(40, 190)
    gas_kwh = round(gas_m3 * 1.02264 * 39.3 / 3.6)
    gas_rate = round(r.uniform(5.6, 7.2), 2)
    gas_sc = round(r.uniform(29.0, 33.0), 2)
    elec = round(elec_units * elec_rate / 100, 2)
    elec_s = round(days * elec_sc / 100, 2)
    gas = round(gas_kwh * gas_rate / 100, 2)
    gas_s = round(days * gas_sc / 100, 2)
    net = elec + elec_s + gas + gas_s
    vat = round(net * 0.05, 2)
    due = round(net + vat, 2)
    prev = round(r.uniform(90, 220), 2)
    px0 = 560
    s.rect((px0, 232, R, 410), fill=_tint(colour, 0.88), radius=14)
    s.text((px0 + 26, 272), "Amount due", "sans-bold", 20, _INK, tags=("document_words",))
    s.text((px0 + 26, 328), money(due), "sans-bold", 46, colour, tags=("money",))
    collect = bill_date + dt.timedelta(days=r.randint(10, 16))
    s.para(px0 + 26, 362, R - px0 - 50,
           f"We'll collect this by Direct Debit on or just after {long_date(collect)}.",
           size=15, leading=1.35, tags=("date",))  # fmt: skip

    y = 450
    greet = f"Dear {p.title} {p.last},"
    s.text((L, y), greet, "sans", 17, tags=("salutation_name",))
    y = s.para(L, y + 32, R - L,
               f"Here is your bill for the electricity and gas used at {p.lines[-2]} from "
               f"{long_date(start)} to {long_date(end)}. Your readings were taken by a smart "
               "meter, so this bill is based on what you actually used. You do not need to do "
               "anything: your payment will be taken automatically.",
               tags=("date",))  # fmt: skip

    def section(y: float, title: str) -> float:
        s.rect((L, y, R, y + 34), fill=colour)
        s.text((L + 14, y + 24), title, "sans-bold", 18, (255, 255, 255))
        return y + 64

    y = section(y + 6, "Your account summary")
    c2 = R - 10
    rows = (
        ("Balance from your last bill", money(prev)),
        (f"Payment received {short_date(start + dt.timedelta(days=5))}, thank you", money(-prev)),
        ("Electricity charges (see below)", money(elec + elec_s)),
        ("Gas charges (see below)", money(gas + gas_s)),
        ("VAT at 5%", money(vat)),
    )
    for label, value in rows:
        _table_row(s, y, ((L + 14, "ls", label), (c2, "rs", value)), size=17,
                   tags=(("date",) if "received" in label else (), ("money",)))  # fmt: skip
        s.rule(L, R, y + 10, (215, 215, 215))
        y += 32
    _table_row(s, y + 4, ((L + 14, "ls", "Amount due"), (c2, "rs", money(due))), "sans-bold", 18,
               tags=(("document_words",), ("money",)))  # fmt: skip
    y += 46

    y = section(y, "Your electricity")
    mpan = (
        f"{r.randint(10, 19)} {r.randint(1000, 9999)} {r.randint(1000, 9999)} {r.randint(100, 999)}"
    )
    e_prev = r.randint(10000, 60000)
    cols = (L + 14, L + 250, L + 470, c2)
    _table_row(s, y, ((cols[0], "ls", "Meter"), (cols[1], "ls", "Reading date"),
                      (cols[2], "ls", "Reading (kWh)"), (cols[3], "rs", "Type")),
               "sans-bold", 15, _GREY)  # fmt: skip
    y += 28
    meter = f"S{r.randint(10, 99)}K{r.randint(100000, 999999)}"
    for d, v in ((start, e_prev), (end, e_prev + elec_units)):
        _table_row(s, y, ((cols[0], "ls", meter),
                          (cols[1], "ls", short_date(d)), (cols[2], "ls", f"{v:05d}"),
                          (cols[3], "rs", "Smart")), size=16,
                   tags=((), ("date",), (), ()))  # fmt: skip
        y += 26
    y += 8
    for label, value in (
        (f"{elec_units} kWh at {elec_rate:.2f}p per kWh", money(elec)),
        (f"Standing charge, {days} days at {elec_sc:.2f}p per day", money(elec_s)),
    ):
        _table_row(s, y, ((cols[0], "ls", label), (c2, "rs", value)), size=17,
                   tags=((), ("money",)))  # fmt: skip
        y += 28
    s.text((cols[0], y), f"Supply number (MPAN) {mpan}", "sans", 14, _GREY)
    y += 30

    y = section(y, "Your gas")
    for label, value in (
        (f"{gas_m3} cubic metres = {gas_kwh} kWh at {gas_rate:.2f}p per kWh", money(gas)),
        (f"Standing charge, {days} days at {gas_sc:.2f}p per day", money(gas_s)),
    ):
        _table_row(s, y, ((cols[0], "ls", label), (c2, "rs", value)), size=17,
                   tags=((), ("money",)))  # fmt: skip
        y += 28
    s.text((cols[0], y), "Gas converted to kWh using a calorific value of 39.3 MJ/m\u00b3",
           "sans", 14, _GREY)  # fmt: skip
    y += 26

    # Contact panel and small print at the foot of the page.
    s.rect((L, y, R, y + 112), outline=_tint(colour, 0.4), width=2, radius=10)
    tel = phone(r, p.phone_prefix)
    s.text((L + 20, y + 32), "Questions about your bill?", "sans-bold", 18, colour)
    s.text((L + 20, y + 62), f"Call {tel}, Monday to Friday 8am to 6pm", "sans", 16,
           tags=("phone",))  # fmt: skip
    s.text((L + 20, y + 90), f"Email help@{domain}  or visit {domain}/account", "sans", 16,
           tags=("email",))  # fmt: skip
    y += 140
    s.para(L, y, R - L,
           f"{brand} Ltd is registered in England and Wales, company number "
           f"{r.randint(1000000, 9999999):08d}. If you are unhappy with our service please tell "
           "us first; if we cannot resolve your complaint within eight weeks you can contact "
           "the Energy Ombudsman. Join our Priority Services Register if you need extra support.",
           size=12, leading=1.4, fill=_GREY)  # fmt: skip
    return _finish(s, seed, "sans", 17, folds=True)


def bank_statement(seed: int) -> RenderedDocument:
    """A current-account statement with sort code, account number and transactions.

    Args:
        seed: Picks the bank, customer, transactions and dates.

    Returns:
        The rendered A4 sheet.
    """
    r = random.Random(f"bank_statement:{seed}")
    p = _person(r)
    bank, mark, colour, bic = r.choice(
        (
            ("Harbour Bank", "H", (0, 70, 127), "HRBK"),
            ("Thistle Bank", "T", (92, 40, 120), "THSB"),
            ("Meridian Bank", "M", (200, 16, 46), "MRDN"),
            ("Kingsway Building Society", "K", (0, 105, 80), "KWBS"),
        )
    )
    s = _Sheet(_A4)
    L, R = 70, 930
    _logo(s, L, 58, colour, mark, bank, "")
    s.text((R, 92), "Current account statement", "sans-bold", 26, _INK, "rs",
           tags=("document_words",))  # fmt: skip
    first = _some_day(r).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    s.text((R, 122), f"{long_date(first)} to {long_date(last)}", "sans", 16, _GREY, "rs",
           tags=("date",))  # fmt: skip
    s.text((R, 146), "Page 1 of 2", "sans", 14, _GREY, "rs")
    _address(s, L + 20, 250, p)

    sort = f"{r.randint(10, 99)}-{r.randint(10, 99)}-{r.randint(10, 99)}"
    acct = f"{r.randint(10000000, 99999999)}"
    iban = f"GB{r.randint(10, 99)} {bic} {sort.replace('-', '')[:4]} {sort[-2:]}{acct[:2]} {acct[2:6]} {acct[6:]}"
    bx0 = 540
    s.rect((bx0, 218, R, 398), fill=_tint(colour, 0.9), radius=8)
    y = 252
    for label, value, tags in (
        ("Account name", f"{p.title} {p.first[0]} {p.last}", ()),
        ("Sort code", sort, ("bank_details",)),
        ("Account number", acct, ("bank_details",)),
        ("IBAN", iban, ("bank_details",)),
        ("BIC", f"{bic}GB2L", ()),
    ):
        s.text((bx0 + 20, y), label, "sans", 14, _GREY)
        s.text((bx0 + 150, y), value, "sans-bold", 15 if label != "IBAN" else 13, tags=tags)
        y += 31

    # Transactions first, so the summary shows their real totals.
    opening = round(r.uniform(700, 2600), 2)
    shops = ("TESCO STORES 3217", "SAINSBURYS S/MKTS", "CO-OP GROUP FOOD", "AMAZON MARKETPLACE",
             "TFL TRAVEL CH", "GREGGS PLC", "BOOTS UK", "ALDI 72", "COSTA COFFEE",
             "SHELL PETROL STN", "ARGOS LTD", "PRET A MANGER")  # fmt: skip
    rows: list[tuple[dt.date, str, str, float]] = []
    employer = r.choice(("CASTLEGATE CARE", "FENWICK LOGISTICS", "OAKRIDGE ACADEMY"))
    fixed = [
        (r.randint(1, 3), "DD", f"{r.choice(('BRIGHTWATT ENERGY', 'ALBION ENERGY'))}", -r.uniform(80, 160)),
        (r.randint(1, 5), "DD", "COUNCIL TAX", -r.uniform(120, 190)),
        (r.randint(6, 9), "SO", f"RENT {r.choice(_SURNAMES).upper()} LETTINGS", -r.uniform(650, 1100)),
        (r.randint(24, 27), "BGC", f"{employer} SALARY", r.uniform(1800, 2600)),
        (r.randint(10, 14), "DD", "VODAFONE LTD", -r.uniform(18, 45)),
    ]  # fmt: skip
    for d, kind, text, amt in fixed:
        rows.append((first.replace(day=min(d, last.day)), kind, text, round(amt, 2)))
    for _ in range(r.randint(11, 14)):
        d = first + dt.timedelta(days=r.randint(0, (last - first).days))
        rows.append((d, "DEB", r.choice(shops), -round(r.uniform(2.5, 68.0), 2)))
    if r.random() < 0.6:
        rows.append((first + dt.timedelta(days=r.randint(3, 20)), "FPI",
                     f"{r.choice(_WOMEN).upper()} {p.last.upper()} REF DINNER",
                     round(r.uniform(10, 60), 2)))  # fmt: skip
    rows.sort(key=lambda row: row[0])
    money_in = sum(a for *_, a in rows if a > 0)
    money_out = -sum(a for *_, a in rows if a < 0)
    closing = opening + money_in - money_out

    y = 440
    boxes = (
        (f"Balance on {short_date(first)}", money(opening)),
        ("Money in", money(money_in)),
        ("Money out", money(money_out)),
        (f"Balance on {short_date(last)}", money(closing)),
    )
    bw = (R - L) / 4
    for i, (label, value) in enumerate(boxes):
        x = L + i * bw
        s.rect((x + 3, y, x + bw - 3, y + 78), outline=_tint(colour, 0.5), width=2, radius=6)
        s.text((x + 16, y + 28), label, "sans", 14, _GREY, tags=("date",) if "on" in label else ())
        s.text((x + 16, y + 62), value, "sans-bold", 22, colour, tags=("money",))
    y += 126
    cols = (L + 8, L + 140, R - 270, R - 140, R - 8)
    s.rect((L, y - 24, R, y + 10), fill=colour)
    _table_row(s, y, ((cols[0], "ls", "Date"), (cols[1], "ls", "Payment type and details"),
                      (cols[2], "rs", "Paid out"), (cols[3], "rs", "Paid in"),
                      (cols[4], "rs", "Balance")), "sans-bold", 15, (255, 255, 255))  # fmt: skip
    y += 38
    _table_row(s, y, ((cols[0], "ls", short_date(first)), (cols[1], "ls", "BALANCE BROUGHT FORWARD"),
                      (cols[4], "rs", f"{opening:,.2f}")), size=15,
               tags=(("date",), ("document_words",), ()))  # fmt: skip
    bal = opening
    for i, (d, kind, text, amt) in enumerate(rows):
        y += 31
        if i % 2 == 0:
            s.rect((L, y - 22, R, y + 9), fill=_tint(colour, 0.94))
        bal += amt
        out = f"{-amt:,.2f}" if amt < 0 else ""
        inn = f"{amt:,.2f}" if amt > 0 else ""
        _table_row(s, y, ((cols[0], "ls", short_date(d)), (cols[1], "ls", f"{kind}  {text}"),
                          (cols[2], "rs", out), (cols[3], "rs", inn),
                          (cols[4], "rs", f"{bal:,.2f}")), size=15,
                   tags=(("date",), (), (), (), ()))  # fmt: skip
    y += 14
    s.rule(L, R, y, _GREY, 2)
    y += 50
    s.para(L, y, R - L,
           f"{bank} plc is authorised by the Prudential Regulation Authority and regulated by the "
           "Financial Conduct Authority and the Prudential Regulation Authority. Your eligible "
           "deposits are protected up to a total of \u00a385,000 by the Financial Services "
           f"Compensation Scheme. Lost or stolen card? Call us any time on {phone(r, '020 7946 0')}.",
           size=12, leading=1.4, fill=_GREY, tags=("phone",))  # fmt: skip
    return _finish(s, seed, "sans", 15, folds=True)


def payslip(seed: int) -> RenderedDocument:
    """A monthly payslip: employer, employee, NI number, tax code, payments and deductions.

    Args:
        seed: Picks the employer, employee, pay and dates.

    Returns:
        The rendered A4 sheet.
    """
    r = random.Random(f"payslip:{seed}")
    p = _person(r)
    employer, colour = r.choice(
        (
            ("Castlegate Care Services Ltd", (120, 30, 60)),
            ("Fenwick Logistics Ltd", (20, 80, 140)),
            ("Oakridge Primary Academy Trust", (30, 100, 60)),
            ("Blue Heron Software Ltd", (10, 110, 140)),
        )
    )
    town, area, districts, _, tel_prefix = r.choice(_TOWNS)
    s = _Sheet(_A4)
    L, R = 70, 930
    s.text((L, 96), employer, "sans-bold", 26, colour)
    s.text((L, 124), f"Unit {r.randint(1, 30)}, {r.choice(_STREETS)}, {town} "
           f"{postcode(r, area, districts)}", "sans", 15, _GREY, tags=("postcode",))  # fmt: skip
    s.text((R, 100), "PAYSLIP", "sans-bold", 40, _INK, "rs", tags=("document_words",))
    s.rule(L, R, 150, colour, 3)
    s.text((L + 20, 200), "PRIVATE & CONFIDENTIAL", "sans-bold", 14, _GREY)
    _address(s, L + 20, 232, p)

    pay_date = _some_day(r)
    pay_date = pay_date.replace(day=min(28, max(20, pay_date.day)))
    period = (pay_date.month - 4) % 12 + 1
    ni = ni_number(r)
    emp_no = f"{r.randint(1000, 99999):05d}"
    salary = r.choice((21500, 24800, 27300, 31200, 34600, 38900))
    basic = round(salary / 12, 2)
    overtime_h = r.choice((0, 0, 4, 6.5, 8, 12))
    ot_rate = round(salary / 1950 * 1.5, 2)
    overtime = round(overtime_h * ot_rate, 2)
    gross = basic + overtime
    code = r.choice(("1257L", "1257L", "1257L", "BR", "1185L"))
    allowance = {"1257L": 1047.50, "1185L": 987.50}.get(code, 0.0)
    tax = round(max(0.0, gross - allowance) * 0.20, 2)
    nic = round(max(0.0, gross - 1048.0) * 0.08, 2)
    pension = round(gross * 0.05, 2)
    loan = round(max(0.0, gross - 2372.50) * 0.09, 2) if r.random() < 0.4 else 0.0
    deductions = tax + nic + pension + loan
    net = gross - deductions

    # Employee details grid.
    gx0, gy0 = 520, 190
    grid = (
        ("Employee", f"{p.first} {p.last}", ()),
        ("Employee no.", emp_no, ()),
        ("NI number", ni, ("ni_number",)),
        ("Tax code", code, ("document_words",)),
        ("NI category", "A", ()),
        ("Pay date", short_date(pay_date), ("date",)),
        ("Tax period", f"Month {period}", ()),
        ("Payment method", "BACS", ()),
    )
    for i, (label, value, tags) in enumerate(grid):
        y = gy0 + i * 30
        if i % 2 == 0:
            s.rect((gx0, y, R, y + 30), fill=_tint(colour, 0.92))
        s.text((gx0 + 12, y + 21), label, "sans", 15, _GREY)
        s.text((gx0 + 170, y + 21), value, "sans-bold", 15, tags=tags)
    s.rect((gx0, gy0, R, gy0 + 30 * len(grid)), outline=_tint(colour, 0.5))

    y = 470
    mid = (L + R) / 2
    for x0, x1, title in ((L, mid - 10, "Payments"), (mid + 10, R, "Deductions")):
        s.rect((x0, y, x1, y + 34), fill=colour)
        s.text((x0 + 12, y + 24), title, "sans-bold", 17, (255, 255, 255))
        s.text((x1 - 12, y + 24), "Amount", "sans-bold", 15, (255, 255, 255), "rs")
    pays = [("Basic salary", money(basic))]
    if overtime:
        pays.append((f"Overtime {overtime_h:g} hrs @ {money(ot_rate)}", money(overtime)))
    deds = [("Income tax", money(tax)), ("National Insurance", money(nic)),
            ("Pension (5%)", money(pension))]  # fmt: skip
    if loan:
        deds.append(("Student loan (Plan 2)", money(loan)))
    yy = y + 64
    for i in range(max(len(pays), len(deds))):
        for (x0, x1), rows in (((L, mid - 10), pays), ((mid + 10, R), deds)):
            if i < len(rows):
                label, value = rows[i]
                _table_row(s, yy, ((x0 + 12, "ls", label), (x1 - 12, "rs", value)), size=17,
                           tags=((), ("money",)))  # fmt: skip
        yy += 32
    yy = max(yy, y + 64 + 4 * 32)
    for x0, x1, label, value in ((L, mid - 10, "Gross pay", gross),
                                 (mid + 10, R, "Total deductions", deductions)):  # fmt: skip
        s.rule(x0, x1, yy - 20, _GREY)
        _table_row(s, yy + 6, ((x0 + 12, "ls", label), (x1 - 12, "rs", money(value))),
                   "sans-bold", 17, tags=(("document_words",), ("money",)))  # fmt: skip
    yy += 50
    s.rect((mid + 10, yy, R, yy + 70), fill=_tint(colour, 0.85), radius=6)
    s.text((mid + 28, yy + 45), "NET PAY", "sans-bold", 22, _INK, tags=("document_words",))
    s.text((R - 20, yy + 47), money(net), "sans-bold", 30, colour, "rs", tags=("money",))
    yy += 130

    # Year to date.
    months = period
    s.text((L, yy), "Year to date", "sans-bold", 18, colour)
    yy += 14
    s.rule(L, R, yy, colour, 2)
    yy += 32
    ytd = (
        ("Taxable pay", gross * months * r.uniform(0.97, 1.0)),
        ("Tax paid", tax * months),
        ("Employee NI", nic * months),
        ("Pension", pension * months),
    )
    colw = (R - L) / 4
    for i, (label, value) in enumerate(ytd):
        x = L + i * colw
        s.text((x + 6, yy), label, "sans", 15, _GREY)
        s.text((x + 6, yy + 28), money(value), "sans-bold", 18, tags=("money",))
    yy += 90
    ref = f"{r.randint(100, 999)}/{r.choice('ABCDEFGHJK')}{r.choice('ABCDEFGHJK')}{r.randint(10000, 99999)}"
    s.text((L, yy), f"Employer PAYE reference {ref}", "sans", 15, _GREY)
    yy += 26
    s.text((L, yy), "Queries about your tax code should be made to HMRC, not to payroll.", "sans",
           15, _GREY, tags=("document_words",))  # fmt: skip
    yy += 50
    s.para(L, yy, R - L,
           "Your pension contributions are paid into the company workplace pension scheme. "
           "Please check this payslip and tell the payroll team about any errors within 14 days. "
           f"Payroll enquiries: {phone(r, tel_prefix)} or payroll@{employer.split()[0].lower()}"
           ".co.uk.", size=15, leading=1.45, fill=_GREY, tags=("phone", "email"))  # fmt: skip
    return _finish(s, seed, "sans", 17, folds=True)


def gp_letter(seed: int) -> RenderedDocument:
    """A letter from a GP surgery inviting a patient to an appointment.

    Args:
        seed: Picks the practice, patient, NHS number, dates and doctor.

    Returns:
        The rendered A4 sheet.
    """
    r = random.Random(f"gp_letter:{seed}")
    p = _person(r)
    practice = r.choice(("Riverside Medical Practice", "Elm Tree Surgery",
                         "Parkview Health Centre", "Millbrook Family Practice"))  # fmt: skip
    nhs_blue = (0, 94, 184)
    s = _Sheet(_A4, (250, 250, 248))
    L, R = 80, 920
    # NHS-style lozenge and the practice letterhead on the right.
    s.rect((R - 118, 52, R, 100), fill=nhs_blue)
    s.text((R - 59, 77), "NHS", "sans-bold", 36, (255, 255, 255), "mm", tags=("document_words",))
    y = 138
    s.text((R, y), practice, "sans-bold", 24, nhs_blue, "rs")
    street = f"{r.randint(1, 90)} {r.choice(_STREETS)}"
    pc = postcode(r, *next((a, d) for t, a, d, *_ in _TOWNS if t == p.town))
    tel = phone(r, p.phone_prefix)
    for line, tags in (
        (f"{street}, {p.lines[-1]}", ()),
        (f"{p.town} {pc}", ("postcode",)),
        (f"Tel: {tel}", ("phone",)),
        (f"Email: {practice.split()[0].lower()}.practice@nhs.net", ("email",)),
    ):
        y += 24
        s.text((R, y), line, "sans", 15, _GREY, "rs", tags=tags)
    doctors = r.sample(("Dr A. Shah", "Dr R. Mitchell", "Dr K. Owusu", "Dr L. Fraser",
                        "Dr H. Begum", "Dr P. Lindqvist", "Dr S. O'Neill"), 4)  # fmt: skip
    y += 30
    s.text((R, y), "  \u00b7  ".join(doctors), "sans", 13, _GREY, "rs")
    s.rule(L, R, y + 16, nhs_blue, 2)

    letter_date = _some_day(r)
    s.text((R, y + 58), long_date(letter_date), "sans", 17, _INK, "rs", tags=("date",))
    s.text((L, y + 58), "PRIVATE AND CONFIDENTIAL", "sans-bold", 15)
    yb = _address(s, L, y + 92, p, 17)

    dob = dt.date(r.randint(1950, 2004), r.randint(1, 12), r.randint(1, 28))
    nhs = nhs_number(r)
    y = yb + 10
    s.rect((L, y, R, y + 76), outline=(170, 185, 205), width=1, fill=(240, 244, 250))
    s.text((L + 16, y + 30), "Patient:", "sans-bold", 16)
    s.text((L + 100, y + 30), p.full, "sans", 16)
    s.text((L + 470, y + 30), "NHS number:", "sans-bold", 16, tags=("document_words",))
    s.text((L + 595, y + 30), nhs, "sans", 16, tags=("nhs_number",))
    s.text((L + 16, y + 60), "DOB:", "sans-bold", 16)
    s.text((L + 100, y + 60), dob.strftime("%d/%m/%Y"), "sans", 16, tags=("date_of_birth",))
    y += 124
    full_name = r.random() < 0.5
    name = f"{p.title} {p.first} {p.last}" if full_name else f"{p.title} {p.last}"
    s.text((L, y), f"Dear {name},", "sans", 17, tags=("salutation_name",))
    y += 36
    reason, follow = r.choice(
        (
            ("Blood test results", "your recent blood test results"),
            ("Medication review", "a review of your repeat prescription"),
            ("Asthma review", "your annual asthma review"),
            ("Blood pressure check", "a follow-up blood pressure check"),
        )
    )
    doctor = r.choice(doctors)
    s.text((L, y), f"Re: {reason} \u2013 appointment", "sans-bold", 17)
    y += 34
    y = s.para(L, y, R - L,
               f"{doctor} would like to see you to discuss {follow}. We have booked the "
               "following appointment for you at the surgery:", tags=("document_words",))  # fmt: skip
    appt = letter_date + dt.timedelta(days=r.randint(5, 16))
    hh, mm = r.randint(8, 16), r.choice((0, 10, 20, 30, 40, 50))
    y += 4
    s.rect((L + 30, y - 6, R - 30, y + 112), fill=(238, 243, 250), radius=6)
    for label, value, tags in (
        ("Date:", appt.strftime("%A ") + long_date(appt), ("date",)),
        ("Time:", f"{hh:02d}:{mm:02d}", ()),
        ("With:", f"{doctor} (GP)", ()),
        ("Where:", f"{practice}, Room {r.randint(1, 9)}", ()),
    ):
        y += 24
        s.text((L + 50, y), label, "sans-bold", 17)
        s.text((L + 150, y), value, "sans", 17, tags=tags)
    y += 48
    y = s.para(L, y, R - L,
               "Please arrive five minutes early and bring a list of any medicines you are "
               "taking, including anything bought from a pharmacy. If you cannot attend, please "
               f"call us on {tel} or cancel through the NHS App at least 24 hours before, so "
               "that the appointment can be offered to another patient.",
               tags=("phone", "document_words"))  # fmt: skip
    y += 8
    y = s.para(L, y, R - L,
               "If your symptoms get worse before your appointment, please contact the surgery "
               "or call NHS 111.", tags=("document_words",))  # fmt: skip
    y += 22
    s.text((L, y), "Yours sincerely,", "sans", 17)
    sig = doctor.split()[-1]
    s.text((L + 10, y + 62), f"{doctor.split()[1][0]} {sig}", "script", 44, (20, 40, 110))
    s.text((L, y + 104), doctor, "sans-bold", 17)
    s.text((L, y + 130), "GP Partner", "sans", 17)
    s.rule(L, R, 1330, (200, 200, 200))
    s.text(((L + R) / 2, 1356), f"{practice} is part of the {p.lines[-1]} Primary Care Network",
           "sans", 12, _GREY, "ms")  # fmt: skip
    return _finish(s, seed, "sans", 17, folds=True)


def receipt(seed: int) -> RenderedDocument:
    """A narrow thermal till receipt with items, VAT, total and a card payment.

    Args:
        seed: Picks the shop, items and time.

    Returns:
        The rendered receipt (about 80 mm wide at the A4 scale), with torn ends.
    """
    r = random.Random(f"receipt:{seed}")
    shop = r.choice(("GREENWAYS FOOD STORE", "BAKER & BROWN", "CORNER MART", "FRESHFIELD MARKET"))
    town, area, districts, local, tel_prefix = r.choice(_TOWNS)
    items_pool = (
        ("SEMI SKIMMED MILK 2PT", 1.45), ("WHOLEMEAL BREAD 800G", 1.25), ("FREE RANGE EGGS 6", 2.10),
        ("BANANAS LOOSE", 0.94), ("CHEDDAR MATURE 400G", 3.65), ("PASTA FUSILLI 500G", 0.95),
        ("CHOPPED TOMATOES", 0.55), ("ORANGE JUICE 1L", 1.85), ("BASMATI RICE 1KG", 2.39),
        ("TEABAGS 80S", 2.75), ("BROCCOLI", 0.79), ("CHICKEN THIGHS 1KG", 4.50),
        ("SPARKLING WATER", 0.65), ("DARK CHOCOLATE 100G", 1.60), ("WASHING UP LIQUID", 1.20),
        ("BIN BAGS 20PK", 2.00), ("APPLES 6PK", 1.99), ("GREEK YOGHURT 500G", 1.85),
    )  # fmt: skip
    n = r.randint(8, 13)
    items = r.sample(items_pool, n)
    lines_h = 34
    width = 460
    height = 520 + n * lines_h + 560
    s = _Sheet((width, height), (250, 250, 250))
    cx = width / 2
    y = 70
    s.text((cx, y), shop, "mono-bold", 28, _INK, "ms")
    y += 38
    for line, tags in (
        (f"{r.randint(1, 200)} {r.choice(_STREETS).upper()}", ()),
        (f"{local.upper()}, {town.upper()}", ()),
        (postcode(r, area, districts), ("postcode",)),
        (f"TEL {phone(r, tel_prefix)}", ("phone",)),
        (f"VAT NO GB {r.randint(100, 999)} {r.randint(1000, 9999)} {r.randint(10, 99)}",
         ("document_words",)),
    ):  # fmt: skip
        s.text((cx, y), line, "mono", 18, _INK, "ms", tags=tags)
        y += 26
    y += 12
    mono = font("mono", 18)
    cols = round((width - 40) / mono.getlength("0"))
    dash = "-" * cols
    s.text((20, y), dash, "mono", 18)
    y += 32
    total = 0.0
    for name, price in items:
        qty = 2 if r.random() < 0.15 else 1
        line_price = price * qty
        label = f"{qty} x {name}" if qty > 1 else name
        s.text((20, y), label[: cols - 8], "mono", 18)
        s.text((width - 20, y), f"\u00a3{line_price:.2f}", "mono", 18, _INK, "rs", tags=("money",))
        total += line_price
        y += lines_h
    saving = round(r.choice((0.0, 0.0, 0.50, 1.00)), 2)
    if saving:
        s.text((20, y), "MULTIBUY SAVING", "mono", 18)
        s.text((width - 20, y), f"-\u00a3{saving:.2f}", "mono", 18, _INK, "rs", tags=("money",))
        total -= saving
        y += lines_h
    s.text((20, y), dash, "mono", 18)
    y += 40
    s.text((20, y), f"{n} ITEMS", "mono", 18)
    y += 38
    s.text((20, y), "TOTAL", "mono-bold", 26)
    s.text((width - 20, y), f"\u00a3{total:.2f}", "mono-bold", 26, _INK, "rs", tags=("money",))
    y += 40
    card = r.choice(("VISA", "MASTERCARD", "DEBIT MASTERCARD"))
    s.text((20, y), f"{card} CONTACTLESS", "mono", 18)
    s.text((width - 20, y), f"\u00a3{total:.2f}", "mono", 18, _INK, "rs", tags=("money",))
    y += 28
    s.text((20, y), f"CARD ************{r.randint(1000, 9999)}", "mono", 18)
    y += 28
    s.text((20, y), "AUTH CODE " + f"{r.randint(100000, 999999)}", "mono", 18)
    y += 40
    standard = round(total * r.uniform(0.15, 0.45), 2)  # the share of items that carry VAT
    vat = round(standard / 6, 2)
    s.text((20, y), "VAT RATE      NET      VAT", "mono", 18, tags=("document_words",))
    y += 28
    s.text((20, y), f"A  20.0%  {standard - vat:7.2f}  {vat:7.2f}", "mono", 18)
    y += 28
    s.text((20, y), f"Z   0.0%  {total - standard:7.2f}     0.00", "mono", 18)
    y += 28
    s.text((20, y), dash, "mono", 18)
    y += 36
    when = _some_day(r)
    hh, mm = r.randint(8, 21), r.randint(0, 59)
    s.text((20, y), f"{when.strftime('%d/%m/%y')} {hh:02d}:{mm:02d}  ST {r.randint(100, 999)}"
           f"  OP {r.randint(10, 99)}  TR {r.randint(1000, 9999)}", "mono", 18,
           tags=("date",))  # fmt: skip
    y += 44
    s.text((cx, y), "THANK YOU FOR SHOPPING WITH US", "mono", 18, _INK, "ms")
    y += 28
    s.text((cx, y), "PLEASE KEEP YOUR RECEIPT", "mono", 18, _INK, "ms", tags=("document_words",))
    y += 40
    # Barcode of the transaction number.
    x = 60.0
    while x < width - 60:
        bw = r.choice((2, 2, 3, 4))
        s.draw.rectangle((x, y, x + bw - 1, y + 60), fill=_INK)
        x += bw + r.choice((2, 3, 4))
    height_used = round(y + 120)
    s.img = s.img.crop((0, 0, width, height_used))
    s.draw = ImageDraw.Draw(s.img)
    # Torn ends: a ragged zig-zag along the cut edges.
    alpha = np.ones((height_used, width), np.float32)
    xs = np.arange(width)
    top = 6 + 5 * np.abs(((xs / 9.0) % 2) - 1) + np.asarray([r.uniform(0, 2) for _ in xs])
    bot = (
        height_used
        - 6
        - 5 * np.abs(((xs / 11.0) % 2) - 1)
        - np.asarray([r.uniform(0, 2) for _ in xs])
    )
    yy = np.arange(height_used)[:, None]
    alpha = np.clip(np.minimum(yy - top[None, :], bot[None, :] - yy), 0.0, 1.0).astype(np.float32)
    return _finish(s, seed, "mono", 18, alpha=alpha)


def council_tax_bill(seed: int) -> RenderedDocument:
    """A council tax demand: council header, band, charges, discount and instalments.

    Args:
        seed: Picks the council, taxpayer, band and amounts.

    Returns:
        The rendered A4 sheet.
    """
    r = random.Random(f"council_tax_bill:{seed}")
    p = _person(r)
    council = r.choice(("Westmere Borough Council", "Ashford Vale District Council",
                        "Kingsbridge City Council", "Harrowfield Metropolitan Borough Council"))  # fmt: skip
    colour = r.choice(((0, 84, 110), (110, 20, 60), (30, 70, 40), (50, 50, 120)))
    s = _Sheet(_A4)
    L, R = 70, 930
    # A simple crest: a shield with a chevron, beside the council name.
    shield = [(L, 60), (L + 70, 60), (L + 70, 110), (L + 35, 140), (L, 110)]
    s.draw.polygon(shield, fill=colour)
    s.draw.polygon([(L + 10, 108), (L + 35, 82), (L + 60, 108), (L + 60, 96), (L + 35, 70),
                    (L + 10, 96)], fill=(230, 200, 90))  # fmt: skip
    words = council.split()
    s.text((L + 88, 96), " ".join(words[:-1]), "serif-bold", 26, colour)
    s.text((L + 88, 124), words[-1], "serif", 20, colour)
    s.text((R, 96), "Council Tax Bill 2025/26", "sans-bold", 28, _INK, "rs",
           tags=("document_words",))  # fmt: skip
    issue = dt.date(2025, 3, r.randint(3, 14))
    ref = f"{r.randint(10000000, 99999999)}"
    y = 130
    for label, value, tags in (
        ("Date of issue", long_date(issue), ("date",)),
        ("Account reference", ref, ("document_words",)),
    ):
        s.text((R - 270, y), label, "sans", 15, _GREY)
        s.text((R, y), value, "sans-bold", 15, _INK, "rs", tags=tags)
        y += 24
    _address(s, L + 20, 250, p)

    band, ratio = r.choice((("A", 6 / 9), ("B", 7 / 9), ("C", 8 / 9), ("D", 1.0), ("E", 11 / 9)))
    parts = (
        (council, r.uniform(1550, 1760)),
        ("Adult social care precept", r.uniform(190, 260)),
        ("Police and Crime Commissioner", r.uniform(240, 300)),
        ("Fire and Rescue Authority", r.uniform(80, 100)),
    )
    y = 470
    s.rect((L, y, R, y + 70), fill=_tint(colour, 0.9))
    s.text((L + 16, y + 30), "Property", "sans", 15, _GREY)
    s.text((L + 140, y + 30), f"{', '.join(p.lines)}, {p.town} {p.postcode}", "sans-bold", 16,
           tags=("postcode",))  # fmt: skip
    s.text((L + 16, y + 56), "Valuation band", "sans", 15, _GREY)
    s.text((L + 140, y + 56), f"Band {band}", "sans-bold", 16)
    y += 120
    s.text((L, y), "How your Council Tax is made up", "sans-bold", 20, colour,
           tags=("document_words",))  # fmt: skip
    y += 16
    s.rule(L, R, y, colour, 2)
    y += 34
    cols = (L + 8, R - 300, R - 150, R - 8)
    _table_row(s, y, ((cols[0], "ls", "Charge for"), (cols[1], "rs", "Band D"),
                      (cols[2], "rs", "Change"), (cols[3], "rs", f"Band {band}")),
               "sans-bold", 15, _GREY)  # fmt: skip
    total = 0.0
    for name, d_amt in parts:
        y += 32
        amt = round(d_amt * ratio, 2)
        total += amt
        _table_row(s, y, ((cols[0], "ls", name), (cols[1], "rs", money(d_amt)),
                          (cols[2], "rs", f"{r.uniform(2.9, 4.99):.2f}%"),
                          (cols[3], "rs", money(amt))), size=17,
                   tags=((), ("money",), (), ("money",)))  # fmt: skip
    y += 16
    s.rule(L, R, y, _GREY)
    y += 30
    _table_row(s, y, ((cols[0], "ls", "Annual charge"), (cols[3], "rs", money(total))),
               "sans-bold", 17, tags=((), ("money",)))  # fmt: skip
    single = r.random() < 0.45
    payable = total
    if single:
        y += 32
        disc = round(total * 0.25, 2)
        payable = total - disc
        _table_row(s, y, ((cols[0], "ls", "Less single person discount (25%)"),
                          (cols[3], "rs", money(-disc))), size=17,
                   tags=((), ("money",)))  # fmt: skip
    y += 24
    s.rect((L, y, R, y + 56), fill=colour)
    s.text((L + 16, y + 38), "Amount payable for 2025/26", "sans-bold", 20, (255, 255, 255),
           tags=("document_words",))  # fmt: skip
    s.text((R - 16, y + 39), money(payable), "sans-bold", 26, (255, 255, 255), "rs",
           tags=("money",))  # fmt: skip
    y += 100
    s.text((L, y), "Your instalments", "sans-bold", 20, colour)
    y += 16
    s.rule(L, R, y, colour, 2)
    inst = round(payable / 10, 2)
    first = round(payable - 9 * inst, 2)
    day = r.choice((1, 1, 15, 28))
    y0 = y + 34
    for i in range(10):
        d = dt.date(2025 + (3 + i) // 12, (3 + i) % 12 + 1, day)
        col, row = divmod(i, 5)
        x = L + 8 + col * (R - L) / 2
        yy = y0 + row * 30
        s.text((x, yy), long_date(d), "sans", 17, tags=("date",))
        s.text((x + 370, yy), money(first if i == 0 else inst), "sans", 17, _INK, "rs",
               tags=("money",))  # fmt: skip
    y = y0 + 5 * 30 + 30
    domain = council.split()[0].lower()
    y = s.para(L, y, R - L,
               "Pay by Direct Debit: it is the easiest way to pay and you can choose the 1st, "
               f"15th or 28th of the month. Set it up online at www.{domain}.gov.uk/counciltax "
               f"or call {phone(r, p.phone_prefix)}, Monday to Friday 9am to 5pm.",
               tags=("phone", "document_words"))  # fmt: skip
    y += 10
    s.para(L, y, R - L,
           "If you live alone, receive benefits or are a student you may be able to pay less. "
           "Please tell us within 21 days if anything on this bill is wrong.",
           size=15, fill=_GREY)  # fmt: skip
    return _finish(s, seed, "sans", 17, folds=True)


# ---------------------------------------------------------------------------------------------
# Text without personal data.
# ---------------------------------------------------------------------------------------------

_BOOKS = (
    ("Great Expectations", "Charles Dickens"), ("Pride and Prejudice", "Jane Austen"),
    ("The Time Machine", "H. G. Wells"), ("Jane Eyre", "Charlotte Bront\u00eb"),
    ("Middlemarch", "George Eliot"), ("Treasure Island", "R. L. Stevenson"),
    ("Little Women", "Louisa May Alcott"), ("Dracula", "Bram Stoker"),
    ("The Secret Garden", "F. H. Burnett"), ("Black Beauty", "Anna Sewell"),
    ("Wuthering Heights", "Emily Bront\u00eb"), ("Moby-Dick", "Herman Melville"),
    ("Collins English Dictionary", ""), ("A Brief History of Maps", "Oxford"),
    ("First Atlas of the World", ""), ("The Wind in the Willows", "Kenneth Grahame"),
)  # fmt: skip


def book_spines(seed: int) -> RenderedDocument:
    """A row of 5-8 book spines with titles and authors running down them.

    Args:
        seed: Picks the books, colours, widths and heights.

    Returns:
        The row, transparent above the shorter books.
    """
    r = random.Random(f"book_spines:{seed}")
    n = r.randint(5, 8)
    books = r.sample(_BOOKS, n)
    palette = ((120, 28, 32), (24, 52, 96), (30, 80, 50), (200, 190, 160), (30, 30, 34),
               (150, 90, 40), (90, 40, 90), (230, 225, 210), (40, 100, 120), (170, 40, 40))  # fmt: skip
    height = 640
    widths = [r.randint(64, 112) for _ in books]
    width = sum(widths) + 2 * (n - 1)
    img = Image.new("RGB", (width, height), (0, 0, 0))
    draw = ImageDraw.Draw(img)
    alpha = np.zeros((height, width), np.float32)
    title_size = 30
    x = 0
    fields: list[tuple[str, Box]] = []
    for (title, author), bw in zip(books, widths, strict=True):
        bh = r.randint(470, height)
        col = r.choice(palette)
        light = sum(col) > 450
        ink = (
            (30, 30, 30) if light else r.choice(((235, 225, 200), (215, 180, 90), (245, 245, 245)))
        )
        y0 = height - bh
        draw.rectangle((x, y0, x + bw - 1, height), fill=col)
        # Rounded spine: darker towards both edges.
        for i in range(bw):
            k = 0.72 + 0.32 * math.sin(math.pi * (i + 0.5) / bw) ** 0.6
            c = tuple(min(255, round(v * k)) for v in col)
            draw.line((x + i, y0, x + i, height), fill=c)
        # Bands at head and tail, as printed on hardbacks.
        for fy in (y0 + 26, height - 40):
            draw.rectangle((x + 4, fy, x + bw - 5, fy + 4), fill=ink)
        # Title and author run top to bottom (British spines), so the text is turned -90 deg.
        size = title_size
        tf = font("serif-bold", size)
        while tf.getlength(title) > bh - 150 and size > 18:
            size -= 2
            tf = font("serif-bold", size)
        af = font("sans", 20)
        strip_w = round(bh - 60)
        room = strip_w - 60 - (af.getlength(author.split()[-1].upper()) + 30 if author else 0)
        while tf.getlength(title) > room and size > 16:
            size -= 2
            tf = font("serif-bold", size)
        strip = Image.new("RGBA", (strip_w, bw), (0, 0, 0, 0))
        sd = ImageDraw.Draw(strip)
        sd.text((24, bw / 2), title, font=tf, fill=ink, anchor="lm")
        if author:
            sd.text(
                (strip_w - 24, bw / 2), author.split()[-1].upper(), font=af, fill=ink, anchor="rm"
            )
        rot = strip.rotate(-90, expand=True)
        img.paste(rot, (x, y0 + 40), rot)
        tl = tf.getlength(title)
        fields.append(
            ("text", (x + bw / 2 - size / 2, y0 + 64, x + bw / 2 + size / 2, y0 + 64 + tl))
        )
        alpha[y0:, x : x + bw] = 1.0
        x += bw + 2
    alpha[:, :] = cv2.GaussianBlur(alpha, (0, 0), 0.6)
    s = _Sheet((width, height))
    s.img = img
    doc = _finish(s, seed, "serif-bold", title_size, alpha=alpha)
    # Titles are the readable text here; they carry no personal data, so no categories.
    return RenderedDocument(doc.image_bgr, frozenset(), doc.x_height_px, (), alpha)


def poster(seed: int) -> RenderedDocument:
    """A school-style poster: a big title, a subtitle, a picture and one line of text.

    Args:
        seed: Picks the event, colours and shapes.

    Returns:
        The rendered A3-proportioned poster; it carries no personal data.
    """
    r = random.Random(f"poster:{seed}")
    title, sub, body = r.choice(
        (
            ("SCIENCE WEEK", "Explore \u00b7 Experiment \u00b7 Discover",
             "Try hands-on experiments in the library every lunchtime"),
            ("BOOK FAIR", "Find your next favourite story",
             "New books, old favourites and reading challenges for everyone"),
            ("CODE CLUB", "Make games, apps and robots",
             "Beginners welcome: no experience needed, just curiosity"),
            ("SPACE WEEK", "Planets \u00b7 Rockets \u00b7 Stars",
             "Build a rocket, find the planets and meet the night sky"),
            ("READ MORE", "Every book is an adventure",
             "Ask in the library about our reading club and book swaps"),
        )
    )  # fmt: skip
    # Background, title colour, subtitle colour, picture colours.
    bg, accent, ink, shapes = r.choice(
        (
            ((18, 42, 92), (255, 196, 40), (255, 255, 255), ((230, 90, 70), (90, 190, 230))),
            ((244, 240, 228), (200, 40, 60), (30, 30, 40), ((40, 120, 200), (250, 170, 30))),
            ((0, 105, 110), (255, 236, 120), (255, 255, 255), ((250, 130, 90), (160, 220, 120))),
            ((60, 24, 92), (120, 230, 200), (255, 255, 255), ((250, 200, 60), (240, 100, 140))),
        )
    )  # fmt: skip
    w, h = 800, 1130
    s = _Sheet((w, h), bg)
    size = 150
    words = title.split()
    while max(font("sans-bold", size).getlength(wd) for wd in words) > w - 110:
        size -= 6
    y = 70 + size
    for wd in words:
        s.text((w / 2, y), wd, "sans-bold", size, accent, "ms")
        y += size * 1.02
    sub_size = 40
    while font("sans-bold", sub_size).getlength(sub) > w - 90:
        sub_size -= 2
    s.text((w / 2, y + 16), sub, "sans-bold", sub_size, ink, "ms")
    # The picture: planets with rings and a scatter of stars, between the words and the panel.
    top, bottom = y + 60, 880
    for _ in range(r.randint(10, 18)):
        sx, sy = r.uniform(40, w - 40), r.uniform(top, bottom)
        rad = r.uniform(2, 5)
        s.draw.ellipse((sx - rad, sy - rad, sx + rad, sy + rad), fill=_tint(accent, 0.3))
    mid = (top + bottom) / 2
    span = bottom - top
    for i, c in enumerate(shapes):
        rad = span * r.uniform(0.22, 0.34) * (1.0 if i == 0 else 0.6)
        cx = w * (0.34 if i == 0 else 0.74) + r.uniform(-30, 30)
        cy = mid + r.uniform(-0.15, 0.15) * span
        s.draw.ellipse((cx - rad, cy - rad, cx + rad, cy + rad), fill=c)
        shade = tuple(round(v * 0.8) for v in c)
        s.draw.chord((cx - rad, cy - rad, cx + rad, cy + rad), 20, 200, fill=shade)
        if i == 0:
            s.draw.ellipse((cx - 1.7 * rad, cy - 0.35 * rad, cx + 1.7 * rad, cy + 0.35 * rad),
                           outline=_tint(accent, 0.2), width=7)  # fmt: skip
    s.rect((40, 900, w - 40, h - 40), fill=(250, 250, 246), radius=18)
    # Big enough to read across a classroom: about 9 mm lower-case letters on A3.
    body_size = 44
    lines = wrap(body, font("sans", body_size), w - 130)
    yb = 900 + (h - 40 - 900) / 2 - (len(lines) - 1) * body_size * 0.65 + body_size * 0.35
    for line in lines:
        s.text((w / 2, yb), line, "sans", body_size, (30, 30, 40), "ms")
        yb += body_size * 1.3
    doc = _finish(s, seed, "sans", body_size)
    return RenderedDocument(doc.image_bgr, frozenset(), doc.x_height_px, (), None)


_NOTES = (
    ("Spellings", ("necessary", "separate", "because", "beautiful", "rhythm", "library")),
    ("Science - plants", ("roots take in water", "leaves need light", "the stem carries water",
                          "flowers make seeds")),
    ("Things to bring", ("pencil case", "reading book", "water bottle", "PE kit")),
    ("Story ideas", ("a dragon who is afraid of the dark", "the lost key", "a secret door",
                     "the last day of summer")),
    ("Adjectives", ("enormous", "gloomy", "sparkling", "ancient", "fierce")),
)  # fmt: skip


def notebook(seed: int) -> RenderedDocument:
    """A lined ring-binder page with two short handwritten lists; no personal data.

    Args:
        seed: Picks the notes and the wobble of the handwriting.

    Returns:
        The rendered page (A5 proportions).
    """
    r = random.Random(f"notebook:{seed}")
    w, h = 720, 1000
    s = _Sheet((w, h), (250, 250, 246))
    pitch = 56
    first_line = 150
    for y in range(first_line, h - 30, pitch):
        s.rule(0, w, y, (150, 185, 225), 2)
    s.draw.line([(96, 0), (96, h)], fill=(225, 120, 130), width=2)
    # Punched holes at the left edge of a ring-binder sheet.
    for y in (h * 0.2, h * 0.5, h * 0.8):
        s.draw.ellipse((20, y - 14, 48, y + 14), fill=(60, 60, 60))
    ink = r.choice(((25, 40, 120), (30, 30, 40)))
    size = 46
    rows: list[str] = []
    for heading, lines in r.sample(_NOTES, 2):
        rows += [heading, *r.sample(lines, min(len(lines), 4)), ""]
    slant = r.uniform(-2.5, 1.0)
    for i, text in enumerate(rows):
        base = first_line + pitch * i - 7
        if base > h - 40:
            break
        # Written on the lines, a little uneven: per-word jitter of baseline, size and angle.
        x = 118.0 + r.uniform(-6, 10)
        heading = i == 0 or (i > 0 and rows[i - 1] == "")
        for word in text.split():
            wsize = size + r.randint(-3, 3)
            f = font("script", wsize)
            wl = f.getlength(word)
            tile = Image.new("L", (round(wl) + 30, wsize * 2), 0)
            ImageDraw.Draw(tile).text((10, wsize * 1.4), word, font=f, fill=255, anchor="ls")
            angle = slant + r.uniform(-2, 2)
            tile = tile.rotate(angle, resample=Image.Resampling.BICUBIC)
            ink_img = Image.new("RGB", tile.size, ink)
            dy = r.uniform(-3, 3)
            s.img.paste(ink_img, (round(x) - 10, round(base - wsize * 1.4 + dy)), tile)
            x += wl + f.getlength(" ") * r.uniform(0.9, 1.4)
        if heading and text:
            s.draw.line([(118, base + 9), (x - 12, base + 11)], fill=ink, width=3)
    doc = _finish(s, seed, "script", size)
    return RenderedDocument(doc.image_bgr, frozenset(), doc.x_height_px, (), None)


_RENDERERS: dict[str, Callable[[int], RenderedDocument]] = {
    "utility_bill": utility_bill,
    "bank_statement": bank_statement,
    "payslip": payslip,
    "gp_letter": gp_letter,
    "receipt": receipt,
    "council_tax_bill": council_tax_bill,
    "book_spines": book_spines,
    "poster": poster,
    "notebook": notebook,
}


@functools.lru_cache(maxsize=32)
def render_document(variant: str, seed: int = 0) -> RenderedDocument:
    """Render one document variant (cached; the arrays are read-only).

    Args:
        variant: One of :data:`VARIANTS`.
        seed: Varies names, addresses, amounts and dates.

    Returns:
        The rendered document.

    Raises:
        ValueError: For an unknown variant.
    """
    if variant not in _RENDERERS:
        raise ValueError(f"unknown document {variant!r}; use one of {VARIANTS}")
    doc = _RENDERERS[variant](seed)
    doc.image_bgr.setflags(write=False)
    if doc.alpha is not None:
        doc.alpha.setflags(write=False)
    return doc
