"""OCR helper processes: the same words as reading in-process, and a helper that dies, hangs or
talks nonsense costs time, never words. Real Tesseract in real child processes."""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import subprocess
import sys
import time

import numpy as np
import pytest
from skimage import data

from preflight.vision.ocr import OcrReader, find_tessdata
from tests.conftest import ROOT


def _crops() -> list[np.ndarray]:
    page = data.page()  # a real scanned page, 191x384
    return [page[:64], page[64:128], page[128:], page[:, :200], page[:, 180:], page]


def _texts(words_per_crop: list[list]) -> list[list[str]]:
    return [[w.text for w in words] for words in words_per_crop]


def _wait_ready(reader: OcrReader, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not all(h.ready for h in reader.helpers):
        assert time.monotonic() < deadline, "the helper did not start"
        reader.read_many([np.full((20, 20), 255, np.uint8)])


def test_helpers_read_exactly_what_this_process_reads() -> None:
    crops = _crops()
    with OcrReader() as alone:
        expected = [alone.read_words(c) for c in crops]
    with OcrReader(helpers=2) as reader:
        assert len(reader.helpers) == 2
        _wait_ready(reader)
        got = reader.read_many(crops)
        pids = [h.pid for h in reader.helpers]
        assert len(reader.helpers) == 2  # nobody was dropped
    assert _texts(got) == _texts(expected)
    assert [[w.box_xyxy for w in ws] for ws in got] == [[w.box_xyxy for w in ws] for ws in expected]
    assert any("segmentation" in w.text.lower() for ws in got for w in ws)
    for pid in pids:  # closing the reader ends its helpers
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_helper_that_dies_costs_no_words() -> None:
    crops = _crops()
    with OcrReader() as alone:
        expected = _texts([alone.read_words(c) for c in crops])
    with OcrReader(helpers=1) as reader:
        _wait_ready(reader)
        os.kill(reader.helpers[0].pid, signal.SIGKILL)
        assert _texts(reader.read_many(crops)) == expected
        assert reader.helpers == ()


def test_a_helper_that_hangs_is_given_up_and_its_crop_read_here() -> None:
    crops = _crops()
    with OcrReader() as alone:
        expected = _texts([alone.read_words(c) for c in crops])
    with OcrReader(helpers=1) as reader:
        _wait_ready(reader)
        helper = reader.helpers[0]
        helper.read_timeout_s = 0.5
        os.kill(helper.pid, signal.SIGSTOP)
        try:
            start = time.monotonic()
            assert _texts(reader.read_many(crops)) == expected
            assert time.monotonic() - start < 30
            assert reader.helpers == ()
        finally:
            with contextlib.suppress(ProcessLookupError):  # already killed and reaped
                os.kill(helper.pid, signal.SIGKILL)
    with pytest.raises(ProcessLookupError):
        os.kill(helper.pid, 0)


def test_crops_wanted_now_do_not_queue_behind_crops_read_ahead() -> None:
    """A screen handed to the helper to read ahead, then a wallpaper read at once: the
    wallpaper is read here, not posted behind the screen in the busy helper's queue."""
    page = data.page()
    small = [page[:64], page[64:128]]
    with OcrReader() as alone:
        expected = _texts([alone.read_words(c) for c in small])
    with OcrReader(helpers=1) as reader:
        _wait_ready(reader)
        helper = reader.helpers[0]
        posted: list[object] = []
        post = helper.post

        def spy(token: tuple[object, int], gray: np.ndarray) -> None:
            posted.append(token[0])
            post(token, gray)

        helper.post = spy  # type: ignore[method-assign]
        ahead = reader.submit([page] * 5)  # all of it goes to the helper at once
        assert not ahead.queue and len(helper.in_flight) == 5
        assert _texts(reader.read_many(small)) == expected
        assert posted and all(batch is ahead for batch in posted)
        assert len(ahead.result()) == 5


def test_reading_many_without_helpers_is_reading_each() -> None:
    crops = _crops()
    with OcrReader() as reader:
        assert _texts(reader.read_many(crops)) == _texts([reader.read_words(c) for c in crops])
        assert reader.read_many([]) == []


def _helper(*extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "preflight.vision.ocr_child", str(find_tessdata()), *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip


def _message(process: subprocess.Popen[bytes]) -> bytes:
    assert process.stdout is not None
    (length,) = struct.unpack("<I", process.stdout.read(4))
    return process.stdout.read(length)


def test_the_helper_refuses_an_absurd_request_and_ends() -> None:
    process = _helper()
    assert _message(process) == b'{"ready": true}'
    process.communicate(struct.pack("<II", 100_000, 100_000) + b"\0" * 64, timeout=20)
    assert process.returncode == 2


def test_the_helper_ends_quietly_when_its_parent_goes_away_mid_request() -> None:
    process = _helper()
    assert _message(process) == b'{"ready": true}'
    out, _ = process.communicate(struct.pack("<II", 100, 100) + b"\xff" * 50, timeout=20)
    assert process.returncode == 0 and out == b""


def test_the_helper_prints_nothing_but_its_protocol() -> None:
    process = _helper()
    assert _message(process) == b'{"ready": true}'
    white = np.full((40, 200), 255, np.uint8)
    request = struct.pack("<II", 40, 200) + white.tobytes() + struct.pack("<II", 0, 0)
    out, _ = process.communicate(request, timeout=20)
    assert process.returncode == 0
    assert out == struct.pack("<I", 2) + b"[]"
