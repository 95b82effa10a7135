"""Link per-frame face boxes into tracks, so one person seen in 40 frames counts once. No Qt.

Tracks follow boxes, not identities: nothing here recognises a face.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from preflight.vision.detections import COLUMNS, Detections, iou


@dataclass(frozen=True)
class TrackingOptions:
    """Attributes:
    max_gap_frames: frames a face may go unseen and still continue its track.
    max_centre_shift: largest centre jump between consecutive frames, in face heights.
    shift_per_gap_frame: extra jump allowed for each frame the face went unseen (people walk).
    max_size_ratio: largest change of face height between sightings.
    """

    max_gap_frames: int = 15
    max_centre_shift: float = 1.2
    shift_per_gap_frame: float = 0.6
    max_size_ratio: float = 1.8


@dataclass
class _Open:
    frames: list[int] = field(default_factory=list)
    boxes: list[npt.NDArray[np.float32]] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # index of the sighting in its frame


@dataclass(frozen=True, eq=False)
class Track:
    """One face followed through the scan window."""

    frames: tuple[int, ...]
    boxes_xyxy: npt.NDArray[np.float32]
    confidences: npt.NDArray[np.float32]
    columns: dict[str, npt.NDArray[np.float32]]
    #: For each sighting, its row in that frame's `Detections`.
    rows: tuple[int, ...] = ()

    @property
    def first(self) -> int:
        return self.frames[0]

    @property
    def last(self) -> int:
        return self.frames[-1]

    @property
    def hits(self) -> int:
        return len(self.frames)

    @property
    def median_box(self) -> tuple[float, float, float, float]:
        m = np.median(self.boxes_xyxy, axis=0)
        return float(m[0]), float(m[1]), float(m[2]), float(m[3])

    @property
    def median_height(self) -> float:
        return float(np.median(self.boxes_xyxy[:, 3] - self.boxes_xyxy[:, 1]))

    @property
    def mean_confidence(self) -> float:
        return float(np.mean(self.confidences))

    def column(self, name: str) -> npt.NDArray[np.float32]:
        """A detections column over the sightings (see `detections.COLUMNS`), NaN if unmeasured."""
        return self.columns.get(name, np.full((self.hits, COLUMNS[name]), np.nan, np.float32))

    @property
    def mean_support(self) -> float | None:
        """Mean person-mask support of the sightings, or None when no mask was available."""
        values = self.column("person_support")[:, 0]
        known = values[~np.isnan(values)]
        return float(np.mean(known)) if len(known) else None

    def overlaps_in_time(self, other: Track) -> bool:
        return self.first <= other.last and other.first <= self.last


def _match_cost(
    box: npt.NDArray[np.float32],
    other: npt.NDArray[np.float32],
    opts: TrackingOptions,
    gap_frames: int = 1,
) -> float | None:
    """Lower is better; None when the two boxes cannot be the same face."""
    h_a, h_b = float(box[3] - box[1]), float(other[3] - other[1])
    if min(h_a, h_b) <= 0 or max(h_a, h_b) / min(h_a, h_b) > opts.max_size_ratio:
        return None
    centre_a = (box[:2] + box[2:]) / 2
    centre_b = (other[:2] + other[2:]) / 2
    shift = float(np.linalg.norm(centre_a - centre_b)) / max(h_a, h_b)
    allowed = opts.max_centre_shift + opts.shift_per_gap_frame * max(0, gap_frames - 1)
    if shift > allowed and iou(box, other) < 0.1:
        return None
    return shift - iou(box, other)


def track_faces(
    per_frame: Sequence[Detections], options: TrackingOptions | None = None
) -> list[Track]:
    """Greedy frame-to-frame linking with gap tolerance, then joining of broken tracks.

    Args:
        per_frame: faces found in each analysed frame, in order.
        options: linking limits.

    Returns:
        Tracks ordered by first appearance.
    """
    opts = options or TrackingOptions()
    open_tracks: list[_Open] = []
    for index, faces in enumerate(per_frame):
        live = [t for t in open_tracks if index - t.frames[-1] <= opts.max_gap_frames + 1]
        pairs = []
        for ti, track in enumerate(live):
            for di in range(len(faces)):
                gap = index - track.frames[-1]
                cost = _match_cost(track.boxes[-1], faces.xyxy[di], opts, gap)
                if cost is not None:
                    pairs.append((cost, ti, di))
        used_tracks: set[int] = set()
        used_faces: set[int] = set()
        for _, ti, di in sorted(pairs):
            if ti in used_tracks or di in used_faces:
                continue
            used_tracks.add(ti)
            used_faces.add(di)
            live[ti].frames.append(index)
            live[ti].boxes.append(faces.xyxy[di])
            live[ti].scores.append(float(faces.confidence[di]))
            live[ti].rows.append(di)
        for di in range(len(faces)):
            if di not in used_faces:
                open_tracks.append(
                    _Open([index], [faces.xyxy[di]], [float(faces.confidence[di])], [di])
                )
    tracks = [
        Track(
            tuple(t.frames),
            np.array(t.boxes, np.float32),
            np.array(t.scores, np.float32),
            _gather_columns(per_frame, t.frames, t.rows),
            tuple(t.rows),
        )
        for t in open_tracks
    ]
    return sorted(_join_broken(tracks, opts), key=lambda t: t.first)


def _gather_columns(
    per_frame: Sequence[Detections], frames: list[int], rows: list[int]
) -> dict[str, npt.NDArray[np.float32]]:
    names = {name for f in set(frames) for name in per_frame[f].columns}
    return {
        name: np.array([per_frame[f].column(name)[r] for f, r in zip(frames, rows, strict=True)])
        for name in names
    }


def _join_broken(tracks: list[Track], opts: TrackingOptions) -> list[Track]:
    """Join a track that ends to one that starts later near where it ended (a long look away)."""
    tracks = sorted(tracks, key=lambda t: t.first)
    joined = True
    while joined:
        joined = False
        for i, earlier in enumerate(tracks):
            for j, later in enumerate(tracks):
                if i == j or later.first <= earlier.last:
                    continue
                gap = later.first - earlier.last
                if _match_cost(earlier.boxes_xyxy[-1], later.boxes_xyxy[0], opts, gap) is None:
                    continue
                merged = Track(
                    earlier.frames + later.frames,
                    np.concatenate([earlier.boxes_xyxy, later.boxes_xyxy]),
                    np.concatenate([earlier.confidences, later.confidences]),
                    {
                        name: np.concatenate([earlier.column(name), later.column(name)])
                        for name in set(earlier.columns) | set(later.columns)
                    },
                    earlier.rows + later.rows,
                )
                tracks = [t for k, t in enumerate(tracks) if k not in (i, j)] + [merged]
                tracks.sort(key=lambda t: t.first)
                joined = True
                break
            if joined:
                break
    return tracks


def max_concurrent(tracks: Sequence[Track]) -> int:
    """Most tracks present at once, a track being present from its first to its last sighting."""
    events = sorted([(t.first, 1) for t in tracks] + [(t.last + 1, -1) for t in tracks])
    best = current = 0
    for _, step in events:
        current += step
        best = max(best, current)
    return best
