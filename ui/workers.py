"""Every thread of the kiosk lives here. Workers emit values; only the GUI thread touches widgets.

- `ScanWorker` owns the camera source and the detectors (MediaPipe objects are created, used and
  closed on its thread) and runs one camera scan at a time, emitting each frame for the preview.
- `DesktopWorker` runs the desktop checks beside it (they share no state with the camera's).
- `run_call()` runs a short blocking call (sealing into the journal: keyring, disk sync) on the
  thread pool and hands its result back on the GUI thread.

Cancellation is cooperative (a flag the loops read); a thread is never terminated.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from preflight.desktop_scan import DESKTOP_CHECKS, DesktopScanOptions, run_desktop
from preflight.errors import PreflightError
from preflight.frames import Frame, FrameSource, open_source
from preflight.results import CheckResult, Report
from preflight.scan import (
    CameraAnalyzer,
    FrameAnalysed,
    ScanCancelled,
    ScanFinished,
    ScanOptions,
    run_scan,
)


@dataclass(frozen=True)
class Overlay:
    """A box to draw on the preview, in frame pixels, with its words and status."""

    box_xyxy: tuple[float, float, float, float]
    label: str
    status: str


class _Handoff(FrameSource):
    """Frames read on a reader thread, handed to the analysis one by one.

    The reader pulls the real source (showing every picture in the preview as it comes, at the
    capture rate) and queues the frames to analyse; the analysis takes them here. So a slow
    frame (text reading takes 100-400 ms) never freezes the preview.
    """

    _END = object()

    def __init__(self, source: FrameSource, cancelled: Callable[[], bool]) -> None:
        self.kind, self.name = source.kind, source.name
        self._source = source
        self._cancelled = cancelled
        self._queue: queue.Queue[object] = queue.Queue(maxsize=64)
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, name="preflight-capture", daemon=True)

    @property
    def is_single_image(self) -> bool:
        return self._source.is_single_image

    def _read(self) -> None:
        try:
            for frame in self._source.frames():
                if self._stop.is_set() or self._cancelled():
                    break
                self._queue.put(frame)
        except BaseException as exc:  # handed over: the analysis raises it (camera lost...)
            self._queue.put(exc)
        finally:
            self._queue.put(self._END)

    def frames(self) -> Iterator[Frame]:
        self._reader.start()
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(queue.Empty):
            while True:  # let a reader blocked on a full queue see the stop
                self._queue.get_nowait()
        if self._reader.is_alive():
            self._reader.join(timeout=5)


def to_qimage(pixels_bgr: np.ndarray) -> QImage:
    """A deep copy of a BGR frame as a QImage (safe to hand to another thread)."""
    height, width = pixels_bgr.shape[:2]
    rgb = np.ascontiguousarray(pixels_bgr[:, :, ::-1])
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class ScanWorker(QObject):
    """Camera scans on their own thread: `scan` through a queued signal, `cancel` from anywhere."""

    frame_captured = Signal(QImage, object)  # the frame, tuple[Overlay, ...]
    # Each request has a run number (WorkerThreads.request_scan); every outcome names its run,
    # so the window can ignore a run it no longer wants.
    scan_started = Signal(int, str)  # run, the source's kind ("camera", "video", ...)
    scan_finished = Signal(int, object)  # run, Report
    scan_failed = Signal(int, str)  # run, why the camera checks could not run
    scan_cancelled = Signal(int)
    warmed_up = Signal()
    closed = Signal()

    def __init__(
        self,
        options: ScanOptions,
        *,
        pace_files: bool = True,
        source_factory: Callable[..., FrameSource] | None = None,
    ) -> None:
        super().__init__()
        self._options = options
        self._open = source_factory or open_source
        self._analyzer: CameraAnalyzer | None = None
        self._cancel = threading.Event()  # for the pacing wait only
        self._cancelled_through = 0  # runs up to this number are cancelled (any thread sets it)
        # Frames on their way to the window: if it falls behind, newer frames are dropped
        # rather than queued without end (the window calls frame_shown() for each).
        self._in_flight = threading.BoundedSemaphore(3)
        self._pace = pace_files

    def frame_shown(self) -> None:
        """The window has a frame it was sent (any thread)."""
        with contextlib.suppress(ValueError):
            self._in_flight.release()

    def cancel(self, through_run: int = 2**62) -> None:
        """Cancel every run up to this one (all of them by default); safe from any thread."""
        self._cancelled_through = max(self._cancelled_through, through_run)
        self._cancel.set()

    @Slot()
    def warm_up(self) -> None:
        """Load the models and run them once before the first scan: loading holds Python's
        interpreter lock for long stretches, which would stall the window mid-scan."""
        with contextlib.suppress(PreflightError):  # the scan reports what is missing
            if self._analyzer is None:
                self._analyzer = CameraAnalyzer(self._options)
            blank = np.full((720, 1280, 3), 128, np.uint8)
            self._analyzer.analyse(Frame(blank, 0.0, 0))
            self._analyzer.reset()
        self.warmed_up.emit()

    @Slot(str, int)
    def scan(self, spec: str, run: int) -> None:
        def cancelled() -> bool:
            return self._cancelled_through >= run

        if cancelled():
            self.scan_cancelled.emit(run)
            return
        self._cancel.clear()
        try:
            self._scan(spec, run, cancelled)
        except PreflightError as exc:
            self.scan_failed.emit(run, str(exc))
        except Exception as exc:  # fail closed: the camera checks become errors, never hang
            self.scan_failed.emit(run, f"The camera checks stopped unexpectedly ({exc})")

    def _scan(self, spec: str, run: int, cancelled: Callable[[], bool]) -> None:
        with self._open(spec, fps=self._options.fps, seconds=self._options.seconds) as source:
            if self._analyzer is None:
                self._analyzer = CameraAnalyzer(self._options)
            self.scan_started.emit(run, source.kind)
            # Files play back at their own pace, as a camera would deliver them.
            paced = self._pace and not spec.startswith("camera:")
            start = time.monotonic()
            faces_seen: list[tuple[Overlay, ...]] = [()]  # the newest analysed frame's faces

            def show(pixels: np.ndarray, timestamp_ms: float) -> None:
                if paced:
                    wait = start + timestamp_ms / 1000 - time.monotonic()
                    if wait > 0:
                        self._cancel.wait(wait)
                if self._in_flight.acquire(blocking=False):
                    self.frame_captured.emit(to_qimage(pixels), faces_seen[0])

            every_picture = source.previews_every_picture
            frames: FrameSource = source
            if every_picture:
                # Every picture is shown as it is read, on a reader thread: a slow frame to
                # analyse (text reading takes 100-400 ms) never freezes the preview.
                source.preview = show
                frames = _Handoff(source, cancelled)
            try:
                for event in run_scan(frames, self._analyzer, cancel=cancelled):
                    if isinstance(event, FrameAnalysed):
                        faces = event.observation.faces
                        faces_seen[0] = tuple(
                            Overlay(tuple(float(v) for v in box), "Face", "running")  # type: ignore[arg-type]
                            for box in (faces.xyxy if faces is not None else ())
                        )
                        if not every_picture:
                            show(event.frame.pixels_bgr, event.frame.timestamp_ms)
                    elif isinstance(event, ScanFinished):
                        self.scan_finished.emit(run, event.report)
                    elif isinstance(event, ScanCancelled):
                        self.scan_cancelled.emit(run)
            finally:
                if frames is not source:
                    frames.close()

    @Slot()
    def close(self) -> None:
        """Close the detectors on the thread that made them."""
        if self._analyzer is not None:
            self._analyzer.close()
            self._analyzer = None
        self.closed.emit()


class DesktopWorker(QObject):
    """The desktop checks (windows, tabs, wallpaper, screen text) on their own thread."""

    desktop_finished = Signal(int, object)  # run, Report
    warmed_up = Signal()

    def __init__(self, options: DesktopScanOptions) -> None:
        super().__init__()
        self._options = options

    @Slot()
    def warm_up(self) -> None:
        """Run the desktop checks once, unseen, so their first imports and library loads (X11,
        screen capture, detectors) happen before the teacher's first scan."""
        with contextlib.suppress(Exception):  # the real run reports it
            run_desktop(self._options)
        self.warmed_up.emit()

    @Slot(int)
    def run(self, run: int) -> None:
        try:
            report = run_desktop(self._options)
        except Exception as exc:  # fail closed: every desktop check is an error with the reason
            report = Report(
                source="desktop",
                checks=tuple(
                    CheckResult.error(check, f"The desktop checks stopped: {exc}")
                    for check in DESKTOP_CHECKS
                ),
            )
        self.desktop_finished.emit(run, report)


