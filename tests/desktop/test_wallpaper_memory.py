"""The wallpaper memory: an unchanged picture is judged from what was seen on it before, by its
sha256; a changed picture, model file or setting is looked at again; a damaged memory is ignored.
Real gsettings, real pictures, real detectors."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path

import cv2
import pytest

from preflight.config import data_dir
from preflight.desktop_scan import DesktopPlace, DesktopScanOptions, run_desktop
from preflight.picture_memory import MEMORY_FILE, file_digest
from tests.desktop.gnome import set_wallpaper
from tests.desktop.test_wallpaper_check import contact_card, family_photo, plain_with_school_name


def _check(env: dict[str, str], **options: object):  # type: ignore[no-untyped-def]
    report = run_desktop(
        dataclasses.replace(DesktopScanOptions(checks=("desktop.wallpaper",)), **options),
        DesktopPlace(platform="linux", env=env, home=Path(env["HOME"])),
    )
    return report.check("desktop.wallpaper")


def _judged(result) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted((f.details["category"], f.box_xyxy, f.message) for f in result.findings)


def _memory() -> dict:
    return json.loads((data_dir() / MEMORY_FILE).read_text())["pictures"]


def test_a_remembered_picture_is_judged_as_when_it_was_looked_at(
    tmp_path: Path, gnome_env: dict[str, str]
) -> None:
    path = tmp_path / "wallpaper.png"
    cv2.imwrite(str(path), family_photo())
    set_wallpaper(gnome_env, path)
    first = _check(gnome_env)
    assert first.status == "fail"
    entries = _memory()
    assert len(entries) == 1
    digest = file_digest(path)
    assert digest is not None and next(iter(entries)).startswith(digest[0] + ":")
    again = _check(gnome_env)
    looked = _check(gnome_env, remember_wallpapers=False)
    assert again.status == looked.status == "fail"
    assert _judged(again) == _judged(first) == _judged(looked)
    # The memory holds boxes and scores, not pixels; only this user can read it.
    memory = data_dir() / MEMORY_FILE
    assert stat.S_IMODE(memory.stat().st_mode) == 0o600
    assert memory.stat().st_size < 4000


def test_the_memory_is_what_is_judged_and_a_new_picture_is_looked_at(
    tmp_path: Path, gnome_env: dict[str, str]
) -> None:
    path = tmp_path / "wallpaper.png"
    cv2.imwrite(str(path), plain_with_school_name())
    set_wallpaper(gnome_env, path)
    assert _check(gnome_env).status == "pass"
    # Same path, new picture (someone set a family photo): looked at, not taken from memory.
    cv2.imwrite(str(path), family_photo())
    assert _check(gnome_env).status == "fail"
    # And the contact card after it: its text is read, not the photo's faces remembered.
    cv2.imwrite(str(path), contact_card())
    result = _check(gnome_env)
    assert result.status == "fail"
    assert {f.details["category"] for f in result.findings} == {"personal_data"}
    assert len(_memory()) == 3


def test_changed_models_or_settings_mean_looking_again(
    tmp_path: Path, gnome_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wallpaper.png"
    cv2.imwrite(str(path), family_photo())
    set_wallpaper(gnome_env, path)
    assert _check(gnome_env).status == "fail"
    # Without the model files the remembered verdict is not used: the check cannot run.
    empty = tmp_path / "no-models"
    empty.mkdir()
    monkeypatch.setenv("PREFLIGHT_MODELS_DIR", str(empty))
    assert _check(gnome_env).status == "error"
    monkeypatch.delenv("PREFLIGHT_MODELS_DIR")
    # Another inspection size is another fingerprint: a second entry.
    assert _check(gnome_env, max_wallpaper_px=1280).status == "fail"
    assert len(_memory()) == 2


@pytest.mark.parametrize("damage", [b"\x00garbage", b'{"format": 1, "pictures": []}', None])
def test_a_damaged_memory_is_ignored_and_replaced(
    tmp_path: Path, gnome_env: dict[str, str], damage: bytes | None
) -> None:
    path = tmp_path / "wallpaper.png"
    cv2.imwrite(str(path), family_photo())
    set_wallpaper(gnome_env, path)
    memory = data_dir() / MEMORY_FILE
    if damage is None:  # a well-formed file whose entry for this picture is nonsense
        assert _check(gnome_env).status == "fail"
        entries = _memory()
        key = next(iter(entries))
        memory.write_text(json.dumps({"format": 1, "pictures": {key: {"faces": "?"}}}))
    else:
        memory.parent.mkdir(parents=True, exist_ok=True)
        memory.write_bytes(damage)
    result = _check(gnome_env)
    assert result.status == "fail" and {f.details["category"] for f in result.findings} == {
        "person"
    }
    assert len(_memory()) == 1


def test_an_unwritable_memory_costs_only_time(
    tmp_path: Path, gnome_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wallpaper.png"
    cv2.imwrite(str(path), family_photo())
    set_wallpaper(gnome_env, path)
    blocked = tmp_path / "data-is-a-file"
    blocked.write_text("")
    monkeypatch.setenv("PREFLIGHT_DATA_DIR", str(blocked / "sub"))
    assert _check(gnome_env).status == "fail"
    assert not os.path.exists(blocked / "sub")
