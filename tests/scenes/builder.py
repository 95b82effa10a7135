"""Deterministic, labelled webcam-like video scenes built from real photographs."""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from tests.scenes.photos import PERSON_PHOTOS, Cutout, scaled_cutout
from tests.scenes.props import PropLabel, PropSpec, draw_props, label_props
from tests.scenes.rooms import N_ROOMS, RoomGeometry, room_geometry, room_layers, wall_light_map

# Kinds with props (paperwork, text, photos of people); their scenes come from props_scenes.py.
DOCUMENT_KINDS: tuple[str, ...] = (
    "document_pii",
    "document_small",
    "text_no_pii",
    "clean",
    "photo_portrait",
    "photo_tv",
)
KINDS: tuple[str, ...] = (
    "one_person",
    "two_people",
    "nobody",
    "turn_away",
    "mounted_moving",
    "handheld",
    *DOCUMENT_KINDS,
)
MOTIONS: tuple[str, ...] = ("live", "walk_past", "stand_up", "turn_away")

# A face is counted as "in view" once this much of it is visible (in frame, unoccluded,
# not turned away); below that a detector can not reasonably be expected to see it.
VISIBLE_FRACTION = 0.5

# Faces smaller than this sit across the room, behind the back furniture, unless told.
_FAR_FACE_PX = 100.0
_BASE_MARGIN = 64
_WORKERS = min(2, os.cpu_count() or 1)
_RANDOM_CLIP_S = 3.0  # random_scene clips keep SceneSpec's default length


@dataclass(frozen=True)
class PersonSpec:
    """One person in the scene.

    Attributes:
        photo: Which portrait to use, a key of ``PERSON_PHOTOS``.
        face_height_px: Face box height in the output frame (brow to chin, 40..320).
        center_xy: Face centre at t=0 in frame pixels.
        motion: ``"live"``, ``"walk_past"``, ``"stand_up"`` or ``"turn_away"``.
        flip: Mirror the photo.
        brightness: Extra gain on the person (lighting differs across a room).
        far: Stand behind the back furniture (across the room); ``None`` decides by face size.
        event_time_s: Centre of the stand-up / turn-away event; ``None`` means mid-clip.
        walk_dir: ``+1`` walks to the right, ``-1`` to the left (``walk_past`` only).
        walk_speed_px_s: Walking speed; ``None`` derives a natural 1.3 m/s from the face size.
        turn_dir: ``+1`` turns so the face slides right in the image, ``-1`` left.
        turn_deg: How far the head turns at the peak (``turn_away``); ``None`` draws it from
            the seed.
    """

    photo: str
    face_height_px: float
    center_xy: tuple[float, float]
    motion: str = "live"
    flip: bool = False
    brightness: float = 1.0
    far: bool | None = None
    event_time_s: float | None = None
    walk_dir: int = 1
    walk_speed_px_s: float | None = None
    turn_dir: int = 1
    turn_deg: float | None = None

    def __post_init__(self) -> None:
        """Reject specs that would silently render something else."""
        if self.photo not in PERSON_PHOTOS:
            raise ValueError(f"unknown photo {self.photo!r}; use one of {sorted(PERSON_PHOTOS)}")
        if self.motion not in MOTIONS:
            raise ValueError(f"unknown motion {self.motion!r}; use one of {MOTIONS}")
        if not self.face_height_px > 0:
            raise ValueError("face_height_px must be positive")
        if self.walk_dir not in (-1, 1) or self.turn_dir not in (-1, 1):
            raise ValueError("walk_dir and turn_dir must be +1 or -1")

    @property
    def is_far(self) -> bool:
        """Whether the person stands behind the back furniture."""
        return self.face_height_px < _FAR_FACE_PX if self.far is None else self.far


@dataclass(frozen=True)
class CameraSpec:
    """How the camera is held.

    Attributes:
        mounted: On a stand/laptop lid; no global motion at all.
        shake_px_rms: 2-D RMS of the tremor displacement in frame pixels (0 when mounted).
        tremor_hz: Centre frequency of the hand tremor (4..12 Hz).
        drift_px: Largest excursion of the slow wander from where the clip starts.
        rotation_deg_rms: RMS roll about the image centre.
    """

    mounted: bool = True
    shake_px_rms: float = 0.0
    tremor_hz: float = 8.0
    drift_px: float = 0.0
    rotation_deg_rms: float = 0.0

    def __post_init__(self) -> None:
        """A mounted camera must not move; a negative amplitude is a typo."""
        moving = (self.shake_px_rms, self.drift_px, self.rotation_deg_rms)
        if min(moving) < 0:
            raise ValueError("camera motion amplitudes must be >= 0")
        if self.mounted and any(v > 0 for v in moving):
            raise ValueError("a mounted camera has no shake, drift or rotation")
        if not self.tremor_hz > 0:
            raise ValueError("tremor_hz must be positive")


@dataclass(frozen=True)
class SceneSpec:
    """Everything needed to render one clip; rendering is a pure function of this.

    Attributes:
        seed: Drives every random detail not fixed by the other fields.
        people: The people in the room.
        camera: Camera mounting and motion.
        seconds: Clip length.
        fps: Frame rate.
        size_wh: Output frame size.
        room: Room layout/background variant, ``0 .. N_ROOMS-1``.
        noise_sigma: Sensor noise standard deviation, grey levels.
        blur_sigma: Optical blur (Gaussian sigma, pixels).
        jpeg_quality: Each frame goes through a JPEG round trip at this quality.
        light: Global brightness.
        white_balance: Per-channel BGR gains (colour temperature of the lighting).
        vignette: Relative darkening in the frame corners.
        exposure_s: Exposure time, for motion blur of a moving camera and moving people.
        desk: Show the desk in the foreground (hiding the main person's chest); without it
            the shoulders simply run off the bottom edge.
        kind: Which ``random_scene`` kind produced this spec, or ``"custom"``.
        props: Static objects in the room (documents, framed photos, TVs, posters), drawn
            before people and the camera so that they move with the camera.
        desk_page: Show the printed scikit-image page lying on the desk (only with ``desk``).
    """

    seed: int
    people: tuple[PersonSpec, ...] = ()
    camera: CameraSpec = field(default_factory=CameraSpec)
    seconds: float = 3.0
    fps: float = 15.0
    size_wh: tuple[int, int] = (1280, 720)
    room: int = 0
    noise_sigma: float = 3.0
    blur_sigma: float = 0.6
    jpeg_quality: int = 80
    light: float = 1.0
    white_balance: tuple[float, float, float] = (1.0, 1.0, 1.0)
    vignette: float = 0.2
    exposure_s: float = 1.0 / 60.0
    desk: bool = True
    kind: str = "custom"
    props: tuple[PropSpec, ...] = ()
    desk_page: bool = True

    @property
    def n_frames(self) -> int:
        """Number of frames in the clip."""
        return max(1, round(self.seconds * self.fps))


