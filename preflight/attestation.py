"""What the person confirms that software cannot see: the attestation items. No Qt.

Items come from the policy pack in force (`preflight.policy`): each has an id, its wording, the
version of that wording (a record keeps id and version, so a reviewer knows exactly what was
affirmed), the modes and signer roles it is shown to, and when it applies — always, or only
for a session with one pupil, or a live stream (the invitation says which).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from preflight.config import ROLES, Mode, Role

When = Literal["always", "one_to_one", "live_stream"]


@dataclass(frozen=True)
class AttestationItem:
    id: str
    wording: str
    version: str
    modes: tuple[Mode, ...]
    roles: tuple[Role, ...] = ROLES
    when: When = "always"

    def __post_init__(self) -> None:
        if not self.id or not self.id.replace("_", "").isalnum():
            raise ValueError(f"an attestation id is letters, digits and _, got {self.id!r}")
        if not self.wording.strip():
            raise ValueError(f"attestation {self.id} needs its wording")


def items_for(
    mode: Mode,
    items: Sequence[AttestationItem],
    role: str | None = None,
    traits: Collection[str] = (),
) -> tuple[AttestationItem, ...]:
    """The items a person in this role affirms in this mode, in the order they are shown.

    `traits` are what the invitation showed about the session ("one_to_one", "live_stream");
    items that apply only to such sessions are included when the session has the trait.
    """
    return tuple(
        item
        for item in items
        if mode in item.modes
        and (role is None or role in item.roles)
        and (item.when == "always" or item.when in traits)
    )


def choose(
    wanted: Iterable[str], offered: Sequence[AttestationItem], mode: Mode
) -> tuple[AttestationItem, ...]:
    """The items named by id (or every offered item with "all"), in their shown order.

    Raises:
        ValueError: an id that is not offered, naming the ones that are.
    """
    names = [w.strip() for w in wanted if w.strip()]
    if names == ["all"]:
        return tuple(offered)
    known = {item.id for item in offered}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"no attestation item {', '.join(unknown)} for this signer in {mode} mode; "
            f"the items are: {', '.join(item.id for item in offered)} (or all)"
        )
    return tuple(item for item in offered if item.id in names)


def policy_digest(items: Sequence[AttestationItem]) -> str:
    """sha256 over the items in force, so a record shows exactly which wording applied."""
    text = json.dumps([asdict(i) for i in items], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
