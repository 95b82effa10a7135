"""Configuration: defaults, a school's overrides, and precise errors for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from preflight.config import data_dir, load_config
from preflight.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "school.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_load_and_expect_one_person_for_staff() -> None:
    config = load_config()
    assert config.mode("staff").max_people == 1
    assert config.mode("home").max_people == 2
    assert len(config.digest()) == 64


def test_a_school_file_overrides_only_what_it_sets(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path, '[org]\nname = "Valence School"\n[checks.stillness]\nmax_shake_px_rms = 1.5\n'
        )
    )
    assert config.org.name == "Valence School"
    assert config.checks.stillness.max_shake_px_rms == 1.5
    assert config.checks.people.min_frames == load_config().checks.people.min_frames
    assert config.digest() != load_config().digest()


def test_the_environment_variable_selects_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFLIGHT_CONFIG", str(write(tmp_path, '[org]\nname = "Env School"\n')))
    assert load_config().org.name == "Env School"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[org\nname = 1", "not valid TOML"),
        ("[checks.people]\nmin_face_confidnce = 0.5\n", "checks.people.min_face_confidnce: unknown setting"),
        ("[scan]\nfps = -3\n", "scan.fps: Input should be greater than 0"),
        ("[modes.staff]\nmin_people = 2\nmax_people = 1\n", "modes.staff: Value error, max_people must be at least min_people"),
        ("schema_version = 7\n", "schema_version: Input should be 1"),
    ],
)  # fmt: skip
def test_broken_files_fail_with_the_file_and_setting_named(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_data_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFLIGHT_DATA_DIR", str(tmp_path / "d"))
    assert data_dir() == tmp_path / "d"