@dataclass(frozen=True)
class SceneLabels:
    """Ground truth for a rendered clip.

    Attributes:
        people_count: Distinct live people whose face is at least ``VISIBLE_FRACTION`` visible
            in at least one frame.
        max_people_at_once: Most faces at least ``VISIBLE_FRACTION`` visible in one frame.
        mounted: Whether the camera was mounted.
        shake_px_rms: Measured 2-D RMS (about its mean) of the global displacement applied at
            the image centre (tremor + drift); exactly 0 for a mounted camera.
        face_boxes_xyxy: Per frame, the boxes ``(x1, y1, x2, y2)`` of faces with any visible
            part, clipped to the frame. While a person turns away the box covers only the
            visible (squeezed) part of the face.
        kind: The ``random_scene`` kind, or ``"custom"``.
        face_ids: Per frame, the index into ``SceneSpec.people`` of each box.
        face_visibility: Per frame, the visible fraction of each box's face in ``[0, 1]``
            (in-frame part x unoccluded part x frontal part while turning).
        camera_offsets_xy: Per frame, the applied global displacement at the image centre.
        camera_rotation_deg: Per frame, the applied roll.
        rotation_deg_rms: Measured RMS roll about its mean.
        fps: Frame rate of the clip.
        props: One label per ``SceneSpec.props`` entry, at frame 0. Pictured people are not
            live people: they never count in the face boxes or people counts above.
    """

    people_count: int
    max_people_at_once: int
    mounted: bool
    shake_px_rms: float
    face_boxes_xyxy: tuple[tuple[tuple[float, float, float, float], ...], ...]
    kind: str
    face_ids: tuple[tuple[int, ...], ...] = ()
    face_visibility: tuple[tuple[float, ...], ...] = ()
    camera_offsets_xy: tuple[tuple[float, float], ...] = ()
    camera_rotation_deg: tuple[float, ...] = ()
    rotation_deg_rms: float = 0.0
    fps: float = 15.0
    props: tuple[PropLabel, ...] = ()


@functools.lru_cache(maxsize=4)
def _vignette_map(cw: int, ch: int, margin: int, strength: float) -> np.ndarray:
    """Radial fall-off centred on the frame (approximately fixed to the sensor)."""
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    w, h = cw - 2 * margin, ch - 2 * margin
    r2 = ((xx - cw / 2) / (w / 2)) ** 2 * 0.5 + ((yy - ch / 2) / (h / 2)) ** 2 * 0.5
    vmap = 1.0 - strength * np.clip(r2, 0.0, 1.5) ** 1.5
    vmap.setflags(write=False)
    return vmap


@functools.lru_cache(maxsize=2)
def _noise_bank(h: int, w: int) -> tuple[np.ndarray, ...]:
    """Independent unit-variance noise fields (scaled by 64) reused across frames and clips.

    Generating fresh Gaussian noise per frame costs more than the rest of the frame; a bank
    of independent fields, picked at random per frame (never the same twice in a row), looks
    the same to any detector and keeps the clip deterministic.
    """
    rng = np.random.default_rng(20240607)
    fields = []
    for _ in range(5):
        chroma = rng.standard_normal((h, w, 3), dtype=np.float32)
        # Mostly luminance noise with some chroma, as from a Bayer sensor after demosaicing:
        # adding the channel mean correlates the channels (unit variance kept by the scale).
        luma = chroma.mean(axis=2, keepdims=True)
        noise = (chroma + 1.5 * luma) * np.float32(64.0 / math.sqrt(2.75))
        arr = np.clip(noise, -32000, 32000).astype(np.int16)
        arr.setflags(write=False)
        fields.append(arr)
    return tuple(fields)


# ---------------------------------------------------------------------------------------------
# Motion models.
# ---------------------------------------------------------------------------------------------


@dataclass
class _Track:
    """Per-frame pose of one person (face centre in frame pixels before the camera warp)."""

    cx: np.ndarray
    cy: np.ndarray
    scale: np.ndarray
    rot_deg: np.ndarray
    turn: np.ndarray
    vx: np.ndarray
    vy: np.ndarray


def _smooth_wander(
    rng: np.random.Generator, t: np.ndarray, amp: float, f_lo: float, f_hi: float
) -> np.ndarray:
    """Sum of a few slow random sinusoids normalised to peak amplitude ``amp``."""
    out = np.zeros_like(t)
    for _ in range(3):
        f = rng.uniform(f_lo, f_hi)
        out += rng.uniform(0.5, 1.0) * np.sin(2 * math.pi * f * t + rng.uniform(0, 2 * math.pi))
    peak = float(np.max(np.abs(out))) or 1.0
    return out * (amp / peak)


def _smoothstep(x: np.ndarray) -> np.ndarray:
    """Ease-in/ease-out ramp from 0 to 1 on [0, 1]."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _person_track(
    person: PersonSpec, spec: SceneSpec, rng: np.random.Generator, t: np.ndarray
) -> _Track:
    """Compute where the person's face is in every frame."""
    f = person.face_height_px
    h = spec.size_wh[1]
    cx0, cy0 = person.center_xy
    # Someone sitting still still moves: slow sway, breathing-size scale changes, and a small
    # head bob. Amplitudes scale with face size but stay at "a few pixels".
    drift = min(6.0, 0.03 * f)
    cx = cx0 + _smooth_wander(rng, t, drift, 0.1, 0.5)
    cy = cy0 + _smooth_wander(rng, t, 0.6 * drift, 0.1, 0.5)
    bob_f = rng.uniform(1.0, 2.0)
    bob_a = rng.uniform(0.8, 2.0) * min(1.0, f / 120.0)
    cy = cy + bob_a * np.sin(2 * math.pi * bob_f * t + rng.uniform(0, 2 * math.pi))
    cx = cx + 0.5 * bob_a * np.sin(2 * math.pi * bob_f * 0.5 * t + rng.uniform(0, 2 * math.pi))
    scale = 1.0 + _smooth_wander(rng, t, rng.uniform(0.015, 0.03), 0.15, 0.5)
    rot = _smooth_wander(rng, t, rng.uniform(0.4, 1.2), 0.1, 0.6)
    turn = np.zeros_like(t)
    t_event = spec.seconds / 2 if person.event_time_s is None else person.event_time_s

    if person.motion == "walk_past":
        # ~1.3 m/s with a face about 0.23 m tall gives speed in face heights per second.
        v = person.walk_speed_px_s if person.walk_speed_px_s is not None else 5.6 * f
        cx = cx0 + person.walk_dir * v * t + 0.3 * (cx - cx0)
        step_f = rng.uniform(1.7, 2.1)
        cy = cy0 + 0.3 * (cy - cy0) - 0.035 * f * np.abs(np.sin(math.pi * step_f * t))
        rot = 0.5 * rot + 1.2 * np.sin(math.pi * step_f * t)
    elif person.motion == "stand_up":
        dur = rng.uniform(0.8, 1.2)
        k = _smoothstep((t - (t_event - dur / 2)) / dur)
        cy = cy - rng.uniform(0.36, 0.44) * h * k
        cx = cx + rng.uniform(-0.15, 0.15) * f * k
        scale = scale * (1.0 - 0.05 * k)
    elif person.motion == "turn_away":
        ramp = 0.15
        hold = rng.uniform(0.3, 0.4)
        half = hold / 2 + ramp
        dist = np.abs(t - t_event)
        turn = _smoothstep((half - dist) / ramp)

    dt = 1.0 / spec.fps
    vx = np.gradient(cx, dt) if len(t) > 1 else np.zeros_like(t)
    vy = np.gradient(cy, dt) if len(t) > 1 else np.zeros_like(t)
    return _Track(cx=cx, cy=cy, scale=scale, rot_deg=rot, turn=turn, vx=vx, vy=vy)


