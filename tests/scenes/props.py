"""Props in a scene: paperwork, framed photos, TVs and posters, placed in perspective."""

from __future__ import annotations

import functools
import math
import zlib
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from tests.scenes.documents import VARIANTS, font, render_document, wrap, x_height_ratio
from tests.scenes.photos import load_bgr, load_gray_texture

PROP_KINDS: tuple[str, ...] = ("document", "framed_photo", "tv", "poster_person")
SURFACES: tuple[str, ...] = ("desk", "wall", "held")

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PropPhoto:
    """A photograph of a person usable on a prop (never a live person).

    Attributes:
        source: Name for :func:`~tests.scenes.photos.load_bgr`.
        face_box: Face box ``(x1, y1, x2, y2)`` (brow to chin) in the photo's pixels.
    """

    source: str
    face_box: Box


PROP_PHOTOS: dict[str, PropPhoto] = {
    "astronaut": PropPhoto("astronaut", (177.0, 82.0, 272.0, 177.0)),
    "grace_hopper": PropPhoto("grace_hopper", (171.0, 146.0, 365.0, 340.0)),
    # The cameraman looks into his camera in three-quarter view; the box is brow to chin.
    "cameraman": PropPhoto("camera", (176.0, 104.0, 262.0, 190.0)),
}


@dataclass(frozen=True)
class PropSpec:
    """One static object in the room.

    Attributes:
        kind: ``"document"``, ``"framed_photo"``, ``"tv"`` or ``"poster_person"``.
        variant: For documents a :data:`~tests.scenes.documents.VARIANTS` name; otherwise a
            key of :data:`PROP_PHOTOS` (the person pictured).
        center_xy: Centre of the prop in the 1280x720 frame at t=0.
        height_px: Height of the prop in the frame: the distance between the projected
            middles of its top and bottom edges (a TV's stand included).
        surface: ``"desk"``: documents lie flat on the desk (strong foreshortening, as seen by
            a laptop camera); other kinds stand on it leaning back a little; a TV stands on its
            stand on furniture behind the people. ``"wall"``: hung flat on the wall, nearly
            frontal. ``"held"``: propped up near the camera, facing it.
        rotation_deg: Turn of the prop: in its own plane for upright props, about the vertical
            for documents lying on the desk.
        seed: Varies the document's content and the prop's small random details (tilt,
            frame colour, lighting).
        in_front: Whether live people are drawn behind the prop. ``None``: props on the wall
            (and TVs on a stand) are behind people, everything else is in front of them.
    """

    kind: str
    variant: str
    center_xy: tuple[float, float]
    height_px: float
    surface: str = "desk"
    rotation_deg: float = 0.0
    seed: int = 0
    in_front: bool | None = None

    def __post_init__(self) -> None:
        """Reject specs that would silently render something else."""
        if self.kind not in PROP_KINDS:
            raise ValueError(f"unknown prop kind {self.kind!r}; use one of {PROP_KINDS}")
        if self.surface not in SURFACES:
            raise ValueError(f"unknown surface {self.surface!r}; use one of {SURFACES}")
        names = VARIANTS if self.kind == "document" else tuple(PROP_PHOTOS)
        if self.variant not in names:
            raise ValueError(f"unknown {self.kind} variant {self.variant!r}; use one of {names}")
        if not self.height_px > 0:
            raise ValueError("height_px must be positive")

    @property
    def front(self) -> bool:
        """Whether the prop is in front of live people."""
        if self.in_front is not None:
            return self.in_front
        if self.kind == "tv":
            return self.surface == "held"
        return self.surface != "wall"

    @property
    def lies_flat(self) -> bool:
        """A document lying on the desk (as opposed to standing or hanging upright)."""
        return self.kind == "document" and self.surface == "desk"


@dataclass(frozen=True)
class PropLabel:
    """Ground truth for one prop at frame 0.

    Attributes:
        kind: The prop kind.
        variant: The document variant or the pictured person.
        pii: Categories of personal data printed on the prop whose print lies in the frame at
            frame 0 (empty for photos and for text without personal data).
        box_xyxy: The prop's bounding box in the frame at frame 0 (after the camera's motion),
            clipped to the frame.
        text_x_height_px: Lower-case letter height of the body text in frame pixels, after the
            prop's scaling and foreshortening; 0 when there is no text.
        face_box_xyxy: The pictured face's box in the frame at frame 0, for photo props.
        surface: Where the prop is.
    """

    kind: str
    variant: str
    pii: frozenset[str]
    box_xyxy: Box
    text_x_height_px: float
    face_box_xyxy: Box | None = None
    surface: str = "desk"


