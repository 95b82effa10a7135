"""`Detections`: boxes and scores as numpy columns, the one shape every detector returns. No Qt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

#: Extra per-box measurements added after detection, and the width of each column.
#: NaN means "not measured for this box".
COLUMNS: dict[str, int] = {
    # Share of the box covered by the live-person mask, 0-1.
    "person_support": 1,
    # The box content's own motion since the previous frame, camera motion removed (dx, dy px).
    "own_motion_xy": 2,
    # 1 when a rectangular border (picture frame, screen) encloses the box, 0 when none does.
    "framed": 1,
    # 1 when the whole-frame or tile pass found the face at the reporting score itself; 0 when
    # only a close crop that followed it did (see FaceScanOptions.hint_confidence).
    "direct": 1,
}


@dataclass(frozen=True, eq=False)
class Detections:
    """N boxes in frame pixels with their detector scores and optional measurement columns.

    Attributes:
        xyxy: N×4 float32, `[x0, y0, x1, y1]` in the analysed frame.
        confidence: N float32 scores in [0, 1].
        columns: extra measurements by name (see `COLUMNS`), each N×width float32.
    """

    xyxy: FloatArray
    confidence: FloatArray
    columns: Mapping[str, FloatArray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        xyxy = np.asarray(self.xyxy, dtype=np.float32).reshape(-1, 4)
        conf = np.asarray(self.confidence, dtype=np.float32).reshape(-1)
        if len(xyxy) != len(conf):
            raise ValueError(f"{len(xyxy)} boxes but {len(conf)} confidences")
        columns = {}
        for name, values in self.columns.items():
            if name not in COLUMNS:
                raise ValueError(f"unknown detections column {name!r}; known: {sorted(COLUMNS)}")
            array = np.asarray(values, dtype=np.float32).reshape(len(conf), COLUMNS[name])
            columns[name] = array
        object.__setattr__(self, "xyxy", xyxy)
        object.__setattr__(self, "confidence", conf)
        object.__setattr__(self, "columns", columns)

    @classmethod
    def empty(cls) -> Detections:
        return cls(np.zeros((0, 4), np.float32), np.zeros((0,), np.float32))

    def __len__(self) -> int:
        return len(self.confidence)

    @property
    def heights(self) -> FloatArray:
        return self.xyxy[:, 3] - self.xyxy[:, 1]

    def column(self, name: str) -> FloatArray:
        """The named measurement, N×width; all NaN when it was not measured."""
        if name in self.columns:
            return self.columns[name]
        return np.full((len(self), COLUMNS[name]), np.nan, np.float32)

    def with_column(self, name: str, values: npt.ArrayLike) -> Detections:
        return Detections(self.xyxy, self.confidence, {**self.columns, name: np.asarray(values)})

    def select(self, keep: npt.NDArray[np.bool_] | npt.NDArray[np.intp]) -> Detections:
        return Detections(
            self.xyxy[keep],
            self.confidence[keep],
            {name: values[keep] for name, values in self.columns.items()},
        )

    @classmethod
    def concat(cls, parts: list[Detections]) -> Detections:
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        names = {name for p in parts for name in p.columns}
        return cls(
            np.concatenate([p.xyxy for p in parts]),
            np.concatenate([p.confidence for p in parts]),
            {name: np.concatenate([p.column(name) for p in parts]) for name in names},
        )

    def merge_overlapping(
        self, iou_threshold: float = 0.3, contain_threshold: float = 0.6
    ) -> Detections:
        """Non-maximum suppression that also drops a box mostly inside a stronger one.

        Two detectors (or two overlapping tiles) seeing one face give boxes of different sizes;
        IoU alone would keep both and count one face twice.
        """
        if len(self) < 2:
            return self
        order = np.argsort(-self.confidence)
        keep: list[int] = []
        for i in order:
            if all(
                iou(self.xyxy[i], self.xyxy[j]) < iou_threshold
                and containment(self.xyxy[i], self.xyxy[j]) < contain_threshold
                for j in keep
            ):
                keep.append(int(i))
        return self.select(np.array(keep, dtype=np.intp))


def _area(box: FloatArray) -> float:
    return float(max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1]))


def _intersection(a: FloatArray, b: FloatArray) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return float(max(0.0, w) * max(0.0, h))


def iou(a: FloatArray, b: FloatArray) -> float:
    inter = _intersection(a, b)
    union = _area(a) + _area(b) - inter
    return inter / union if union > 0 else 0.0


def containment(a: FloatArray, b: FloatArray) -> float:
    """Share of the smaller box that lies inside the other."""
    smaller = min(_area(a), _area(b))
    return _intersection(a, b) / smaller if smaller > 0 else 0.0