@dataclass(frozen=True)
class _CameraPath:
    """Continuous-time global motion of the image content (frame pixels, degrees)."""

    dx: Callable[[np.ndarray], np.ndarray]
    dy: Callable[[np.ndarray], np.ndarray]
    rot: Callable[[np.ndarray], np.ndarray]


def _sines(terms: list[tuple[float, float, float]]) -> Callable[[np.ndarray], np.ndarray]:
    """A callable summing ``a * sin(2 pi f t + phase)`` terms."""

    def fn(t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, np.float64)
        out = np.zeros_like(t)
        for a, f, ph in terms:
            out = out + a * np.sin(2 * math.pi * f * t + ph)
        return out

    return fn


def _camera_path(cam: CameraSpec, t: np.ndarray, rng: np.random.Generator) -> _CameraPath:
    """Tremor (2-3 sines near ``tremor_hz``), slow drift and roll, scaled to the spec."""
    if cam.mounted:
        zero = _sines([])
        return _CameraPath(zero, zero, zero)

    def tremor_terms() -> list[tuple[float, float, float]]:
        n = int(rng.integers(2, 4))
        return [
            (
                float(rng.uniform(0.5, 1.0)),
                float(cam.tremor_hz * rng.uniform(0.8, 1.25)),
                float(rng.uniform(0, 2 * math.pi)),
            )
            for _ in range(n)
        ]

    tx, ty = tremor_terms(), tremor_terms()
    # Scale so the 2-D RMS about the mean, sampled at the frame times, is exactly the spec.
    sx, sy = _sines(tx)(t), _sines(ty)(t)
    rms = math.sqrt(float(np.mean((sx - sx.mean()) ** 2 + (sy - sy.mean()) ** 2))) or 1.0
    k = cam.shake_px_rms / rms
    tx = [(a * k, f, ph) for a, f, ph in tx]
    ty = [(a * k, f, ph) for a, f, ph in ty]

    def slow_terms() -> list[tuple[float, float, float]]:
        return [
            (
                float(rng.uniform(0.5, 1.0)),
                float(rng.uniform(0.1, 0.45)),
                float(rng.uniform(0, 2 * math.pi)),
            )
            for _ in range(2)
        ]

    wx, wy = slow_terms(), slow_terms()
    dense = np.linspace(float(t[0]), float(t[-1]) if len(t) > 1 else 1.0, 200)
    ex = _sines(wx)(dense) - _sines(wx)(dense[:1])
    ey = _sines(wy)(dense) - _sines(wy)(dense[:1])
    excursion = float(np.max(np.hypot(ex, ey))) or 1.0
    kd = cam.drift_px / excursion
    wx = [(a * kd, f, ph) for a, f, ph in wx]
    wy = [(a * kd, f, ph) for a, f, ph in wy]

    # Roll: mostly a slow wobble, partly at the tremor frequency.
    rterms = [
        (1.0, float(rng.uniform(0.2, 0.8)), float(rng.uniform(0, 2 * math.pi))),
        (0.5, float(cam.tremor_hz * rng.uniform(0.8, 1.25)), float(rng.uniform(0, 2 * math.pi))),
    ]
    rs = _sines(rterms)(t)
    rrms = float(np.std(rs)) or 1.0
    kr = cam.rotation_deg_rms / rrms
    rterms = [(a * kr, f, ph) for a, f, ph in rterms]
    return _CameraPath(_sines(tx + wx), _sines(ty + wy), _sines(rterms))


def _camera_matrix(
    dx: float, dy: float, rot_deg: float, size_wh: tuple[int, int], margin: int
) -> np.ndarray:
    """Affine map from canvas pixels to frame pixels for one camera pose."""
    w, h = size_wh
    c_can = np.array([w / 2 + margin, h / 2 + margin])
    c_frm = np.array([w / 2, h / 2])
    a = math.radians(rot_deg)
    r = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    trans = c_frm + np.array([dx, dy]) - r @ c_can
    return np.hstack([r, trans[:, None]]).astype(np.float64)


# ---------------------------------------------------------------------------------------------
# Person compositing.
# ---------------------------------------------------------------------------------------------


def _person_matrix(
    cut: Cutout, cx: float, cy: float, scale: float, rot_deg: float, margin: int
) -> np.ndarray:
    """Affine map from cut-out pixels to canvas pixels placing the face centre at (cx, cy)."""
    fx = (cut.face_box[0] + cut.face_box[2]) / 2
    fy = (cut.face_box[1] + cut.face_box[3]) / 2
    a = math.radians(rot_deg)
    r = scale * np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    trans = np.array([cx + margin, cy + margin]) - r @ np.array([fx, fy])
    return np.hstack([r, trans[:, None]])


