"""Tests for rendered documents and props placed in scenes."""

from __future__ import annotations

import dataclasses
import random
import re

import numpy as np
import pytest

from tests.scenes import (
    PII_CATEGORIES,
    VARIANTS,
    CameraSpec,
    PersonSpec,
    PropSpec,
    SceneSpec,
    build_scene,
    random_scene,
    render_document,
)
from tests.scenes.documents import (
    PERSONAL_VARIANTS,
    TEXT_VARIANTS,
    nhs_number,
    nhs_number_valid,
    ni_number,
    postcode,
)
from tests.scenes.props import prop_box, prop_face_box, prop_text_x_height

W, H = 1280, 720
# Royal Mail's outward/inward postcode format.
_POSTCODE = re.compile(r"^[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-Z]? [0-9][ABD-HJLNP-UW-Z]{2}$")


@pytest.mark.parametrize("variant", VARIANTS)
def test_documents_render_with_their_categories(variant: str) -> None:
    doc = render_document(variant, 4)
    h, w = doc.image_bgr.shape[:2]
    assert doc.image_bgr.dtype == np.uint8 and doc.image_bgr.ndim == 3
    assert min(h, w) >= 400
    assert 5.0 < doc.x_height_px < 40.0
    assert doc.pii <= PII_CATEGORIES
    if variant in PERSONAL_VARIANTS:
        assert doc.pii - {"document_words"}, "a personal document prints personal data"
        assert "document_words" in doc.pii
        for cat, (x1, y1, x2, y2) in doc.fields:
            assert cat in doc.pii
            assert 0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h
    else:
        assert variant in TEXT_VARIANTS
        assert doc.pii == frozenset()
    # Real print, not a blank sheet: plenty of dark ink on light paper.
    grey = doc.image_bgr.mean(axis=2)
    assert (grey < 100).mean() > 0.005


def test_documents_vary_with_the_seed_and_repeat_with_it() -> None:
    a = render_document("gp_letter", 1)
    assert np.array_equal(a.image_bgr, render_document.__wrapped__("gp_letter", 1).image_bgr)
    b = render_document("gp_letter", 2)
    assert not np.array_equal(a.image_bgr, b.image_bgr)


def test_gp_letter_carries_the_medical_identifiers() -> None:
    doc = render_document("gp_letter", 0)
    assert {"nhs_number", "date_of_birth", "salutation_name", "postcode"} <= doc.pii


def test_identifier_formats() -> None:
    for i in range(200):
        r = random.Random(i)
        assert nhs_number_valid(nhs_number(r))
        assert _POSTCODE.match(postcode(r, "LS", 28))
        assert re.fullmatch(r"[A-Z]{2} [0-9]{2} [0-9]{2} [0-9]{2} [A-D]", ni_number(r))
    assert not nhs_number_valid("943 476 5918")
    assert nhs_number_valid("943 476 5919")


def test_invalid_prop_specs_are_rejected() -> None:
    with pytest.raises(ValueError, match="kind"):
        PropSpec("sofa", "astronaut", (0.0, 0.0), 10.0)
    with pytest.raises(ValueError, match="surface"):
        PropSpec("document", "receipt", (0.0, 0.0), 10.0, surface="ceiling")
    with pytest.raises(ValueError, match="variant"):
        PropSpec("document", "astronaut", (0.0, 0.0), 10.0)
    with pytest.raises(ValueError, match="variant"):
        PropSpec("tv", "receipt", (0.0, 0.0), 10.0)
    with pytest.raises(ValueError, match="height"):
        PropSpec("tv", "astronaut", (0.0, 0.0), 0.0)


def test_prop_height_and_foreshortening() -> None:
    held = PropSpec("document", "utility_bill", (640.0, 360.0), 500.0, "held", seed=3)
    x1, y1, x2, y2 = prop_box(held)
    assert y2 - y1 == pytest.approx(500.0, rel=0.08)
    flat = PropSpec("document", "utility_bill", (640.0, 680.0), 60.0, "desk", seed=3)
    fx1, fy1, fx2, fy2 = prop_box(flat)
    assert fy2 - fy1 == pytest.approx(60.0, rel=0.08)
    # Lying on the desk (seen at a grazing angle) the page is squashed to a fraction of its
    # height, and its far edge is narrower than its near edge.
    assert (fx2 - fx1) / (fy2 - fy1) > 2.5 * (x2 - x1) / (y2 - y1)
    doc = render_document("utility_bill", 3)
    across = (fx2 - fx1) / doc.image_bgr.shape[1] * doc.x_height_px  # letters' size across
    assert prop_text_x_height(flat) < 0.5 * across


