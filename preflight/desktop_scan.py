"""Desktop checks orchestration: windows, tabs, wallpaper, screen → check results → report. No Qt.

`run_desktop()` reads the desktop once and judges it. Every adapter failure becomes an `error`
result with the adapter's plain reason; nothing here passes a check it could not run. Captures,
titles and URLs stay inside this call.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from preflight.checks import screen_text, tabs, wallpaper, windows
from preflight.checks.desktop_rules import DesktopOptions
from preflight.checks.screen_text import ScreenOptions, evaluate_screen
from preflight.checks.tabs import evaluate_tabs
from preflight.checks.wallpaper import WallpaperObservation, WallpaperOptions, evaluate_wallpaper
from preflight.checks.windows import evaluate_windows
from preflight.config import Config, data_dir
from preflight.desktop.base import DesktopUnavailable, Wallpaper
from preflight.desktop.browsers import read_all_tabs, running_browsers
from preflight.desktop.catalogue import Catalogue
from preflight.desktop.processes import ProcessInfo, running_processes
from preflight.desktop.screen import capture_screens
from preflight.desktop.wallpaper import find_wallpapers
from preflight.desktop.windows import list_windows
from preflight.errors import ModelError, SourceError
from preflight.frames import read_image
from preflight.picture_memory import (
    MEMORY_FILE,
    PictureMemory,
    Seen,
    file_digest,
    fingerprint,
    unchanged_since,
)
from preflight.results import CheckResult, Report
from preflight.vision.ocr import OcrReader, OcrUnavailable, find_tessdata
from preflight.vision.reading import (
    PendingReading,
    ReadingOptions,
    begin_text_regions,
    read_text_regions,
)
from preflight.vision.text_regions import StreamOptions

if TYPE_CHECKING:
    from preflight.vision.faces import FaceScanner

DESKTOP_CHECKS = (windows.CHECK_ID, tabs.CHECK_ID, wallpaper.CHECK_ID, screen_text.CHECK_ID)

# A slideshow can hold hundreds of pictures; inspect this many at most.
MAX_WALLPAPER_IMAGES = 12
# Faces on a still picture: every tile on one call (no second frame comes for the rotation).
WALLPAPER_FACES: dict[str, Any] = {
    "min_confidence": 0.5,
    "tiles_per_frame": 6,
    "follow_below_px": 0,
}


@dataclass(frozen=True)
class DesktopScanOptions:
    """Everything the desktop checks need, built from the config."""

    desktop: DesktopOptions = field(default_factory=DesktopOptions)
    wallpaper: WallpaperOptions = WallpaperOptions()
    screen: ScreenOptions = ScreenOptions()
    #: Wallpapers are read as a shared screen reaches the far end: about 1280 px wide, sharp.
    wallpaper_reading: ReadingOptions = ReadingOptions(
        stream=StreamOptions(size_wh=(1280, 1280), jpeg_quality=90), min_words=1, max_blocks=12
    )
    #: Screens are read at their own size (a shared screen is sent sharp). Screen text is clean,
    #: so crops are enlarged much less than camera text (16 px lines instead of 36); Tesseract's
    #: time on a busy screen goes with the pixels it gets (bench/screen_bench.py, tuning seeds:
    #: 24 px lines were no more accurate and 25% slower; 14 px lines 12% faster but missed more
    #: categories, 0.955 against 0.960). Programs space lines more loosely than print (list
    #: rows, 1.5-2x line spacing), and a busy screen has many blocks.
    screen_reading: ReadingOptions = ReadingOptions(
        stream=StreamOptions(size_wh=(7680, 4320), jpeg_quality=90),
        min_confidence=30.0,
        min_text_px=6.0,
        min_words=1,
        target_line_px=16.0,
        max_blocks=40,
        line_gap=2.2,
        shared_width=0.4,  # windows side by side are separate blocks
        dark_themes=True,
        piece_lines=6,
    )
    max_wallpaper_px: int = 1920
    #: Remember what was seen on a wallpaper picture by its sha256 (see picture_memory.py).
    remember_wallpapers: bool = True
    ocr_engine: str = "tesserocr"
    #: Extra Tesseract processes that share the reading (one per spare core): a busy screen is
    #: the slowest desktop check. The kiosk sets 0, as its camera scan has the other core.
    ocr_helpers: int = field(default_factory=lambda: min(3, max(0, (os.cpu_count() or 1) - 1)))
    checks: tuple[str, ...] = DESKTOP_CHECKS

    @classmethod
    def from_config(
        cls, config: Config, checks: Sequence[str] = DESKTOP_CHECKS
    ) -> DesktopScanOptions:
        """Options from the config; raises ConfigError if a named catalogue cannot be read."""
        d = config.checks.desktop
        catalogue = Catalogue.load(
            [Path(p) for p in d.extra_catalogues],
            allow_apps=d.allow_apps,
            allow_hosts=d.allow_hosts,
        )
        w = config.checks.wallpaper
        s = config.checks.screen
        defaults = cls()
        return cls(
            desktop=DesktopOptions(
                catalogue=catalogue,
                severity={str(k): v for k, v in d.severity.items()},
                background_categories=frozenset(d.background_categories),
                title_pii=frozenset(d.title_pii),
                title_pii_severity=d.title_pii_severity,
                unsupported_browser_is_error=d.unsupported_browser_is_error,
            ),
            wallpaper=WallpaperOptions(
                person_severity=w.person_severity, personal_data_severity=w.personal_data_severity
            ),
            screen=ScreenOptions(pii=frozenset(s.pii), severity=s.severity),
            wallpaper_reading=defaults.wallpaper_reading,
            screen_reading=dataclasses.replace(
                defaults.screen_reading,
                min_confidence=s.min_ocr_confidence,
                min_text_px=s.min_text_px,
            ),
            max_wallpaper_px=w.max_image_px,
            remember_wallpapers=w.remember,
            ocr_engine=config.checks.documents.ocr_engine,
            ocr_helpers=defaults.ocr_helpers,
            checks=tuple(checks),
        )


@dataclass(frozen=True)
class DesktopPlace:
    """Where the desktop is read from: this machine by default; tests point it elsewhere."""

    platform: str = sys.platform
    env: Mapping[str, str] | None = None
    home: Path | None = None


@contextlib.contextmanager
def _timer() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    yield lambda: (time.perf_counter() - start) * 1000


class _Inspector:
    """The camera's detectors, for still pictures (wallpapers, screens); created when first used."""

    def __init__(self, options: DesktopScanOptions) -> None:
        self.options = options
        self._faces: FaceScanner | None = None
        self._reader: OcrReader | None = None

    def faces(self) -> FaceScanner:
        if self._faces is None:
            # Imported here: MediaPipe takes a tenth of a second, and only pictures need it.
            from preflight.vision.faces import FaceScanner, FaceScanOptions

            self._faces = FaceScanner(FaceScanOptions(**WALLPAPER_FACES))
        return self._faces

    def reader(self) -> OcrReader:
        if self._reader is None:
            # With helpers, this process loads its own model only when it first reads, after
            # handing them the screen: their models load meanwhile, and nobody waits for it.
            self._reader = OcrReader(
                prefer=self.options.ocr_engine,
                helpers=self.options.ocr_helpers,
                lazy=self.options.ocr_helpers > 0,
            )
        return self._reader

    def start_reader(self) -> None:
        """Start the OCR engine (and its helper processes) early, while the lists are read.

        A missing engine is reported by the checks that need it, when they ask for it.
        """
        with contextlib.suppress(OcrUnavailable):
            self.reader()

    def pump(self) -> None:
        """Keep the OCR helpers fed between checks (see `OcrReader.pump`)."""
        if self._reader is not None:
            self._reader.pump()

    def close(self) -> None:
        if self._faces is not None:
            self._faces.close()
        if self._reader is not None:
            self._reader.close()


