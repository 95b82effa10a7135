"""MediaPipe, imported without its drawing helpers. No Qt.

`mediapipe.tasks.python.vision` imports `drawing_utils`, which imports matplotlib.pyplot: about a
third of a second of start-up for plotting Preflight never does. Its audio package tries
`sounddevice` for microphone capture (another 40 ms), which it does without when the import fails.
While MediaPipe is imported, the two drawing modules are empty placeholders and sounddevice is
reported missing; everything else is MediaPipe's own.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

_PLACEHOLDERS = frozenset(
    {
        "mediapipe.tasks.python.vision.drawing_utils",
        "mediapipe.tasks.python.vision.drawing_styles",
    }
)


class _SkipDrawing(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in _PLACEHOLDERS:
            return importlib.util.spec_from_loader(fullname, self)
        if fullname == "sounddevice":
            raise ModuleNotFoundError("sounddevice is not used by Preflight", name=fullname)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        module.__doc__ = "Placeholder: Preflight never draws with MediaPipe."


_finder = _SkipDrawing()
sys.meta_path.insert(0, _finder)
try:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision
finally:
    sys.meta_path.remove(_finder)

__all__ = ["BaseOptions", "mp", "vision"]
