"""Regenerate assets/demo/room.mp4, the clip the app shows on a machine without a camera.

The scene is composed by the test-scene builder (tests/scenes) from real photographs that ship
inside installed packages (scikit-image, matplotlib): a teacher at a desk in a room, camera
mounted. Deterministic: the same seed gives the same clip. Run with `make demo`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.scenes import PersonSpec, SceneSpec, build_scene, save_video  # noqa: E402

DEMO_SPEC = SceneSpec(
    seed=2026,
    people=(PersonSpec("grace_hopper", 200, (620, 400)),),
    seconds=4.0,
    fps=15.0,
    room=1,
)


def main() -> None:
    frames, labels = build_scene(DEMO_SPEC)
    out = ROOT / "assets" / "demo" / "room.mp4"
    save_video(frames, out, DEMO_SPEC.fps)
    print(f"wrote {out} ({len(frames)} frames, {labels.people_count} person, mounted)")


if __name__ == "__main__":
    main()
