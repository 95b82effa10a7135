"""libtesseract through tesserocr and nothing else (no numpy, no PIL calls). No Qt.

Shared by the in-process engine (`ocr.TesserocrEngine`) and the OCR helper child
(`ocr_child.py`), so both read a crop exactly alike, and the child starts in a fraction of the
time numpy would cost it. Recognised text goes straight back to the caller.
"""

from __future__ import annotations

import os
from typing import Any

#: One recognised word: text, confidence 0-100, x0, y0, x1, y1 in the crop's pixels.
RawWord = tuple[str, float, int, int, int, int]


def open_api(tessdata: str) -> Any:
    """A loaded English LSTM engine that reads each crop as sparse text (one block per crop)."""
    import tesserocr

    return tesserocr.PyTessBaseAPI(
        path=tessdata.rstrip(os.sep) + os.sep,
        lang="eng",
        psm=tesserocr.PSM.SPARSE_TEXT,
        oem=tesserocr.OEM.LSTM_ONLY,  # the legacy engine needs other data files
    )


def recognize(api: Any, grey: bytes, width: int, height: int) -> list[RawWord]:
    """The words in one 8-bit grey crop given as `height` rows of `width` bytes."""
    import tesserocr

    api.SetImageBytes(grey, width, height, 1, width)
    api.Recognize()
    words: list[RawWord] = []
    level = tesserocr.RIL.WORD
    try:
        for word in tesserocr.iterate_level(api.GetIterator(), level):
            text = word.GetUTF8Text(level)
            box = word.BoundingBox(level)
            if text and text.strip() and box is not None:
                x0, y0, x1, y1 = box
                words.append((text.strip(), float(word.Confidence(level)), x0, y0, x1, y1))
    except RuntimeError:
        pass  # tesserocr raises "No text returned" for a crop with no text at all
    finally:
        api.Clear()
    return words
