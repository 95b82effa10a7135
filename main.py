"""Start Session Preflight.

Until the kiosk window exists, this runs a camera scan of the bundled demo clip (or the source
given as the first argument) and prints the report for people.
"""

from __future__ import annotations

import sys
from pathlib import Path

from preflight.cli import main

DEMO_CLIP = Path(__file__).resolve().parent / "assets" / "demo" / "room.mp4"

if __name__ == "__main__":
    source = sys.argv[1] if len(sys.argv) > 1 else str(DEMO_CLIP)
    raise SystemExit(main(["scan", source, *sys.argv[2:]]))