# The start of an error summary when a model file or the OCR engine a check needs is missing.
_CANNOT = {
    windows.CHECK_ID: "Open windows cannot be checked",
    tabs.CHECK_ID: "Browser tabs cannot be checked",
    wallpaper.CHECK_ID: "The wallpaper cannot be checked",
    screen_text.CHECK_ID: "On-screen text cannot be checked",
}

Step = Callable[[Callable[[], float]], CheckResult]


def _run_step(check_id: str, step: Step) -> CheckResult:
    """One check, timed; whatever stops it becomes its `error` with the reason (fail closed)."""
    with _timer() as elapsed:
        try:
            return step(elapsed)
        except DesktopUnavailable as exc:
            return CheckResult.error(check_id, str(exc), elapsed_ms=elapsed())
        except (ModelError, OcrUnavailable) as exc:
            return CheckResult.error(check_id, f"{_CANNOT[check_id]}: {exc}", elapsed_ms=elapsed())
        except Exception as exc:  # a bug or a surprise on this desktop: fail closed, go on
            return CheckResult.error(
                check_id,
                f"This check could not be completed on this computer "
                f"(unexpected {type(exc).__name__}); please report it to IT.",
                elapsed_ms=elapsed(),
            )


def _windows_check(
    options: DesktopScanOptions,
    place: DesktopPlace,
    processes: Sequence[ProcessInfo],
    elapsed: Callable[[], float],
) -> CheckResult:
    listing = list_windows(platform=place.platform, env=place.env)
    return evaluate_windows(listing, processes, options.desktop, elapsed_ms=elapsed())