def _warp_roi(
    mat: np.ndarray, src_wh: tuple[int, int], canvas_wh: tuple[int, int]
) -> tuple[int, int, int, int] | None:
    """Canvas rectangle covered by a warped source image, or ``None`` when off-canvas."""
    sw, sh = src_wh
    corners = np.array([[0, 0, 1], [sw, 0, 1], [0, sh, 1], [sw, sh, 1]], np.float64)
    pts = corners @ mat.T
    x0 = max(0, math.floor(pts[:, 0].min()) - 1)
    y0 = max(0, math.floor(pts[:, 1].min()) - 1)
    x1 = min(canvas_wh[0], math.ceil(pts[:, 0].max()) + 1)
    y1 = min(canvas_wh[1], math.ceil(pts[:, 1].max()) + 1)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def _turned(
    cut: Cutout, amount: float, turn_deg: float, direction: int
) -> tuple[np.ndarray | None, tuple[int, int], tuple[float, float, float, float]]:
    """The cut-out with the head turned partly away (towards a three-quarter view).

    Each row of the head is treated as a slice of a cylinder spanning the silhouette (limited
    to an ellipse around the skull) and is rotated about the vertical axis: features slide
    towards one side and foreshorten there, the far cheek disappears behind the profile, and
    the side/back of the head comes into view on the other side, painted with real hair
    texture. The silhouette itself is unchanged and the effect fades out at the chin.

    Args:
        cut: The (scaled) cut-out.
        amount: 0 (frontal) .. 1 (turned as far as this clip goes).
        turn_deg: Head rotation at ``amount == 1``.
        direction: ``+1`` turns the face towards image right, ``-1`` towards image left.

    Returns:
        The remapped BGR patch (``None`` if there is nothing to turn), the cut-out pixel of
        its top-left corner, and the visible face box in cut-out pixels.
    """
    fx1, fy1, fx2, fy2 = cut.face_box
    fw, fh = fx2 - fx1, fy2 - fy1
    theta = direction * amount * math.radians(turn_deg)
    h, w = cut.alpha.shape
    x0, x1 = max(0, math.floor(fx1 - 0.7 * fw)), min(w, math.ceil(fx2 + 0.7 * fw))
    y0 = max(0, math.floor(fy1 - 0.9 * fh))
    y_full = fy2 - 0.12 * fh
    y1 = min(h, math.ceil(fy2 + 0.04 * fh))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None, (0, 0), cut.face_box
    inside = cut.alpha[y0:y1, x0:x1] > 0.5
    # float32 throughout: this runs on a large patch for every frame of the turn.
    cols = np.arange(x0, x1, dtype=np.float32)
    ys = np.arange(y0, y1, dtype=np.float32)
    has = inside.any(axis=1)
    first = np.where(has, inside.argmax(axis=1), 0) + x0
    last = np.where(has, x1 - 1 - inside[:, ::-1].argmax(axis=1), x1 - 1)
    # Limit each row to an ellipse around the skull so collars and shoulders beside the chin
    # stay where they are.
    b_ax = (fy2 + 0.03 * fh - (fy1 - 0.8 * fh)) / 2
    cy_e = fy2 + 0.03 * fh - b_ax
    chord = np.float32(0.66 * fw) * np.sqrt(np.clip(1.0 - ((ys - cy_e) / b_ax) ** 2, 0.0, 1.0))
    cx_e = (fx1 + fx2) / 2
    first = np.maximum(first, cx_e - chord)
    last = np.minimum(last, cx_e + chord)
    has &= last - first > 2
    xl = cv2.GaussianBlur(first.astype(np.float32)[:, None], (1, 0), sigmaX=0.1, sigmaY=2.0)[:, 0]
    xr = cv2.GaussianBlur(last.astype(np.float32)[:, None], (1, 0), sigmaX=0.1, sigmaY=2.0)[:, 0]
    xc = ((xl + xr) / 2)[:, None]
    rad = np.maximum((xr - xl) / 2, 1.0)[:, None]
    fade = np.clip((y1 - 1 - ys) / np.float32(max(1.0, y1 - 1 - y_full)), 0.0, 1.0)[:, None]
    fade[~has] = 0.0
    rel = np.clip((cols[None, :] - xc) / rad, -1.0, 1.0)
    phi_src = np.arcsin(rel) - np.float32(theta) * fade
    # The photo has nothing of the side/back of the head that now faces the camera (it would
    # be a thin edge strip smeared wide), so paint it with hair from the rows where hair or
    # headwear spans the head, in the shade of the turned face.
    trailing = np.float32(-np.sign(theta)) * phi_src
    hair_from = np.float32(math.radians(50.0))
    depth = np.clip(
        (trailing - hair_from) / np.float32(abs(theta) + math.pi / 2 - hair_from), 0.0, 1.0
    )
    # Hair patch coordinates: across it with depth into the turn, down it with the row.
    ph, pw = cut.hair.shape[:2]
    frac = np.clip((ys - cut.crown_y) / np.float32(max(1.0, y1 - cut.crown_y)), 0.0, 1.0)
    patch_mx = (np.float32(pw - 1) * (0.1 + 0.8 * depth)).astype(np.float32)
    patch_my = np.broadcast_to((frac * np.float32(ph - 1))[:, None], phi_src.shape).astype(
        np.float32
    )
    # Above crown_y (crown, cap) the head's own rows hold hair/headwear right across.
    side = -float(np.sign(theta))
    crown_x = np.float32(cx_e) + np.float32(side) * chord[:, None] * (0.2 + 0.6 * depth)
    above = (ys < cut.crown_y)[:, None]
    half_pi = np.float32(math.pi / 2)
    face_x = xc + rad * np.sin(np.clip(phi_src, -half_pi, half_pi))
    face_y = np.broadcast_to(ys[:, None], phi_src.shape)
    within = (cols[None, :] >= xl[:, None]) & (cols[None, :] <= xr[:, None])
    ident_x = np.broadcast_to(cols[None, :], phi_src.shape)
    face_mx = np.where(within, face_x, ident_x).astype(np.float32)
    face_my = face_y.astype(np.float32)
    crown_mx = np.where(within, crown_x, ident_x).astype(np.float32)
    face_px = cv2.remap(cut.bgr, face_mx, face_my, cv2.INTER_LINEAR)
    crown_px = cv2.remap(cut.bgr, crown_mx, face_my, cv2.INTER_LINEAR)
    patch_px = cv2.remap(cut.hair, patch_mx, patch_my, cv2.INTER_LINEAR, cv2.BORDER_REFLECT)
    hair_px = np.where(above[:, :, None], crown_px, patch_px)
    # A soft hairline instead of a seam, and the back of the head a little darker.
    blend = np.clip((trailing - hair_from + 0.12) / np.float32(0.2), 0.0, 1.0) * within
    blend = (blend * blend * (3 - 2 * blend)).astype(np.float32)
    hair_px = cv2.convertScaleAbs(hair_px, alpha=0.85)
    patch = cv2.blendLinear(hair_px, face_px, blend, 1.0 - blend)
    # Where the face's own edges land, measured on the row through the eyes and nose.
    r = min(len(xc) - 1, max(0, round((fy1 + fy2) / 2 - y0)))
    c, rr = float(xc[r, 0]), float(rad[r, 0])

    def land(x: float) -> float:
        phi = math.asin(max(-1.0, min(1.0, (x - c) / rr))) + theta
        return c + rr * math.sin(max(-math.pi / 2, min(math.pi / 2, phi)))

    nx1, nx2 = land(fx1), land(fx2)
    return patch, (x0, y0), (min(nx1, nx2), fy1, max(nx1, nx2), fy2)


