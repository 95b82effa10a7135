"""A second Tesseract in its own process, so a busy screen is read on two cores. No Qt.

The core has no threads (they live in `ui/workers.py`), and one libtesseract is single-threaded:
`OcrReader(helpers=1)` starts `ocr_child.py` as a child process through `OcrHelper` and shares
crops between itself and the child; crops can be handed over ahead, so the child reads while the
parent does other work. Crops and words travel through the two pipes only: nothing is written to
disk, and the child never prints them. The protocol is described in `ocr_child.py`.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

import numpy as np
import numpy.typing as npt

from preflight.vision.ocr import OcrWord
from preflight.vision.ocr_child import REPLY as _REPLY
from preflight.vision.ocr_child import REQUEST as _REQUEST

if sys.platform != "win32":  # helpers are not used on Windows (select() needs sockets there)
    import fcntl

# How long a child may take to start, or to read one crop, before it is given up on.
_START_TIMEOUT_S = 20.0
_READ_TIMEOUT_S = 60.0
# Work queued ahead in the pipe: about half a second of Tesseract's time on screen crops.
_PIPE_BYTES = 1 << 20


class HelperGone(Exception):
    """The child died, hung or said something unexpected; its crops are read in-process."""


class OcrHelper:
    """One child process reading crops in the order they are posted.

    Posting never blocks: a crop's bytes wait in an outbox and go into the pipe (enlarged to
    1 MiB where the system allows) as fast as the child drains it, whenever `pump()` is
    called. So the caller can post work, do something else, and collect the words later.
    A child that answers nothing for `read_timeout_s` while it has work is given up on.
    """

    def __init__(self, tessdata: Path) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "preflight.vision.ocr_child", str(tessdata)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # Leptonica's chatter; never text
            close_fds=True,
        )
        assert self._process.stdin is not None
        self._stdin = self._process.stdin.fileno()
        os.set_blocking(self._stdin, False)
        set_pipe_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
        if set_pipe_size is not None:
            with contextlib.suppress(OSError):  # capped below 1 MiB on this system: fine
                fcntl.fcntl(self._stdin, set_pipe_size, _PIPE_BYTES)
        self.start_timeout_s = _START_TIMEOUT_S
        self.read_timeout_s = _READ_TIMEOUT_S
        self.ready = False
        #: The caller's tokens for the crops posted and not yet answered, oldest first.
        self.in_flight: deque[tuple[object, int]] = deque()
        self._outbox: deque[memoryview] = deque()
        self._inbox = bytearray()
        os.set_blocking(self.fileno(), False)
        self._started = self._progress_at = time.monotonic()

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def queued_px(self) -> int:
        """Pixels posted and not yet answered."""
        return sum(pixels for _, pixels in self.in_flight)

    def fileno(self) -> int:
        assert self._process.stdout is not None
        return self._process.stdout.fileno()

    def overdue(self) -> bool:
        now = time.monotonic()
        if not self.ready:
            return now - self._started > self.start_timeout_s
        return bool(self.in_flight) and now - self._progress_at > self.read_timeout_s

    def _messages(self) -> list[object]:
        """Every whole message the child has sent so far; waits for nothing.

        The pipe is read raw into this object's own buffer: a buffered reader would take the
        next reply into its buffer unseen by select(), and its caller would wait for nothing.
        """
        try:
            chunk = os.read(self.fileno(), 1 << 20)
        except BlockingIOError:
            chunk = None
        except OSError:
            raise HelperGone("the pipe closed") from None
        if chunk == b"":
            raise HelperGone("the child ended")
        if chunk:
            self._inbox += chunk
        messages = []
        while len(self._inbox) >= _REPLY.size:
            (length,) = _REPLY.unpack_from(self._inbox)
            if length > 64 * 1024 * 1024:
                raise HelperGone("an oversized reply")
            if len(self._inbox) < _REPLY.size + length:
                break
            body = bytes(self._inbox[_REPLY.size : _REPLY.size + length])
            del self._inbox[: _REPLY.size + length]
            try:
                messages.append(json.loads(body))
            except ValueError:
                raise HelperGone("a malformed reply") from None
        return messages

    def receive(self) -> list[tuple[object, list[OcrWord]]]:
        """The words of the crops the child has finished since last asked, with their tokens,
        oldest first; call when `fileno()` is readable. The first message makes it `ready`."""
        done: list[tuple[object, list[OcrWord]]] = []
        answered: list[tuple[object, int]] = []
        try:
            for message in self._messages():
                self._take(message, answered, done)
        except HelperGone:
            self.in_flight.extendleft(reversed(answered))  # the caller re-reads them all
            raise
        return done

    def _take(
        self,
        message: object,
        answered: list[tuple[object, int]],
        done: list[tuple[object, list[OcrWord]]],
    ) -> None:
        if not self.ready:
            if not (isinstance(message, dict) and message.get("ready") is True):
                raise HelperGone("the child could not start its OCR engine")
            self.ready = True
            self._progress_at = time.monotonic()
            return
        if not self.in_flight:
            raise HelperGone("it spoke out of turn")
        if not isinstance(message, list):
            raise HelperGone("a malformed reply")
        try:
            words = [
                OcrWord(str(text), float(conf), (int(x0), int(y0), int(x1), int(y1)))
                for text, conf, x0, y0, x1, y1 in message
            ]
        except (TypeError, ValueError):
            raise HelperGone("a malformed reply") from None
        answered.append(self.in_flight.popleft())
        self._progress_at = time.monotonic()
        done.append((answered[-1][0], words))

    def post(self, token: object, gray: npt.NDArray[np.uint8]) -> None:
        """Queue one crop; its words come back from `receive()` with `token`."""
        height, width = gray.shape
        if not self.in_flight:
            self._progress_at = time.monotonic()  # an idle child starts its clock now
        self.in_flight.append((token, height * width))
        self._outbox.append(memoryview(_REQUEST.pack(height, width)))
        self._outbox.append(memoryview(np.ascontiguousarray(gray).tobytes()))
        self.pump()

    def pump(self) -> None:
        """Move what the pipe takes now from the outbox into it; never waits."""
        while self._outbox:
            head = self._outbox[0]
            try:
                written = os.write(self._stdin, head)
            except BlockingIOError:
                return
            except OSError:  # BrokenPipeError among them
                raise HelperGone("the pipe closed") from None
            if written < len(head):
                self._outbox[0] = head[written:]
                return
            self._outbox.popleft()

    def close(self) -> None:
        """Ask the child to end; kill it if it does not within a second (or is not reading)."""
        process = self._process
        self._outbox.clear()
        if process.poll() is None:
            with contextlib.suppress(OSError):  # a full pipe: the child is killed below
                os.write(self._stdin, _REQUEST.pack(0, 0))
            try:
                process.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):
                    stream.close()
