"""A preflight in progress, from its start to its sealed record: the kiosk's way in. No Qt.

    draft = begin_preflight(config, who=Person(...), session=SessionInfo(...), mode="staff")
    draft.record_result(result)             # each check as it finishes; again on "Scan again"
    draft.affirm("consent_on_file")         # each attestation item the person ticks
    draft.acknowledge("camera.documents")   # each warning ticked off as dealt with
    draft.override("camera.documents", reason, approved_by)   # where the policy allows one
    sealed = draft.seal(recorder, "Grace Hopper")             # committed before Teams opens
    draft.record_launch(recorder, how="msteams")              # after the link was opened

Nothing is written before `seal()`: a preflight abandoned half way leaves no record that could
look complete. `seal()` needs every attestation item of the mode affirmed and a typed name; it
seals whatever the checks found (a blocked preflight is evidence too), and says in the record
whether the session was cleared to start. A window that must not block while the record is
committed splits it: `prepare_seal()` (checks, freezes the draft, gives the payload) on its own
thread, `Recorder.append(payload)` on a worker, then `finish_seal()` or `abort_seal()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from preflight import __version__
from preflight.attestation import AttestationItem, items_for
from preflight.config import Config, Mode
from preflight.errors import PreflightError
from preflight.journal.record import (
    Attestation,
    Override,
    Person,
    PreflightRecord,
    SessionInfo,
    launch_payload,
    now,
)
from preflight.journal.recorder import Recorder
from preflight.journal.seal import SealedRecord
from preflight.policy import CheckPlan, PolicyPack, enforce, pack_in_force
from preflight.results import CheckResult

Origin = Literal["kiosk", "command-line"]


class NotReadyToSeal(PreflightError, ValueError):
    """The preflight cannot be signed yet; the message says what is missing."""


@dataclass
class PreflightDraft:
    who: Person
    session: SessionInfo
    mode: Mode
    config_digest: str
    origin: Origin
    #: The pack in force: which checks run, how each is enforced, and what is affirmed.
    pack: PolicyPack
    started_at: dt.datetime = field(default_factory=now)
    results: dict[str, CheckResult] = field(default_factory=dict)
    affirmed: set[str] = field(default_factory=set)
    overrides: dict[str, Override] = field(default_factory=dict)
    acknowledged: set[str] = field(default_factory=set)
    #: The checks that must all have run (and passed, warned, or been overridden) to clear;
    #: the pack's checks for the mode unless some were left out on purpose.
    required: tuple[str, ...] = ()
    #: What the invitation showed about the session: "one_to_one", "live_stream".
    traits: frozenset[str] = frozenset()
    camera_source: str | None = None
    sealed: SealedRecord | None = None
    _frozen: bool = False

    @property
    def plans(self) -> dict[str, CheckPlan]:
        return self.pack.checks_for(self.mode)

    @property
    def items(self) -> tuple[AttestationItem, ...]:
        """What this signer affirms, in the order shown: the pack's items for the mode and
        role, with those for a 1:1 session or a live stream when the invitation shows one."""
        return items_for(self.mode, self.pack.items(), self.who.role, self.traits)

    def record_result(self, result: CheckResult) -> None:
        """Keep a check's result, as the pack enforces it; a later run replaces it."""
        self._open()
        result = enforce(result, self.plans.get(result.id))
        if result.id == "session.invite":
            self.traits = frozenset(str(t) for t in result.metrics.get("traits", ()))
        self.results[result.id] = result
        # An override or acknowledgement was for the result it was given on.
        self.overrides.pop(result.id, None)
        self.acknowledged.discard(result.id)

    def acknowledge(self, check_id: str, done: bool = True) -> None:
        """The person ticked off (or un-ticked) a check's warnings as dealt with."""
        self._open()
        if done and self.results.get(check_id) is not None:
            self.acknowledged.add(check_id)
        else:
            self.acknowledged.discard(check_id)

    def affirm(self, item_id: str) -> None:
        self._open()
        if item_id not in {i.id for i in self.items}:
            raise KeyError(f"no attestation item {item_id!r} in {self.mode} mode")
        self.affirmed.add(item_id)

    def withdraw(self, item_id: str) -> None:
        self._open()
        self.affirmed.discard(item_id)

    def override(self, check_id: str, reason: str, approved_by: str) -> None:
        """Go ahead despite a failed check, for a written reason someone approved."""
        self._open()
        if check_id not in self.results:
            raise KeyError(f"no result for {check_id} to override")
        if not self.may_override(check_id):
            raise NotReadyToSeal(f"the policy in force does not allow overriding {check_id}")
        self.overrides[check_id] = Override(check_id, reason, approved_by)

    def may_override(self, check_id: str) -> bool:
        """Whether the pack lets this check's failure, as it stands, be overridden."""
        return self._override(check_id)[0]

    def approvers(self, check_id: str) -> tuple[str, ...]:
        """Who the pack says may approve an override of this check's failure."""
        return self._override(check_id)[1]

    def _override(self, check_id: str) -> tuple[bool, tuple[str, ...]]:
        plan = self.plans.get(check_id)
        if plan is None:
            return True, ()
        result = self.results.get(check_id)
        kinds = {
            str(f.details.get("rule"))
            for f in (result.findings if result is not None else ())
            if f.severity == "fail"
        }
        return plan.override(kinds)

    @property
    def unoffered_approvals(self) -> tuple[str, ...]:
        """Approval items the invitation needs (a 1:1, a live stream) that this signer is not
        offered: then nobody here can affirm them, and the preflight cannot be signed."""
        invite = self.results.get("session.invite")
        needed = invite.metrics.get("needs_attestations", ()) if invite is not None else ()
        offered = {i.id for i in self.items}
        return tuple(str(n) for n in needed if n not in offered)

    @property
    def missing(self) -> tuple[AttestationItem, ...]:
        """Attestation items not yet affirmed, in their shown order."""
        return tuple(i for i in self.items if i.id not in self.affirmed)

    @property
    def cleared(self) -> bool:
        """Whether the session may start: every required check ran, and each one that failed
        or could not run has an override."""
        return all(c in self.results for c in self.required) and all(
            r.status in ("pass", "warn", "skipped") or r.id in self.overrides
            for r in self.results.values()
        )

    def record(
        self, signature_name: str, completed_at: dt.datetime | None = None
    ) -> PreflightRecord:
        """The record `seal()` would write (for showing before signing)."""
        return PreflightRecord(
            who=self.who,
            mode=self.mode,
            policy_id=self.pack.id,
            policy_digest=self.pack.digest(),
            policy_version=self.pack.version,
            config_digest=self.config_digest,
            app_version=__version__,
            session=self.session,
            checks=tuple(self.results.values()),
            started_at=self.started_at,
            completed_at=completed_at or now(),
            attestations=tuple(
                Attestation(i.id, i.version) for i in self.items if i.id in self.affirmed
            ),
            overrides=tuple(self.overrides.values()),
            signature_name=signature_name.strip(),
            origin=self.origin,
            cleared=self.cleared,
            acknowledged=tuple(c for c in self.results if c in self.acknowledged),
            not_run=tuple(c for c in self.plans if c not in {*self.required, *self.results}),
            camera_source=self.camera_source,
        )

    def seal(
        self, recorder: Recorder, signature_name: str, at: dt.datetime | None = None
    ) -> SealedRecord:
        """Sign and commit the record to the device's journal; only then may Teams be opened.

        Raises:
            NotReadyToSeal: no typed name, no check results, or items not yet affirmed.
            JournalError: the record could not be committed (nothing was written).
        """
        payload = self.prepare_seal(signature_name, at)
        try:
            sealed = recorder.append(payload)
        except BaseException:
            self.abort_seal()
            raise
        self.finish_seal(sealed)
        return sealed

    def prepare_seal(self, signature_name: str, at: dt.datetime | None = None) -> dict[str, Any]:
        """Check the draft can be signed, freeze it, and give the payload to append.

        Raises:
            NotReadyToSeal: no typed name, no check results, or items not yet affirmed.
        """
        self._open()
        if not signature_name.strip():
            raise NotReadyToSeal("type your full name to sign")
        if not self.results:
            raise NotReadyToSeal("no checks have run yet")
        if self.mode == "home" and not self.session.pupils:
            # The policy's confirmation of understanding names the pupil it is for.
            raise NotReadyToSeal("name the pupil this home set-up is for")
        unmet = self.unoffered_approvals
        if unmet:
            raise NotReadyToSeal(
                "the invitation needs " + ", ".join(unmet) + " confirmed, which the policy "
                f"does not offer to a {self.who.role}; someone who can confirm it must sign"
            )
        if self.missing:
            raise NotReadyToSeal(
                "confirm every item before signing; not yet confirmed: "
                + ", ".join(i.id for i in self.missing)
            )
        payload = self.record(signature_name, at).payload()
        self._frozen = True
        return payload

    def finish_seal(self, sealed: SealedRecord) -> None:
        self.sealed, self._frozen = sealed, False

    def abort_seal(self) -> None:
        """The record was not committed: the draft can be changed and signed again."""
        self._frozen = False

    def record_launch(
        self, recorder: Recorder, how: str, at: dt.datetime | None = None
    ) -> SealedRecord:
        """A second record: Teams was opened for this sealed, cleared preflight."""
        if self.sealed is None:
            raise NotReadyToSeal("the preflight must be sealed before Teams is launched")
        if not self.cleared:
            raise NotReadyToSeal("this preflight was not cleared: the session may not start")
        return recorder.append(launch_payload(self.sealed.record_id, at or now(), how))

    def _open(self) -> None:
        if self.sealed is not None:
            raise NotReadyToSeal("this preflight is already sealed; begin a new one")
        if self._frozen:
            raise NotReadyToSeal("this preflight is being recorded; wait for it to finish")


def begin_preflight(
    config: Config,
    *,
    who: Person,
    session: SessionInfo,
    mode: Mode = "staff",
    origin: Origin = "kiosk",
    pack: PolicyPack | None = None,
    left_out: tuple[str, ...] = (),
) -> PreflightDraft:
    """Start a preflight: who is at the device, for which session, under which settings and
    policy pack (default: the one in force), and which of the pack's checks are left out on
    purpose (recorded as not run).

    Raises:
        ConfigError: the pack in force cannot be loaded.
    """
    pack = pack or pack_in_force(config)
    return PreflightDraft(
        who=who,
        session=session,
        mode=mode,
        config_digest=pack.apply(config, mode).digest(),
        origin=origin,
        pack=pack,
        required=tuple(c for c in pack.checks_for(mode) if c not in left_out),
    )