@dataclass(frozen=True)
class _Occluder:
    """A drawn layer that can report how much it covers any canvas rectangle.

    Attributes:
        alpha: The layer's matte (source pixels for a person, canvas rows for a static band).
        mat: Source-to-canvas affine for a person; ``None`` for a static band.
        y_off: Canvas row of ``alpha[0]`` for a static band.
    """

    alpha: np.ndarray
    mat: np.ndarray | None = None
    y_off: int = 0

    def coverage(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        """The layer's alpha over canvas rectangle ``[x0, x1) x [y0, y1)``."""
        if self.mat is not None:
            local = self.mat.copy()
            local[:, 2] -= (x0, y0)
            return cv2.warpAffine(
                self.alpha,
                local,
                (x1 - x0, y1 - y0),
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=0.0,
            )
        out = np.zeros((y1 - y0, x1 - x0), np.float32)
        a0, a1 = max(y0, self.y_off), max(y1, self.y_off)
        if a1 > a0:
            out[a0 - y0 : a1 - y0] = self.alpha[a0 - self.y_off : a1 - self.y_off, x0:x1]
        return out


@dataclass(frozen=True)
class _DrawnPerson:
    """What drawing one person in one frame produced.

    Attributes:
        index: Index into ``SceneSpec.people``.
        face_xyxy: Visible face box on the canvas (before the camera).
        frontal: Fraction of the face's width still frontal (1 unless turning away).
        occluder: The person's matte as placed on the canvas.
    """

    index: int
    face_xyxy: tuple[float, float, float, float]
    frontal: float
    occluder: _Occluder


def _ellipse_weights(w: int, h: int) -> np.ndarray:
    """Weights of an ellipse inscribed in a ``w x h`` box (faces are oval, boxes are not)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    e = ((xx + 0.5 - w / 2) / (w / 2)) ** 2 + ((yy + 0.5 - h / 2) / (h / 2)) ** 2
    return (e <= 1.0).astype(np.float32)


def _blend(canvas: np.ndarray, fg: np.ndarray, alpha: np.ndarray, x0: int, y0: int) -> None:
    """Alpha-composite ``fg`` onto ``canvas`` at ``(x0, y0)`` in place."""
    h, w = alpha.shape
    bg = canvas[y0 : y0 + h, x0 : x0 + w]
    canvas[y0 : y0 + h, x0 : x0 + w] = cv2.blendLinear(fg, bg, alpha, 1.0 - alpha)


@dataclass(frozen=True)
class _PreparedPerson:
    """A person ready to draw: lit cut-out, per-frame track and turn strength."""

    index: int
    spec: PersonSpec
    cut: Cutout
    bgra: np.ndarray
    track: _Track
    turn_deg: float


def _bgra(bgr: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Pack colour and matte into one 4-channel image (OpenCV warps 4 channels much faster)."""
    a8 = cv2.convertScaleAbs(alpha, alpha=255.0)
    return cv2.merge([*cv2.split(bgr), a8])


def _draw_person(
    canvas: np.ndarray,
    see: np.ndarray | None,
    person: _PreparedPerson,
    k: int,
    margin: int,
    exposure_s: float,
) -> _DrawnPerson:
    """Composite one person into the BGRA canvas for frame ``k``.

    ``see`` says where the room in front of the person (furniture, desk) lets them show;
    ``None`` when nothing is in front.
    """
    cut, tr = person.cut, person.track
    bgra, alpha, fb = person.bgra, cut.alpha, cut.face_box
    frontal = 1.0
    if tr.turn[k] > 1e-3:
        patch, (px, py), fb = _turned(cut, float(tr.turn[k]), person.turn_deg, person.spec.turn_dir)
        if patch is not None:
            bgra = bgra.copy()
            bgra[py : py + patch.shape[0], px : px + patch.shape[1], :3] = patch
        frontal = (fb[2] - fb[0]) / (cut.face_box[2] - cut.face_box[0])
    mat = _person_matrix(cut, tr.cx[k], tr.cy[k], tr.scale[k], tr.rot_deg[k], margin)
    centre = mat @ np.array([(fb[0] + fb[2]) / 2, (fb[1] + fb[3]) / 2, 1.0])
    sc = float(tr.scale[k])
    half_w, half_h = sc * (fb[2] - fb[0]) / 2, sc * (fb[3] - fb[1]) / 2
    face = (centre[0] - half_w, centre[1] - half_h, centre[0] + half_w, centre[1] + half_h)
    drawn = _DrawnPerson(person.index, face, frontal, _Occluder(alpha=alpha, mat=mat))
    ch, cw = canvas.shape[:2]
    roi = _warp_roi(mat, (bgra.shape[1], bgra.shape[0]), (cw, ch))
    if roi is None:
        return drawn
    x0, y0, x1, y1 = roi
    local = mat.copy()
    local[:, 2] -= (x0, y0)
    size = (x1 - x0, y1 - y0)
    fg = cv2.warpAffine(bgra, local, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    # A walking or standing person smears during the exposure, as on a real sensor.
    bx = round(abs(float(tr.vx[k])) * exposure_s)
    by = round(abs(float(tr.vy[k])) * exposure_s)
    if bx >= 2 or by >= 2:
        fg = cv2.blur(fg, (max(1, bx), max(1, by)))
    if see is None:
        alpha_roi = fg[:, :, 3].astype(np.float32) * np.float32(1.0 / 255.0)
    else:
        alpha_roi = cv2.multiply(
            fg[:, :, 3], see[y0:y1, x0:x1], scale=1.0 / 255.0, dtype=cv2.CV_32F
        )
    _blend(canvas, fg, alpha_roi, x0, y0)
    return drawn


def _face_label(
    person: _DrawnPerson,
    later: Sequence[_Occluder],
    cam_mat: np.ndarray,
    size_wh: tuple[int, int],
    canvas_wh: tuple[int, int],
) -> tuple[tuple[float, float, float, float], float] | None:
    """The face box in the frame and its visible fraction, or ``None`` when not visible."""
    w, h = size_wh
    cw, ch = canvas_wh
    bx0, by0, bx1, by1 = person.face_xyxy
    occluded = 0.0
    ix0, iy0 = max(0, math.floor(bx0)), max(0, math.floor(by0))
    ix1, iy1 = min(cw, math.ceil(bx1)), min(ch, math.ceil(by1))
    if ix1 > ix0 and iy1 > iy0:
        clear = np.ones((iy1 - iy0, ix1 - ix0), np.float32)
        for occ in later:
            clear *= 1.0 - occ.coverage(ix0, iy0, ix1, iy1)
        cover = 1.0 - clear
        wts = _ellipse_weights(ix1 - ix0, iy1 - iy0)
        occluded = float((cover * wts).sum() / max(1.0, float(wts.sum())))
    # Rotations are a fraction of a degree, so moving the centre is enough.
    cx, cy = cam_mat @ np.array([(bx0 + bx1) / 2, (by0 + by1) / 2, 1.0])
    hw, hh = (bx1 - bx0) / 2, (by1 - by0) / 2
    fx0, fy0, fx1, fy1 = cx - hw, cy - hh, cx + hw, cy + hh
    cx0, cy0 = max(0.0, fx0), max(0.0, fy0)
    cx1, cy1 = min(float(w), fx1), min(float(h), fy1)
    if cx1 - cx0 < 1.0 or cy1 - cy0 < 1.0:
        return None
    in_frame = (cx1 - cx0) * (cy1 - cy0) / max(1e-6, (fx1 - fx0) * (fy1 - fy0))
    vis = in_frame * (1.0 - occluded) * person.frontal
    if vis <= 0.01:
        return None
    box = (round(float(cx0), 2), round(float(cy0), 2), round(float(cx1), 2), round(float(cy1), 2))
    return box, round(float(vis), 4)


@functools.lru_cache(maxsize=64)
def _line_kernel(length_q: int, angle_q: int) -> np.ndarray:
    """Normalised anti-aliased line kernel (motion blur) of a quantised length and angle."""
    length = length_q / 4.0
    size = 2 * math.ceil(length / 2) + 1
    ss = 8
    big = np.zeros((size * ss, size * ss), np.float32)
    c = (size * ss - 1) / 2
    a = math.radians(angle_q)
    dx, dy = math.cos(a) * length * ss / 2, math.sin(a) * length * ss / 2
    pt0 = (round(c - dx), round(c - dy))
    pt1 = (round(c + dx), round(c + dy))
    cv2.line(big, pt0, pt1, 1.0, ss, cv2.LINE_AA)
    k = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    k /= float(k.sum())
    k.setflags(write=False)
    return k


def _shoot(
    canvas: np.ndarray,
    path: _CameraPath,
    t_k: float,
    exposure_s: float,
    size_wh: tuple[int, int],
    margin: int,
) -> np.ndarray:
    """Move the camera: warp the BGRA canvas into a BGR frame, with motion blur.

    The blur is the translation during the exposure (the roll's share is negligible),
    applied as a line kernel; long streaks are split into two passes to keep the kernel
    small enough for OpenCV's direct (fast) convolution.
    """
    w, h = size_wh
    one = np.array([t_k])
    pose = (float(path.dx(one)[0]), float(path.dy(one)[0]), float(path.rot(one)[0]))
    mat = _camera_matrix(*pose, size_wh, margin)
    warped = cv2.warpAffine(
        canvas, mat, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )
    frame = cv2.cvtColor(warped, cv2.COLOR_BGRA2BGR)
    eps = 1e-3
    vx = float((path.dx(one + eps) - path.dx(one - eps))[0]) / (2 * eps)
    vy = float((path.dy(one + eps) - path.dy(one - eps))[0]) / (2 * eps)
    length = math.hypot(vx, vy) * exposure_s
    if length < 1.0:
        return frame
    passes = 1 if length <= 10 else 2
    angle = round(math.degrees(math.atan2(vy, vx))) % 180
    kernel = _line_kernel(round(4 * length / passes), angle)
    for _ in range(passes):
        frame = cv2.filter2D(frame, -1, kernel, borderType=cv2.BORDER_REFLECT)
    return frame


def _seeded(spec_seed: int, *parts: int | str) -> np.random.Generator:
    """Independent random stream per purpose, so adding a person does not move the camera."""
    keys = [spec_seed & 0xFFFFFFFF] + [
        p if isinstance(p, int) else zlib.crc32(p.encode()) for p in parts
    ]
    return np.random.default_rng(keys)


def _prepare_people(
    spec: SceneSpec, t: np.ndarray, gain: np.ndarray, vig: np.ndarray, margin: int
) -> list[_PreparedPerson]:
    """Lit cut-outs and tracks, ordered back to front (far first, then by face size)."""
    order = sorted(
        range(len(spec.people)),
        key=lambda i: (not spec.people[i].is_far, spec.people[i].face_height_px, i),
    )
    ch, cw = vig.shape
    out = []
    for i in order:
        ps = spec.people[i]
        prng = _seeded(spec.seed, "person", i)
        info = PERSON_PHOTOS[ps.photo]
        base_scale = ps.face_height_px / (info.face_box[3] - info.face_box[1])
        # Round the scale so similar sizes share the cut-out cache; the per-frame warp
        # absorbs the remainder.
        q = round(base_scale, 2)
        cut = scaled_cutout(ps.photo, ps.flip, q)
        vx = min(max(int(ps.center_xy[0]) + margin, 0), cw - 1)
        vy = min(max(int(ps.center_xy[1]) + margin, 0), ch - 1)
        g = gain * ps.brightness * float(vig[vy, vx])
        lit = cv2.multiply(cut.bgr, (float(g[0]), float(g[1]), float(g[2]), 0.0))
        lit_hair = cv2.multiply(cut.hair, (float(g[0]), float(g[1]), float(g[2]), 0.0))
        cut = dataclasses.replace(cut, bgr=lit, hair=lit_hair)
        track = _person_track(ps, spec, prng, t)
        track.scale = track.scale * (base_scale / q)
        # Past about 70 degrees MediaPipe loses faces of 150 px or less; bigger ones survive.
        turn_deg = float(prng.uniform(55.0, 85.0)) if ps.turn_deg is None else ps.turn_deg
        out.append(_PreparedPerson(i, ps, cut, _bgra(lit, cut.alpha), track, turn_deg))
    return out


def _margin_for(spec: SceneSpec, dxs: np.ndarray, dys: np.ndarray, rots: np.ndarray) -> int:
    """Canvas margin so no shifted/rotated frame corner (incl. exposure) leaves the canvas."""
    if spec.camera.mounted:
        return _BASE_MARGIN
    w, h = spec.size_wh
    cam = spec.camera
    exposure_pad = spec.exposure_s * 2 * math.pi * cam.tremor_hz * 1.5 * (cam.shake_px_rms + 1)
    need = (
        float(np.max(np.hypot(dxs, dys)))
        + math.hypot(w / 2, h / 2) * math.radians(float(np.max(np.abs(rots))) * 1.2)
        + exposure_pad
        + 4
    )
    return max(_BASE_MARGIN, math.ceil(need / 16) * 16)


def build_scene(spec: SceneSpec) -> tuple[list[np.ndarray], SceneLabels]:
    """Render a clip and its ground truth.

    Args:
        spec: The scene description; the output is a pure function of it.

    Returns:
        ``spec.n_frames`` BGR uint8 frames of size ``spec.size_wh`` and their labels.
    """
    w, h = spec.size_wh
    n = spec.n_frames
    t = np.arange(n, dtype=np.float64) / spec.fps
    cam = spec.camera
    path = _camera_path(cam, t, _seeded(spec.seed, "camera"))
    dxs, dys, rots = path.dx(t), path.dy(t), path.rot(t)
    margin = _margin_for(spec, dxs, dys, rots)
    cw, ch = w + 2 * margin, h + 2 * margin
    layers = room_layers(spec.room, (w, h), margin, spec.desk_page)

    # Scene lighting: global level, colour temperature, lens vignetting.
    vig = _vignette_map(cw, ch, margin, round(spec.vignette, 3))
    gain = np.asarray(spec.white_balance, np.float32) * spec.light
    # Everything is composited in BGRA: OpenCV warps 4 channels far faster than 3.
    image = layers.image if spec.desk else layers.image_bare
    front_alpha: np.ndarray | None = None
    placed: tuple[Any, ...] = ()
    if spec.props:
        # Props are part of the room: lit with it, shaken with it, hidden by people in front.
        desk_alpha = 1.0 - layers.see_near if spec.desk else None
        light = wall_light_map(spec.room, (w, h), margin)
        image, front_alpha, placed = draw_props(
            spec.props, image, desk_alpha, light, margin, (w, h)
        )
    room = cv2.cvtColor(cv2.convertScaleAbs(image * (vig[:, :, None] * gain)), cv2.COLOR_BGR2BGRA)
    furniture_occ = _Occluder(alpha=layers.furniture_alpha, y_off=layers.furniture_y0)
    occluders: list[_Occluder] = [furniture_occ]
    if spec.desk:
        occluders.append(_Occluder(alpha=layers.desk_alpha, y_off=layers.desk_y0))
    see_far = layers.see_far if spec.desk else layers.see_far_bare
    see_near = layers.see_near if spec.desk else None
    if front_alpha is not None:
        # Paper held up or propped near the camera hides anyone behind it, like the desk.
        occluders.append(_Occluder(alpha=front_alpha, y_off=0))
        see_far = see_far * (1.0 - front_alpha)
        see_near = (1.0 - front_alpha) if see_near is None else see_near * (1.0 - front_alpha)
    people = _prepare_people(spec, t, gain, vig, margin)

    noise = (
        [cv2.multiply(f, spec.noise_sigma / 64.0, dtype=cv2.CV_16S) for f in _noise_bank(h, w)]
        if spec.noise_sigma > 0
        else []
    )
    # Draw all per-frame randomness up front so frames can render in any order (in parallel).
    nrng = _seeded(spec.seed, "noise")
    noise_pick: list[int] = []
    for _ in range(n):
        choices = [j for j in range(len(noise)) if not noise_pick or j != noise_pick[-1]]
        noise_pick.append(int(choices[int(nrng.integers(len(choices)))]) if noise else -1)

    Box = tuple[float, float, float, float]

    def render(k: int) -> tuple[np.ndarray, list[tuple[int, Box, float]]]:
        canvas = room.copy()
        # Depth order: far people, back furniture + floor, near people, desk.
        stack: list[_DrawnPerson | _Occluder] = []
        for person in people:
            if person.spec.is_far:
                stack.append(_draw_person(canvas, see_far, person, k, margin, spec.exposure_s))
        stack.append(occluders[0])
        for person in people:
            if not person.spec.is_far:
                stack.append(_draw_person(canvas, see_near, person, k, margin, spec.exposure_s))
        stack.extend(occluders[1:])

        if cam.mounted:
            frame = cv2.cvtColor(
                canvas[margin : margin + h, margin : margin + w], cv2.COLOR_BGRA2BGR
            )
        else:
            frame = _shoot(canvas, path, float(t[k]), spec.exposure_s, (w, h), margin)
        # Optics, then sensor noise, then the codec, as in a real webcam pipeline.
        if spec.blur_sigma > 0:
            frame = cv2.GaussianBlur(frame, (0, 0), spec.blur_sigma)
        if noise:
            frame = cv2.add(frame, noise[noise_pick[k]], dtype=cv2.CV_8U)
        ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(spec.jpeg_quality)])
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        if decoded is None:
            raise RuntimeError("JPEG decoding failed")

        cam_mat = _camera_matrix(float(dxs[k]), float(dys[k]), float(rots[k]), (w, h), margin)
        found: list[tuple[int, Box, float]] = []
        for pos, item in enumerate(stack):
            if not isinstance(item, _DrawnPerson):
                continue
            later = [x.occluder if isinstance(x, _DrawnPerson) else x for x in stack[pos + 1 :]]
            label = _face_label(item, later, cam_mat, (w, h), (cw, ch))
            if label is not None:
                found.append((item.index, *label))
        found.sort(key=lambda f: f[0])
        return decoded, found

    # OpenCV releases the GIL, so two workers keep both cores busy; results stay in order.
    if _WORKERS > 1:
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            results = list(pool.map(render, range(n)))
    else:
        results = [render(k) for k in range(n)]
    frames = [r[0] for r in results]
    all_ids = [tuple(f[0] for f in r[1]) for r in results]
    all_boxes = [tuple(f[1] for f in r[1]) for r in results]
    all_vis = [tuple(f[2] for f in r[1]) for r in results]

    seen: set[int] = set()
    most = 0
    for ids_k, vis_k in zip(all_ids, all_vis, strict=True):
        now = {i for i, v in zip(ids_k, vis_k, strict=True) if v >= VISIBLE_FRACTION}
        seen |= now
        most = max(most, len(now))
    shake = math.sqrt(float(np.mean((dxs - dxs.mean()) ** 2 + (dys - dys.mean()) ** 2)))
    labels = SceneLabels(
        people_count=len(seen),
        max_people_at_once=most,
        mounted=cam.mounted,
        shake_px_rms=0.0 if cam.mounted else shake,
        face_boxes_xyxy=tuple(all_boxes),
        kind=spec.kind,
        face_ids=tuple(all_ids),
        face_visibility=tuple(all_vis),
        camera_offsets_xy=tuple((float(a), float(b)) for a, b in zip(dxs, dys, strict=True)),
        camera_rotation_deg=tuple(float(r) for r in rots),
        rotation_deg_rms=0.0 if cam.mounted else float(np.std(rots)),
        fps=spec.fps,
    )
    if placed:
        cam0 = _camera_matrix(float(dxs[0]), float(dys[0]), float(rots[0]), (w, h), margin)
        labels = dataclasses.replace(labels, props=label_props(placed, cam0, (w, h)))
    return frames, labels


