"""Real photographs shipped with installed packages, and person cut-outs made from them."""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass

import cv2
import matplotlib
import numpy as np
from skimage import data as skdata

# Outlines traced from a person-segmentation pass over the originals, then cleaned by hand.
# Coordinates are in the original photo's pixels; the last row of each polygon is the
# horizontal cut below which the photo is no longer usable (helmet, image edge).
_ASTRONAUT_OUTLINE: tuple[tuple[int, int], ...] = (
    (285, 38), (271, 28), (251, 19), (230, 15), (197, 25), (188, 35), (176, 41), (156, 58),
    (154, 64), (154, 93), (159, 108), (180, 130), (183, 139), (183, 150), (178, 154),
    (164, 154), (135, 164), (119, 186), (114, 204), (85, 231), (72, 238), (44, 283),
    (39, 304), (31, 324), (30, 338), (364, 338), (366, 309), (362, 300), (352, 288),
    (339, 260), (318, 241), (307, 234), (291, 204), (273, 187), (264, 183), (257, 174),
    (258, 163), (264, 151), (295, 112), (301, 96), (301, 80), (297, 60),
)  # fmt: skip

_GRACE_OUTLINE: tuple[tuple[int, int], ...] = (
    (229, 26), (216, 33), (204, 48), (185, 57), (174, 68), (174, 81), (158, 101), (148, 117),
    (147, 174), (156, 180), (154, 189), (147, 194), (149, 198), (147, 206), (152, 210),
    (154, 221), (159, 227), (160, 237), (166, 245), (171, 270), (182, 278), (183, 283),
    (202, 302), (202, 312), (183, 333), (164, 344), (138, 352), (121, 361), (98, 363),
    (76, 370), (49, 386), (27, 430), (28, 457), (22, 505), (17, 521), (14, 545), (12, 600),
    (512, 600), (512, 433), (503, 425), (495, 398),
    (487, 390), (463, 377), (419, 365), (361, 340), (334, 317), (336, 308), (349, 296),
    (353, 285), (359, 278), (375, 212), (376, 195), (370, 177), (372, 133), (370, 103),
    (367, 93), (351, 79), (342, 62), (330, 52), (302, 42), (293, 33), (283, 28), (266, 26),
    (258, 30), (245, 30), (237, 26), (234, 28),
)  # fmt: skip


@dataclass(frozen=True)
class PersonPhoto:
    """Static description of one portrait photograph usable as a person.

    Attributes:
        name: Key used in ``PersonSpec.photo``.
        face_box: Face box ``(x1, y1, x2, y2)`` in photo pixels, as a MediaPipe short-range
            detector reports it on the untouched photo (square, brow to chin).
        outline: Silhouette polygon (hair, face, neck, shoulders) in photo pixels.
        cut_y: Row where the usable part of the photo ends.
        cloth_rows: How many rows above ``cut_y`` show plain clothing; the torso below the
            photo continues their per-column median colour (excludes buttons and badges).
        hair_from: Photo holding the hair texture shown when the person turns away.
        hair_box: Box ``(x1, y1, x2, y2)`` of plain hair in ``hair_from``.
        hair_grey: Recolour that hair light grey (for a grey-haired person).
        crown_y: Rows above this hold hair/headwear across the whole head; when turning, the
            side of the head there is painted from the same rows instead of the hair patch.
    """

    name: str
    face_box: tuple[float, float, float, float]
    outline: tuple[tuple[int, int], ...]
    cut_y: int
    cloth_rows: int
    hair_from: str
    hair_box: tuple[int, int, int, int]
    hair_grey: bool
    crown_y: int


PERSON_PHOTOS: dict[str, PersonPhoto] = {
    "astronaut": PersonPhoto(
        name="astronaut",
        face_box=(177.0, 82.0, 272.0, 177.0),
        outline=_ASTRONAUT_OUTLINE,
        cut_y=338,
        cloth_rows=40,
        hair_from="astronaut",
        hair_box=(185, 28, 290, 72),
        hair_grey=False,
        crown_y=28,
    ),
    "grace_hopper": PersonPhoto(
        name="grace_hopper",
        face_box=(171.0, 146.0, 365.0, 340.0),
        outline=_GRACE_OUTLINE,
        cut_y=600,
        cloth_rows=100,
        # Her own hair shows only as thin wisps beside the face, so the back of her head
        # borrows real hair texture from the astronaut photo, recoloured grey.
        hair_from="astronaut",
        hair_box=(185, 28, 290, 72),
        hair_grey=True,
        crown_y=146,
    ),
}

