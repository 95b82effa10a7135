"""Random scenes with props: readable and unreadable paperwork, harmless text, photos of people."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from tests.scenes.builder import (
    _RANDOM_CLIP_S,
    DOCUMENT_KINDS,
    CameraSpec,
    PersonSpec,
    SceneSpec,
    _body_zone,
    _head_zone,
    _overlap,
    _seeded,
    random_handheld_camera,
    random_look,
)
from tests.scenes.documents import PERSONAL_VARIANTS
from tests.scenes.photos import PERSON_PHOTOS
from tests.scenes.props import (
    PROP_PHOTOS,
    PropSpec,
    prop_art,
    prop_box,
    prop_face_box,
    prop_text_x_height,
    visible_pii,
)
from tests.scenes.rooms import N_ROOMS, RoomGeometry, desk_items, room_geometry, wall_items

Box = tuple[float, float, float, float]
SIZE = (1280, 720)

# Readable on a 720p call: OCR needs lower-case letters of about 7 px or more; below 3 px the
# words are grey smudges.
READABLE_X_HEIGHT = 7.0
UNREADABLE_X_HEIGHT = 3.0
# A face in a picture between these heights (frame pixels) is one a detector can find.
PHOTO_FACE_PX = (40.0, 120.0)


def _grow(box: Box, pad: float) -> Box:
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def _seated(
    rng: np.random.Generator,
    geom: RoomGeometry,
    f: float,
    x_range: tuple[float, float],
    y_range: tuple[float, float] | None = None,
    avoid: str | None = None,
) -> PersonSpec:
    """Someone sitting at the laptop, as ``builder._main_person`` but with a chosen x range."""
    w, h = SIZE
    cx = rng.uniform(*x_range) * w
    if y_range is None:
        lo = max(0.40 * h, f / 2 + 0.04 * h)
        hi = min(0.60 * h, geom.desk_top - 0.03 * h - f / 2)
    else:
        lo, hi = y_range[0] * h, y_range[1] * h
    cy = rng.uniform(lo, max(lo, hi))
    photos = [p for p in sorted(PERSON_PHOTOS) if p != avoid]
    return PersonSpec(
        photo=str(rng.choice(photos)),
        face_height_px=float(f),
        center_xy=(float(cx), float(cy)),
        flip=bool(rng.random() < 0.5),
        brightness=float(rng.uniform(0.88, 1.12)),
    )


def _face_clear(box: Box, person: PersonSpec, pad: float = 0.25) -> bool:
    """A box (a prop in front of the person) leaves the person's face and hair uncovered."""
    return not _overlap(box, _grow(_head_zone(person), pad * person.face_height_px))


def _behind_clear(box: Box, person: PersonSpec) -> bool:
    """A box behind the person (on the wall) is not hidden by their head or shoulders."""
    return not (_overlap(box, _head_zone(person)) or _overlap(box, _body_zone(person)))


def _in_frame(box: Box, margin: float = 6.0) -> bool:
    w, h = SIZE
    return box[0] >= margin and box[1] >= margin and box[2] <= w - margin and box[3] <= h - margin


def _free_wall(
    box: Box, room: int, geom: RoomGeometry, pad: float = 8.0, cover: bool = False
) -> bool:
    """On the wall above the back furniture, clear of the room's own pictures and shelves.

    With ``cover`` a picture may also hang where one of the room's pictures was, provided it
    hides that one completely.
    """
    if box[3] > geom.back_top - 4 or not _in_frame(box):
        return False
    for item in wall_items(room, SIZE):
        if not _overlap(_grow(box, pad), item):
            continue
        hidden = box[0] <= item[0] and box[1] <= item[1] and box[2] >= item[2] and box[3] >= item[3]
        if not (cover and hidden):
            return False
    return True


def _wall_spots(
    room: int, geom: RoomGeometry, size: tuple[float, float], rng: np.random.Generator
) -> tuple[float, float] | None:
    """A random centre where a ``(w, h)`` box hangs on free wall, or ``None`` if none is left.

    Searches an 8-px grid: random tries rarely hit the gaps between a room's own pictures.
    """
    w = SIZE[0]
    bw, bh = size[0] + 4, size[1] + 4
    xs = np.arange(bw / 2 + 8, w - bw / 2 - 8, 8.0)
    ys = np.arange(bh / 2 + 8, geom.back_top - 6 - bh / 2, 8.0)
    if not len(xs) or not len(ys):
        return None
    cx, cy = np.meshgrid(xs, ys)
    good = np.flatnonzero(_clear_of_all(cx, cy, bw, bh, room, 8.0))
    if not len(good):
        return None
    k = int(good[int(rng.integers(len(good)))])
    return float(cx.flat[k]), float(cy.flat[k])