def test_pictured_person_is_a_prop_not_a_person() -> None:
    photo = PropSpec("framed_photo", "grace_hopper", (900.0, 200.0), 260.0, "wall")
    tv = PropSpec("tv", "astronaut", (300.0, 330.0), 240.0, "desk", seed=1)
    spec = SceneSpec(seed=5, props=(photo, tv), seconds=0.2, room=0, desk_page=False)
    frames, labels = build_scene(spec)
    assert labels.people_count == 0
    assert all(not boxes for boxes in labels.face_boxes_xyxy)
    for prop, label in zip(spec.props, labels.props, strict=True):
        assert label.face_box_xyxy is not None
        assert label.pii == frozenset() and label.text_x_height_px == 0.0
        expected = prop_face_box(prop)
        assert expected is not None
        assert np.allclose(label.face_box_xyxy, expected, atol=0.5)
        x1, y1, x2, y2 = (int(v) for v in label.face_box_xyxy)
        assert frames[0][y1:y2, x1:x2].std() > 12


def test_live_person_hides_wall_props_and_held_props_hide_people() -> None:
    person = PersonSpec(photo="astronaut", face_height_px=150.0, center_xy=(640.0, 330.0))
    behind = PropSpec("framed_photo", "grace_hopper", (640.0, 300.0), 330.0, "wall")
    front = PropSpec("document", "gp_letter", (640.0, 600.0), 900.0, "held", seed=2)
    base = SceneSpec(seed=2, people=(person,), seconds=0.2, room=1, desk_page=False)
    _, labels = build_scene(dataclasses.replace(base, props=(behind,)))
    assert labels.people_count == 1
    assert min(v[0] for v in labels.face_visibility) > 0.95
    _, labels = build_scene(dataclasses.replace(base, props=(front,)))
    assert labels.people_count == 0  # the page held up in front covers the face


def test_desk_page_off_changes_only_the_desk() -> None:
    spec = SceneSpec(seed=1, seconds=0.2, room=0)
    with_page, _ = build_scene(spec)
    without, _ = build_scene(dataclasses.replace(spec, desk_page=False))
    assert not np.array_equal(with_page[0], without[0])
    # JPEG codes 16-px blocks independently, so everything well above the desk is untouched.
    assert np.array_equal(with_page[0][:560], without[0][:560])


def test_props_move_with_a_handheld_camera() -> None:
    cam = CameraSpec(mounted=False, shake_px_rms=6.0, tremor_hz=6.0, drift_px=3.0)
    prop = PropSpec("framed_photo", "astronaut", (900.0, 220.0), 240.0, "wall", seed=4)
    spec = SceneSpec(seed=8, camera=cam, props=(prop,), seconds=0.2, room=3, desk_page=False)
    _, labels = build_scene(spec)
    dx, dy = labels.camera_offsets_xy[0]
    x1, y1, _, _ = prop_box(prop)
    got = labels.props[0].box_xyxy
    # The camera's roll is a fraction of a degree; the box follows its shift.
    assert got[0] == pytest.approx(x1 + dx, abs=3.0)
    assert got[1] == pytest.approx(y1 + dy, abs=3.0)


def test_prop_scenes_are_deterministic() -> None:
    spec = dataclasses.replace(random_scene(6, "photo_tv"), seconds=0.2)
    assert random_scene(6, "photo_tv") == random_scene(6, "photo_tv")
    frames_a, labels_a = build_scene(spec)
    frames_b, labels_b = build_scene(spec)
    assert all(np.array_equal(a, b) for a, b in zip(frames_a, frames_b, strict=True))
    assert labels_a == labels_b