# Extra torso painted below the photo's cut, in face heights: enough for someone standing up
# by 40 % of the frame height to never reveal the bottom edge of the cut-out.
_TORSO_EXTENSION_FACES = 4.0


@dataclass(frozen=True)
class Cutout:
    """A person cut-out: BGR pixels, a soft alpha matte and where the face is.

    Attributes:
        bgr: ``(h, w, 3)`` uint8 image; colours outside the matte are bled from the person so
            that feathered edges carry no trace of the original photo background.
        alpha: ``(h, w)`` float32 matte in ``[0, 1]``.
        face_box: Face box ``(x1, y1, x2, y2)`` in cut-out pixels.
        hair: BGR hair texture for the side/back of the head, sized to the face.
        crown_y: Row (cut-out pixels) above which the head's own rows hold hair/headwear.
    """

    bgr: np.ndarray
    alpha: np.ndarray
    face_box: tuple[float, float, float, float]
    hair: np.ndarray
    crown_y: float


def _readonly(arr: np.ndarray) -> np.ndarray:
    """Mark a cached array read-only so no caller can corrupt the cache in place."""
    arr.setflags(write=False)
    return arr


@functools.cache
def load_bgr(name: str) -> np.ndarray:
    """Load a bundled photograph as a BGR uint8 image.

    Args:
        name: ``"astronaut"``, ``"grace_hopper"``, ``"camera"``, ``"brick"``, ``"gravel"``,
            ``"grass"``, ``"coffee"``, ``"rocket"``, ``"chelsea"``, ``"horse"``, ``"clock"``,
            ``"text"``, ``"page"``, ``"motorcycle"`` or ``"coins"``.

    Returns:
        A read-only ``(h, w, 3)`` uint8 BGR array.

    Raises:
        KeyError: For an unknown name.
    """
    if name == "grace_hopper":
        path = os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            raise FileNotFoundError(path)
        return _readonly(img)
    loaders = {
        "astronaut": skdata.astronaut,
        "camera": skdata.camera,
        "brick": skdata.brick,
        "gravel": skdata.gravel,
        "grass": skdata.grass,
        "coffee": skdata.coffee,
        "rocket": skdata.rocket,
        "chelsea": skdata.chelsea,
        "clock": skdata.clock,
        "text": skdata.text,
        "page": skdata.page,
        "coins": skdata.coins,
        "motorcycle": lambda: skdata.stereo_motorcycle()[0],
        # The horse is a binary silhouette; shown as a printed graphic on paper.
        "horse": lambda: np.where(skdata.horse(), 236, 40).astype(np.uint8),
    }
    img = np.asarray(loaders[name]())
    img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR) if img.ndim == 2 else img[:, :, ::-1]
    return _readonly(np.ascontiguousarray(img, dtype=np.uint8))


@functools.cache
def load_gray_texture(name: str) -> np.ndarray:
    """Load a bundled photo as a zero-mean, unit-std float32 texture for modulating surfaces.

    Args:
        name: Any name accepted by :func:`load_bgr`.

    Returns:
        A read-only ``(h, w)`` float32 array with mean 0 and standard deviation 1.
    """
    gray = cv2.cvtColor(load_bgr(name), cv2.COLOR_BGR2GRAY).astype(np.float32)
    gray -= float(gray.mean())
    gray /= float(gray.std()) + 1e-6
    return _readonly(gray)