class WorkerThreads(QObject):
    """Starts the scan and desktop workers on their threads, and stops them cleanly."""

    scan_requested = Signal(str, int)
    desktop_requested = Signal(int)
    close_requested = Signal()
    warm_up_requested = Signal()

    def __init__(self, scan: ScanWorker, desktop: DesktopWorker | None) -> None:
        super().__init__()
        self.scan_worker, self.desktop_worker = scan, desktop
        self._scan_thread = QThread()
        self._scan_thread.setObjectName("preflight-scan")
        scan.moveToThread(self._scan_thread)
        self.scan_requested.connect(scan.scan)
        self.close_requested.connect(scan.close)
        self.warm_up_requested.connect(scan.warm_up)
        self._desktop_thread: QThread | None = None
        if desktop is not None:
            self._desktop_thread = QThread()
            self._desktop_thread.setObjectName("preflight-desktop")
            desktop.moveToThread(self._desktop_thread)
            self.desktop_requested.connect(desktop.run)
            self.warm_up_requested.connect(desktop.warm_up)
            self._desktop_thread.start()
        self._scan_thread.start()
        self._runs = 0
        self._stopped = False
        self.warm_up_requested.emit()  # while the teacher fills in the first steps

    def request_scan(self, spec: str) -> int:
        """Queue a camera scan; returns its run number."""
        self._runs += 1
        self.scan_requested.emit(spec, self._runs)
        return self._runs

    def request_desktop(self) -> int:
        """Queue a run of the desktop checks; returns its run number."""
        self._runs += 1
        self.desktop_requested.emit(self._runs)
        return self._runs

    def cancel_scans(self) -> None:
        """Cancel every camera scan requested so far (queued or running)."""
        self.scan_worker.cancel(self._runs)

    def stop(self, timeout_ms: int = 15000) -> None:
        """Cancel the scan, close the detectors on their thread, and join both threads."""
        if self._stopped:
            return
        self._stopped = True
        self.scan_worker.cancel()
        done = threading.Event()
        self.scan_worker.closed.connect(lambda: done.set(), Qt.ConnectionType.DirectConnection)
        self.close_requested.emit()
        done.wait(timeout_ms / 1000)
        for thread in (self._scan_thread, self._desktop_thread):
            if thread is not None:
                thread.quit()
                thread.wait(timeout_ms)


