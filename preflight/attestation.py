"""What the person confirms that software cannot see: the attestation items. No Qt.

Each item has an id, its wording, and the version of that wording (a record keeps the id and
version, so a reviewer knows exactly what was affirmed). Until policy packs carry each school's
items, this built-in set follows the two policies' common ground: consent, leadership in the
loop, dress and room, no unapproved recording, a household that knows a session is on; and for
a parent or carer at home, supervision and the agreed code of conduct.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from preflight.config import Mode

BUILT_IN_POLICY = "built-in"


@dataclass(frozen=True)
class AttestationItem:
    id: str
    wording: str
    version: str
    modes: tuple[Mode, ...]

    def __post_init__(self) -> None:
        if not self.id or not self.id.replace("_", "").isalnum():
            raise ValueError(f"an attestation id is letters, digits and _, got {self.id!r}")
        if not self.wording.strip():
            raise ValueError(f"attestation {self.id} needs its wording")


BUILT_IN_ITEMS: tuple[AttestationItem, ...] = (
    AttestationItem(
        "consent_on_file",
        "Consent for this remote session is on file for every pupil taking part.",
        "1",
        ("staff",),
    ),
    AttestationItem(
        "slt_copied",
        "A member of the senior leadership team is copied into the meeting invitation.",
        "1",
        ("staff",),
    ),
    AttestationItem(
        "dress_and_room",
        "I am dressed appropriately, and the room in view is neutral, quiet and not a bedroom.",
        "1",
        ("staff",),
    ),
    AttestationItem(
        "no_recording",
        "The session will not be recorded unless leadership has approved the recording.",
        "1",
        ("staff", "home"),
    ),
    AttestationItem(
        "household_aware",
        "People in this household know a session is on and will not come into view.",
        "1",
        ("staff", "home"),
    ),
    AttestationItem(
        "supervision_arranged",
        "A responsible adult is in the home for the whole session and can be reached.",
        "1",
        ("home",),
    ),
    AttestationItem(
        "pupil_dress_and_room",
        "The pupil is dressed appropriately and joins from a shared room, not a bedroom.",
        "1",
        ("home",),
    ),
    AttestationItem(
        "code_of_conduct_read",
        "We have read the school's code of conduct for remote sessions and agree to it.",
        "1",
        ("home",),
    ),
)


def items_for(
    mode: Mode, items: Sequence[AttestationItem] = BUILT_IN_ITEMS
) -> tuple[AttestationItem, ...]:
    """The items a person affirms in this mode, in the order they are shown."""
    return tuple(item for item in items if mode in item.modes)


def choose(
    wanted: Iterable[str], mode: Mode, items: Sequence[AttestationItem] = BUILT_IN_ITEMS
) -> tuple[AttestationItem, ...]:
    """The items named by id (or every item for the mode with "all"), in their shown order.

    Raises:
        ValueError: an id that is not an item of this mode, naming the ones that are.
    """
    offered = items_for(mode, items)
    names = [w.strip() for w in wanted if w.strip()]
    if names == ["all"]:
        return offered
    known = {item.id for item in offered}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"no attestation item {', '.join(unknown)} in {mode} mode; "
            f"the items are: {', '.join(item.id for item in offered)} (or all)"
        )
    return tuple(item for item in offered if item.id in names)


def policy_digest(items: Sequence[AttestationItem] = BUILT_IN_ITEMS) -> str:
    """sha256 over the items in force, so a record shows exactly which wording applied."""
    text = json.dumps([asdict(i) for i in items], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
