"""A second Tesseract in its own process, so a busy screen is read on two cores. No Qt.

The core has no threads (they live in `ui/workers.py`), and one libtesseract is single-threaded:
`OcrReader(helpers=1)` starts this module as a child process and shares the crops of one call
between itself and the child. Crops and words travel through the two pipes only: nothing is
written to disk, and the child never prints them.

Protocol on the child's stdin/stdout, all integers little-endian:

- the child first sends one message `{"ready": true}` (or `{"error": ...}` and exits);
- request: `height:u32 width:u32` then `height*width` bytes of grey pixels; `0 0` ends the child;
- reply: `length:u32` then a JSON list of `[text, confidence, x0, y0, x1, y1]` words.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from preflight.vision.ocr import OcrWord

_REQUEST = struct.Struct("<II")
_REPLY = struct.Struct("<I")
# The largest crop the parent ever sends is a 7680x4320 screen; anything beyond is garbage.
_MAX_PIXELS = 7680 * 4320 * 4
# How long a child may take to start, or to read one crop, before it is given up on.
_START_TIMEOUT_S = 20.0
_READ_TIMEOUT_S = 60.0


class HelperGone(Exception):
    """The child died, hung or said something unexpected; its crops are read in-process."""


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise HelperGone("the pipe closed")
        data += chunk
    return data


class OcrHelper:
    """One child process reading crops, one crop at a time.

    The child is idle (blocked reading its stdin) whenever a crop is sent to it, so even a crop
    larger than the pipe's buffer is drained as it is written; a child that stops draining it
    for `read_timeout_s` is given up on rather than waited for.
    """

    def __init__(self, tessdata: Path) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "preflight.vision.ocr_helper", str(tessdata)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # Leptonica's chatter; never text
            close_fds=True,
        )
        assert self._process.stdin is not None
        # Writes go straight to the pipe, never waiting on a child that has stopped reading.
        os.set_blocking(self._process.stdin.fileno(), False)
        self._started = time.monotonic()
        self.start_timeout_s = _START_TIMEOUT_S
        self.read_timeout_s = _READ_TIMEOUT_S
        self.ready = False
        self.in_flight: int | None = None  # the caller's index of the crop being read
        self._sent_at = 0.0

    @property
    def pid(self) -> int:
        return self._process.pid

    def fileno(self) -> int:
        assert self._process.stdout is not None
        return self._process.stdout.fileno()

    def overdue(self) -> bool:
        now = time.monotonic()
        if not self.ready:
            return now - self._started > self.start_timeout_s
        return self.in_flight is not None and now - self._sent_at > self.read_timeout_s

    def _message(self) -> object:
        assert self._process.stdout is not None
        (length,) = _REPLY.unpack(_read_exactly(self._process.stdout, _REPLY.size))
        if length > 64 * 1024 * 1024:
            raise HelperGone("an oversized reply")
        try:
            return json.loads(_read_exactly(self._process.stdout, length))
        except ValueError:
            raise HelperGone("a malformed reply") from None

    def receive_ready(self) -> None:
        message = self._message()
        if not (isinstance(message, dict) and message.get("ready") is True):
            raise HelperGone("the child could not start its OCR engine")
        self.ready = True

    def _write(self, data: bytes, timeout_s: float) -> None:
        """Write all of `data` unless the child stops draining its pipe for `timeout_s`."""
        assert self._process.stdin is not None
        fd = self._process.stdin.fileno()
        view = memoryview(data)
        while view:
            _, writable, _ = select.select([], [fd], [], timeout_s)
            if not writable:
                raise HelperGone("the child stopped reading")
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                continue
            except OSError:  # BrokenPipeError among them
                raise HelperGone("the pipe closed") from None

    def send(self, index: int, gray: npt.NDArray[np.uint8]) -> None:
        assert self.in_flight is None
        height, width = gray.shape
        self.in_flight = index  # a crop half-sent to a child that hangs is still its crop
        self._sent_at = time.monotonic()
        self._write(
            _REQUEST.pack(height, width) + np.ascontiguousarray(gray).tobytes(),
            self.read_timeout_s,
        )

    def receive(self) -> tuple[int, list[OcrWord]]:
        assert self.in_flight is not None
        message = self._message()
        if not isinstance(message, list):
            raise HelperGone("a malformed reply")
        try:
            words = [
                OcrWord(str(text), float(conf), (int(x0), int(y0), int(x1), int(y1)))
                for text, conf, x0, y0, x1, y1 in message
            ]
        except (TypeError, ValueError):
            raise HelperGone("a malformed reply") from None
        index, self.in_flight = self.in_flight, None
        return index, words

    def close(self) -> None:
        """Ask the child to end; kill it if it does not within a second."""
        process = self._process
        if process.poll() is None:
            with contextlib.suppress(HelperGone):  # a child that is not reading is killed
                self._write(_REQUEST.pack(0, 0), 0.0)
            try:
                process.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):
                    stream.close()


def _serve(tessdata: Path, requests: IO[bytes], replies: IO[bytes]) -> int:
    from preflight.vision.ocr import TesserocrEngine

    def reply(message: object) -> None:
        data = json.dumps(message, ensure_ascii=False).encode()
        replies.write(_REPLY.pack(len(data)) + data)
        replies.flush()

    try:
        engine = TesserocrEngine(tessdata)
    except Exception as exc:  # reported to the parent, which reads in-process instead
        reply({"error": type(exc).__name__})
        return 1
    reply({"ready": True})
    try:
        while True:
            header = requests.read(_REQUEST.size)
            if len(header) < _REQUEST.size:
                return 0
            height, width = _REQUEST.unpack(header)
            if height == 0 or width == 0:
                return 0
            if height * width > _MAX_PIXELS:
                return 2
            pixels = _read_exactly(requests, height * width)
            gray = np.frombuffer(pixels, dtype=np.uint8).reshape(height, width)
            words = engine.read_words(gray)
            reply([[w.text, w.confidence, *w.box_xyxy] for w in words])
    except (HelperGone, BrokenPipeError):
        return 0
    finally:
        engine.close()


def main() -> int:
    if len(sys.argv) != 2:
        return 2
    # The protocol owns the real stdout; anything a library prints goes nowhere.
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    return _serve(Path(sys.argv[1]), sys.stdin.buffer, replies)


if __name__ == "__main__":
    sys.exit(main())