def _clear_of_all(
    cx: np.ndarray, cy: np.ndarray, bw: float, bh: float, room: int, pad: float
) -> np.ndarray:
    """Where boxes centred at ``(cx, cy)`` overlap none of the room's wall items."""
    ok = np.ones(cx.shape, bool)
    for x0, y0, x1, y1 in wall_items(room, SIZE):
        apart_x = (cx + bw / 2 + pad <= x0) | (x1 <= cx - bw / 2 - pad)
        apart_y = (cy + bh / 2 + pad <= y0) | (y1 <= cy - bh / 2 - pad)
        ok &= apart_x | apart_y
    return ok


def _try(attempts: int, make: Callable[[], PropSpec | None]) -> PropSpec | None:
    for _ in range(attempts):
        prop = make()
        if prop is not None:
            return prop
    return None


def _scale_for(variant: str, x_height: float, seed: int, surface: str) -> float:
    """Prop height (frame px) at which the body text has a given x height, facing the camera."""
    art = prop_art("document", variant, seed, surface)
    return x_height / art.x_height * art.alpha.shape[0]


# ---------------------------------------------------------------------------------------------
# One builder per kind. Each returns the people and props; the caller adds room and look.
# ---------------------------------------------------------------------------------------------


def _document_pii(
    rng: np.random.Generator, prng: np.random.Generator, room: int, geom: RoomGeometry
) -> tuple[list[PersonSpec], list[PropSpec]]:
    """Someone at the screen and a readable personal document propped up near the camera."""
    w, h = SIZE
    variant = str(prng.choice(PERSONAL_VARIANTS))
    dseed = int(prng.integers(1 << 30))
    for _ in range(40):
        below = prng.random() < 0.5 and variant != "receipt"
        f = float(rng.uniform(105, 175))
        if below:
            # Held up in front of the chest: the face above it, the page running off the bottom.
            person = _seated(rng, geom, f, (0.4, 0.6), (0.2, 0.34))
        else:
            side = 1 if prng.random() < 0.5 else -1
            x_range = (0.22, 0.36) if side > 0 else (0.64, 0.78)
            person = _seated(rng, geom, f, x_range)
        target = float(prng.uniform(7.8, 11.5))
        height = _scale_for(variant, target, dseed, "held")

        def make(
            person: PersonSpec = person, below: bool = below, height: float = height
        ) -> PropSpec | None:
            aspect = _aspect(variant, dseed)
            pw = height * aspect
            if below:
                top = person.center_xy[1] + (0.5 + prng.uniform(0.3, 0.6)) * person.face_height_px
                cx = person.center_xy[0] + prng.uniform(-0.15, 0.15) * w
                rot = float(prng.uniform(-7, 7))
            else:
                top = prng.uniform(0.03, 0.3) * h
                inner = person.center_xy[0] + np.sign(w / 2 - person.center_xy[0]) * (
                    1.0 * person.face_height_px
                )
                # The page starts beside the face and runs off the far side of the frame.
                if inner < w / 2:
                    cx = inner + pw / 2 + prng.uniform(0, 0.2) * pw
                else:
                    cx = inner - pw / 2 - prng.uniform(0, 0.2) * pw
                rot = float(prng.uniform(-10, 10))
            prop = PropSpec(
                kind="document",
                variant=variant,
                center_xy=(float(cx), float(top + height / 2)),
                height_px=float(height),
                surface="held",
                rotation_deg=rot,
                seed=dseed,
            )
            box = prop_box(prop, SIZE)
            if not _face_clear(box, person) or prop_text_x_height(prop, SIZE) < READABLE_X_HEIGHT:
                return None
            # Enough of it in view to carry personal data, not just a corner.
            if len(visible_pii(prop, SIZE) - {"document_words"}) < 2:
                return None
            return prop

        prop = _try(12, make)
        if prop is not None:
            return [person], [prop]
    raise RuntimeError("could not place a readable document")  # pragma: no cover