def _bleed_colours(bgr: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Replace colours under the soft edge by colours spread outwards from the person.

    Feathering mixes the matte's edge pixels with whatever they contain; without this the
    original studio background (flag, blue sky) would show up as a coloured halo.
    """
    core = (alpha > 0.97).astype(np.float32)
    core = cv2.erode(core, np.ones((3, 3), np.uint8), iterations=2)
    src = bgr.astype(np.float32)
    out = src.copy()
    weight = core.copy()
    acc = src * core[:, :, None]
    # Several growing blurs so the fill reaches far enough without smearing the inside.
    for sigma in (2.0, 5.0, 12.0):
        acc_b = cv2.GaussianBlur(acc, (0, 0), sigma)
        w_b = cv2.GaussianBlur(weight, (0, 0), sigma)
        fill = acc_b / np.maximum(w_b, 1e-4)[:, :, None]
        todo = (weight < 0.5) & (w_b > 1e-3)
        out[todo] = fill[todo]
        acc = out * np.maximum(weight, todo.astype(np.float32))[:, :, None]
        weight = np.maximum(weight, todo.astype(np.float32))
    keep = core > 0.5
    out[keep] = src[keep]
    return np.clip(out, 0, 255).astype(np.uint8)


def _extend_torso(
    bgr: np.ndarray, alpha: np.ndarray, extra: int, cloth_rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """Continue the body below the photo's bottom edge.

    Each column keeps the median colour of the clothing just above the cut (medians ignore
    buttons and badges), with vertical folds from a real texture and a gradual darkening that
    reads as a lower torso in the shade of a desk.
    """
    w = alpha.shape[1]
    band = bgr[-cloth_rows:].astype(np.float32)
    cloth = np.median(band, axis=0)[None]
    cloth = cv2.GaussianBlur(cloth, (0, 0), sigmaX=4.0, sigmaY=0.1)
    last = bgr[-1:].astype(np.float32)
    ramp = np.clip(np.arange(extra, dtype=np.float32) / 24.0, 0.0, 1.0)[:, None, None]
    ext = last * (1.0 - ramp) + cloth * ramp
    # Squeezing the gravel photo sideways and stretching it down turns pebbles into folds.
    folds = cv2.resize(load_gray_texture("gravel"), (w, 12), interpolation=cv2.INTER_AREA)
    folds = cv2.resize(folds, (w, extra), interpolation=cv2.INTER_CUBIC)
    folds = cv2.GaussianBlur(folds, (0, 0), sigmaX=2.0)
    folds /= float(folds.std()) + 1e-6
    shade = np.linspace(1.0, 0.75, extra, dtype=np.float32)[:, None]
    ext *= (shade * (1.0 + 0.06 * ramp[:, :, 0] * folds))[:, :, None]
    ext_alpha = np.repeat(alpha[-1:], extra, axis=0)
    bgr_out = np.vstack([bgr, np.clip(ext, 0, 255).astype(np.uint8)])
    return bgr_out, np.vstack([alpha, ext_alpha])


def _hair_patch(info: PersonPhoto) -> np.ndarray:
    """The hair texture for the back of the head, recoloured if the person's hair is grey."""
    x1, y1, x2, y2 = info.hair_box
    patch = load_bgr(info.hair_from)[y1:y2, x1:x2].copy()
    if info.hair_grey:
        grey = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY).astype(np.float32)
        grey = 168.0 + 0.9 * (grey - float(grey.mean()))
        tint = np.asarray((0.96, 1.0, 1.03), np.float32)
        patch = np.clip(grey[:, :, None] * tint, 0, 255).astype(np.uint8)
    return patch


@functools.cache
def person_cutout(name: str) -> Cutout:
    """Build the full-resolution cut-out of a portrait photo.

    Args:
        name: A key of :data:`PERSON_PHOTOS`.

    Returns:
        The cut-out with an anti-aliased (not yet feathered) matte, an extended torso and a
        transparent border so that warps never clip the silhouette.
    """
    info = PERSON_PHOTOS[name]
    photo = load_bgr(name)[: info.cut_y]
    h, w = photo.shape[:2]
    # Rasterise at 4x and average down for an anti-aliased outline.
    ss = 4
    big = np.zeros((h * ss, w * ss), np.uint8)
    pts = (np.asarray(info.outline, np.float32) * ss).astype(np.int32)
    cv2.fillPoly(big, [pts], 255, lineType=cv2.LINE_8)
    alpha = cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    # Pull the edge slightly inwards: the traced outline sits on the boundary pixels.
    alpha = np.clip((alpha - 0.15) / 0.85, 0.0, 1.0)
    bgr = _bleed_colours(photo, alpha)
    face_h = info.face_box[3] - info.face_box[1]
    bgr, alpha = _extend_torso(bgr, alpha, round(_TORSO_EXTENSION_FACES * face_h), info.cloth_rows)
    pad = 16
    bgr = cv2.copyMakeBorder(bgr, pad, 0, pad, pad, cv2.BORDER_REPLICATE)
    alpha = cv2.copyMakeBorder(alpha, pad, 0, pad, pad, cv2.BORDER_CONSTANT, value=0.0)
    fx1, fy1, fx2, fy2 = info.face_box
    return Cutout(
        bgr=_readonly(np.ascontiguousarray(bgr)),
        alpha=_readonly(np.ascontiguousarray(alpha, dtype=np.float32)),
        face_box=(fx1 + pad, fy1 + pad, fx2 + pad, fy2 + pad),
        hair=_hair_patch(info),
        crown_y=float(info.crown_y + pad),
    )