class _CallSignals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Call(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _CallSignals) -> None:
        super().__init__()
        self._fn, self._signals = fn, signals

    def run(self) -> None:
        try:
            value = self._fn()
        except Exception as exc:
            self._signals.failed.emit(exc)
        else:
            self._signals.done.emit(value)


_live_calls: set[_CallSignals] = set()


def run_call(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """Run `fn` on the thread pool; its result (or exception) arrives on the GUI thread."""
    signals = _CallSignals()
    _live_calls.add(signals)

    def finish(handler: Callable[[Any], None]) -> Callable[[Any], None]:
        def slot(value: Any) -> None:
            _live_calls.discard(signals)
            handler(value)

        return slot

    signals.done.connect(finish(on_done))
    signals.failed.connect(finish(on_failed))
    QThreadPool.globalInstance().start(_Call(fn, signals))


class ReviewWorker(QObject):
    """The review window's journal work on its own thread: counts, pages, chart figures and
    exports in the order asked; verification (the whole journal) on a second thread, so a long
    check of 100,000 signatures never holds up the list. Each answer carries the generation of
    the request, so the window ignores answers to a filter it has since changed."""

    counted = Signal(int, int)  # generation, total
    page_ready = Signal(int, int, object)  # generation, offset, list[ReviewRow]
    figures_ready = Signal(int, object)  # generation, Figures
    record_ready = Signal(object, object)  # StoredRecord | None, launch StoredRecord | None
    exported = Signal(str)  # a sentence for the status bar
    failed = Signal(str)

    def __init__(self, url: str, timeout_s: float) -> None:
        super().__init__()
        self._url, self._timeout_s = url, timeout_s
        self._journal: Any = None
        #: The newest generation the window has asked for (set on the GUI thread; an int is
        #: read and written whole): queued work for an older filter is skipped, not done.
        self.latest = 0
        #: Set when the window closes: nothing more is asked, done or reported.
        self.closing = False
        self._exporting = False

    def _open(self) -> Any:
        if self._journal is None:
            from preflight.journal.store import Journal

            self._journal = Journal.open(self._url, timeout_s=self._timeout_s, read_only=True)
        return self._journal

    @Slot(int, object, str, bool)
    def query(self, generation: int, where: Any, sort: str, descending: bool) -> None:
        from preflight.review.queries import count, page

        if self._stale(generation):
            return
        try:
            journal = self._open()
            self.counted.emit(generation, count(journal, where))
            rows = page(journal, where, sort=sort, descending=descending, limit=200)  # type: ignore[arg-type]
            self.page_ready.emit(generation, 0, rows)
        except PreflightError as exc:
            self._failed(str(exc))

    @Slot(int, object, str, bool, int)
    def fetch(self, generation: int, where: Any, sort: str, descending: bool, offset: int) -> None:
        from preflight.review.queries import page

        if self._stale(generation):
            return
        try:
            rows = page(self._open(), where, sort=sort, descending=descending,  # type: ignore[arg-type]
                        offset=offset, limit=200)  # fmt: skip
            self.page_ready.emit(generation, offset, rows)
        except PreflightError as exc:
            self._failed(str(exc))

    @Slot(int, object)
    def figures(self, generation: int, where: Any) -> None:
        from preflight.review.queries import figures

        if self._stale(generation):
            return
        try:
            self.figures_ready.emit(generation, figures(self._open(), where, top=50))
        except PreflightError as exc:
            self._failed(str(exc))

    @Slot(str)
    def record(self, record_id: str) -> None:
        from preflight.review.queries import launch_of, stored_records

        if self.closing:
            return
        try:
            journal = self._open()
            found = stored_records(journal, [record_id]).get(record_id)
            self.record_ready.emit(found, launch_of(journal, record_id) if found else None)
        except PreflightError as exc:
            self._failed(str(exc))

    @Slot(object)
    def export(self, job: Any) -> None:
        """`job(journal)` writes a file and returns a sentence saying what it wrote."""
        self._exporting = True  # a file the reviewer asked for is finished, not interrupted
        try:
            self.exported.emit(job(self._open()))
        except PreflightError as exc:
            self._failed(str(exc))
        finally:
            self._exporting = False

    def _stale(self, generation: int) -> bool:
        """Work for a filter the reviewer has since changed, or for a closed window."""
        return generation < self.latest or self.closing

    def _failed(self, reason: str) -> None:
        if not self.closing:  # an interrupted query is not a failure to report
            self.failed.emit(reason)

    def interrupt(self) -> None:
        """From the GUI thread when the window closes: skip what is queued, stop what runs."""
        self.closing = True
        journal = self._journal
        if journal is not None and not self._exporting:
            journal.interrupt()

    @Slot()
    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None


class ReviewThreads(QObject):
    """Starts two review workers, each on its thread with its own connection: one for the list,
    records and exports, one for the charts' figures, so a new filter's rows never wait behind
    the previous filter's figures. `stop()` closes their journals and joins them."""

    query_requested = Signal(int, object, str, bool)
    fetch_requested = Signal(int, object, str, bool, int)
    figures_requested = Signal(int, object)
    record_requested = Signal(str)
    export_requested = Signal(object)
    close_requested = Signal()

    def __init__(self, worker: ReviewWorker, charts: ReviewWorker) -> None:
        super().__init__()
        self.worker, self.charts = worker, charts
        self._threads = []
        for name, each in (("preflight-review", worker), ("preflight-review-charts", charts)):
            thread = QThread()
            thread.setObjectName(name)
            each.moveToThread(thread)
            self.close_requested.connect(each.close)
            self._threads.append(thread)
        self.query_requested.connect(worker.query)
        self.fetch_requested.connect(worker.fetch)
        self.record_requested.connect(worker.record)
        self.export_requested.connect(worker.export)
        self.figures_requested.connect(charts.figures)
        for thread in self._threads:
            thread.start()

    def set_latest(self, generation: int) -> None:
        self.worker.latest = self.charts.latest = generation

    def stop(self, timeout_ms: int = 15000) -> None:
        if not any(thread.isRunning() for thread in self._threads):
            return
        # A figures query on 100,000 records runs ~0.5 s: stop it rather than wait for it.
        for each in (self.worker, self.charts):
            each.interrupt()
        self.close_requested.emit()
        for thread in self._threads:
            thread.quit()
            thread.wait(timeout_ms)