# ---------------------------------------------------------------------------------------------
# Random scenes.
# ---------------------------------------------------------------------------------------------


def _head_zone(p: PersonSpec) -> tuple[float, float, float, float]:
    """Region a person's head and hair occupy, with room for live motion."""
    cx, cy = p.center_xy
    f = p.face_height_px
    return (cx - 0.85 * f, cy - 1.0 * f, cx + 0.85 * f, cy + 0.6 * f)


def _body_zone(p: PersonSpec) -> tuple[float, float, float, float]:
    """Region a (sitting) person's shoulders and chest occupy."""
    cx, cy = p.center_xy
    f = p.face_height_px
    return (cx - 2.1 * f, cy + 0.75 * f, cx + 2.1 * f, cy + 10 * f)


def _face_zone(p: PersonSpec, pad: float) -> tuple[float, float, float, float]:
    """The face box, grown by ``pad`` face heights."""
    cx, cy = p.center_xy
    f = p.face_height_px * (0.5 + pad)
    return (cx - f, cy - f, cx + f, cy + f)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two ``xyxy`` rectangles intersect."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _faces_clear(near: PersonSpec, far: PersonSpec) -> bool:
    """The nearer person's head and body leave the farther person's face visible."""
    fz = _face_zone(far, 0.15)
    return not (_overlap(fz, _head_zone(near)) or _overlap(fz, _body_zone(near)))