def _aspect(variant: str, seed: int) -> float:
    art = prop_art("document", variant, seed, "held")
    return art.alpha.shape[1] / art.alpha.shape[0]


def _document_small(
    rng: np.random.Generator,
    prng: np.random.Generator,
    room: int,
    geom: RoomGeometry,
    desk: bool,
) -> tuple[list[PersonSpec], list[PropSpec], bool]:
    """Someone at the screen and a personal document too small or too flat to read.

    Returns:
        The people, the props and whether the scene needs its desk.
    """
    w, h = SIZE
    variant = str(prng.choice(PERSONAL_VARIANTS))
    dseed = int(prng.integers(1 << 30))
    person = _seated(rng, geom, float(rng.uniform(120, 260)), (0.36, 0.64))
    cups = desk_items(room, SIZE)

    def on_desk() -> PropSpec | None:
        depth = h - geom.desk_top
        prop = PropSpec(
            kind="document",
            variant=variant,
            center_xy=(
                float(prng.uniform(0.1, 0.9) * w),
                float(geom.desk_top + prng.uniform(0.5, 0.85) * depth),
            ),
            height_px=float(prng.uniform(0.3, 0.75) * depth),
            surface="desk",
            rotation_deg=float(prng.uniform(-30, 30)),
            seed=dseed,
        )
        box = prop_box(prop, SIZE)
        if box[1] < geom.desk_top + 3 or any(_overlap(box, c) for c in cups):
            return None
        return prop

    def on_wall() -> PropSpec | None:
        cap = _scale_for(variant, UNREADABLE_X_HEIGHT * 0.85, dseed, "wall")
        # Pinned to the wall, or (not on a sofa) to the cupboard or partition at the back.
        furniture = room != 1 and prng.random() < 0.4
        band = geom.floor_y - geom.back_top if furniture else geom.back_top
        y0 = geom.back_top if furniture else 0.0
        height = float(prng.uniform(0.45, 1.0) * min(cap, 0.6 * band))
        centre = (float(prng.uniform(0.05, 0.95) * w), float(y0 + prng.uniform(0.2, 0.8) * band))
        if not furniture:
            spot = _wall_spots(room, geom, (height * _aspect(variant, dseed), height), prng)
            if spot is None:
                return None
            centre = spot
        prop = PropSpec(
            kind="document",
            variant=variant,
            center_xy=centre,
            height_px=height,
            surface="wall",
            rotation_deg=float(prng.uniform(-4, 4)),
            seed=dseed,
        )
        box = prop_box(prop, SIZE)
        if furniture:
            inside = geom.back_top + 8 <= box[1] and box[3] <= geom.floor_y - 6
            ok = inside and _in_frame(box)
        else:
            ok = _free_wall(box, room, geom)
        return prop if ok and _behind_clear(box, person) else None

    prop = _try(80, on_desk) if desk and prng.random() < 0.65 else None
    prop = prop or _try(120, on_wall)
    if prop is None:
        # Walls too crowded: the sheet lies on the desk after all (and so there is a desk).
        desk = True
        prop = _try(200, on_desk)
    if prop is None:  # pragma: no cover - the desk always has room
        raise RuntimeError("could not place a small document")
    return [person], [prop], desk


def _wall_poster(
    rng: np.random.Generator,
    prng: np.random.Generator,
    room: int,
    geom: RoomGeometry,
    dseed: int,
) -> tuple[PersonSpec, PropSpec] | None:
    """A readable poster on free wall (or over one of the room's pictures), person beside it."""
    aspect = _aspect("poster", dseed)
    items = [it for it in wall_items(room, SIZE) if it[3] < geom.back_top]
    for _ in range(60):
        height = _scale_for("poster", float(prng.uniform(7.3, 9.0)), dseed, "wall")
        if items and prng.random() < 0.5:
            x0, y0, x1, y1 = items[int(prng.integers(len(items)))]
            height = max(height, y1 - y0 + 6, (x1 - x0 + 6) / aspect)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        else:
            spot = _wall_spots(room, geom, (height * aspect, height), prng)
            if spot is None:
                continue
            cx, cy = spot
        prop = PropSpec("document", "poster", (float(cx), float(cy)), float(height), "wall",
                        0.0, dseed)  # fmt: skip
        box = prop_box(prop, SIZE)
        if not _free_wall(box, room, geom, cover=True):
            continue
        if prop_text_x_height(prop, SIZE) < READABLE_X_HEIGHT:
            continue
        for _ in range(12):
            person = _seated(rng, geom, float(rng.uniform(110, 220)), (0.2, 0.8))
            if _behind_clear(box, person):
                return person, prop
    return None


