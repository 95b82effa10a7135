"""Silence native libraries' start-up chatter on stderr. No Qt.

MediaPipe's LiteRT runtime prints INFO/WARNING lines from C++ when a model loads ("Sparsity
tensors may not yet be fully supported"). They mean nothing to a teacher and would bury our own
one-line errors, so model loading runs with file descriptor 2 pointed at /dev/null.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    if os.environ.get("PREFLIGHT_DEBUG_NATIVE"):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