def _main_person(
    rng: np.random.Generator,
    geom: RoomGeometry,
    size_wh: tuple[int, int],
    f: float,
    motion: str = "live",
) -> PersonSpec:
    """Someone sitting at the laptop: low-centre, shoulders running behind the desk."""
    w, h = size_wh
    cx = w / 2 + rng.uniform(-0.14, 0.14) * w
    lo = max(0.40 * h, f / 2 + 0.04 * h)
    hi = min(0.60 * h, geom.desk_top - 0.03 * h - f / 2)
    cy = rng.uniform(lo, max(lo, hi))
    person = PersonSpec(
        photo=str(rng.choice(sorted(PERSON_PHOTOS))),
        face_height_px=float(f),
        center_xy=(float(cx), float(cy)),
        motion=motion,
        flip=bool(rng.random() < 0.5),
        brightness=float(rng.uniform(0.88, 1.12)),
        turn_dir=int(rng.choice([-1, 1])),
    )
    if motion in ("turn_away", "stand_up"):
        # Mid-clip, but not always on the same frame.
        event = float(rng.uniform(0.4, 0.6) * _RANDOM_CLIP_S)
        person = dataclasses.replace(person, event_time_s=event)
    return person


def _second_person(
    rng: np.random.Generator,
    main: PersonSpec,
    geom: RoomGeometry,
    size_wh: tuple[int, int],
    motion: str,
) -> PersonSpec | None:
    """A second person beside the main one or across the room, whose face stays clear."""
    w, h = size_wh
    photo = next(p for p in sorted(PERSON_PHOTOS) if p != main.photo)
    for _ in range(60):
        f = (
            rng.uniform(40, 60)
            if rng.random() < 0.5
            else math.exp(rng.uniform(math.log(60), math.log(200)))
        )
        far = f < _FAR_FACE_PX
        if far:
            # Head and shoulders above the back furniture, the rest hidden behind it.
            cy = geom.back_top - 0.5 * f - rng.uniform(1.1, 2.4) * f
        else:
            cy = main.center_xy[1] + rng.uniform(-0.06, 0.08) * h
            cy = min(cy, geom.desk_top - 0.6 * f)
        if motion == "walk_past":
            direction = int(rng.choice([-1, 1]))
            v = 5.6 * f
            x_mid = rng.uniform(0.25, 0.75) * w
            cx = x_mid - direction * v * 0.5 * _RANDOM_CLIP_S * rng.uniform(0.8, 1.2)
            return PersonSpec(
                photo=photo,
                face_height_px=float(f),
                center_xy=(float(cx), float(cy)),
                motion="walk_past",
                flip=bool(rng.random() < 0.5),
                brightness=float(rng.uniform(0.8, 1.1)),
                far=far,
                walk_dir=direction,
            )
        cx = rng.uniform(0.6 * f + 10, w - 0.6 * f - 10)
        cand = PersonSpec(
            photo=photo,
            face_height_px=float(f),
            center_xy=(float(cx), float(cy)),
            motion=motion,
            flip=bool(rng.random() < 0.5),
            brightness=float(rng.uniform(0.8, 1.1)),
            far=far,
        )
        near_p, far_p = (cand, main) if cand.face_height_px > main.face_height_px else (main, cand)
        if _faces_clear(near_p, far_p) and cy - 0.6 * f > 0.02 * h:
            return cand
    return None


