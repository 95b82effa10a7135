"""What the detectors saw on a wallpaper picture, remembered by the file's sha256. No Qt.

A wallpaper rarely changes, and looking at one (faces on every tile, then its text) is a third of
`preflight desktop`'s time. So what was seen is remembered: boxes, scores, word counts and
categories, never pixels or text, under the picture's sha256 and a fingerprint of everything
that decides what is seen (app version, the vision code, model files, OCR data, inspection
options). Anything different and the picture is looked at again; the verdict itself is always
worked out afresh from what was seen, so a changed policy applies at once.

The memory is a file only this user can read, beside the journal. It is a cache, not a record:
one that cannot be read is ignored and replaced, one that cannot be written costs only time.
Whoever can write the user's files could forge an entry, as they could change the wallpaper
after the check; `checks.wallpaper.remember = false` turns the memory off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from preflight import __version__
from preflight.vision.detections import Detections
from preflight.vision.reading import TextRegionReading

MEMORY_FILE = "seen-pictures.json"
MAX_PICTURES = 32
_FORMAT = 1
_VISION = Path(__file__).resolve().parent / "vision"


@dataclass(frozen=True)
class Seen:
    """What the detectors found on one picture, at the size it was inspected."""

    faces: Detections
    text: tuple[TextRegionReading, ...]


def fingerprint(settings: Mapping[str, object], data_files: list[Path]) -> str:
    """sha256 over the app version, the vision code, `settings` (reprs of the inspection
    options) and the size and time of each data file (models, OCR data)."""
    digest = hashlib.sha256(f"{__version__}\n".encode())
    for source in sorted(_VISION.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    digest.update(json.dumps({k: repr(v) for k, v in settings.items()}, sort_keys=True).encode())
    for path in data_files:
        try:
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{path}:missing\n".encode())
    return digest.hexdigest()


def file_digest(path: Path) -> tuple[str, tuple[int, int]] | None:
    """The picture's sha256 and (size, mtime) as hashed; None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as picture:
            stat = os.fstat(picture.fileno())
            for block in iter(lambda: picture.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest(), (stat.st_size, stat.st_mtime_ns)


def unchanged_since(path: Path, state: tuple[int, int]) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == state


class PictureMemory:
    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self._fingerprint = fingerprint
        self._entries = self._load()
        self._changed = False

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            return {}
        entries = document.get("pictures")
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(v, dict)}

    def _key(self, sha256: str) -> str:
        return f"{sha256}:{self._fingerprint}"

    def recall(self, sha256: str) -> Seen | None:
        entry = self._entries.get(self._key(sha256))
        if entry is None:
            return None
        try:
            faces = entry["faces"]
            seen = Seen(
                Detections(
                    np.asarray(faces["xyxy"], np.float32).reshape(-1, 4),
                    np.asarray(faces["confidence"], np.float32).reshape(-1),
                ),
                tuple(
                    TextRegionReading(
                        (float(t["box"][0]), float(t["box"][1]), float(t["box"][2]),
                         float(t["box"][3])),
                        int(t["words"]),
                        frozenset(str(c) for c in t["categories"]),
                        None if t["kind"] is None else str(t["kind"]),
                    )
                    for t in entry["text"]
                ),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, IndexError):
            return None  # a damaged entry: look at the picture again
        return seen

    def remember(self, sha256: str, seen: Seen) -> None:
        self._entries.pop(self._key(sha256), None)
        self._entries[self._key(sha256)] = {
            "faces": {
                "xyxy": seen.faces.xyxy.tolist(),
                "confidence": seen.faces.confidence.tolist(),
            },
            "text": [
                {
                    "box": list(t.box_xyxy),
                    "words": t.words,
                    "categories": sorted(t.categories),
                    "kind": t.kind,
                }
                for t in seen.text
            ],
        }
        while len(self._entries) > MAX_PICTURES:  # the oldest go first (insertion order)
            del self._entries[next(iter(self._entries))]
        self._changed = True

    def save(self) -> None:
        """Write the memory if it changed; a failure only means looking again next time."""
        if not self._changed:
            return
        document = {"format": _FORMAT, "pictures": self._entries}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(document, out)
            tmp.replace(self.path)
            self._changed = False
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
