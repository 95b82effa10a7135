"""The validated, versioned configuration: defaults in assets/, a school's overrides on top. No Qt.

Detector code never reads this; `preflight.scan` turns it into options objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from preflight.desktop.base import DesktopCategory
from preflight.errors import ConfigError
from preflight.pii import PiiCategory

APP_NAME = "session-preflight"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
DEFAULT_CONFIG_PATH = ASSETS_DIR / "config" / "default.toml"

Mode = Literal["staff", "home"]
MODES: tuple[Mode, ...] = ("staff", "home")
Role = Literal["staff", "pupil", "parent-carer"]
ROLES: tuple[Role, ...] = ("staff", "pupil", "parent-carer")


class _Section(BaseModel):
    # Unknown keys are errors: a misspelt threshold must not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


class DateRange(_Section):
    """Term dates or a closure: whole days from `start` to `end`, both included."""

    name: str = Field(default="", max_length=200)
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _in_order(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


class OrgConfig(_Section):
    name: str = Field(min_length=1, max_length=200)
    #: A PNG or SVG shown in the kiosk's header; relative paths are from the config file's folder.
    logo: str = Field(default="", max_length=1000)
    #: The school's staff email domains; empty accepts any domain that is not a personal mailbox.
    staff_domains: tuple[str, ...] = ()
    #: The pupils' school email domains (invitations may only go to school addresses).
    pupil_domains: tuple[str, ...] = ()
    #: Senior leadership's addresses: at least one is copied into every invitation.
    slt: tuple[str, ...] = ()
    #: The designated safeguarding lead's address.
    dsl: str = Field(default="", max_length=320)
    #: The policy pack in force: the id of a pack in assets/policies, or a path to a pack file.
    policy: str = Field(min_length=1, max_length=1000)
    #: The school's time zone: opening hours and term dates are in it.
    timezone: str = Field(min_length=1, max_length=100)
    #: Operating hours per weekday, "08:30-16:30"; "" for a day without sessions.
    hours: dict[str, str]
    terms: tuple[DateRange, ...] = ()
    closures: tuple[DateRange, ...] = ()

    @field_validator("staff_domains", "pupil_domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        tidy = tuple(d.strip().lower().lstrip("@") for d in value)
        for domain in tidy:
            if not _DOMAIN.match(domain):
                raise ValueError(f"{domain!r} is not an email domain like school.example")
        return tidy

    @field_validator("slt")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for address in value:
            _check_email(address)
        return tuple(a.strip().lower() for a in value)

    @field_validator("dsl")
    @classmethod
    def _dsl(cls, value: str) -> str:
        return _check_email(value).lower() if value else value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use a name like Europe/London"
            ) from None
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: dict[str, str]) -> dict[str, str]:
        for day, span in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"{day!r} is not a weekday; use {', '.join(WEEKDAYS)}")
            if span and not _HOURS.match(span):
                raise ValueError(f'{day} = {span!r}: hours look like "08:30-16:30" (or "")')
            if span and span[:5] >= span[6:]:
                raise ValueError(f"{day} = {span!r}: closing time must be after opening time")
        return value

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def opening_hours(self, day: dt.date) -> tuple[dt.time, dt.time] | None:
        """When sessions may run on this day (local time), or None on a day without sessions."""
        span = self.hours.get(WEEKDAYS[day.weekday()], "")
        if not span:
            return None
        close = dt.time.max if span[6:] == "24:00" else dt.time.fromisoformat(span[6:])
        return dt.time.fromisoformat(span[:5]), close


def _check_email(address: str) -> str:
    if address.count("@") != 1 or "." not in address.split("@")[1] or " " in address.strip():
        raise ValueError(f"{address!r} is not an email address like name@school.example")
    return address.strip()


class KioskConfig(_Section):
    """The staff preflight window."""

    #: The camera the scan watches (camera:N), or a video file / folder for a demonstration.
    camera: str = Field(min_length=1, max_length=1000)
    #: Whether a failed check may be overridden with a written reason and who approved it.
    allow_overrides: bool


class StaffConfig(_Section):
    """Who normally uses this device; the kiosk's first step starts from it."""

    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    role: Role

    @field_validator("email")
    @classmethod
    def _an_email(cls, value: str) -> str:
        if value and (value.count("@") != 1 or "." not in value.split("@")[1] or " " in value):
            raise ValueError("must be an email address like name@school.example")
        return value