def random_handheld_camera(rng: np.random.Generator) -> CameraSpec:
    """A hand-held camera as the random kinds draw it: 1-8 px tremor at 4-12 Hz, slight roll."""
    shake = float(rng.uniform(1.0, 8.0))
    return CameraSpec(
        mounted=False,
        shake_px_rms=shake,
        tremor_hz=float(rng.uniform(4.0, 12.0)),
        # Keep the slow wander small next to the tremor so the measured total stays
        # close to the requested tremor RMS.
        drift_px=float(rng.uniform(0.8, 1.5) * math.sqrt(shake)),
        rotation_deg_rms=float(rng.uniform(0.1, 0.4)),
    )


def random_look(rng: np.random.Generator) -> dict[str, Any]:
    """Camera and lighting look for a random scene (noise, blur, compression, light, colour).

    Draws from `rng` in a fixed order: scenes rendered before this was shared stay identical.
    """
    temp = rng.uniform(-1.0, 1.0)
    return {
        "noise_sigma": float(rng.uniform(1.5, 5.0)),
        "blur_sigma": float(rng.uniform(0.3, 1.2)),
        "jpeg_quality": int(rng.integers(60, 91)),
        "light": float(rng.uniform(0.8, 1.15)),
        "white_balance": (1.0 - 0.07 * temp, 1.0, 1.0 + 0.07 * temp),
        "vignette": float(rng.uniform(0.08, 0.3)),
        "exposure_s": float(rng.uniform(1 / 120, 1 / 45)),
    }


def random_scene(seed: int, kind: str) -> SceneSpec:
    """Draw a random scene of a given kind.

    Args:
        seed: Random seed; the same ``(seed, kind)`` always gives the same spec.
        kind: One of :data:`KINDS`.

    Returns:
        A scene spec with random room, lighting, people and camera for the kind.

    Raises:
        ValueError: For an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}")
    if kind in DOCUMENT_KINDS:
        # Imported here: props_scenes builds on this module's person placement.
        from tests.scenes.props_scenes import random_prop_scene

        return random_prop_scene(seed, kind)
    rng = _seeded(seed, "random_scene", kind)
    size = (1280, 720)
    room = int(rng.integers(N_ROOMS))
    geom = room_geometry(room, size)
    common: dict[str, Any] = {
        "seed": seed,
        "size_wh": size,
        "room": room,
        **random_look(rng),
        "kind": kind,
    }

    people: list[PersonSpec] = []
    camera = CameraSpec()
    if kind == "one_person":
        people = [_main_person(rng, geom, size, rng.uniform(120, 320))]
    elif kind == "turn_away":
        people = [_main_person(rng, geom, size, rng.uniform(120, 320), motion="turn_away")]
    elif kind == "two_people":
        for _ in range(20):
            main = _main_person(rng, geom, size, rng.uniform(120, 260))
            motion = "walk_past" if rng.random() < 0.5 else "live"
            second = _second_person(rng, main, geom, size, motion)
            if second is not None:
                people = [main, second]
                break
        else:  # pragma: no cover - placement always succeeds in practice
            raise RuntimeError("could not place two people")
        if rng.random() < 0.5:
            camera = random_handheld_camera(rng)
    elif kind == "mounted_moving":
        if rng.random() < 0.5:
            people = [_main_person(rng, geom, size, rng.uniform(120, 280), motion="stand_up")]
        else:
            main = _main_person(rng, geom, size, rng.uniform(120, 260))
            second = None
            while second is None:
                second = _second_person(rng, main, geom, size, "walk_past")
            people = [main, second]
    elif kind == "handheld":
        camera = random_handheld_camera(rng)
        if rng.random() < 0.7:
            people = [_main_person(rng, geom, size, rng.uniform(120, 320))]
        else:
            for _ in range(20):
                main = _main_person(rng, geom, size, rng.uniform(120, 260))
                second = _second_person(rng, main, geom, size, "live")
                if second is not None:
                    people = [main, second]
                    break
    # Drawn last so adding it did not reshuffle the other random choices.
    desk = bool(rng.random() < 0.65)
    return SceneSpec(people=tuple(people), camera=camera, desk=desk, **common)


def save_frames(frames: Sequence[np.ndarray], folder: str | os.PathLike[str]) -> None:
    """Write frames as ``00000.png``, ``00001.png``, ... into ``folder`` (created if needed).

    Args:
        frames: BGR uint8 frames.
        folder: Destination directory.

    Raises:
        OSError: When a file can not be written.
    """
    os.makedirs(folder, exist_ok=True)
    for i, frame in enumerate(frames):
        path = os.path.join(folder, f"{i:05d}.png")
        if not cv2.imwrite(path, frame):
            raise OSError(f"could not write {path}")


def save_video(frames: Sequence[np.ndarray], path: str | os.PathLike[str], fps: float) -> None:
    """Write frames to an MP4 file (``mp4v``) and check that it reads back.

    Args:
        frames: BGR uint8 frames, all the same size.
        path: Output ``.mp4`` path.
        fps: Frame rate stored in the file.

    Raises:
        ValueError: When there are no frames.
        OSError: When the writer can not be opened or the file does not read back complete.
    """
    if not frames:
        raise ValueError("no frames to write")
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(os.fspath(path), cv2.VideoWriter.fourcc(*"mp4v"), float(fps), (w, h))
    if not writer.isOpened():
        raise OSError(f"could not open a video writer for {path}")
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    cap = cv2.VideoCapture(os.fspath(path))
    try:
        count = 0
        while True:
            ok, img = cap.read()
            if not ok:
                break
            if img.shape[:2] != (h, w):
                raise OSError(f"{path} reads back at {img.shape[1]}x{img.shape[0]}, not {w}x{h}")
            count += 1
    finally:
        cap.release()
    if count != len(frames):
        raise OSError(f"{path} reads back {count} frames, expected {len(frames)}")
