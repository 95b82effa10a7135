"""The OCR helper child: reads crops from stdin, answers their words on stdout. No Qt.

Started by `ocr_helper.OcrHelper` as `python -m preflight.vision.ocr_child TESSDATA`. It imports
only tesserocr (no numpy), so it is ready soon after the parent asks. Nothing it reads is
written anywhere but the pipe back to its parent; whatever a library prints goes to /dev/null.

Protocol on stdin/stdout, all integers little-endian:

- the child first sends one message `{"ready": true}` (or `{"error": ...}` and exits 1);
- request: `height:u32 width:u32` then `height*width` bytes of grey pixels; `0 0` ends the child;
  a request larger than any screen ends it with exit status 2;
- reply: `length:u32` then a JSON list of `[text, confidence, x0, y0, x1, y1]` words.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from typing import IO

from preflight.vision.tesseract import open_api, recognize

REQUEST = struct.Struct("<II")
REPLY = struct.Struct("<I")
# The largest crop the parent ever sends is a 7680x4320 screen; anything beyond is garbage.
MAX_PIXELS = 7680 * 4320 * 4


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None  # the parent went away mid-request
        data += chunk
    return data


def serve(tessdata: str, requests: IO[bytes], replies: IO[bytes]) -> int:
    def reply(message: object) -> None:
        data = json.dumps(message, ensure_ascii=False).encode()
        replies.write(REPLY.pack(len(data)) + data)
        replies.flush()

    try:
        api = open_api(tessdata)
    except Exception as exc:  # reported to the parent, which reads in-process instead
        reply({"error": type(exc).__name__})
        return 1
    reply({"ready": True})
    try:
        while True:
            header = _read_exactly(requests, REQUEST.size)
            if header is None:
                return 0
            height, width = REQUEST.unpack(header)
            if height == 0 or width == 0:
                return 0
            if height * width > MAX_PIXELS:
                return 2
            pixels = _read_exactly(requests, height * width)
            if pixels is None:
                return 0
            reply([list(word) for word in recognize(api, pixels, width, height)])
    except BrokenPipeError:
        return 0
    finally:
        api.End()


def main() -> int:
    if len(sys.argv) != 2:
        return 2
    # The protocol owns the real stdout; anything a library prints goes nowhere.
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    return serve(sys.argv[1], sys.stdin.buffer, replies)


if __name__ == "__main__":
    sys.exit(main())