class TimetableConfig(_Section):
    """Where the session's calendar event comes from."""

    #: An .ics file, or a folder of them (a calendar export); relative to the config file.
    path: str = Field(max_length=1000)
    #: A timetabled event starting this many minutes before or after now is the session.
    window_minutes: int = Field(ge=1, le=240)


class ScanConfig(_Section):
    seconds: float = Field(gt=0, le=60)
    fps: float = Field(gt=0, le=60)


class ModeConfig(_Section):
    min_people: int = Field(ge=0, le=20)
    max_people: int = Field(ge=0, le=20)

    @model_validator(mode="after")
    def _max_not_below_min(self) -> ModeConfig:
        if self.max_people < self.min_people:
            raise ValueError("max_people must be at least min_people")
        return self


class PeopleConfig(_Section):
    min_face_confidence: float = Field(gt=0, lt=1)
    min_track_fraction: float = Field(ge=0, le=1)
    min_frames: int = Field(ge=1, le=1000)
    large_face_px: float = Field(gt=0, le=2000)
    min_large_face_support: float = Field(ge=0, le=1)
    min_large_face_confidence: float = Field(gt=0, lt=1)
    max_gap_seconds: float = Field(ge=0, le=30)
    tiles_per_frame: int = Field(ge=0, le=6)


class StillnessConfig(_Section):
    max_shake_px_rms: float = Field(gt=0, le=100)
    min_measured_fraction: float = Field(gt=0, le=1)


class DocumentsConfig(_Section):
    stream_width: int = Field(ge=160, le=7680)
    stream_height: int = Field(ge=90, le=4320)
    stream_jpeg_quality: int = Field(ge=10, le=100)
    min_ocr_confidence: float = Field(ge=0, le=100)
    min_text_px: float = Field(gt=0, le=200)
    min_words: int = Field(ge=1, le=100)
    frames_to_read: int = Field(ge=1, le=100)
    other_text_severity: Literal["warn", "info"]
    ocr_engine: Literal["tesserocr", "pytesseract"]


class PhotosConfig(_Section):
    severity: Literal["fail", "warn"]
    max_static_px_rms: float = Field(gt=0, le=50)
    min_framed_share: float = Field(gt=0, le=1)


FindingSeverity = Literal["fail", "warn", "info"]


class DesktopConfig(_Section):
    extra_catalogues: tuple[str, ...] = ()
    allow_apps: tuple[str, ...] = ()
    allow_hosts: tuple[str, ...] = ()
    severity: dict[DesktopCategory, FindingSeverity]
    background_categories: tuple[DesktopCategory, ...]
    title_pii: tuple[PiiCategory, ...]
    title_pii_severity: FindingSeverity
    unsupported_browser_is_error: bool


class WallpaperConfig(_Section):
    person_severity: FindingSeverity
    personal_data_severity: FindingSeverity
    max_image_px: int = Field(ge=320, le=8192)
    remember: bool


class ScreenConfig(_Section):
    pii: tuple[PiiCategory, ...]
    severity: FindingSeverity
    min_ocr_confidence: float = Field(ge=0, le=100)
    min_text_px: float = Field(gt=0, le=200)


class ScheduleConfig(_Section):
    """session.schedule: what the policy in force demands of the session's time."""

    require_timetabled: bool
    require_operating_hours: bool
    require_term_time: bool