def _text_no_pii(
    rng: np.random.Generator, prng: np.random.Generator, room: int, geom: RoomGeometry
) -> tuple[list[PersonSpec], list[PropSpec]]:
    """Someone at the screen and readable text that is not personal: books, a poster, notes."""
    w, h = SIZE
    variant = str(prng.choice(["book_spines", "poster", "notebook"]))
    dseed = int(prng.integers(1 << 30))
    if variant == "poster" and prng.random() < 0.65:
        placed = _wall_poster(rng, prng, room, geom, dseed)
        if placed is not None:
            return [placed[0]], [placed[1]]
    for _ in range(40):
        f = float(rng.uniform(110, 220))
        side = 1 if prng.random() < 0.5 else -1
        person = _seated(rng, geom, f, (0.26, 0.44) if side > 0 else (0.56, 0.74))

        def make(person: PersonSpec = person, side: int = side) -> PropSpec | None:
            height = _scale_for(variant, float(prng.uniform(7.6, 10.5)), dseed, "held")
            pw = height * _aspect(variant, dseed)
            # Standing on the desk near the camera, beside the person (on the far side).
            cx = w / 2 + side * prng.uniform(0.25 * w, 0.5 * w - 0.3 * pw)
            bottom = h + prng.uniform(-0.04, 0.2) * height
            rot = float(prng.uniform(-6, 6)) if variant != "book_spines" else 0.0
            prop = PropSpec("document", variant, (float(cx), float(bottom - height / 2)),
                            float(height), "held", rot, dseed)  # fmt: skip
            if not _face_clear(prop_box(prop, SIZE), person):
                return None
            return prop if prop_text_x_height(prop, SIZE) >= READABLE_X_HEIGHT else None

        prop = _try(15, make)
        if prop is not None:
            return [person], [prop]
    raise RuntimeError("could not place readable text")  # pragma: no cover


def _photo(
    rng: np.random.Generator,
    prng: np.random.Generator,
    room: int,
    geom: RoomGeometry,
    kind: str,
) -> tuple[list[PersonSpec], list[PropSpec]]:
    """Someone at the screen and a picture of a person: framed on the wall, or on a TV.

    The picture is hung first (on free wall, or in place of one of the room's own pictures,
    which it then hides), then the person sits where their head leaves the pictured face clear.
    """
    w = SIZE[0]
    live = str(rng.choice(sorted(PERSON_PHOTOS)))
    # The cameraman is in three-quarter profile behind his camera, a hard face for detectors:
    # show him less often than the frontal portraits.
    options = [k for k in sorted(PROP_PHOTOS) if k != live]
    weights = np.asarray([0.35 if k == "cameraman" else 0.65 for k in options])
    variant = str(prng.choice(options, p=weights / weights.sum()))
    seed = int(prng.integers(1 << 30))
    if kind == "photo_tv":
        surface = "desk" if room != 1 and prng.random() < 0.6 else "wall"
        prop_kind = "tv"
    else:
        surface, prop_kind = "wall", "framed_photo"
    on_stand = prop_kind == "tv" and surface == "desk"
    art = prop_art(prop_kind, variant, seed, surface)
    assert art.face_box is not None
    art_h, art_w = art.alpha.shape
    face_per_px = (art.face_box[3] - art.face_box[1]) / art_h
    items = [it for it in wall_items(room, SIZE) if it[3] < geom.back_top]
    for attempt in range(300):
        # Larger faces are harder to fit beside the person; shrink them as attempts fail.
        top = PHOTO_FACE_PX[1] - (PHOTO_FACE_PX[1] - 60.0) * min(1.0, attempt / 100)
        face = float(prng.uniform(PHOTO_FACE_PX[0] + 4, top))
        height = face / face_per_px
        width = height * art_w / art_h
        if not on_stand and items and prng.random() < 0.4:
            # In place of one of the room's pictures: big enough to hide it completely.
            x0, y0, x1, y1 = items[int(prng.integers(len(items)))]
            height = max(height, y1 - y0 + 6, (x1 - x0 + 6) * art_h / art_w)
            width = height * art_w / art_h
            face = height * face_per_px
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        elif on_stand:
            cx = prng.uniform(width / 2 + 8, w - width / 2 - 8)
            cy = geom.back_top + 3 - height / 2  # the stand's foot on the furniture top
        else:
            spot = _wall_spots(room, geom, (width, height), prng)
            if spot is None:
                continue
            cx, cy = spot
        if not PHOTO_FACE_PX[0] + 2 <= face <= PHOTO_FACE_PX[1] - 2:
            continue
        prop = PropSpec(prop_kind, variant, (float(cx), float(cy)), float(height), surface,
                        0.0, seed)  # fmt: skip
        box = prop_box(prop, SIZE)
        if not _in_frame(box) or not (on_stand or _free_wall(box, room, geom, cover=True)):
            continue
        fbox = prop_face_box(prop, SIZE)
        assert fbox is not None
        if not PHOTO_FACE_PX[0] <= fbox[3] - fbox[1] <= PHOTO_FACE_PX[1]:
            continue
        for _ in range(12):
            f = float(rng.uniform(110, 220))
            person = _seated(rng, geom, f, (0.2, 0.8))
            person = dataclasses.replace(person, photo=live)
            if _behind_clear(_grow(fbox, 0.3 * face), person):
                return [person], [prop]
    raise RuntimeError(f"could not place a {kind} prop")  # pragma: no cover


