"""Regenerate assets/demo/room.mp4, the clip the app shows on a machine without a camera.

The scene is composed by the test-scene builder (tests/scenes) from real photographs that ship
inside installed packages (scikit-image, matplotlib): a teacher at a desk in a room, camera
mounted, with two things Preflight should catch: a GP letter propped up on the desk, readable
on the call, and a framed photo of a person on the wall. Deterministic: the same seed gives the
same clip. Run with `make demo`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.scenes import PersonSpec, SceneSpec, build_scene, save_video  # noqa: E402
from tests.scenes.props import PropSpec  # noqa: E402
from tests.scenes.props_scenes import _scale_for  # noqa: E402

LETTER_X_HEIGHT_PX = 4.5  # still readable on a 720p call: propped up close to the laptop

DEMO_SPEC = SceneSpec(
    seed=2026,
    people=(PersonSpec("grace_hopper", 190, (700, 400)),),
    props=(
        PropSpec("framed_photo", "astronaut", (1080, 220), 220, surface="wall", seed=4),
        PropSpec(
            "document",
            "gp_letter",
            (250, 470),
            _scale_for("gp_letter", LETTER_X_HEIGHT_PX, 11, "held"),
            surface="held",
            seed=11,
        ),
    ),
    desk_page=False,
    seconds=4.0,
    fps=15.0,
    room=1,
)


def main() -> None:
    frames, labels = build_scene(DEMO_SPEC)
    out = ROOT / "assets" / "demo" / "room.mp4"
    save_video(frames, out, DEMO_SPEC.fps)
    print(f"wrote {out} ({len(frames)} frames, {labels.people_count} person, a letter, a photo)")


if __name__ == "__main__":
    main()