class InviteConfig(_Section):
    """session.invite: what the policy in force demands of the calendar invitation."""

    require_staff_organiser: bool
    require_school_attendees: bool
    require_slt_copied: bool
    require_teams_link: bool
    require_date_time: bool
    #: The attestation item a session with one pupil needs ("" : none).
    one_to_one_attestation: str = Field(max_length=100)
    #: The attestation item a live stream needs ("" : none).
    live_stream_attestation: str = Field(max_length=100)
    #: Staff attendees a live stream needs.
    min_staff_live_stream: int = Field(ge=1, le=10)


class ChecksConfig(_Section):
    people: PeopleConfig
    photos: PhotosConfig
    documents: DocumentsConfig
    stillness: StillnessConfig
    desktop: DesktopConfig
    wallpaper: WallpaperConfig
    screen: ScreenConfig
    schedule: ScheduleConfig
    invite: InviteConfig


class ModesConfig(_Section):
    staff: ModeConfig
    home: ModeConfig


class JournalConfig(_Section):
    url: str = Field(max_length=2000)
    central_url: str = Field(max_length=2000)
    allow_file_key: bool
    timeout_s: float = Field(gt=0, le=120)

    @field_validator("url", "central_url")
    @classmethod
    def _a_journal_url(cls, value: str) -> str:
        if value:
            from preflight.journal.store import check_url  # SQLAlchemy only when one is set

            check_url(value)  # its ValueError never repeats the URL, which may hold a password
        return value


class ReviewConfig(_Section):
    #: The reviewer file (names, roles, hashed secrets); empty: reviewers.json in the data folder.
    reviewers_file: str = Field(max_length=1000)


class Config(_Section):
    """The whole configuration. Grows by adding sections; `schema_version` guards migrations."""

    schema_version: Literal[1]
    org: OrgConfig
    staff: StaffConfig
    scan: ScanConfig
    modes: ModesConfig
    checks: ChecksConfig
    journal: JournalConfig
    kiosk: KioskConfig
    timetable: TimetableConfig
    review: ReviewConfig
    #: The file the school's settings came from (for relative paths); not a setting itself.
    source_path: Path | None = Field(default=None, exclude=True)

    def mode(self, mode: Mode) -> ModeConfig:
        mode_config: ModeConfig = getattr(self.modes, mode)
        return mode_config

    def digest(self) -> str:
        """sha256 of the canonical JSON of the settings in force, for records and reviewers."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def read_toml(path: Path, what: str = "config") -> dict[str, Any]:
    """A TOML file of settings (`what`: "config", "catalogue"...), or a ConfigError naming it."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{what} path is a folder, not a file: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what} {path}: cannot read: {exc}") from None


def merge_settings(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `override` laid over it, tables merged key by key."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_settings(merged[key], value)
        else:
            merged[key] = value
    return merged


def describe_invalid(exc: ValidationError, path: Path, what: str = "config") -> str:
    """The first validation problem as one line naming the file and the setting."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown setting"
    return f"{what} {path}: {where}: {message}{more}"


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def resolve_config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The school's config file in force: --config, then PREFLIGHT_CONFIG, then the user file."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("PREFLIGHT_CONFIG")
    if env:
        return Path(env)
    user = user_config_path()
    return user if user.is_file() else None


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load the defaults, overlay the school's file (if any), and validate.

    Raises:
        ConfigError: with one line naming the file, the setting and what is wrong.
    """
    defaults = read_toml(DEFAULT_CONFIG_PATH)
    chosen = resolve_config_path(path)
    data = defaults if chosen is None else merge_settings(defaults, read_toml(chosen))
    if chosen is not None:
        data = {
            **{k: v for k, v in data.items() if k != "source_path"},
            "source_path": chosen.resolve(),
        }
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_invalid(exc, chosen or DEFAULT_CONFIG_PATH)) from None


def data_dir() -> Path:
    """Where Preflight keeps its own files (journal, keys): PREFLIGHT_DATA_DIR or the OS default."""
    env = os.environ.get("PREFLIGHT_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME))
