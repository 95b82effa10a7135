"""`Closing`: a context manager for anything with a `close()`. No Qt.

Detectors, OCR engines and frame sources hold native resources that must be released on the
thread that made them, and explicitly (an unclosed MediaPipe task prints tracebacks at exit).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closing:
    """`with thing:` closes `thing` on the way out."""

    def close(self) -> None:
        """Release what the object holds. Subclasses override; closing twice is harmless."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
