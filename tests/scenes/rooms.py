"""Painted room backgrounds (walls, furniture, desk) textured with real photographs."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from tests.scenes.photos import brick_wall_texture, load_bgr, load_gray_texture

N_ROOMS = 5

Colour = Sequence[float] | np.ndarray  # BGR, 0..255


@dataclass(frozen=True)
class RoomGeometry:
    """Horizontal lines of a room layout, in frame pixels.

    Attributes:
        back_top: Top of the full-width back furniture that hides far people's lower bodies.
        floor_y: Where the back furniture meets the floor.
        desk_top: Far edge of the desk in the foreground; everything below is desk.
    """

    back_top: float
    floor_y: float
    desk_top: float


# Fractions of the frame height; tuned by eye so the main person sits low-centre with the desk
# cutting the chest, and far people show head and shoulders above the furniture.
_ROOM_LINES: tuple[tuple[float, float, float], ...] = (
    (0.62, 0.80, 0.885),
    (0.60, 0.79, 0.87),
    (0.64, 0.78, 0.90),
    (0.61, 0.80, 0.875),
    (0.65, 0.81, 0.89),
)


def room_geometry(room: int, size_wh: tuple[int, int] = (1280, 720)) -> RoomGeometry:
    """Return the furniture lines of a room variant.

    Args:
        room: Room variant index.
        size_wh: Frame size.

    Returns:
        The room's horizontal lines in frame pixels.
    """
    b, f, d = _ROOM_LINES[room % N_ROOMS]
    h = size_wh[1]
    return RoomGeometry(back_top=b * h, floor_y=f * h, desk_top=d * h)


# ---------------------------------------------------------------------------------------------
# Room painting. Everything is float32 BGR in 0..255 on a canvas larger than the frame.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomLayers:
    """A painted room on a canvas ``margin`` larger than the frame on every side.

    People are drawn straight onto ``image`` with their matte multiplied by ``see_far`` or
    ``see_near``, which is equivalent to drawing them before the furniture/desk in front of
    them, at the cost of one blend per person instead of re-compositing those layers.

    Attributes:
        image: The whole room, float32 BGR.
        image_bare: The room without the desk (camera on a stand, nothing in front).
        furniture_alpha: Matte of the back furniture and the floor in front of it (a band).
        furniture_y0: Canvas row of ``furniture_alpha[0]``.
        desk_alpha: Matte of the desk and what lies on it (a band).
        desk_y0: Canvas row of ``desk_alpha[0]``.
        see_far: Where someone standing behind the furniture shows through (1) or not (0).
        see_near: The same for someone sitting at the desk.
        see_far_bare: ``see_far`` without the desk.
    """

    image: np.ndarray
    image_bare: np.ndarray
    furniture_alpha: np.ndarray
    furniture_y0: int
    desk_alpha: np.ndarray
    desk_y0: int
    see_far: np.ndarray
    see_near: np.ndarray
    see_far_bare: np.ndarray


def _tile(
    tex: np.ndarray, w: int, h: int, scale: float, offset: tuple[int, int] = (0, 0)
) -> np.ndarray:
    """Resize a texture and mirror-tile it over ``w x h`` (mirroring hides tile seams)."""
    th = max(4, round(tex.shape[0] * scale))
    tw = max(4, round(tex.shape[1] * scale))
    t = cv2.resize(tex, (tw, th), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    ox, oy = offset
    reps_y = (h + oy) // th + 2
    reps_x = (w + ox) // tw + 2
    row = np.concatenate([t if i % 2 == 0 else t[:, ::-1] for i in range(reps_x)], axis=1)
    full = np.concatenate([row if j % 2 == 0 else row[::-1] for j in range(reps_y)], axis=0)
    return np.ascontiguousarray(full[oy : oy + h, ox : ox + w])


def _streaks(w: int, h: int, period: float, horizontal: bool, seed: int) -> np.ndarray:
    """Zero-mean unit-std streaks (wood grain, fabric folds) made from the gravel photo."""
    g = load_gray_texture("gravel")
    rng = np.random.default_rng(seed)
    y0, x0 = (int(v) for v in rng.integers(0, 256, size=2))
    patch = g[y0 : y0 + 256, x0 : x0 + 256]
    if horizontal:
        small = cv2.resize(patch, (12, max(4, round(h / period * 3))), interpolation=cv2.INTER_AREA)
    else:
        small = cv2.resize(patch, (max(4, round(w / period * 3)), 12), interpolation=cv2.INTER_AREA)
    out = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    if horizontal:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        bend = 1.2 * np.sin(xx / 170.0 + yy / 300.0) + 0.5 * np.sin(xx / 67.0)
        out = cv2.remap(out, xx, yy + bend, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    out -= float(out.mean())
    return out / (float(out.std()) + 1e-6)


class _Painter:
    """Draws room elements on a canvas given in frame coordinates (offset by the margin)."""

    def __init__(self, size_wh: tuple[int, int], margin: int, seed: int) -> None:
        """Create an empty canvas.

        Args:
            size_wh: Frame size.
            margin: Extra border on each side for camera motion.
            seed: Seeds random details of the layout (book colours, texture offsets).
        """
        self.w, self.h = size_wh
        self.m = margin
        self.u = self.h / 720.0
        self.cw = self.w + 2 * margin
        self.ch = self.h + 2 * margin
        self.rng = np.random.default_rng(seed)
        self.img = np.zeros((self.ch, self.cw, 3), np.float32)
        self._seed = seed

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        """Frame-coordinate rectangle to clipped integer canvas bounds."""
        m = self.m
        return (
            max(0, round(x0 + m)),
            max(0, round(y0 + m)),
            min(self.cw, round(x1 + m)),
            min(self.ch, round(y1 + m)),
        )

    def next_seed(self) -> int:
        """A fresh deterministic seed for a texture."""
        return int(self.rng.integers(0, 2**31 - 1))

    def fill(
        self,
        rect: tuple[float, float, float, float],
        colour: Colour,
        tex: str | None = None,
        tex_amp: float = 0.0,
        tex_scale: float = 1.0,
        vgrad: tuple[float, float] = (1.0, 1.0),
        hgrad: tuple[float, float] = (1.0, 1.0),
        target: np.ndarray | None = None,
    ) -> None:
        """Paint a rectangle with a colour, an optional real texture and lighting gradients."""
        img = self.img if target is None else target
        x0, y0, x1, y1 = self.box(*rect)
        if x1 <= x0 or y1 <= y0:
            return
        w, h = x1 - x0, y1 - y0
        val = np.ones((h, w), np.float32)
        if tex is not None and tex_amp > 0:
            ox, oy = (int(v) for v in self.rng.integers(0, 200, size=2))
            off = (ox, oy)
            val += tex_amp * _tile(load_gray_texture(tex), w, h, tex_scale * self.u, off)
        vg = np.linspace(vgrad[0], vgrad[1], h, dtype=np.float32)[:, None]
        hg = np.linspace(hgrad[0], hgrad[1], w, dtype=np.float32)[None, :]
        img[y0:y1, x0:x1] = np.asarray(colour, np.float32) * (val * vg * hg)[:, :, None]

    def wood(
        self,
        rect: tuple[float, float, float, float],
        colour: Colour,
        horizontal: bool = True,
        planks: float = 0.0,
        amp: float = 0.12,
        target: np.ndarray | None = None,
        vgrad: tuple[float, float] = (1.0, 1.0),
    ) -> None:
        """Paint wood: grain streaks plus optional plank seams every ``planks`` pixels."""
        img = self.img if target is None else target
        x0, y0, x1, y1 = self.box(*rect)
        if x1 <= x0 or y1 <= y0:
            return
        w, h = x1 - x0, y1 - y0
        grain = _streaks(w, h, 9.0 * self.u, horizontal, self.next_seed())
        fine = _tile(load_gray_texture("gravel"), w, h, 0.5 * self.u)
        val = 1.0 + amp * grain + 0.025 * fine
        if planks > 0:
            n = np.arange(h if horizontal else w, dtype=np.float32)
            seam = 1.0 - 0.35 * np.exp(-(((n % planks) - 0.5) ** 2) / 1.2)
            # Planks differ a little in tone, as real boards do.
            tone = 1.0 + 0.06 * self.rng.standard_normal(int(len(n) // planks) + 2)
            seam = seam * tone[(n // planks).astype(int)].astype(np.float32)
            val *= seam[:, None] if horizontal else seam[None, :]
        vg = np.linspace(vgrad[0], vgrad[1], h, dtype=np.float32)[:, None]
        img[y0:y1, x0:x1] = np.asarray(colour, np.float32) * (val * vg)[:, :, None]

    def shade(
        self,
        rect: tuple[float, float, float, float],
        strength: float,
        blur: float,
        target: np.ndarray | None = None,
    ) -> None:
        """Darken softly around a rectangle (contact or drop shadow)."""
        img = self.img if target is None else target
        x0, y0, x1, y1 = self.box(*rect)
        if x1 <= x0 or y1 <= y0:
            return
        pad = int(3 * blur) + 1
        X0, Y0 = max(0, x0 - pad), max(0, y0 - pad)
        X1, Y1 = min(self.cw, x1 + pad), min(self.ch, y1 + pad)
        mask = np.zeros((Y1 - Y0, X1 - X0), np.float32)
        mask[y0 - Y0 : y1 - Y0, x0 - X0 : x1 - X0] = 1.0
        mask = cv2.GaussianBlur(mask, (0, 0), blur)
        img[Y0:Y1, X0:X1] *= (1.0 - strength * mask)[:, :, None]

    def line(
        self,
        p0: tuple[float, float],
        p1: tuple[float, float],
        colour: Colour,
        width: float,
        target: np.ndarray | None = None,
    ) -> None:
        """Anti-aliased line in frame coordinates."""
        img = self.img if target is None else target
        m = self.m
        cv2.line(
            img,
            (round(p0[0] + m), round(p0[1] + m)),
            (round(p1[0] + m), round(p1[1] + m)),
            tuple(float(c) for c in colour),
            max(1, round(width)),
            cv2.LINE_AA,
        )

    def picture(
        self,
        photo: str,
        rect: tuple[float, float, float, float],
        frame_colour: Colour,
        frame_w: float,
        mat_w: float = 0.0,
    ) -> None:
        """A framed photograph with a passe-partout, a drop shadow and a faint glass sheen."""
        x0, y0, x1, y1 = rect
        u = self.u
        self.shade((x0 + 5 * u, y0 + 8 * u, x1 + 5 * u, y1 + 8 * u), 0.35, 7 * u)
        self.wood(rect, frame_colour, horizontal=True, amp=0.08)
        # Bevel: light top-left, dark bottom-right edges of the moulding.
        self.line((x0, y0), (x1, y0), np.asarray(frame_colour) * 1.35, 2 * u)
        self.line((x0, y1), (x1, y1), np.asarray(frame_colour) * 0.55, 2 * u)
        ix0, iy0, ix1, iy1 = x0 + frame_w, y0 + frame_w, x1 - frame_w, y1 - frame_w
        if mat_w > 0:
            self.fill((ix0, iy0, ix1, iy1), (228, 232, 235), "gravel", 0.015, 0.4)
            self.shade((ix0, iy0, ix1, iy0 + 2 * u), 0.25, 2 * u)
            ix0, iy0, ix1, iy1 = ix0 + mat_w, iy0 + mat_w, ix1 - mat_w, iy1 - mat_w
        bx0, by0, bx1, by1 = self.box(ix0, iy0, ix1, iy1)
        src = load_bgr(photo).astype(np.float32)
        tw, th = bx1 - bx0, by1 - by0
        sh, sw = src.shape[:2]
        # Cover-crop to keep the photo's aspect ratio.
        s = max(tw / sw, th / sh)
        cw, chh = tw / s, th / s
        cx0, cy0 = (sw - cw) / 2, (sh - chh) / 2
        crop = src[int(cy0) : int(cy0 + chh), int(cx0) : int(cx0 + cw)]
        pic = cv2.resize(crop, (tw, th), interpolation=cv2.INTER_AREA)
        sheen = np.linspace(1.08, 0.97, tw, dtype=np.float32)[None, :, None]
        self.img[by0:by1, bx0:bx1] = pic * sheen
        self.shade((ix0, iy0, ix1, iy0 + 1), 0.3, 2 * u)

    def books(self, x0: float, x1: float, y_base: float, max_h: float) -> None:
        """A row of book spines standing on a shelf at ``y_base``."""
        palette = (
            (40, 40, 130), (110, 60, 30), (40, 90, 50), (150, 170, 190), (30, 30, 35),
            (60, 110, 160), (120, 120, 120), (90, 40, 90), (170, 190, 200), (40, 70, 120),
        )  # fmt: skip
        u = self.u
        x = x0
        while x < x1 - 8 * u:
            bw = float(self.rng.uniform(9, 26)) * u
            if self.rng.random() < 0.08:
                x += bw * 0.6
                continue
            bh = float(self.rng.uniform(0.62, 1.0)) * max_h
            col = np.asarray(palette[int(self.rng.integers(len(palette)))], np.float32)
            col *= float(self.rng.uniform(0.8, 1.15))
            xe = min(x + bw, x1)
            bx0, by0, bx1, by1 = self.box(x, y_base - bh, xe, y_base)
            if bx1 > bx0 and by1 > by0:
                w = bx1 - bx0
                # Rounded spine: darker towards both edges.
                prof = 0.72 + 0.34 * np.sin(np.linspace(0.15, math.pi - 0.15, w)) ** 0.6
                tex = _tile(load_gray_texture("gravel"), w, by1 - by0, 0.3 * u)
                val = prof[None, :].astype(np.float32) * (1.0 + 0.04 * tex)
                spine = col * val[:, :, None]
                # Title band and a couple of thin rules, lighter than the cover.
                for frac, hh in ((0.18, 0.12), (0.72, 0.03), (0.78, 0.03)):
                    ty0 = int((by1 - by0) * frac)
                    ty1 = ty0 + max(1, int((by1 - by0) * hh))
                    spine[ty0:ty1] = spine[ty0:ty1] * 0.55 + 0.45 * np.asarray((190, 205, 215))
                self.img[by0:by1, bx0:bx1] = spine
                self.line((xe, y_base - bh), (xe, y_base), (20, 20, 20), 1)
            x = xe + float(self.rng.uniform(0, 2)) * u

    def shelf(self, x0: float, x1: float, y: float, colour: Colour) -> None:
        """A wall shelf board with books and the shadow it casts."""
        u = self.u
        self.shade((x0, y, x1, y + 16 * u), 0.45, 9 * u)
        self.books(x0 + 6 * u, x1 - 30 * u, y, 95 * u)
        self.wood((x0, y, x1, y + 14 * u), colour, amp=0.1)
        self.line((x0, y), (x1, y), np.asarray(colour) * 1.3, 1.5 * u)

    def door(self, x0: float, y0: float, x1: float, y1: float, slab: Colour) -> None:
        """A panelled door in a painted casing."""
        u = self.u
        cas = 16 * u
        self.shade((x0 - cas, y0 - cas, x1 + cas, y1), 0.25, 6 * u)
        self.fill((x0 - cas, y0 - cas, x1 + cas, y1), (222, 228, 232), "gravel", 0.02, 0.4)
        self.fill((x0, y0, x1, y1), slab, "gravel", 0.02, 0.5, vgrad=(1.02, 0.95))
        self.shade((x0, y0, x1, y0 + 3 * u), 0.35, 3 * u)
        pw = (x1 - x0 - 3 * 18 * u) / 2
        for col in range(2):
            for row, (fy0, fy1) in enumerate(((0.08, 0.42), (0.5, 0.94))):
                px0 = x0 + 18 * u + col * (pw + 18 * u)
                py0 = y0 + fy0 * (y1 - y0)
                py1 = y0 + fy1 * (y1 - y0)
                self.line((px0, py0), (px0 + pw, py0), np.asarray(slab) * 0.62, 2 * u)
                self.line((px0, py0), (px0, py1), np.asarray(slab) * 0.7, 2 * u)
                self.line((px0, py1), (px0 + pw, py1), np.asarray(slab) * 1.12, 2 * u)
                self.line((px0 + pw, py0), (px0 + pw, py1), np.asarray(slab) * 1.08, 2 * u)
                del row
        m = self.m
        knob = (round(x1 - 22 * u + m), round(y0 + 0.52 * (y1 - y0) + m))
        cv2.circle(self.img, knob, max(2, round(6 * u)), (70, 140, 170), -1, cv2.LINE_AA)
        cv2.circle(self.img, knob, max(1, round(3 * u)), (150, 200, 220), -1, cv2.LINE_AA)


def _wall_gradient(p: _Painter, strength: float, light_from_left: bool) -> None:
    """Light falls off across the wall from a window or lamp on one side."""
    ramp = np.linspace(1.0 + strength, 1.0 - strength, p.cw, dtype=np.float32)
    if not light_from_left:
        ramp = ramp[::-1]
    vert = np.linspace(0.94, 1.04, p.ch, dtype=np.float32)
    p.img *= (vert[:, None] * ramp[None, :])[:, :, None]


# Per room: how strongly light falls off across the wall, and whether it comes from the left.
_WALL_LIGHT: tuple[tuple[float, bool], ...] = (
    (0.12, True),
    (0.1, False),
    (0.08, True),
    (0.1, False),
    (0.09, True),
)

# Per room: page centre as a fraction of the width, cup centre (or None), cup width in px at 720p.
_DESK_ITEMS: tuple[tuple[float, float | None, float], ...] = (
    (0.78, 0.12, 170),
    (0.22, 0.88, 130),
    (0.70, None, 0),
    (0.25, 0.80, 150),
    (0.84, 0.16, 120),
)

# Per room: what hangs on or stands against the wall, as fractions of the frame ``(x0, y0, x1,
# y1)``; ``None`` for a bottom edge means "down to the floor line". Mirrors ``_paint_room`` (with
# room for drop shadows) so that props can be hung where nothing else is.
_WALL_ITEMS: tuple[tuple[tuple[float, float, float, float | None], ...], ...] = (
    ((0.61, 0.09, 0.85, 0.46), (0.04, 0.15, 0.37, 0.33)),
    ((0.72, 0.03, 0.92, None), (0.09, 0.11, 0.31, 0.48), (0.33, 0.17, 0.45, 0.38)),
    ((0.05, 0.07, 0.53, 0.52), (0.59, 0.11, 0.73, 0.38), (0.77, 0.13, 0.96, 0.40)),
    ((0.04, 0.01, 0.24, None), (0.29, 0.09, 0.53, 0.42), (0.65, 0.13, 0.81, 0.36),
     (0.69, 0.32, 0.99, 0.49)),
    ((0.01, 0.0, 0.32, None), (0.39, 0.11, 0.55, 0.42), (0.65, 0.15, 0.87, 0.42)),
)  # fmt: skip


def wall_items(room: int, size_wh: tuple[int, int] = (1280, 720)) -> tuple[tuple[float, ...], ...]:
    """Boxes ``(x0, y0, x1, y1)`` in frame pixels of the pictures, shelves and doors on the wall.

    Args:
        room: Room variant.
        size_wh: Frame size.

    Returns:
        One box per item, drop shadows included.
    """
    w, h = size_wh
    floor = room_geometry(room, size_wh).floor_y
    return tuple(
        (x0 * w, y0 * h, x1 * w, floor if y1 is None else y1 * h)
        for x0, y0, x1, y1 in _WALL_ITEMS[room % N_ROOMS]
    )


def desk_items(room: int, size_wh: tuple[int, int] = (1280, 720)) -> tuple[tuple[float, ...], ...]:
    """Boxes in frame pixels of what stands on the desk (the cup), for placing props around it.

    Args:
        room: Room variant.
        size_wh: Frame size.

    Returns:
        Zero or one box.
    """
    w, h = size_wh
    u = h / 720.0
    _, cup_x, cup_w = _DESK_ITEMS[room % N_ROOMS]
    if cup_x is None:
        return ()
    half = cup_w * u / 2
    return ((cup_x * w - half, h - 0.9 * cup_w * u, cup_x * w + half, float(h)),)


@functools.lru_cache(maxsize=4)
def wall_light_map(room: int, size_wh: tuple[int, int], margin: int) -> np.ndarray:
    """The lighting gradient painted across the room's wall, as a canvas-sized gain map.

    Args:
        room: Room variant.
        size_wh: Frame size.
        margin: Canvas margin.

    Returns:
        Read-only ``(h + 2 margin, w + 2 margin)`` float32 gains around 1.
    """
    w, h = size_wh
    cw, ch = w + 2 * margin, h + 2 * margin
    strength, from_left = _WALL_LIGHT[room % N_ROOMS]
    ramp = np.linspace(1.0 + strength, 1.0 - strength, cw, dtype=np.float32)
    if not from_left:
        ramp = ramp[::-1]
    vert = np.linspace(0.94, 1.04, ch, dtype=np.float32)
    out = np.ascontiguousarray(vert[:, None] * ramp[None, :])
    out.setflags(write=False)
    return out


def _paint_room(room: int, size_wh: tuple[int, int], margin: int, page: bool = True) -> RoomLayers:
    """Paint one of the room variants (``page``: the printed page lying on the desk)."""
    p = _Painter(size_wh, margin, seed=1000 + room)
    g = room_geometry(room, size_wh)
    w, h, u = p.w, p.h, p.u
    m = margin
    full = (-m, -m, w + m, h + m)
    furn = np.zeros_like(p.img)
    furn_a = np.zeros(p.img.shape[:2], np.float32)
    desk = np.zeros_like(p.img)
    desk_a = np.zeros(p.img.shape[:2], np.float32)

    def solid(target_a: np.ndarray, rect: tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = p.box(*rect)
        target_a[y0:y1, x0:x1] = 1.0

    floor_rect = (-m, g.floor_y, w + m, h + m)
    if room == 0:
        # Whitewashed brick loft: the brick photo gives mortar lines and uneven bricks.
        bx0, by0, bx1, by1 = p.box(*full)
        br = _tile(brick_wall_texture(), bx1 - bx0, by1 - by0, 0.8 * u)
        t = np.clip((br - 95.0) / 90.0, 0.0, 1.0)[:, :, None]
        brick = np.asarray((75, 95, 150), np.float32)
        mortar = np.asarray((185, 200, 210), np.float32)
        p.img[by0:by1, bx0:bx1] = brick * (1 - t) + mortar * t
        p.picture("rocket", (0.62 * w, 0.10 * h, 0.84 * w, 0.44 * h), (40, 45, 50), 10 * u, 22 * u)
        p.shelf(0.05 * w, 0.36 * w, 0.30 * h, (60, 90, 130))
        p.wood(floor_rect, (70, 105, 150), planks=26 * u)
        side_col = (40, 62, 95)
        p.wood((-m, g.back_top, w + m, g.floor_y), side_col, target=furn, amp=0.18)
        for i, x in enumerate(np.arange(-m, w + m, 230 * u)):
            p.line(
                (x, g.back_top + 14 * u), (x, g.floor_y - 6 * u), (20, 30, 45), 2 * u, target=furn
            )
            hy = g.back_top + 0.45 * (g.floor_y - g.back_top)
            p.line((x + 100 * u, hy), (x + 130 * u, hy), (150, 170, 185), 4 * u, target=furn)
            del i
        p.wood((-m, g.back_top, w + m, g.back_top + 14 * u), (55, 85, 125), target=furn)
        solid(furn_a, (-m, g.back_top, w + m, g.floor_y))
        desk_col = (120, 160, 195)
    elif room == 1:
        # Painted study: plaster wall, a door, a cat picture and a sofa across the back.
        p.fill(full, (170, 195, 215), "gravel", 0.012, 1.2)
        p.door(0.74 * w, 0.06 * h, 0.90 * w, g.floor_y, (205, 212, 218))
        p.picture("chelsea", (0.10 * w, 0.12 * h, 0.30 * w, 0.46 * h), (30, 55, 85), 12 * u)
        p.picture("horse", (0.34 * w, 0.18 * h, 0.44 * w, 0.36 * h), (25, 25, 25), 6 * u, 10 * u)
        p.fill(floor_rect, (95, 105, 115), "gravel", 0.12, 0.35)
        fabric = (120, 105, 95)
        p.fill(
            (-m, g.back_top, w + m, g.floor_y),
            fabric,
            "gravel",
            0.08,
            0.25,
            target=furn,
            vgrad=(1.05, 0.8),
        )
        solid(furn_a, (-m, g.back_top + 20 * u, w + m, g.floor_y))
        # Back cushions with rounded tops; their seams are shadows.
        cw_ = 300 * u
        x0f = -m
        yy = np.arange(furn.shape[0], dtype=np.float32)[:, None] - m
        xx = np.arange(furn.shape[1], dtype=np.float32)[None, :] - m
        k = np.floor((xx - x0f) / cw_)
        local = (xx - x0f - k * cw_) / cw_
        top = g.back_top + 22 * u * (1 - np.sin(np.clip(local, 0, 1) * math.pi) ** 0.5)
        cushion = np.clip(yy - top + 1.0, 0.0, 1.0)
        furn_a[:] = np.maximum(furn_a, cushion * (yy < g.floor_y))
        seam = (
            1.0
            - 0.45 * np.exp(-((local - 0.0) ** 2) / 1e-4)
            - 0.45 * np.exp(-((local - 1.0) ** 2) / 1e-4)
        )
        roll = 1.0 - 0.25 * np.clip((yy - top) / (18 * u), 0, 1) * np.clip(
            1 - (yy - top - 18 * u) / (40 * u), 0, 1
        )
        furn *= (seam * roll)[:, :, None]
        seat = g.back_top + 0.62 * (g.floor_y - g.back_top)
        p.shade((-m, seat, w + m, seat + 4 * u), 0.4, 4 * u, target=furn)
        desk_col = (215, 215, 212)
    elif room == 2:
        # Classroom: two-tone wall, whiteboard with handwriting, row of desks at the back.
        p.fill(full, (200, 222, 225), "gravel", 0.02, 2.0)
        p.fill((-m, 0.42 * h, w + m, h + m), (150, 185, 170), "gravel", 0.03, 1.5)
        p.fill((-m, 0.41 * h, w + m, 0.43 * h), (100, 130, 140), vgrad=(1.2, 0.8))
        wb = (0.06 * w, 0.08 * h, 0.52 * w, 0.50 * h)
        p.shade((wb[0] + 4 * u, wb[1] + 6 * u, wb[2] + 4 * u, wb[3] + 6 * u), 0.3, 6 * u)
        p.fill(wb, (175, 178, 180), vgrad=(1.2, 0.85))
        inner = (wb[0] + 8 * u, wb[1] + 8 * u, wb[2] - 8 * u, wb[3] - 8 * u)
        bx0, by0, bx1, by1 = p.box(*inner)
        hand = load_bgr("text")[:, :, 0].astype(np.float32)
        hand = cv2.resize(hand, (bx1 - bx0, by1 - by0), interpolation=cv2.INTER_AREA)
        ink = np.clip((150.0 - hand) / 90.0, 0.0, 1.0)[:, :, None]
        board = (
            np.asarray((238, 240, 240), np.float32)
            * np.linspace(1.03, 0.94, bx1 - bx0)[None, :, None]
        )
        p.img[by0:by1, bx0:bx1] = board * (1 - ink) + np.asarray((120, 60, 40)) * ink
        p.picture("page", (0.60 * w, 0.12 * h, 0.72 * w, 0.36 * h), (235, 238, 240), 2 * u)
        p.picture("coffee", (0.78 * w, 0.14 * h, 0.95 * w, 0.38 * h), (35, 35, 40), 8 * u, 14 * u)
        p.fill(floor_rect, (140, 150, 150), "gravel", 0.06, 0.6)
        top_h = 16 * u
        p.fill(
            (-m, g.back_top, w + m, g.back_top + top_h),
            (170, 180, 185),
            "gravel",
            0.03,
            0.4,
            vgrad=(1.15, 0.85),
            target=furn,
        )
        p.fill(
            (-m, g.back_top + top_h, w + m, g.floor_y),
            (80, 95, 110),
            "gravel",
            0.05,
            0.5,
            vgrad=(0.8, 1.0),
            target=furn,
        )
        for x in np.arange(-m + 160 * u, w + m, 320 * u):
            p.line((x, g.back_top + top_h), (x, g.floor_y), (50, 58, 66), 3 * u, target=furn)
        solid(furn_a, (-m, g.back_top, w + m, g.floor_y))
        desk_col = (95, 130, 165)
    elif room == 3:
        # Living room / kitchen: grass-textured wallpaper, doorway, kitchen counter in the back.
        p.fill(full, (150, 185, 190), "grass", 0.06, 1.2)
        p.door(0.06 * w, 0.04 * h, 0.22 * w, g.floor_y, (60, 95, 140))
        p.picture(
            "motorcycle", (0.30 * w, 0.10 * h, 0.52 * w, 0.40 * h), (25, 25, 28), 9 * u, 18 * u
        )
        p.picture("coffee", (0.66 * w, 0.14 * h, 0.80 * w, 0.34 * h), (50, 80, 110), 8 * u)
        p.shelf(0.70 * w, 0.98 * w, 0.46 * h, (70, 100, 140))
        p.fill(floor_rect, (150, 160, 170), "gravel", 0.05, 1.0)
        for x in np.arange(-m, w + m, 120 * u):
            p.line((x, g.floor_y), (x, h + m), (110, 118, 126), 1.5 * u)
        slab = 18 * u
        p.fill(
            (-m, g.back_top, w + m, g.back_top + slab),
            (150, 155, 160),
            "gravel",
            0.12,
            0.35,
            vgrad=(1.25, 0.85),
            target=furn,
        )
        p.fill(
            (-m, g.back_top + slab, w + m, g.floor_y),
            (200, 210, 215),
            "gravel",
            0.02,
            0.5,
            target=furn,
            vgrad=(0.8, 1.0),
        )
        for x in np.arange(-m, w + m, 210 * u):
            p.line((x, g.back_top + slab), (x, g.floor_y), (120, 125, 130), 2 * u, target=furn)
            ky = g.back_top + slab + 22 * u
            p.line((x + 170 * u, ky), (x + 170 * u, ky + 40 * u), (70, 70, 70), 4 * u, target=furn)
        p.shade((-m, g.back_top + slab, w + m, g.back_top + slab + 3 * u), 0.35, 4 * u, target=furn)
        solid(furn_a, (-m, g.back_top, w + m, g.floor_y))
        desk_col = (50, 75, 105)
    else:
        # Open-plan office: blue-grey wall, bookcase, framed print, fabric cubicle partitions.
        p.fill(full, (175, 160, 140), "gravel", 0.02, 2.0)
        bc = (0.02 * w, 0.02 * h, 0.30 * w, g.back_top + 10 * u)
        p.shade((bc[0] + 6 * u, bc[1], bc[2] + 10 * u, bc[3]), 0.4, 8 * u)
        p.wood(bc, (45, 75, 110), horizontal=False, amp=0.1)
        p.fill(
            (bc[0] + 12 * u, bc[1] + 12 * u, bc[2] - 12 * u, bc[3]), (25, 38, 55), vgrad=(0.8, 1.0)
        )
        for y in np.linspace(bc[1] + 130 * u, bc[3] - 20 * u, 3):
            p.books(bc[0] + 14 * u, bc[2] - 14 * u, float(y), 105 * u)
            p.wood((bc[0] + 12 * u, y, bc[2] - 12 * u, y + 12 * u), (55, 90, 130), amp=0.08)
        p.picture(
            "rocket", (0.40 * w, 0.12 * h, 0.54 * w, 0.40 * h), (200, 205, 210), 6 * u, 16 * u
        )
        p.picture("chelsea", (0.66 * w, 0.16 * h, 0.86 * w, 0.40 * h), (30, 30, 30), 7 * u)
        p.fill(floor_rect, (90, 80, 75), "gravel", 0.1, 0.3)
        p.fill(
            (-m, g.back_top + 10 * u, w + m, g.floor_y),
            (140, 120, 105),
            "gravel",
            0.1,
            0.22,
            target=furn,
            vgrad=(1.0, 0.85),
        )
        p.fill(
            (-m, g.back_top, w + m, g.back_top + 10 * u),
            (190, 195, 200),
            vgrad=(1.3, 0.7),
            target=furn,
        )
        for x in np.arange(-m + 250 * u, w + m, 500 * u):
            p.fill(
                (x - 5 * u, g.back_top, x + 5 * u, g.floor_y),
                (170, 175, 180),
                hgrad=(1.2, 0.8),
                target=furn,
            )
        solid(furn_a, (-m, g.back_top, w + m, g.floor_y))
        desk_col = (60, 62, 66)

    # The furniture occludes the wall behind it; keep the back layer consistent underneath.
    fa = furn_a[:, :, None]
    p.img = p.img * (1 - fa) + furn * fa
    # The floor in front of the furniture also hides the legs of anyone standing behind it.
    solid(furn_a, (-m, g.floor_y, w + m, h + m))
    # Contact shadow where the furniture meets the floor.
    p.shade((-m, g.floor_y, w + m, g.floor_y + 6 * u), 0.35, 8 * u)
    _wall_gradient(p, *_WALL_LIGHT[room])

    # Desk in the foreground: grain, a bevelled far edge, and a few things lying on it.
    # Laminate desks (white, dark grey) have barely any grain.
    desk_amp = {1: 0.02, 4: 0.04}.get(room, 0.1)
    p.wood((-m, g.desk_top, w + m, h + m), desk_col, amp=desk_amp, target=desk, vgrad=(0.92, 1.08))
    p.line(
        (-m, g.desk_top + 1.5 * u),
        (w + m, g.desk_top + 1.5 * u),
        np.asarray(desk_col) * 1.25,
        2.5 * u,
        target=desk,
    )
    solid(desk_a, (-m, g.desk_top, w + m, h + m))
    _desk_items(p, room, g, desk, desk_a, page)
    desk_a = cv2.GaussianBlur(desk_a, (0, 0), 0.7)
    furn_a = cv2.GaussianBlur(furn_a, (0, 0), 0.7)

    da = desk_a[:, :, None]
    image = p.img * (1 - da) + desk * da
    fy0 = max(0, round(g.back_top + m - 30 * u))
    dy0 = max(0, round(g.desk_top + m - 90 * u))
    return RoomLayers(
        image=image.astype(np.float32),
        image_bare=p.img.astype(np.float32),
        furniture_alpha=np.ascontiguousarray(furn_a[fy0:]),
        furniture_y0=fy0,
        desk_alpha=np.ascontiguousarray(desk_a[dy0:]),
        desk_y0=dy0,
        see_far=((1.0 - furn_a) * (1.0 - desk_a)).astype(np.float32),
        see_near=(1.0 - desk_a).astype(np.float32),
        see_far_bare=(1.0 - furn_a).astype(np.float32),
    )


@functools.lru_cache(maxsize=1)
def _cup_cutout() -> tuple[np.ndarray, np.ndarray]:
    """The cup and saucer from the coffee photo with an elliptical feathered matte."""
    img = load_bgr("coffee").astype(np.float32)
    a = np.zeros(img.shape[:2], np.float32)
    cv2.ellipse(a, (262, 206), (212, 190), 0, 0, 360, 1.0, -1, cv2.LINE_AA)
    a = cv2.GaussianBlur(a, (0, 0), 2.0)
    return img[10:400, 40:490].copy(), a[10:400, 40:490].copy()


def _desk_items(
    p: _Painter,
    room: int,
    g: RoomGeometry,
    desk: np.ndarray,
    desk_a: np.ndarray,
    page: bool = True,
) -> None:
    """A printed page lying on the desk (unless ``page`` is off) and, in some rooms, a cup."""
    w, h, u, m = p.w, p.h, p.u, p.m
    page_x, cup_x, cup_w = _DESK_ITEMS[room % N_ROOMS]
    if page:
        _desk_page(p, g, desk, desk_a, page_x)
    if cup_x is None:
        return
    # A coffee cup standing on the desk.
    cup, ca = _cup_cutout()
    cw_ = round(cup_w * u)
    chh = round(cup.shape[0] * cw_ / cup.shape[1])
    cup = cv2.resize(cup, (cw_, chh), interpolation=cv2.INTER_AREA)
    ca = cv2.resize(ca, (cw_, chh), interpolation=cv2.INTER_AREA)
    x0 = round(w * cup_x - cw_ / 2 + m)
    y0 = round(h - chh + 20 * u + m)
    y1, x1 = min(desk.shape[0], y0 + chh), min(desk.shape[1], x0 + cw_)
    ca = ca[: y1 - y0, : x1 - x0]
    cup = cup[: y1 - y0, : x1 - x0]
    desk[y0:y1, x0:x1] = desk[y0:y1, x0:x1] * (1 - ca[:, :, None]) + cup * ca[:, :, None]
    desk_a[y0:y1, x0:x1] = np.maximum(desk_a[y0:y1, x0:x1], ca)


def _desk_page(
    p: _Painter, g: RoomGeometry, desk: np.ndarray, desk_a: np.ndarray, page_x: float
) -> None:
    """The scikit-image text page lying on the desk, in perspective."""
    w, h, u, m = p.w, p.h, p.u, p.m
    # Page in perspective: the desk plane recedes, so the far edge is narrower.
    page = load_bgr("page").astype(np.float32)
    page = page * 0.85 + 0.15 * 235
    cx = w * page_x
    near_y = h + 10 * u
    far_y = g.desk_top + 0.35 * (h - g.desk_top)
    half_near, half_far = 150 * u, 110 * u
    dst = np.array(
        [
            [cx - half_far + m, far_y + m],
            [cx + half_far + m, far_y + m],
            [cx + half_near + m, near_y + m],
            [cx - half_near + m, near_y + m],
        ],
        np.float32,
    )
    ph, pw = page.shape[:2]
    src = np.array([[0, 0], [pw, 0], [pw, ph * 0.5], [0, ph * 0.5]], np.float32)
    hmat = cv2.getPerspectiveTransform(src, dst)
    size = (desk.shape[1], desk.shape[0])
    warped = cv2.warpPerspective(page, hmat, size, flags=cv2.INTER_AREA)
    wa = cv2.warpPerspective(np.ones(page.shape[:2], np.float32), hmat, size)
    wa *= desk_a
    desk[:] = desk * (1 - wa[:, :, None]) + warped * wa[:, :, None]


@functools.lru_cache(maxsize=8)
def room_layers(room: int, size_wh: tuple[int, int], margin: int, page: bool = True) -> RoomLayers:
    """Paint a room variant onto a canvas ``margin`` larger than the frame on every side.

    Cached: painting takes a few hundred milliseconds and is reused across clips.

    Args:
        room: Room variant; taken modulo ``N_ROOMS``.
        size_wh: Frame size.
        margin: Canvas margin (for camera motion).
        page: Lay the printed scikit-image page on the desk.

    Returns:
        Read-only layers.
    """
    layers = _paint_room(room % N_ROOMS, size_wh, margin, page)
    for arr in (
        layers.image,
        layers.image_bare,
        layers.see_far_bare,
        layers.furniture_alpha,
        layers.desk_alpha,
        layers.see_far,
        layers.see_near,
    ):
        arr.setflags(write=False)
    return layers