# ---------------------------------------------------------------------------------------------
# Prop artwork in its own pixels.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Art:
    """A prop's image before placement.

    Attributes:
        bgr: ``(h, w, 3)`` float32 colours, premultiplied by ``alpha``.
        alpha: ``(h, w)`` float32 coverage.
        x_height: Body-text x height in art pixels (0: no text).
        text_xy: Where the body text is (evaluates the foreshortening there).
        fields: Printed personal data ``(category, box)`` in art pixels.
        face_box: Pictured face in art pixels, for photo props.
    """

    bgr: np.ndarray
    alpha: np.ndarray
    x_height: float
    text_xy: tuple[float, float]
    fields: tuple[tuple[str, Box], ...] = ()
    face_box: Box | None = None


def _rng(seed: int, *parts: str) -> np.random.Generator:
    """A generator for one purpose of one prop."""
    return np.random.default_rng([seed & 0xFFFFFFFF, *(zlib.crc32(p.encode()) for p in parts)])


def _readonly(art: Art) -> Art:
    art.bgr.setflags(write=False)
    art.alpha.setflags(write=False)
    return art


def _grain(w: int, h: int, rng: np.random.Generator, along_x: bool = True) -> np.ndarray:
    """Zero-mean streaky wood grain from the gravel photo, unit standard deviation."""
    g = load_gray_texture("gravel")
    y0, x0 = (int(v) for v in rng.integers(0, 200, size=2))
    patch = g[y0 : y0 + 256, x0 : x0 + 256]
    small = (
        cv2.resize(patch, (8, max(4, h // 3)), interpolation=cv2.INTER_AREA)
        if along_x
        else cv2.resize(patch, (max(4, w // 3), 8), interpolation=cv2.INTER_AREA)
    )
    out = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    out -= float(out.mean())
    return out / (float(out.std()) + 1e-6)


def _portrait_crop(photo: PropPhoto, faces_tall: float, aspect: float) -> tuple[np.ndarray, Box]:
    """Crop a photo around the face: ``faces_tall`` face heights tall, ``aspect`` = w / h.

    The face sits a little above the middle, as in a posed portrait. The crop is shifted (and
    if need be shrunk) to stay inside the photo.
    """
    src = load_bgr(photo.source)
    sh, sw = src.shape[:2]
    fx1, fy1, fx2, fy2 = photo.face_box
    fh = fy2 - fy1
    ch = min(float(sh), faces_tall * fh)
    cw = ch * aspect
    if cw > sw:
        cw = float(sw)
        ch = cw / aspect
    x0 = min(max(0.0, (fx1 + fx2) / 2 - cw / 2), sw - cw)
    y0 = min(max(0.0, (fy1 + fy2) / 2 - 0.42 * ch), sh - ch)
    xi, yi = round(x0), round(y0)
    crop = src[yi : yi + round(ch), xi : xi + round(cw)].astype(np.float32)
    return crop, (fx1 - xi, fy1 - yi, fx2 - xi, fy2 - yi)


def _document_art(variant: str, seed: int, pinned: bool) -> Art:
    """A rendered document; pinned to a wall it gets a drawing pin at the top."""
    doc = render_document(variant, seed)
    bgr = doc.image_bgr.astype(np.float32)
    h, w = bgr.shape[:2]
    alpha = np.ones((h, w), np.float32) if doc.alpha is None else doc.alpha.astype(np.float32)
    if pinned:
        r = max(6, round(0.018 * w))
        cx, cy = w // 2, round(0.025 * h) + r
        colour = tuple(float(c) for c in _rng(seed, "pin").choice([(40, 40, 200), (200, 90, 30)]))
        cv2.circle(bgr, (cx + r // 3, cy + r // 2), r, (120, 120, 120), -1, cv2.LINE_AA)
        cv2.circle(bgr, (cx, cy), r, colour, -1, cv2.LINE_AA)
        cv2.circle(
            bgr, (cx - r // 3, cy - r // 3), max(2, r // 3), (235, 235, 235), -1, cv2.LINE_AA
        )
    if doc.fields:
        xs = [(b[0] + b[2]) / 2 for _, b in doc.fields]
        ys = [(b[1] + b[3]) / 2 for _, b in doc.fields]
        text_xy = (float(np.median(xs)), float(np.median(ys)))
    else:
        text_xy = (w / 2, h / 2)
    return Art(
        bgr=bgr * alpha[:, :, None],
        alpha=alpha,
        x_height=doc.x_height_px,
        text_xy=text_xy,
        fields=tuple((c, b) for c, b in doc.fields if c != "text"),
    )


def _framed_photo_art(key: str, seed: int) -> Art:
    """A portrait in a wooden, black or white frame, with an optional mat and glass sheen."""
    rng = _rng(seed, "frame")
    photo = PROP_PHOTOS[key]
    crop, face = _portrait_crop(photo, float(rng.uniform(2.7, 3.4)), 0.8)
    ch, cw = crop.shape[:2]
    mould = round(0.075 * cw)
    mat = round(0.11 * cw) if rng.random() < 0.6 else 0
    pad = mould + mat
    h, w = ch + 2 * pad, cw + 2 * pad
    style = int(rng.integers(4))
    colour = np.asarray(
        ((40, 75, 120), (30, 30, 32), (232, 232, 228), (160, 165, 170))[style], np.float32
    )
    amp = (0.12, 0.03, 0.02, 0.05)[style]
    grain = _grain(w, h, rng)
    art = colour * (1.0 + amp * grain)[:, :, None]
    # Mitred moulding: the top and left faces catch the light, bottom and right are in shade.
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d_top, d_left, d_bot, d_right = yy, xx, h - 1 - yy, w - 1 - xx
    nearest = np.argmin(np.stack([d_top, d_left, d_bot, d_right]), axis=0)
    light = np.asarray((1.18, 1.08, 0.72, 0.85), np.float32)[nearest]
    art *= light[:, :, None]
    if mat:
        mat_col = (
            np.asarray((226, 232, 236), np.float32) * (1.0 + 0.01 * _grain(w, h, rng))[:, :, None]
        )
        sl = (slice(mould, h - mould), slice(mould, w - mould))
        art[sl] = mat_col[sl]
        # Bevelled window cut into the mat, light on its lower and right edges.
        cv2.rectangle(art, (pad - 2, pad - 2), (w - pad + 1, h - pad + 1), (245, 248, 250), 2)
    art[pad : pad + ch, pad : pad + cw] = crop
    # Shadow the moulding casts onto the picture/mat, then glass: a soft diagonal sheen.
    inner = np.zeros((h, w), np.float32)
    inner[mould : h - mould, mould : w - mould] = 1.0
    lip = cv2.GaussianBlur(1.0 - inner, (0, 0), max(1.0, 0.012 * w)) * inner
    art *= (1.0 - 0.5 * lip)[:, :, None]
    band = np.exp(-(((xx / w + 0.6 * yy / h) - float(rng.uniform(0.35, 0.9))) ** 2) / 0.02)
    art += (inner * (10.0 + 22.0 * band))[:, :, None]
    alpha = np.ones((h, w), np.float32)
    face_box = (face[0] + pad, face[1] + pad, face[2] + pad, face[3] + pad)
    return Art(np.clip(art, 0, 255), alpha, 0.0, (w / 2, h / 2), (), face_box)


def _tv_art(key: str, seed: int, stand: bool) -> Art:
    """A flat-screen TV or monitor showing a person: dark bezel, bluish screen with glare."""
    rng = _rng(seed, "tv")
    photo = PROP_PHOTOS[key]
    sw, sh = 640, 360
    faces_tall = float(rng.uniform(2.4, 3.2))
    src_w = load_bgr(photo.source).shape[1]
    # A photo too narrow for the 16:9 screen is shown pillarboxed rather than cropped closer.
    aspect = min(16 / 9, src_w / (faces_tall * (photo.face_box[3] - photo.face_box[1])))
    crop, face = _portrait_crop(photo, faces_tall, aspect)
    ch, cw = crop.shape[:2]
    k = sh / ch
    shown = cv2.resize(crop, (max(1, round(cw * k)), sh), interpolation=cv2.INTER_AREA)
    screen = np.zeros((sh, sw, 3), np.float32)
    if shown.shape[1] >= sw:
        x_off = (shown.shape[1] - sw) // 2
        screen[:] = shown[:, x_off : x_off + sw]
        off = -x_off
    else:
        # A portrait video on a wide screen: blurred, darkened fill at the sides, as TVs do.
        fill = cv2.resize(shown, (sw, round(shown.shape[0] * sw / shown.shape[1])))
        y_off = (fill.shape[0] - sh) // 2
        screen[:] = cv2.GaussianBlur(fill[y_off : y_off + sh], (0, 0), 18) * 0.45
        off = (sw - shown.shape[1]) // 2
        screen[:, off : off + shown.shape[1]] = shown
    face_s = (face[0] * k + off, face[1] * k, face[2] * k + off, face[3] * k)
    # Backlit LCD: lifted blacks, lower contrast, a cool white point.
    screen = 14.0 + 0.9 * screen
    screen *= np.asarray((1.07, 1.0, 0.9), np.float32)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    glare = np.exp(-(((xx / sw * 0.7 + yy / sh) - float(rng.uniform(0.2, 0.5))) ** 2) / 0.01)
    screen += (18.0 * glare + 10.0 * (1.0 - yy / sh))[:, :, None]
    bez = round(0.018 * sw)
    chin = round(0.03 * sw)
    stand_h = round(0.2 * sh) if stand else 0
    w, h = sw + 2 * bez, sh + bez + chin + stand_h
    art = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    body_h = sh + bez + chin
    art[:body_h] = (24, 24, 26)
    alpha[:body_h] = 1.0
    # A thin lighter rim round the bezel, then the screen.
    cv2.rectangle(art, (0, 0), (w - 1, body_h - 1), (58, 58, 62), 1)
    art[bez : bez + sh, bez : bez + sw] = screen
    cv2.circle(art, (w - bez - 10, body_h - chin // 2), 2, (60, 60, 200), -1, cv2.LINE_AA)
    cv2.rectangle(art, (w // 2 - 18, body_h - chin // 2 - 2), (w // 2 + 18, body_h - chin // 2 + 1),
                  (90, 90, 94), -1)  # fmt: skip
    if stand:
        neck_w = round(0.07 * sw)
        cv2.rectangle(art, (w // 2 - neck_w // 2, body_h), (w // 2 + neck_w // 2, h - 8),
                      (40, 40, 43), -1)  # fmt: skip
        alpha[body_h : h - 8, w // 2 - neck_w // 2 : w // 2 + neck_w // 2 + 1] = 1.0
        base = np.array(
            [[w * 0.3, h - 10], [w * 0.7, h - 10], [w * 0.74, h - 1], [w * 0.26, h - 1]]
        )
        pts = base.astype(np.int32)
        cv2.fillConvexPoly(art, pts, (48, 48, 52), cv2.LINE_AA)
        cv2.fillConvexPoly(alpha, pts, 1.0, cv2.LINE_AA)
        cv2.line(art, (round(w * 0.3), h - 10), (round(w * 0.7), h - 10), (95, 95, 100), 1)
    face_box = (face_s[0] + bez, face_s[1] + bez, face_s[2] + bez, face_s[3] + bez)
    return Art(np.clip(art, 0, 255) * alpha[:, :, None], alpha, 0.0, (w / 2, h / 2), (), face_box)


_POSTER_TITLES = ("GREAT MINDS", "SPACE PIONEERS", "WOMEN IN SCIENCE", "NEVER STOP ASKING",
                  "INSPIRING PEOPLE")  # fmt: skip
_POSTER_LINES = ("Curiosity is where every discovery begins",
                 "Be brave, ask questions and keep on learning",
                 "Every great idea started with a question")  # fmt: skip


def _poster_person_art(key: str, seed: int) -> Art:
    """An unframed poster: white margins, a title, a photo of a person and a caption."""
    rng = _rng(seed, "poster")
    w, h = 600, 850
    colour = tuple(int(c) for c in rng.choice([(30, 60, 140), (150, 30, 50), (20, 110, 100)]))
    img = Image.new("RGB", (w, h), (244, 243, 238))
    draw = ImageDraw.Draw(img)
    title = str(rng.choice(_POSTER_TITLES))
    size = 64
    while font("sans-bold", size).getlength(title) > w - 80:
        size -= 2
    draw.rectangle((30, 30, w - 30, 150), fill=colour)
    draw.text((w / 2, 90), title, font=font("sans-bold", size), fill=(255, 255, 255), anchor="mm")
    crop, face = _portrait_crop(PROP_PHOTOS[key], float(rng.uniform(2.6, 3.2)), 0.82)
    ph = 520
    k = ph / crop.shape[0]
    pw = round(crop.shape[1] * k)
    pic = cv2.resize(crop, (pw, ph), interpolation=cv2.INTER_AREA)
    px0, py0 = (w - pw) // 2, 175
    line = str(rng.choice(_POSTER_LINES))
    body = 26
    y = py0 + ph + 50
    for text in wrap(line, font("sans", body), w - 90):
        draw.text((w / 2, y), text, font=font("sans", body), fill=(40, 40, 45), anchor="ms")
        y += body * 1.35
    art = np.asarray(img, np.float32)[:, :, ::-1].copy()
    art[py0 : py0 + ph, px0 : px0 + pw] = pic
    # Paper that is not quite flat: a gentle bulge in brightness and corners held by tape.
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    art *= (1.0 + 0.03 * np.sin(math.pi * xx / w) - 0.02 * (yy / h))[:, :, None]
    for cx, cy, ang in ((30, 22, -35), (w - 30, 22, 35)):
        box = cv2.boxPoints(((cx, cy), (70, 22), ang)).astype(np.int32)
        tape = art.copy()
        cv2.fillConvexPoly(tape, box, (200, 225, 232), cv2.LINE_AA)
        art = 0.45 * art + 0.55 * tape
    face_box = (face[0] * k + px0, face[1] * k + py0, face[2] * k + px0, face[3] * k + py0)
    alpha = np.ones((h, w), np.float32)
    xh = x_height_ratio("sans") * body
    return Art(np.clip(art, 0, 255), alpha, xh, (w / 2, py0 + ph + 50), (), face_box)


@functools.lru_cache(maxsize=16)
def prop_art(kind: str, variant: str, seed: int, surface: str) -> Art:
    """The prop's artwork in its own pixels (cached, read-only).

    Args:
        kind: Prop kind.
        variant: Document variant or pictured person.
        seed: The prop's seed.
        surface: Where it goes (a TV has a stand unless on the wall; wall documents a pin).

    Returns:
        The artwork.
    """
    if kind == "document":
        return _readonly(_document_art(variant, seed, pinned=surface == "wall"))
    if kind == "framed_photo":
        return _readonly(_framed_photo_art(variant, seed))
    if kind == "tv":
        return _readonly(_tv_art(variant, seed, stand=surface != "wall"))
    return _readonly(_poster_person_art(variant, seed))


# ---------------------------------------------------------------------------------------------
# Geometry: where the prop's corners land in the frame.
# ---------------------------------------------------------------------------------------------


def focal_px(size_wh: tuple[int, int]) -> float:
    """Focal length of the simulated webcam (about 65 degrees across)."""
    return 1000.0 * size_wh[0] / 1280.0


def _tilt(prop: PropSpec) -> tuple[float, float]:
    """Pitch (top away from the camera) and yaw of an upright prop, in degrees."""
    rng = _rng(prop.seed, "tilt", prop.kind, prop.surface)
    if prop.surface == "wall":
        # Pictures hang with the top a little forward; the wall is nearly square to the camera.
        return float(rng.uniform(-3.0, -0.5)), float(rng.uniform(-1.5, 1.5))
    if prop.surface == "desk" and prop.kind == "tv":
        # A TV on its stand stands upright, turned a little towards the room.
        return float(rng.uniform(-1.0, 2.0)), float(rng.uniform(-8.0, 8.0))
    if prop.surface == "desk":
        return float(rng.uniform(6.0, 14.0)), float(rng.uniform(-10.0, 10.0))
    return float(rng.uniform(3.0, 14.0)), float(rng.uniform(-12.0, 12.0))


def _frame_of(
    prop: PropSpec, src_wh: tuple[int, int], size_wh: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The prop's plane in camera space: centre and per-art-pixel axes ``u`` (right), ``v`` (down)."""
    w, h = size_wh
    f = focal_px(size_wh)
    cx0, cy0 = prop.center_xy
    if prop.lies_flat:
        # Camera 1 unit above the desk, looking level: a desk point at depth z images at
        # y = h/2 + f / z, so rows near the bottom of the frame are the nearest desk.
        y = max(cy0, h / 2 + 8.0)
        z = f / (y - h / 2)
        centre = np.array([(cx0 - w / 2) * z / f, 1.0, z])
        a = math.radians(prop.rotation_deg)
        u = np.array([math.cos(a), 0.0, math.sin(a)])
        v = np.array([math.sin(a), 0.0, -math.cos(a)])
        return centre, u, v
    z = f
    centre = np.array([(cx0 - w / 2), (cy0 - h / 2), z])
    a = math.radians(prop.rotation_deg)
    u = np.array([math.cos(a), math.sin(a), 0.0])
    v = np.array([-math.sin(a), math.cos(a), 0.0])
    pitch, yaw = (math.radians(d) for d in _tilt(prop))
    rx = np.array([[1, 0, 0], [0, math.cos(pitch), math.sin(pitch)],
                   [0, -math.sin(pitch), math.cos(pitch)]])  # fmt: skip
    ry = np.array([[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0],
                   [-math.sin(yaw), 0, math.cos(yaw)]])  # fmt: skip
    rot = ry @ rx
    return centre, rot @ u, rot @ v


def _project(pts: np.ndarray, size_wh: tuple[int, int]) -> np.ndarray:
    f = focal_px(size_wh)
    return np.stack(
        [size_wh[0] / 2 + f * pts[:, 0] / pts[:, 2], size_wh[1] / 2 + f * pts[:, 1] / pts[:, 2]],
        axis=1,
    )


def prop_homography(prop: PropSpec, size_wh: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """Perspective map from the prop's art pixels to frame pixels (camera at rest).

    Args:
        prop: The prop.
        size_wh: Frame size.

    Returns:
        A 3x3 homography.
    """
    art = prop_art(prop.kind, prop.variant, prop.seed, prop.surface)
    ah, aw = art.alpha.shape
    centre, u, v = _frame_of(prop, (aw, ah), size_wh)
    # The art is placed in its plane around its centre; rows beyond its middle come nearer.
    src = np.array([[0, 0], [aw, 0], [aw, ah], [0, ah]], np.float64)
    mid = np.array([[aw / 2, 0], [aw / 2, ah]], np.float64)

    def points(scale: float, px: np.ndarray) -> np.ndarray:
        off = (px[:, :1] - aw / 2) * u[None, :] + (px[:, 1:] - ah / 2) * v[None, :]
        return centre[None, :] + scale * off

    def height(scale: float) -> float:
        top, bot = _project(points(scale, mid), size_wh)
        return float(np.hypot(*(bot - top)))

    # Largest scale that keeps every corner well in front of the camera.
    lo, hi = 0.0, 1.0
    while float(points(hi * 2, src)[:, 2].min()) > 0.15 * centre[2] and hi < 1e6:
        hi *= 2
    for _ in range(60):
        mid_s = (lo + hi) / 2
        ok = float(points(mid_s, src)[:, 2].min()) > 0.15 * centre[2]
        if ok and height(mid_s) < prop.height_px:
            lo = mid_s
        else:
            hi = mid_s
    dst = _project(points(lo, src), size_wh)
    return cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32)).astype(
        np.float64
    )


def _apply(hmat: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Map ``(n, 2)`` points through a 3x3 homography."""
    p = np.hstack([pts, np.ones((len(pts), 1))]) @ hmat.T
    return p[:, :2] / p[:, 2:3]


def prop_corners(prop: PropSpec, size_wh: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """The prop's four corners (TL, TR, BR, BL) in frame pixels with the camera at rest."""
    art = prop_art(prop.kind, prop.variant, prop.seed, prop.surface)
    ah, aw = art.alpha.shape
    src = np.array([[0, 0], [aw, 0], [aw, ah], [0, ah]], np.float64)
    return _apply(prop_homography(prop, size_wh), src)


def text_x_height(hmat: np.ndarray, art: Art) -> float:
    """Body-text x height after the homography, measured where the text is."""
    if art.x_height <= 0:
        return 0.0
    x, y = art.text_xy
    half = art.x_height / 2
    a, b = _apply(hmat, np.array([[x, y - half], [x, y + half]]))
    return float(np.hypot(*(b - a)))


def prop_face_box(prop: PropSpec, size_wh: tuple[int, int] = (1280, 720)) -> Box | None:
    """The pictured face's box in the frame with the camera at rest (photo props)."""
    art = prop_art(prop.kind, prop.variant, prop.seed, prop.surface)
    if art.face_box is None:
        return None
    return _box_of(_apply(prop_homography(prop, size_wh), _corners_of(art.face_box)))


def prop_text_x_height(prop: PropSpec, size_wh: tuple[int, int] = (1280, 720)) -> float:
    """Body-text x height in frame pixels with the camera at rest."""
    art = prop_art(prop.kind, prop.variant, prop.seed, prop.surface)
    return text_x_height(prop_homography(prop, size_wh), art)


def _corners_of(box: Box) -> np.ndarray:
    x1, y1, x2, y2 = box
    return np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2]], np.float64)


def _box_of(pts: np.ndarray) -> Box:
    return (
        float(pts[:, 0].min()),
        float(pts[:, 1].min()),
        float(pts[:, 0].max()),
        float(pts[:, 1].max()),
    )


# ---------------------------------------------------------------------------------------------
# Drawing into the room canvas and labelling.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedProp:
    """A prop as drawn on the canvas.

    Attributes:
        spec: The prop.
        art: Its artwork.
        hmat: Art pixels to canvas pixels.
        shown: Per entry of ``art.fields``, whether its print is visible (not clipped away
            at the desk's far edge).
    """

    spec: PropSpec
    art: Art
    hmat: np.ndarray
    shown: tuple[bool, ...]


def _warp(art: Art, hmat: np.ndarray, roi: tuple[int, int, int, int]) -> np.ndarray:
    """Warp premultiplied BGRA art into a canvas rectangle, supersampled against aliasing."""
    x0, y0, x1, y1 = roi
    ah, aw = art.alpha.shape
    ss = 2
    local = np.array([[ss, 0, -ss * x0], [0, ss, -ss * y0], [0, 0, 1]], np.float64) @ hmat
    # Shrink the art first where the warp would skip art pixels (small text would alias).
    quad = _apply(local, _corners_of((0, 0, aw, ah)))
    sx = max(np.hypot(*(quad[1] - quad[0])), np.hypot(*(quad[2] - quad[3]))) / aw
    sy = max(np.hypot(*(quad[3] - quad[0])), np.hypot(*(quad[2] - quad[1]))) / ah
    kx, ky = min(1.0, 1.5 * sx), min(1.0, 1.5 * sy)
    src = np.dstack([art.bgr, art.alpha * 255.0])
    if kx < 1.0 or ky < 1.0:
        size = (max(2, round(aw * kx)), max(2, round(ah * ky)))
        src = cv2.resize(src, size, interpolation=cv2.INTER_AREA)
        local = local @ np.diag([aw / size[0], ah / size[1], 1.0])
    big = cv2.warpPerspective(
        src,
        local,
        (ss * (x1 - x0), ss * (y1 - y0)),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0, 0),
    )
    return cv2.resize(big, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)


def draw_props(
    props: tuple[PropSpec, ...],
    image: np.ndarray,
    desk_alpha: np.ndarray | None,
    light: np.ndarray,
    margin: int,
    size_wh: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray | None, tuple[PlacedProp, ...]]:
    """Draw props into a room canvas (before lighting, people and the camera).

    Args:
        props: The props, drawn back to front: wall, then desk, then held.
        image: ``(ch, cw, 3)`` float32 room canvas; not modified.
        desk_alpha: Canvas-sized desk matte, to keep documents on the desk; ``None``: no desk.
        light: Canvas-sized gain of the wall's lighting gradient.
        margin: Canvas margin.
        size_wh: Frame size.

    Returns:
        The new canvas, the matte of props in front of live people (``None`` if there are
        none) and the placed props in the order of ``props``.
    """
    out = image.copy()
    ch, cw = out.shape[:2]
    front = np.zeros((ch, cw), np.float32)
    shift = np.array([[1, 0, margin], [0, 1, margin], [0, 0, 1]], np.float64)
    # Back to front: wall items and TVs behind people, then paper on the desk, then the rest.
    order = sorted(
        range(len(props)),
        key=lambda i: 0 if not props[i].front else (1 if props[i].lies_flat else 2),
    )
    placed: dict[int, PlacedProp] = {}
    for i in order:
        prop = props[i]
        art = prop_art(prop.kind, prop.variant, prop.seed, prop.surface)
        rng = _rng(prop.seed, "look", str(i))
        hmat = shift @ prop_homography(prop, size_wh)
        ah, aw = art.alpha.shape
        quad = _apply(hmat, _corners_of((0, 0, aw, ah)))
        height = float(np.hypot(*(quad[3] - quad[0])))
        pad = math.ceil(0.08 * height) + 4
        x0 = max(0, math.floor(quad[:, 0].min()) - pad)
        y0 = max(0, math.floor(quad[:, 1].min()) - pad)
        x1 = min(cw, math.ceil(quad[:, 0].max()) + pad)
        y1 = min(ch, math.ceil(quad[:, 1].max()) + pad)
        shown = [True] * len(art.fields)
        if x1 - x0 < 2 or y1 - y0 < 2:
            placed[i] = PlacedProp(prop, art, hmat, tuple(shown))
            continue
        warped = _warp(art, hmat, (x0, y0, x1, y1))
        col, a = warped[:, :, :3], warped[:, :, 3] / 255.0
        if prop.lies_flat and desk_alpha is not None:
            # Paper on the desk ends where the desk does (its far edge).
            clip = desk_alpha[y0:y1, x0:x1]
            a = a * clip
            col = col * clip[:, :, None]
            for j, (_, box) in enumerate(art.fields):
                cx, cy = _apply(hmat, np.array([[(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]]))[0]
                ix, iy = round(cx), round(cy)
                if 0 <= ix < cw and 0 <= iy < ch:
                    shown[j] = bool(desk_alpha[iy, ix] > 0.5)
        if prop.lies_flat:
            # Paper lying flat: a slight softening (it is never perfectly in focus) and a
            # hairline contact shadow.
            col = cv2.GaussianBlur(col, (0, 0), 0.5)
            a = cv2.GaussianBlur(a, (0, 0), 0.5)
            shadow = np.roll(cv2.GaussianBlur(a, (0, 0), 1.5), (1, 1), axis=(0, 1)) * 0.22
        elif prop.surface == "wall" or (prop.kind == "tv" and not prop.front):
            off = 0.02 * height
            shadow = cv2.GaussianBlur(a, (0, 0), max(1.0, 0.025 * height))
            m = np.float32([[1, 0, 0.6 * off], [0, 1, off]])
            shadow = cv2.warpAffine(shadow, m, (a.shape[1], a.shape[0])) * 0.35
        else:
            shadow = None
        # Lighting: the wall's gradient on things at the wall, otherwise an even light with a
        # little fall-off from above; screens glow on their own.
        if prop.kind == "tv":
            gain = np.float32(1.0)
        elif prop.surface == "wall":
            gain = light[y0:y1, x0:x1][:, :, None] * np.float32(rng.uniform(0.9, 1.0))
        else:
            ramp = np.linspace(1.03, 0.93, y1 - y0, dtype=np.float32)[:, None, None]
            gain = ramp * np.float32(rng.uniform(0.86, 0.97))
        region = out[y0:y1, x0:x1]
        if shadow is not None:
            region *= (1.0 - shadow)[:, :, None]
        region[:] = region * (1.0 - a)[:, :, None] + col * gain
        if prop.front:
            fr = front[y0:y1, x0:x1]
            fr[:] = 1.0 - (1.0 - fr) * (1.0 - a)
        placed[i] = PlacedProp(prop, art, hmat, tuple(shown))
    has_front = any(p.front for p in props)
    return out, (front if has_front else None), tuple(placed[i] for i in range(len(props)))


def _clip_box(box: Box, size_wh: tuple[int, int]) -> Box:
    w, h = size_wh
    x1, y1, x2, y2 = box
    return (
        round(min(max(x1, 0.0), w), 2),
        round(min(max(y1, 0.0), h), 2),
        round(min(max(x2, 0.0), w), 2),
        round(min(max(y2, 0.0), h), 2),
    )


def _inside_fraction(box: Box, size_wh: tuple[int, int]) -> float:
    x1, y1, x2, y2 = box
    area = max(1e-6, (x2 - x1) * (y2 - y1))
    cx1, cy1, cx2, cy2 = _clip_box(box, size_wh)
    return max(0.0, cx2 - cx1) * max(0.0, cy2 - cy1) / area


def label_props(
    placed: tuple[PlacedProp, ...], cam_mat: np.ndarray, size_wh: tuple[int, int]
) -> tuple[PropLabel, ...]:
    """Labels of placed props at frame 0.

    Args:
        placed: From :func:`draw_props`.
        cam_mat: 2x3 canvas-to-frame map of frame 0.
        size_wh: Frame size.

    Returns:
        One label per prop.
    """
    # The camera only shifts and rolls (no zoom), so sizes carry over unchanged.
    cam = np.vstack([cam_mat, [0.0, 0.0, 1.0]])
    out = []
    for p in placed:
        hmat = cam @ p.hmat
        ah, aw = p.art.alpha.shape
        box = _clip_box(_box_of(_apply(hmat, _corners_of((0, 0, aw, ah)))), size_wh)
        pii = set()
        for (cat, fbox), shown in zip(p.art.fields, p.shown, strict=True):
            # A printed item counts when most of it is in the frame and not cut off.
            if shown and _inside_fraction(_box_of(_apply(hmat, _corners_of(fbox))), size_wh) > 0.7:
                pii.add(cat)
        face = None
        if p.art.face_box is not None:
            fb = _box_of(_apply(hmat, _corners_of(p.art.face_box)))
            if _inside_fraction(fb, size_wh) > 0:
                face = _clip_box(fb, size_wh)
        out.append(
            PropLabel(
                kind=p.spec.kind,
                variant=p.spec.variant,
                pii=frozenset(pii),
                box_xyxy=box,
                text_x_height_px=round(text_x_height(hmat, p.art), 3),
                face_box_xyxy=face,
                surface=p.spec.surface,
            )
        )
    return tuple(out)


def visible_pii(prop: PropSpec, size_wh: tuple[int, int] = (1280, 720)) -> frozenset[str]:
    """Categories printed on the prop whose print lies in the frame with the camera at rest."""
    art = prop_art(prop.kind, prop.variant, prop.seed, prop.surface)
    hmat = prop_homography(prop, size_wh)
    return frozenset(
        cat
        for cat, fbox in art.fields
        if _inside_fraction(_box_of(_apply(hmat, _corners_of(fbox))), size_wh) > 0.7
    )


def prop_box(prop: PropSpec, size_wh: tuple[int, int] = (1280, 720)) -> Box:
    """The prop's bounding box in frame pixels with the camera at rest (not clipped)."""
    return _box_of(prop_corners(prop, size_wh))
