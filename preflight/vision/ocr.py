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
from typing import TYPE_CHECKING, Any, Protocol

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

    def __init__(self, tessdata: Path) -> None:
        import tesserocr

        self._tesserocr = tesserocr
        # A text block per crop; LSTM engine only (the legacy engine needs other data files).
        self._api = tesserocr.PyTessBaseAPI(
            path=str(tessdata) + os.sep,
            lang="eng",
            psm=tesserocr.PSM.SPARSE_TEXT,
            oem=tesserocr.OEM.LSTM_ONLY,
        )

    def read_words(self, gray: npt.NDArray[np.uint8]) -> list[OcrWord]:
        from PIL import Image

        tesserocr = self._tesserocr
        self._api.SetImage(Image.fromarray(gray))
        self._api.Recognize()
        words = []
        level = tesserocr.RIL.WORD
        try:
            for word in tesserocr.iterate_level(self._api.GetIterator(), level):
                text = word.GetUTF8Text(level)
                box = word.BoundingBox(level)
                if text and text.strip() and box is not None:
                    words.append(OcrWord(text.strip(), float(word.Confidence(level)), tuple(box)))
        except RuntimeError:
            pass  # tesserocr raises "No text returned" for a crop with no text at all
        finally:
            self._api.Clear()
        return words

    def close(self) -> None:
        self._api.End()


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


class OcrReader(Closing):
    """The OCR engine in use, chosen once: in-process first, then the binary.

    Raises:
        OcrUnavailable: when neither engine can run, naming what to install.
    """

    def __init__(self, prefer: str = "tesserocr", helpers: int = 0) -> None:
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
                    self._engine = TesserocrEngine(tessdata)
                else:
                    self._engine = PytesseractEngine(tessdata)
                break
            except Exception:  # any failure means "try the other engine"
                continue
        if self._engine is None:
            raise OcrUnavailable(f"No OCR engine is available; {INSTALL_HINT}")
        # Child processes that share `read_many()` calls (Linux/macOS; select() needs pipes).
        self._helpers: list[OcrHelper] = []
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
        """`read_words()` of every crop, shared with the helper processes when there are any.

        Largest crops go to the helpers first and this process reads from the small end, so it
        looks for finished helpers often. A helper that dies, hangs or garbles a reply is
        dropped and its crop read here: the result is always every crop's words.
        """
        from preflight.vision.ocr_helper import HelperGone

        results: list[list[OcrWord] | None] = [None] * len(crops)
        queue = deque(sorted(range(len(crops)), key=lambda i: -int(crops[i].size)))
        helpers = self._helpers

        def drop(helper: OcrHelper) -> None:
            if helper.in_flight is not None:
                queue.append(helper.in_flight)  # the small end: read here next
                helper.in_flight = None
            helper.close()
            helpers.remove(helper)

        def collect(timeout_s: float) -> None:
            for helper in list(helpers):
                if helper.overdue():
                    drop(helper)
            if not helpers:
                return
            answered, _, _ = select.select(helpers, [], [], timeout_s)
            for helper in answered:
                try:
                    if not helper.ready:
                        helper.receive_ready()
                    elif helper.in_flight is not None:
                        index, words = helper.receive()
                        results[index] = words
                    else:
                        raise HelperGone("it spoke out of turn, or ended")
                except HelperGone:
                    drop(helper)

        while queue or any(h.in_flight is not None for h in helpers):
            collect(0.0)
            for helper in list(helpers):
                if helper.ready and helper.in_flight is None and queue:
                    index = queue.popleft()
                    try:
                        helper.send(index, crops[index])
                    except HelperGone:
                        drop(helper)  # its crop goes back on the queue
            if queue:
                index = queue.pop()
                results[index] = self.read_words(crops[index])
            elif helpers:
                collect(0.05)  # only helpers' crops are left: wait for one
        return [words if words is not None else [] for words in results]

    def close(self) -> None:
        for helper in self._helpers:
            helper.close()
        self._helpers = []
        if self._engine is not None:
            self._engine.close()
            self._engine = None