@functools.lru_cache(maxsize=24)
def scaled_cutout(name: str, flip: bool, scale: float) -> Cutout:
    """Resize (and optionally mirror) a cut-out and feather its matte in output pixels.

    Args:
        name: A key of :data:`PERSON_PHOTOS`.
        flip: Mirror left-right.
        scale: Resize factor relative to the original photo; callers should round it so the
            cache is reused across frames and scenes.

    Returns:
        The resized cut-out with a feathered matte (about 1 px soft edge in the output).
    """
    base = person_cutout(name)
    h, w = base.alpha.shape
    size = (max(2, round(w * scale)), max(2, round(h * scale)))
    interp = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
    bgr = cv2.resize(base.bgr, size, interpolation=interp)
    alpha = cv2.resize(base.alpha, size, interpolation=cv2.INTER_LINEAR)
    alpha = np.clip(cv2.GaussianBlur(alpha, (0, 0), 1.0), 0.0, 1.0)
    sx = size[0] / w
    sy = size[1] / h
    fb = base.face_box
    face = (fb[0] * sx, fb[1] * sy, fb[2] * sx, fb[3] * sy)
    fw, fh = face[2] - face[0], face[3] - face[1]
    # The patch is small and usually enlarged: smooth interpolation avoids blocky hair.
    hair = cv2.resize(
        base.hair, (max(2, round(0.9 * fw)), max(2, round(1.1 * fh))), interpolation=cv2.INTER_CUBIC
    )
    if flip:
        bgr = bgr[:, ::-1]
        alpha = alpha[:, ::-1]
        face = (size[0] - face[2], face[1], size[0] - face[0], face[3])
        hair = hair[:, ::-1]
    return Cutout(
        bgr=_readonly(np.ascontiguousarray(bgr)),
        alpha=_readonly(np.ascontiguousarray(alpha, dtype=np.float32)),
        face_box=face,
        hair=_readonly(np.ascontiguousarray(hair)),
        crown_y=base.crown_y * sy,
    )


@functools.cache
def brick_wall_texture() -> np.ndarray:
    """The brick photo rectified into level courses, as a float32 grey image.

    The original shows a brick pavement receding from the camera: mortar columns converge
    (spacing 30 px at the top, 41.5 px at the bottom, vertical at x = 219). Undoing that and
    turning it by 90 degrees gives a frontal brick wall.
    """
    src = load_bgr("brick")[:, :, 0].astype(np.float32)
    h = src.shape[0]
    target = 36.0

    def spacing(y: np.ndarray) -> np.ndarray:
        return 30.2 + (41.5 - 30.2) * y / h

    # Vertical: advance through the source at a rate matching the local foreshortening.
    ys = [0.0]
    while ys[-1] < h - 1:
        ys.append(ys[-1] + float(spacing(np.array(ys[-1]))) / target)
    y_src = np.asarray(ys[:-1], np.float32)
    x_lo = math.ceil(219 - 219 * target / 41.5)
    x_hi = math.floor(219 + (h - 1 - 219) * target / 41.5)
    x_out = np.arange(x_lo, x_hi, dtype=np.float32)
    map_x = 219 + (x_out[None, :] - 219) * (spacing(y_src)[:, None] / target)
    map_y = np.repeat(y_src[:, None], len(x_out), axis=1)
    rect = cv2.remap(src, map_x.astype(np.float32), map_y, cv2.INTER_LINEAR)
    return _readonly(np.ascontiguousarray(np.rot90(rect)))
