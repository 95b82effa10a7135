"""Which apps and websites are which category: the catalogue in assets/desktop/. No Qt, no I/O
beyond loading the catalogue files.

`classify_app()` and `classify_url()` are pure lookups; they return the entry's display name and
category, never the title or URL they were given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import get_args
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from preflight.config import ASSETS_DIR, describe_invalid, read_toml
from preflight.desktop.base import DesktopCategory
from preflight.errors import ConfigError

DEFAULT_CATALOGUE_PATH = ASSETS_DIR / "desktop" / "catalogue.toml"

CATEGORIES: tuple[DesktopCategory, ...] = get_args(DesktopCategory)

# How each category reads in a sentence ("Zoom is another video-call platform").
CATEGORY_LABELS = {
    "video_call": "another video-call platform",
    "recording": "a screen recorder or streaming tool",
    "remote_control": "a remote-control tool",
    "social_media": "social media",
    "messaging": "a messaging app",
    "personal_webmail": "personal webmail",
    "banking_shopping": "banking or shopping",
    "gambling_adult": "a gambling or adult site",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Entry(_Strict):
    name: str = Field(min_length=1, max_length=80)
    category: str
    apps: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"category must be one of {', '.join(CATEGORIES)}")
        return value

    @field_validator("titles")
    @classmethod
    def _valid_patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"title pattern {pattern!r} is not a valid regex: {exc}") from None
        return value


class _Allowed(_Strict):
    apps: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()


class _File(_Strict):
    allowed: _Allowed = _Allowed()
    entry: tuple[_Entry, ...] = ()


@dataclass(frozen=True)
class Match:
    """What an app or site is: the catalogue's display name and category, and the host for tabs."""

    name: str
    category: str
    host: str = ""


def _app_key(name: str) -> str:
    key = name.strip().lower()
    return key[:-4] if key.endswith(".exe") else key


def _host_of(url: str) -> tuple[str, str]:
    """(host without "www.", path) of an http(s) URL, or ("", "") for anything else.

    A page shown through Firefox's reader view or as source is the page it shows.
    """
    url = url.strip()
    if url.lower().startswith("view-source:"):
        url = url[len("view-source:") :]
    elif url.lower().startswith("about:reader?"):
        url = parse_qs(url[len("about:reader?") :]).get("url", [""])[0]
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return "", ""
    if parts.scheme not in ("http", "https") or not host:
        return "", ""
    return host.removeprefix("www."), parts.path or "/"


def _host_matches(host: str, path: str, pattern: str) -> bool:
    want_host, _, want_path = pattern.lower().partition("/")
    if host != want_host and not host.endswith("." + want_host):
        return False
    if not want_path:
        return True
    # Whole path segments: "icloud.com/mail" matches /mail and /mail/..., not /mailbox.
    have = path.lower().strip("/")
    want = want_path.strip("/")
    return have == want or have.startswith(want + "/")


@dataclass(frozen=True)
class Catalogue:
    """The built-in catalogue plus a school's additions and allowances."""

    entries: tuple[_Entry, ...]
    allowed_apps: frozenset[str]
    allowed_hosts: tuple[str, ...]

    @classmethod
    def load(
        cls,
        extra: Iterable[Path] = (),
        *,
        allow_apps: Sequence[str] = (),
        allow_hosts: Sequence[str] = (),
        base: Path = DEFAULT_CATALOGUE_PATH,
    ) -> Catalogue:
        """Read the built-in catalogue and any extra files; later files add entries.

        Raises:
            ConfigError: a file is missing, not TOML, or has an unknown key or category.
        """
        entries: list[_Entry] = []
        apps = {_app_key(a) for a in allow_apps}
        hosts = [h.lower().removeprefix("www.") for h in allow_hosts]
        for path in (base, *extra):
            parsed = _read(path)
            entries.extend(parsed.entry)
            apps.update(_app_key(a) for a in parsed.allowed.apps)
            hosts.extend(h.lower() for h in parsed.allowed.hosts)
        return cls(tuple(entries), frozenset(apps), tuple(hosts))

    def _by_app(self) -> dict[str, _Entry]:
        cached: dict[str, _Entry] | None = self.__dict__.get("_app_index")
        if cached is None:
            cached = {}
            for entry in self.entries:
                for app in entry.apps:
                    cached.setdefault(_app_key(app), entry)
            object.__setattr__(self, "_app_index", cached)
        return cached

    def _title_patterns(self) -> list[tuple[re.Pattern[str], _Entry]]:
        cached: list[tuple[re.Pattern[str], _Entry]] | None = self.__dict__.get("_titles")
        if cached is None:
            cached = [(re.compile(p, re.IGNORECASE), e) for e in self.entries for p in e.titles]
            object.__setattr__(self, "_titles", cached)
        return cached

    def classify_app(self, names: Iterable[str], title: str = "") -> Match | None:
        """The entry an app belongs to, from any of its names (process, executable, window class)
        or, failing those, its window title. None for allowed or unknown apps."""
        keys = [_app_key(n) for n in names if n and n.strip()]
        if any(k in self.allowed_apps for k in keys):
            return None
        index = self._by_app()
        for key in keys:
            if key in index:
                entry = index[key]
                return Match(entry.name, entry.category)
        if title:
            # Bounded: a title is a line; patterns never need more, and it bounds regex time.
            title = title[:300]
            for pattern, entry in self._title_patterns():
                if pattern.search(title):
                    return Match(entry.name, entry.category)
        return None

    def classify_url(self, url: str) -> Match | None:
        """The entry a web page belongs to, by host (and path prefix). None for allowed,
        unknown and non-web URLs."""
        host, path = _host_of(url)
        if not host:
            return None
        if any(_host_matches(host, path, allowed) for allowed in self.allowed_hosts):
            return None
        for entry in self.entries:
            if any(_host_matches(host, path, pattern) for pattern in entry.hosts):
                return Match(entry.name, entry.category, host)
        return None


def _read(path: Path) -> _File:
    data = read_toml(path, "catalogue")
    try:
        return _File.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_invalid(exc, path, "catalogue")) from None