def random_prop_scene(seed: int, kind: str) -> SceneSpec:
    """Draw a random scene of one of the prop kinds.

    Kinds:
        ``document_pii``: a person at the screen (mounted camera) and a personal document
        (bill, statement, payslip, GP letter, receipt, council tax bill) propped up near the
        camera, readable (body-text x height >= 7 px).
        ``document_small``: the same kind of paper lying on the desk or pinned to the wall,
        too small to read (x height <= 3 px).
        ``text_no_pii``: book spines, a poster or a notebook, readable, with nothing personal.
        ``clean``: one person, no text anywhere (no desk page, not the classroom whiteboard).
        ``photo_portrait``: a person and a framed photo of another person on the wall.
        ``photo_tv``: a person and a TV or monitor showing another person.

    Args:
        seed: Random seed; the same ``(seed, kind)`` always gives the same spec.
        kind: One of :data:`~tests.scenes.builder.DOCUMENT_KINDS`.

    Returns:
        The scene spec (``desk_page`` off).

    Raises:
        ValueError: For a kind that is not a prop kind.
    """
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown prop kind {kind!r}; use one of {DOCUMENT_KINDS}")
    # Look and people from the kind's own stream, the props from a separate one.
    rng = _seeded(seed, "random_scene", kind)
    prng = _seeded(seed, "props", kind)
    # The classroom's whiteboard is covered in handwriting: no place for a "clean" scene.
    rooms = [r for r in range(N_ROOMS) if not (kind == "clean" and r == 2)]
    room = int(rooms[int(rng.integers(len(rooms)))])
    geom = room_geometry(room, SIZE)
    common: dict[str, Any] = {
        "seed": seed,
        "size_wh": SIZE,
        "room": room,
        **random_look(rng),
        "kind": kind,
        "seconds": _RANDOM_CLIP_S,
        "desk_page": False,
    }
    desk = bool(rng.random() < 0.65)
    handheld = {"document_pii": 0.0, "photo_portrait": 0.5}.get(kind, 0.25)
    camera = random_handheld_camera(rng) if rng.random() < handheld else CameraSpec()
    props: list[PropSpec] = []
    if kind == "document_pii":
        people, props = _document_pii(rng, prng, room, geom)
    elif kind == "document_small":
        people, props, desk = _document_small(rng, prng, room, geom, desk)
    elif kind == "text_no_pii":
        people, props = _text_no_pii(rng, prng, room, geom)
    elif kind == "clean":
        people = [_seated(rng, geom, float(rng.uniform(120, 300)), (0.36, 0.64))]
    else:
        people, props = _photo(rng, prng, room, geom, kind)
    return SceneSpec(people=tuple(people), camera=camera, desk=desk, props=tuple(props), **common)
