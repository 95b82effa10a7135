"""`Detections`: boxes and scores as numpy columns, the one shape every detector returns. No Qt."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class Detections:
    """N boxes in frame pixels with their detector scores.

    Attributes:
        xyxy: N×4 float32, `[x0, y0, x1, y1]` in the analysed frame.
        confidence: N float32 scores in [0, 1].
        person_support: N float32, how much of each box the person mask covers (0-1), or NaN
            where no mask was available.
    """

    xyxy: FloatArray
    confidence: FloatArray
    person_support: FloatArray | None = None

    def __post_init__(self) -> None:
        xyxy = np.asarray(self.xyxy, dtype=np.float32).reshape(-1, 4)
        conf = np.asarray(self.confidence, dtype=np.float32).reshape(-1)
        if len(xyxy) != len(conf):
            raise ValueError(f"{len(xyxy)} boxes but {len(conf)} confidences")
        if self.person_support is None:
            support = np.full(len(conf), np.nan, np.float32)
        else:
            support = np.asarray(self.person_support, dtype=np.float32).reshape(-1)
            if len(support) != len(conf):
                raise ValueError(f"{len(xyxy)} boxes but {len(support)} person_support values")
        object.__setattr__(self, "xyxy", xyxy)
        object.__setattr__(self, "confidence", conf)
        object.__setattr__(self, "person_support", support)

    @property
    def support(self) -> FloatArray:
        """`person_support`, never None after construction."""
        assert self.person_support is not None
        return self.person_support

    def with_support(self, support: FloatArray) -> Detections:
        return Detections(self.xyxy, self.confidence, support)

    @classmethod
    def empty(cls) -> Detections:
        return cls(np.zeros((0, 4), np.float32), np.zeros((0,), np.float32))

    def __len__(self) -> int:
        return len(self.confidence)

    @property
    def heights(self) -> FloatArray:
        return self.xyxy[:, 3] - self.xyxy[:, 1]

    def select(self, keep: npt.NDArray[np.bool_] | npt.NDArray[np.intp]) -> Detections:
        return Detections(self.xyxy[keep], self.confidence[keep], self.support[keep])

    @classmethod
    def concat(cls, parts: list[Detections]) -> Detections:
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        return cls(
            np.concatenate([p.xyxy for p in parts]),
            np.concatenate([p.confidence for p in parts]),
            np.concatenate([p.support for p in parts]),
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