def _tabs_check(
    options: DesktopScanOptions,
    place: DesktopPlace,
    processes: Sequence[ProcessInfo],
    elapsed: Callable[[], float],
) -> CheckResult:
    browsers = read_all_tabs(place.home, platform=place.platform, env=place.env)
    supported, unsupported = running_browsers(processes)
    return evaluate_tabs(
        browsers,
        options.desktop,
        running=supported,
        running_unsupported=unsupported,
        elapsed_ms=elapsed(),
    )


def _wallpaper_memory(options: DesktopScanOptions) -> PictureMemory | None:
    if not options.remember_wallpapers:
        return None
    from preflight.vision.models import models_dir

    tessdata = find_tessdata()
    data_files = sorted(models_dir().glob("*"))
    data_files += [tessdata / "eng.traineddata"] if tessdata is not None else []
    settings = {
        "max_px": options.max_wallpaper_px,
        "reading": options.wallpaper_reading,
        "faces": WALLPAPER_FACES,
        "engine": options.ocr_engine,
    }
    return PictureMemory(data_dir() / MEMORY_FILE, fingerprint(settings, data_files))


def _look_at(path: Path, options: DesktopScanOptions, inspector: _Inspector) -> Seen:
    """Faces and legible text on one picture (raises SourceError if it cannot be decoded)."""
    pixels = read_image(path, options.max_wallpaper_px)
    faces = inspector.faces().detect(pixels)
    text = read_text_regions(pixels, inspector.reader(), options.wallpaper_reading)
    return Seen(faces, tuple(text))


def _wallpaper_observations(
    found: Sequence[Wallpaper], options: DesktopScanOptions, inspector: _Inspector
) -> list[WallpaperObservation]:
    observations = []
    memory = _wallpaper_memory(options) if any(p.images for p in found) else None
    for paper in found:
        if paper.kind == "solid":
            observations.append(WallpaperObservation(paper))
            continue
        if not paper.images:
            # The locator's reason can hold a path or web address (a name, a token): fixed words.
            observations.append(
                WallpaperObservation(
                    paper,
                    problem=(
                        "The wallpaper picture is missing or not a file on this computer, so it "
                        "cannot be checked. Choose a local picture or a plain background."
                    ),
                )
            )
            continue
        for index, path in enumerate(paper.images[:MAX_WALLPAPER_IMAGES]):
            digest = file_digest(path) if memory is not None else None
            seen = memory.recall(digest[0]) if memory is not None and digest else None
            if seen is None:
                try:
                    seen = _look_at(path, options, inspector)
                except SourceError:
                    observations.append(
                        WallpaperObservation(
                            paper,
                            index,
                            problem=(
                                "The wallpaper picture could not be opened, so it cannot be "
                                "checked. Choose a PNG or JPEG background."
                            ),
                        )
                    )
                    continue
                # Only what was seen on the very bytes that were hashed is remembered.
                if memory is not None and digest and unchanged_since(path, digest[1]):
                    memory.remember(digest[0], seen)
            observations.append(WallpaperObservation(paper, index, seen.faces, seen.text))
    if memory is not None:
        memory.save()
    return observations


