"""Camera scan orchestration: frames → observations → check results → report. No Qt.

`run_scan()` yields a progress event per analysed frame and a final report, and stops when
cancelled; the command line consumes it whole, the kiosk consumes it live from a worker thread.
`CameraAnalyzer` owns the detectors (create, use and close on one thread).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from preflight.checks import documents, people, photos, stillness
from preflight.checks.documents import DocumentsOptions, evaluate_documents
from preflight.checks.people import PeopleOptions, confirmed_tracks, evaluate_people
from preflight.checks.photos import PhotosOptions, evaluate_photos
from preflight.checks.stillness import StillnessOptions, evaluate_stillness
from preflight.closing import Closing
from preflight.config import Config, Mode
from preflight.errors import ModelError
from preflight.frames import Frame, FrameSource
from preflight.frames.sources import CameraLostError
from preflight.liveness import (
    LivenessOptions,
    cues_of,
    found_only_by_following,
    is_passing_glimpse,
    is_picture,
)
from preflight.results import CheckResult, Report
from preflight.tracking import Track, TrackingOptions
from preflight.vision.detections import Detections
from preflight.vision.faces import FaceScanner, FaceScanOptions
from preflight.vision.framing import borders_around
from preflight.vision.motion import GlobalMotion, MotionEstimator, MotionOptions
from preflight.vision.ocr import OcrReader, OcrUnavailable
from preflight.vision.reading import ReadingOptions, TextRegionReading, read_text_regions
from preflight.vision.segmentation import PersonMask, PersonSegmenter
from preflight.vision.text_regions import StreamOptions

CAMERA_CHECKS = (people.CHECK_ID, photos.CHECK_ID, documents.CHECK_ID, stillness.CHECK_ID)


@dataclass(frozen=True)
class ScanOptions:
    """Everything a camera scan needs, built from the config for one mode."""

    mode: Mode = "staff"
    seconds: float = 3.0
    fps: float = 15.0
    faces: FaceScanOptions = FaceScanOptions()
    people: PeopleOptions = PeopleOptions()
    motion: MotionOptions = MotionOptions()
    stillness: StillnessOptions = StillnessOptions()
    reading: ReadingOptions = ReadingOptions()
    documents: DocumentsOptions = DocumentsOptions()
    liveness: LivenessOptions = LivenessOptions()
    photos: PhotosOptions = PhotosOptions()
    #: Text reading and the picture-border cue are slow, so they run on this many frames of
    #: the window, spread evenly (documents and pictures do not move on their own).
    frames_to_read: int = 4
    ocr_engine: str = "tesserocr"

    @property
    def read_every(self) -> int:
        return max(1, round(self.seconds * self.fps / max(1, self.frames_to_read)))

    @classmethod
    def from_config(
        cls, config: Config, mode: Mode, seconds: float | None = None, fps: float | None = None
    ) -> ScanOptions:
        fps = fps or config.scan.fps
        people_cfg = config.checks.people
        docs = config.checks.documents
        photos_cfg = config.checks.photos
        expected = config.mode(mode)
        return cls(
            mode=mode,
            seconds=seconds or config.scan.seconds,
            fps=fps,
            faces=FaceScanOptions(
                min_confidence=people_cfg.min_face_confidence,
                tiles_per_frame=people_cfg.tiles_per_frame,
            ),
            people=PeopleOptions(
                min_people=expected.min_people,
                max_people=expected.max_people,
                min_track_fraction=people_cfg.min_track_fraction,
                min_frames=people_cfg.min_frames,
                large_face_px=people_cfg.large_face_px,
                min_large_face_support=people_cfg.min_large_face_support,
                min_large_face_confidence=people_cfg.min_large_face_confidence,
                tracking=TrackingOptions(
                    max_gap_frames=max(1, round(people_cfg.max_gap_seconds * fps))
                ),
            ),
            stillness=StillnessOptions(
                max_shake_px_rms=config.checks.stillness.max_shake_px_rms,
                min_measured_fraction=config.checks.stillness.min_measured_fraction,
            ),
            reading=ReadingOptions(
                stream=StreamOptions(
                    size_wh=(docs.stream_width, docs.stream_height),
                    jpeg_quality=docs.stream_jpeg_quality,
                ),
                min_confidence=docs.min_ocr_confidence,
                min_text_px=docs.min_text_px,
            ),
            documents=DocumentsOptions(
                other_text_severity=docs.other_text_severity, min_words=docs.min_words
            ),
            liveness=LivenessOptions(
                max_static_px_rms=photos_cfg.max_static_px_rms,
                min_framed_share=photos_cfg.min_framed_share,
            ),
            photos=PhotosOptions(severity=photos_cfg.severity),
            frames_to_read=docs.frames_to_read,
            ocr_engine=docs.ocr_engine,
        )


@dataclass(frozen=True, eq=False)
class FrameObservation:
    """What the detectors saw in one frame. No pixels beyond the low-resolution person mask."""

    index: int
    timestamp_ms: float
    size_wh: tuple[int, int]
    faces: Detections | None
    person_mask: PersonMask | None
    motion: GlobalMotion | None
    timings_ms: dict[str, float] = field(default_factory=dict)
    #: Legible text regions, on the frames that were read for text (None on the others).
    text: tuple[TextRegionReading, ...] | None = None


@dataclass(frozen=True, eq=False)
class FrameAnalysed:
    """Progress: one frame was analysed. `frame` is for live display only; never store it."""

    frame: Frame
    observation: FrameObservation


@dataclass(frozen=True)
class ScanFinished:
    report: Report


@dataclass(frozen=True)
class ScanCancelled:
    frames_analysed: int


ScanEvent = FrameAnalysed | ScanFinished | ScanCancelled


class CameraAnalyzer(Closing):
    """Runs the camera detectors on frames and turns their observations into check results.

    A detector that cannot start (a missing model file) does not stop the others: the checks
    that need it report `error` with the reason.
    """

    def __init__(self, options: ScanOptions) -> None:
        self.options = options
        self.unavailable: dict[str, str] = {}
        self._faces: FaceScanner | None = None
        self._segmenter: PersonSegmenter | None = None
        try:
            self._faces = FaceScanner(options.faces)
        except ModelError as exc:
            self.unavailable[people.CHECK_ID] = f"People cannot be counted: {exc}"
        # Without the mask stillness still works, only less robustly; people do not need it.
        with contextlib.suppress(ModelError):
            self._segmenter = PersonSegmenter()
        self._motion = MotionEstimator(options.motion)
        self._reader: OcrReader | None = None
        # Borders found around faces, by (frame index, face row); boxes only, for findings.
        self._borders: dict[tuple[int, int], tuple[float, float, float, float]] = {}
        try:
            self._reader = OcrReader(prefer=options.ocr_engine)
        except OcrUnavailable as exc:
            self.unavailable[documents.CHECK_ID] = f"Documents cannot be checked: {exc}"

    def reset(self) -> None:
        """Start a new scan window: forget the previous frame and the faces being followed."""
        self._motion.reset()
        self._borders = {}
        if self._faces is not None:
            self._faces.reset()

    def analyse(self, frame: Frame) -> FrameObservation:
        timings: dict[str, float] = {}
        pixels = frame.pixels_bgr
        faces = mask = None
        if self._faces is not None:
            start = time.perf_counter()
            faces = self._faces.detect(pixels)
            timings["faces"] = (time.perf_counter() - start) * 1000
        if self._segmenter is not None:
            start = time.perf_counter()
            mask = self._segmenter.segment(pixels)
            timings["segmentation"] = (time.perf_counter() - start) * 1000
        if faces is not None and mask is not None and len(faces):
            faces = faces.with_column("person_support", mask.support(faces.xyxy))
        if self._faces is not None and mask is not None:
            self._faces.drop_hints_on_people(mask.support)
        start = time.perf_counter()
        motion = self._motion.update(pixels, mask)
        timings["motion"] = (time.perf_counter() - start) * 1000
        slow = frame.index % self.options.read_every == 0
        if faces is not None and len(faces):
            start = time.perf_counter()
            faces = faces.with_column("own_motion_xy", self._motion.own_motion(faces.xyxy))
            if slow:
                framed = borders_around(pixels, faces.xyxy)
                self._borders.update(
                    {(frame.index, i): b for i, b in enumerate(framed) if b is not None}
                )
                faces = faces.with_column("framed", [float(b is not None) for b in framed])
            timings["liveness"] = (time.perf_counter() - start) * 1000
        text = None
        if slow and self._reader is not None:
            start = time.perf_counter()
            try:
                text = tuple(read_text_regions(pixels, self._reader, self.options.reading))
            except Exception as exc:  # an engine failure must not end the scan
                self.unavailable[documents.CHECK_ID] = (
                    f"Documents could not be checked: the OCR engine failed ({type(exc).__name__})"
                )
                self._reader.close()
                self._reader = None
            timings["documents"] = (time.perf_counter() - start) * 1000
        return FrameObservation(
            frame.index, frame.timestamp_ms, frame.size_wh, faces, mask, motion, timings, text
        )

    def evaluate(
        self, observations: Sequence[FrameObservation], single_image: bool = False
    ) -> list[CheckResult]:
        """Check results for the observations so far (callable mid-scan for live status)."""

        def spent(*stages: str) -> float:
            return sum(o.timings_ms.get(s, 0.0) for o in observations for s in stages)

        results = []
        if people.CHECK_ID in self.unavailable:
            reason = self.unavailable[people.CHECK_ID]
            results.append(CheckResult.error(people.CHECK_ID, reason))
            results.append(CheckResult.error(photos.CHECK_ID, reason.replace("People", "Photos")))
        else:
            start = time.perf_counter()
            faces = [o.faces if o.faces is not None else Detections.empty() for o in observations]
            tracks = confirmed_tracks(faces, self.options.people)
            pictures = []
            picture_ids = set()
            glimpses = set()
            for track in tracks:
                cues = cues_of(track, self.options.liveness)
                if is_picture(cues, self.options.liveness, still_source=single_image):
                    pictures.append((track, cues, self._border_of(track)))
                    picture_ids.add(id(track))
                elif found_only_by_following(track) or (
                    not single_image and is_passing_glimpse(track, cues, self.options.liveness)
                ):
                    glimpses.add(id(track))  # neither a live person nor a judged picture
            live = [t for t in tracks if id(t) not in picture_ids | glimpses]
            own = (time.perf_counter() - start) * 1000
            seen = [t for t in tracks if id(t) not in glimpses]
            result = evaluate_people(faces, self.options.people, live_tracks=live, confirmed=seen)
            results.append(_with_elapsed(result, spent("faces") + own))
            results.append(
                evaluate_photos(pictures, self.options.photos, elapsed_ms=spent("liveness"))
            )
        if documents.CHECK_ID in self.unavailable:
            results.append(
                CheckResult.error(documents.CHECK_ID, self.unavailable[documents.CHECK_ID])
            )
        else:
            results.append(
                evaluate_documents(
                    [o.text for o in observations],
                    self.options.documents,
                    elapsed_ms=spent("documents"),
                )
            )
        start = time.perf_counter()
        size_wh = observations[0].size_wh if observations else (0, 0)
        result = evaluate_stillness(
            [o.motion for o in observations],
            [o.timestamp_ms for o in observations],
            size_wh,
            self.options.stillness,
            single_image=single_image,
        )
        own = (time.perf_counter() - start) * 1000
        results.append(_with_elapsed(result, spent("segmentation", "motion") + own))
        return results

    def _border_of(self, track: Track) -> tuple[float, float, float, float] | None:
        borders = [
            self._borders[key]
            for key in zip(track.frames, track.rows, strict=True)
            if key in self._borders
        ]
        if not borders:
            return None
        m = np.median(np.array(borders), axis=0)
        return float(m[0]), float(m[1]), float(m[2]), float(m[3])

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        if self._faces is not None:
            self._faces.close()
        if self._segmenter is not None:
            self._segmenter.close()


def _with_elapsed(result: CheckResult, elapsed_ms: float) -> CheckResult:
    return CheckResult(
        id=result.id,
        status=result.status,
        summary=result.summary,
        findings=result.findings,
        metrics=result.metrics,
        elapsed_ms=elapsed_ms,
    )


def run_scan(
    source: FrameSource,
    analyzer: CameraAnalyzer,
    cancel: Callable[[], bool] | None = None,
) -> Iterator[ScanEvent]:
    """Analyse every frame of `source`, yielding progress, then the report.

    If the camera is lost mid-scan, every camera check reports `error` saying so. If `cancel()`
    turns true, the scan stops with `ScanCancelled` and no report.
    """
    analyzer.reset()
    observations: list[FrameObservation] = []
    lost: str | None = None
    try:
        for frame in source.frames():
            if cancel is not None and cancel():
                yield ScanCancelled(len(observations))
                return
            observation = analyzer.analyse(frame)
            observations.append(observation)
            yield FrameAnalysed(frame, observation)
    except CameraLostError as exc:
        lost = f"{exc}. Reconnect the camera and scan again."
    if cancel is not None and cancel():
        yield ScanCancelled(len(observations))
        return
    if lost is not None:
        checks = [CheckResult.error(cid, lost) for cid in CAMERA_CHECKS]
    elif not observations:
        checks = [CheckResult.error(cid, "The source gave no frames") for cid in CAMERA_CHECKS]
    else:
        checks = analyzer.evaluate(observations, single_image=source.is_single_image)
    yield ScanFinished(
        Report(
            source=source.name,
            checks=tuple(checks),
            frame_size_wh=observations[0].size_wh if observations else None,
            frames_analysed=len(observations),
        )
    )


def scan(source: FrameSource, options: ScanOptions) -> Report:
    """Run a whole camera scan and return its report."""
    with CameraAnalyzer(options) as analyzer:
        for event in run_scan(source, analyzer):
            if isinstance(event, ScanFinished):
                return event.report
    raise AssertionError("run_scan ended without a report")
