"""OCR adapter: Tesseract in-process (tesserocr) or through its binary (pytesseract) → OcrWords.

No Qt. The recognised text is handed straight back to the caller for classification and must
never be logged, stored or printed anywhere.
"""

from __future__ import annotations

import glob
import os
import select
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from preflight.closing import Closing

if TYPE_CHECKING:
    from preflight.vision.ocr_helper import OcrHelper

INSTALL_HINT = (
    "install Tesseract's English data (Debian/Ubuntu: apt-get install tesseract-ocr-eng, or run "
    "`make setup`)"
)


class OcrUnavailable(Exception):
    """No OCR engine can run here; the message names what to install."""


@dataclass(frozen=True)
class OcrWord:
    """One recognised word: text (memory only), confidence 0-100 and box in the crop's pixels."""

    text: str
    confidence: float
    box_xyxy: tuple[int, int, int, int]

    @property
    def height(self) -> int:
        return self.box_xyxy[3] - self.box_xyxy[1]


class OcrEngine(Protocol):
    name: str

    def read_words(self, gray: npt.NDArray[np.uint8]) -> list[OcrWord]: ...

    def close(self) -> None: ...


def find_tessdata() -> Path | None:
    """The folder holding eng.traineddata: TESSDATA_PREFIX, else the usual system places.

    As in Tesseract itself, TESSDATA_PREFIX when set is the only place looked at.
    """
    env = os.environ.get("TESSDATA_PREFIX")
    if env:
        candidates = [Path(env), Path(env) / "tessdata"]
    else:
        candidates = [Path(p) for p in sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"))]
    candidates += [Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata")]
    candidates += [
        Path("/opt/homebrew/share/tessdata"),
        Path("/usr/local/share/tesseract-ocr/tessdata"),
    ]
    for folder in candidates:
        if (folder / "eng.traineddata").is_file():
            return folder
    return None


class TesserocrEngine:
    """libtesseract loaded once and reused (~0.1 s per 720p frame instead of ~1 s per call)."""

    name = "tesserocr"

    def __init__(self, tessdata: Path, lazy: bool = False) -> None:
        import tesserocr  # noqa: F401  (not installed: the caller tries the binary)

        self._tessdata = tessdata
        self._api: Any = None
        if not lazy:
            self._opened()

    def _opened(self) -> Any:
        """The loaded engine (~0.1 s to load the English model the first time)."""
        if self._api is None:
            from preflight.vision.tesseract import open_api

            try:
                self._api = open_api(str(self._tessdata))
            except Exception as exc:  # damaged language data: nothing else can read it either
                raise OcrUnavailable(
                    f"Tesseract could not load its English data; {INSTALL_HINT}"
                ) from exc
        return self._api

    def read_words(self, gray: npt.NDArray[np.uint8]) -> list[OcrWord]:
        from preflight.vision.tesseract import recognize

        height, width = gray.shape
        found = recognize(self._opened(), np.ascontiguousarray(gray).tobytes(), width, height)
        return [OcrWord(text, conf, (x0, y0, x1, y1)) for text, conf, x0, y0, x1, y1 in found]

    def close(self) -> None:
        if self._api is not None:
            self._api.End()
            self._api = None


class PytesseractEngine:
    """The `tesseract` binary per call: slower, but works where only the binary is installed."""

    name = "pytesseract"

    def __init__(self, tessdata: Path | None) -> None:
        import pytesseract

        self._pytesseract = pytesseract
        self._config = "--psm 11 --oem 1"
        if tessdata is not None:
            self._config += f' --tessdata-dir "{tessdata}"'
        # Fail now, not mid-scan: a missing binary or language data raises here.
        self.read_words(np.full((32, 32), 255, np.uint8))

    def read_words(self, gray: npt.NDArray[np.uint8]) -> list[OcrWord]:
        data: dict[str, list[Any]] = self._pytesseract.image_to_data(
            gray, lang="eng", config=self._config, output_type=self._pytesseract.Output.DICT
        )
        words = []
        for i, text in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if text and text.strip() and conf >= 0:
                x, y, w, h = (int(data[k][i]) for k in ("left", "top", "width", "height"))
                words.append(OcrWord(text.strip(), conf, (x, y, x + w, y + h)))
        return words

    def close(self) -> None:
        pass


class OcrBatch:
    """Crops submitted to an `OcrReader`; `result()` gives every crop's words, in order."""

    def __init__(
        self, reader: OcrReader, crops: Sequence[npt.NDArray[np.uint8]], ahead: bool = True
    ) -> None:
        self._reader = reader
        #: Helpers read it ahead, while the caller is elsewhere; otherwise the caller is about
        #: to wait for it, and helpers take part only when idle (never behind a long queue).
        self.ahead = ahead
        self.crops = [np.ascontiguousarray(c) for c in crops]
        self.results: list[list[OcrWord] | None] = [None] * len(self.crops)
        # Largest first: helpers take from the left, this process reads from the right.
        self.queue = deque(sorted(range(len(self.crops)), key=lambda i: -int(self.crops[i].size)))

    def done(self) -> bool:
        return all(words is not None for words in self.results)

    def result(self) -> list[list[OcrWord]]:
        return self._reader._finish(self)


class OcrReader(Closing):
    """The OCR engine in use, chosen once: in-process first, then the binary.

    Raises:
        OcrUnavailable: when neither engine can run, naming what to install.
    """

    def __init__(self, prefer: str = "tesserocr", helpers: int = 0, lazy: bool = False) -> None:
        """`lazy`: the in-process engine loads its model when it first reads, so a caller can
        hand helpers their work first (the helpers load theirs in parallel)."""
        tessdata = find_tessdata()
        order = (
            ["tesserocr", "pytesseract"] if prefer == "tesserocr" else ["pytesseract", "tesserocr"]
        )
        self._engine: OcrEngine | None = None
        for name in order:
            try:
                if name == "tesserocr":
                    if tessdata is None:
                        raise OcrUnavailable("no eng.traineddata found")
                    self._engine = TesserocrEngine(tessdata, lazy=lazy)
                else:
                    self._engine = PytesseractEngine(tessdata)
                break
            except Exception:  # any failure means "try the other engine"
                continue
        if self._engine is None:
            raise OcrUnavailable(f"No OCR engine is available; {INSTALL_HINT}")
        # Child processes that share `read_many()` calls (Linux/macOS; select() needs pipes).
        self._helpers: list[OcrHelper] = []
        self._batches: list[OcrBatch] = []
        self.ahead_px = 450000
        if helpers > 0 and self._engine.name == "tesserocr" and sys.platform != "win32":
            from preflight.vision.ocr_helper import OcrHelper

            assert tessdata is not None
            for _ in range(helpers):
                try:
                    self._helpers.append(OcrHelper(tessdata))
                except OSError:
                    break

    @property
    def engine_name(self) -> str:
        assert self._engine is not None
        return self._engine.name

    def read_words(self, gray: npt.NDArray[np.uint8]) -> list[OcrWord]:
        assert self._engine is not None
        return self._engine.read_words(np.ascontiguousarray(gray))

    @property
    def helpers(self) -> tuple[OcrHelper, ...]:
        """The helper processes still in use (one that failed is dropped)."""
        return tuple(self._helpers)

    def read_many(self, crops: Sequence[npt.NDArray[np.uint8]]) -> list[list[OcrWord]]:
        """`read_words()` of every crop, shared with the helper processes that are free."""
        return self.submit(crops, ahead=False).result()

    def submit(self, crops: Sequence[npt.NDArray[np.uint8]], ahead: bool = True) -> OcrBatch:
        """Start reading `crops`: helpers get the largest at once and read while the caller
        does other work; `result()` of the batch reads the rest here and collects theirs.
        `ahead=False`: the caller waits for the result next, so helpers busy with batches
        read ahead are not given these crops to queue behind that work."""
        batch = OcrBatch(self, crops, ahead)
        self._batches.append(batch)
        self.pump()
        return batch

    def pump(self) -> None:
        """Collect finished words and hand helpers more of the submitted crops; never waits.

        Helpers are kept about `ahead_px` pixels ahead (half a second of reading or so), so they
        stay busy while the caller is elsewhere but are not left with a long queue at the end.
        """
        self._collect(0.0)
        for helper in self._helpers:
            while helper.queued_px < self.ahead_px or not helper.in_flight:
                batch = next((b for b in self._batches if b.ahead and b.queue), None)
                if batch is None:
                    break
                if not self._post(helper, batch, batch.queue.popleft()):
                    break

    def _post(self, helper: OcrHelper, batch: OcrBatch, index: int) -> bool:
        from preflight.vision.ocr_helper import HelperGone

        try:
            helper.post((batch, index), batch.crops[index])
        except HelperGone:
            self._drop(helper)
            return False
        return True

    def _drop(self, helper: OcrHelper) -> None:
        """Give up on a helper: its unanswered crops are read here, next."""
        for token, _ in helper.in_flight:
            batch, index = cast("tuple[OcrBatch, int]", token)
            batch.queue.append(index)  # the small end, where this process reads
        helper.in_flight.clear()
        helper.close()
        self._helpers.remove(helper)

    def _collect(self, timeout_s: float) -> None:
        """Take in whatever helpers have answered, waiting up to `timeout_s` for the first."""
        from preflight.vision.ocr_helper import HelperGone

        for helper in list(self._helpers):
            if helper.overdue():
                self._drop(helper)
        for helper in list(self._helpers):
            try:
                helper.pump()
            except HelperGone:
                self._drop(helper)
        if not self._helpers:
            return
        answered, _, _ = select.select(self._helpers, [], [], timeout_s)
        for helper in answered:
            try:
                for token, words in helper.receive():
                    batch, index = cast("tuple[OcrBatch, int]", token)
                    batch.results[index] = words
            except HelperGone:
                self._drop(helper)

    def _finish(self, batch: OcrBatch) -> list[list[OcrWord]]:
        """Read `batch` to the end: smallest crops here, largest by helpers kept two deep, so
        nobody waits long at the end for someone else's last crop."""
        while not batch.done():
            self._collect(0.0)
            for helper in self._helpers:
                while helper.ready and len(helper.in_flight) < 2 and batch.queue:
                    if not self._post(helper, batch, batch.queue.popleft()):
                        break
            if batch.queue:
                index = batch.queue.pop()
                batch.results[index] = self.read_words(batch.crops[index])
            elif not self._helpers:  # never wait for nobody: read whatever is missing here
                batch.queue.extend(i for i, words in enumerate(batch.results) if words is None)
            elif not batch.done():
                self._collect(0.05)  # only helpers' crops are left: wait for one
        self._batches.remove(batch)
        return [words if words is not None else [] for words in batch.results]

    def close(self) -> None:
        for helper in self._helpers:
            helper.close()
        self._helpers = []
        self._batches = []
        if self._engine is not None:
            self._engine.close()
            self._engine = None