def _wallpaper_check(
    options: DesktopScanOptions,
    place: DesktopPlace,
    inspector: _Inspector,
    elapsed: Callable[[], float],
) -> CheckResult:
    found = find_wallpapers(platform=place.platform, home=place.home, env=place.env)
    observations = _wallpaper_observations(found, options, inspector)
    return evaluate_wallpaper(observations, options.wallpaper, elapsed_ms=elapsed())


class _ScreenReading:
    """The screen check in two halves. `begin()` captures the screens and hands their text to
    the OCR reader first thing, so helper processes read it while the other checks run; the
    check's step collects the words and judges them last. Its time is both halves. Without
    helpers (the kiosk) there is nobody to read early: the step does both halves itself."""

    def __init__(
        self, options: DesktopScanOptions, place: DesktopPlace, inspector: _Inspector
    ) -> None:
        self._options, self._place, self._inspector = options, place, inspector
        self._pending: list[PendingReading] = []
        self._failure: Exception | None = None
        self._begin_ms = 0.0
        self._begun = False

    def begin(self) -> None:
        self._begun = True
        with _timer() as elapsed:
            try:
                reader = self._inspector.reader()
                self._pending = [
                    begin_text_regions(shot.pixels_bgr, reader, self._options.screen_reading)
                    for shot in capture_screens(platform=self._place.platform, env=self._place.env)
                ]
            except Exception as exc:  # the check's step reports it (fail closed)
                self._failure = exc
            self._begin_ms = elapsed()

    def step(self, elapsed: Callable[[], float]) -> CheckResult:
        if not self._begun:
            self.begin()
        if self._failure is not None:
            raise self._failure
        readings = [pending.result() for pending in self._pending]
        self._pending = []
        return evaluate_screen(
            readings, self._options.screen, elapsed_ms=self._begin_ms + elapsed()
        )


def run_desktop(
    options: DesktopScanOptions | None = None, place: DesktopPlace | None = None
) -> Report:
    """Read this desktop once and judge it with the checks in `options.checks`."""
    options = options or DesktopScanOptions()
    place = place or DesktopPlace()
    inspector = _Inspector(options)
    screen = _ScreenReading(options, place, inspector)
    steps: list[tuple[str, Step]] = [
        (windows.CHECK_ID, lambda elapsed: _windows_check(options, place, processes, elapsed)),
        (tabs.CHECK_ID, lambda elapsed: _tabs_check(options, place, processes, elapsed)),
        (wallpaper.CHECK_ID, lambda elapsed: _wallpaper_check(options, place, inspector, elapsed)),
        (screen_text.CHECK_ID, screen.step),
    ]
    try:
        if {wallpaper.CHECK_ID, screen_text.CHECK_ID} & set(options.checks):
            inspector.start_reader()
        if screen_text.CHECK_ID in options.checks and options.ocr_helpers > 0:
            screen.begin()  # the slowest check starts first, on the helpers' cores
        # Read once for both checks: recorders hiding in the tray, and which browsers are open.
        wanted = {windows.CHECK_ID, tabs.CHECK_ID} & set(options.checks)
        processes = running_processes() if wanted else []
        results = []
        for check_id, step in steps:
            if check_id in options.checks:
                results.append(_run_step(check_id, step))
                inspector.pump()
    finally:
        inspector.close()
    return Report(source="desktop", checks=tuple(results))
