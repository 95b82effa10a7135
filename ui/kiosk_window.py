"""The staff preflight window: a progress header, one step per page, and the rules between them.

The window owns the preflight draft (`preflight.journal.begin_preflight`): results go into it as
they arrive, attestation ticks and overrides too, and it is sealed only on "Sign and record" —
so closing or killing the app part way leaves no record at all, never a half one. Any failed
check (or one that could not run) blocks the way on unless overridden where the config allows;
each warning must be ticked off. Teams opens only after the record is committed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeyEvent, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from preflight.config import Config, Mode
from preflight.desktop_scan import DesktopScanOptions
from preflight.errors import ConfigError
from preflight.identity import check_contact_email, check_school_email
from preflight.journal import NotReadyToSeal, PreflightDraft, begin_preflight, open_recorder
from preflight.journal.record import Person, SessionInfo
from preflight.policy import PolicyPack, enforce, pack_in_force
from preflight.results import CheckResult, Report
from preflight.scan import ScanOptions
from preflight.session_scan import SessionLookup, find_session, prefill, run_session
from preflight.teams import check_teams_link
from ui.pages import (
    AttestPage,
    LaunchPage,
    Page,
    ScanPage,
    SessionPage,
    SignPage,
    WhoPage,
    retitle,
    show_problem,
)
from ui.theme import SPACING, STATUSES
from ui.workers import DesktopWorker, Overlay, ScanWorker, WorkerThreads, run_call

DEMO_SCENE = Path(__file__).resolve().parent.parent / "assets" / "demo" / "room.mp4"
ADMIN_EXIT = "Ctrl+Alt+Shift+Q"

_FINDING_LABELS = {
    "person": "Person",
    "photo": "Picture of a person",
    "document": "Readable document",
}


class KioskWindow(QMainWindow):
    """The staff preflight. `camera` is a source spec (camera:N, a video, a folder).

    The policy pack in force (or `pack`) decides which checks run, how serious each is, what is
    affirmed and which failures may be overridden; `desktop_checks` / `session_checks` False
    leave those out on purpose (recorded as not run).

    Raises:
        ConfigError: the pack cannot be loaded, or has no staff mode.
    """

    record_sealed = Signal(object)  # SealedRecord
    confirmation_saved = Signal(str)  # the PDF's path
    launched = Signal(str)  # the link that was opened

    def __init__(
        self,
        config: Config,
        *,
        camera: str | None = None,
        desktop_checks: bool = True,
        session_checks: bool = True,
        pack: PolicyPack | None = None,
        mode: Mode = "staff",
        kiosk: bool = False,
        logo: Path | None = None,
        source_factory: Any = None,
    ) -> None:
        super().__init__()
        self.pack = pack or pack_in_force(config)
        if mode not in self.pack.model.modes:
            raise ConfigError(f"the {self.pack.id} policy has no {mode} mode")
        self.mode: Mode = mode
        config = self.pack.apply(config, mode)
        self.config = config
        self.plans = self.pack.checks_for(mode)
        self._lookup: SessionLookup | None = None
        self._lookups = 0
        self._session_report: Report | None = None
        self.camera_spec = self._initial_camera = camera or config.kiosk.camera
        self.kiosk = kiosk
        self._admin_exit = False
        self.draft: PreflightDraft | None = None
        self.sealed: Any = None
        self._scanning: set[str] = set()
        # The run numbers of the camera scan and desktop checks this preflight is waiting for;
        # outcomes of any other run (before Back, or a previous preflight) are ignored.
        self._camera_run: int | None = None
        self._desktop_run: int | None = None
        self._camera_kind: str | None = None
        self._sealing = False
        self._recorder: Any = None
        home = mode == "home"
        self.setWindowTitle(
            f"Session Preflight - {'home set-up - ' if home else ''}{config.org.name}"
        )
        kinds = {"camera"} | ({"desktop"} if desktop_checks else set())
        kinds |= {"session"} if session_checks else set()
        self.check_ids = [c for c in self.plans if c.split(".")[0] in kinds]
        self.left_out = tuple(c for c in self.plans if c not in self.check_ids)
        desktop_ids = [c for c in self.check_ids if c.startswith("desktop.")]

        scan_worker = ScanWorker(
            ScanOptions.from_config(config, mode), source_factory=source_factory
        )
        # No OCR helper processes here: the camera scan runs beside the desktop checks and
        # has the other core (bench/kiosk_stall_bench.py).
        desktop_worker = (
            DesktopWorker(
                dataclasses.replace(
                    DesktopScanOptions.from_config(config, desktop_ids), ocr_helpers=0
                )
            )
            if desktop_ids
            else None
        )
        self.workers = WorkerThreads(scan_worker, desktop_worker)
        scan_worker.frame_captured.connect(self._on_frame_captured)
        scan_worker.scan_started.connect(self._on_scan_started)
        scan_worker.scan_finished.connect(self._on_scan_finished)
        scan_worker.scan_failed.connect(self._on_scan_failed)
        scan_worker.scan_cancelled.connect(self._on_scan_cancelled)
        if desktop_worker is not None:
            desktop_worker.desktop_finished.connect(self._on_desktop_finished)

        staff = config.staff
        self.who = WhoPage(staff.name, staff.email, staff.role)
        self.session = SessionPage()
        overridable = {
            c
            for c in self.check_ids
            if config.kiosk.allow_overrides and self.plans[c].override_allowed
        }
        self.scan = ScanPage(self.check_ids, overridable)
        self.attest = AttestPage()
        self.sign = SignPage()
        self.launch = LaunchPage()
        if home:
            self.who.set_home()
            self.session.set_home()
            self.launch.set_home()
            self.session.title, self.launch.title = "Pupil", "Done"
            retitle(
                self.scan.heading,
                "Checking the room the pupil learns in",
                "Put the device where it stays for lessons, and the pupil where they will sit. "
                "A supervising adult may be in view too.",
            )
        self.pages: list[Page] = [
            self.who,
            self.session,
            self.scan,
            self.attest,
            self.sign,
            self.launch,
        ]

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(SPACING * 2, SPACING, SPACING * 2, SPACING * 2)
        outer.addWidget(self._header(logo))
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(page)
            page.changed.connect(self._update_buttons)
        outer.addWidget(self.stack, 1)
        footer = QHBoxLayout()
        self.back = QPushButton("&Back")
        self.back.setAccessibleName("Back")
        self.next = QPushButton("&Continue")
        self.next.setObjectName("Primary")
        self.next.setAccessibleName("Continue")
        self.next.setDefault(True)
        footer.addWidget(self.back)
        footer.addStretch(1)
        footer.addWidget(self.next)
        outer.addLayout(footer)
        self.setCentralWidget(central)

        self.back.clicked.connect(self._on_back)
        self.next.clicked.connect(self._on_next)
        self.scan.rescan_requested.connect(self._start_scan)
        self.scan.retry_requested.connect(self._start_scan)
        self.scan.demo_requested.connect(self._on_demo_requested)
        for row in self.scan.rows.values():
            row.override_requested.connect(self._on_override_requested)
            row.acknowledged.connect(self._update_gate)
        self.sign.sign_requested.connect(self._on_sign_requested)
        self.launch.launch_requested.connect(self._on_launch_requested)
        self.launch.restart_requested.connect(self._restart)
        self.launch.confirmation_requested.connect(self._on_confirmation_requested)
        session = self.session
        for edit in (self.who.name, self.who.email, session.pupils, session.group, session.link):
            edit.returnPressed.connect(self._on_next)

        if kiosk:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self._exit_shortcut = QShortcut(QKeySequence(ADMIN_EXIT), self)
            self._exit_shortcut.activated.connect(self._on_admin_exit)
        self._go(0)

    # --- layout ---------------------------------------------------------------------------

    def _header(self, logo: Path | None) -> QWidget:
        header = QFrame()
        header.setObjectName("Header")
        row = QHBoxLayout(header)
        row.setContentsMargins(0, 0, 0, SPACING)
        if logo is not None and logo.is_file():
            picture = QLabel()
            pixmap = QPixmap(str(logo))
            if not pixmap.isNull():
                picture.setPixmap(
                    pixmap.scaledToHeight(40, Qt.TransformationMode.SmoothTransformation)
                )
                picture.setAccessibleName(f"{self.config.org.name} logo")
                row.addWidget(picture)
        school = QLabel(self.config.org.name)
        school.setObjectName("School")
        row.addWidget(school)
        row.addStretch(1)
        self.steps: list[QLabel] = []
        for number, title in enumerate(("Who", "Session", "Scan", "Confirm", "Sign", "Launch"), 1):
            step = QLabel(f"{number} {title}")
            self.steps.append(step)
            row.addWidget(step)
        return header

    def _go(self, index: int) -> None:
        if index == 1 and self.index != 1:
            self._look_up_session()
        self.stack.setCurrentIndex(index)
        for i, step in enumerate(self.steps):
            current = i == index
            done = i < index
            step.setText(
                ("▶ " if current else "✓ " if done else "") + f"{i + 1} {self.pages[i].title}"
            )
            step.setStyleSheet(
                "font-weight: 700; text-decoration: underline;"
                if current
                else "color: palette(placeholder-text);"
            )
            step.setAccessibleName(
                f"Step {i + 1} of {len(self.steps)}: {self.pages[i].title}"
                + (", current" if current else ", done" if done else "")
            )
        self._update_buttons()
        focus = self.pages[index].first_focus()
        if focus is not None:
            focus.setFocus()

    # --- the timetable ----------------------------------------------------------------------

    def _look_up_session(self) -> None:
        """Find the timetabled session for now off the GUI thread (a long timetable takes a
        second to read), then fill the session step in from it."""
        if not any(c.startswith("session.") for c in self.check_ids):
            return
        self._lookups += 1
        ticket = self._lookups
        config = self.config

        def done(lookup: Any) -> None:
            if ticket == self._lookups:
                self._lookup = lookup
                self._on_session_found(lookup)

        def failed(exc: BaseException) -> None:
            if ticket == self._lookups:
                self._lookup = SessionLookup(
                    dt.datetime.now(config.org.zone), None, f"The timetable cannot be read: {exc}"
                )
                self._on_session_found(self._lookup)

        self.session.show_timetable("Looking up this session in the timetable…")
        person = self.who.email.text().strip() or None
        run_call(lambda: find_session(config, person=person), done, failed)

    def _on_session_found(self, lookup: SessionLookup) -> None:
        event = lookup.event
        if event is None:
            self.session.show_timetable(
                lookup.problem
                or "No session on the timetable starts around now: enter the session below."
            )
            return
        filled = prefill(event, self.config)
        self.session.fill(filled.pupils, filled.group, filled.start, filled.end, filled.teams_link)
        when = filled.start.strftime("%H:%M")
        self.session.show_timetable(
            f"Filled in from the timetable: {event.title or 'session'} at {when}."
        )

    @property
    def index(self) -> int:
        return self.stack.currentIndex()

    def _update_buttons(self) -> None:
        page = self.pages[self.index]
        self.back.setVisible(0 < self.index < 4 or self.index == 4)
        self.back.setEnabled(self.index in (1, 2, 3, 4) and not self._sealing)
        self.next.setVisible(self.index < 4)
        self.next.setEnabled(page.complete())
        self.next.setText("Start the &scan" if self.index == 1 else "&Continue")

    # --- moving between steps -------------------------------------------------------------

    def _on_back(self) -> None:
        if self.index == 2:
            self.workers.cancel_scans()
        if self.index > 0:
            self._go(self.index - 1)

    def _on_next(self) -> None:
        if not self.next.isEnabled() or not self.next.isVisible():
            return
        if self.index == 0 and not self._check_who():
            return
        if self.index == 1:
            if not self._check_session():
                return
            self._go(2)
            self._start_scan()
            return
        if self.index == 3:
            assert self.draft is not None
            for item_id in self.attest.affirmed():
                self.draft.affirm(item_id)
            self.sign.prepare(self._summary_html(), self.who.name.text())
        self._go(self.index + 1)

    def _check_who(self) -> bool:
        if self.mode == "home":
            email = self.who.email.text().strip()
            if email and not check_contact_email(email):
                show_problem(self.who.problem, "That does not look like an email address.")
                self.who.email.setFocus()
                return False
            show_problem(self.who.problem, None)
            return True
        try:
            check_school_email(
                self.who.email.text(), self.config.org.staff_domains, self.config.org.pupil_domains
            )
        except ValueError as exc:
            show_problem(self.who.problem, f"That email cannot be used: {exc}.")
            self.who.email.setFocus()
            return False
        show_problem(self.who.problem, None)
        return True

    def _check_session(self) -> bool:
        if self.mode == "home":
            return self._begin(SessionInfo(pupils=self.session.pupil_names()), None, None)
        try:
            link = check_teams_link(self.session.link.text())
        except ValueError as exc:
            show_problem(self.session.problem, f"That link cannot be used: {exc}.")
            self.session.link.setFocus()
            return False
        start, end = self.session.times()
        if end <= start:
            show_problem(self.session.problem, "The session must end after it starts.")
            self.session.end.setFocus()
            return False
        info = SessionInfo(
            pupils=self.session.pupil_names(),
            group=self.session.group.text().strip() or None,
            scheduled_start=start,
            scheduled_end=end,
            teams_link=link,
        )
        return self._begin(info, start, end)

    def _begin(self, info: SessionInfo, start: dt.datetime | None, end: dt.datetime | None) -> bool:
        """Start the draft for this preflight, and judge the session (it does not change while
        the room is scanned)."""
        show_problem(self.session.problem, None)
        who = Person(
            " ".join(self.who.name.text().split()),
            self.who.email.text().strip(),
            self.who.role.currentData(),
        )
        self.draft = begin_preflight(
            self.config,
            who=who,
            session=info,
            mode=self.mode,
            pack=self.pack,
            left_out=self.left_out,
        )
        session_ids = tuple(c for c in self.check_ids if c.startswith("session."))
        self._session_report = None
        if session_ids:
            lookup = self._lookup or find_session(self.config, person=who.email or None)
            self._session_report = run_session(
                self.config, lookup, session_ids, start=start, end=end
            )
        # Anything still running belongs to an earlier preflight (Back, then Start again).
        self.workers.cancel_scans()
        self._camera_run = self._desktop_run = None
        self._scanning.clear()
        self.attest.set_items(self.draft.items)
        return True

    # --- the scan -------------------------------------------------------------------------

    def _start_scan(self) -> None:
        """Start whichever of the camera scan and the desktop checks is not already running."""
        wanted = {"camera"} | ({"desktop"} if self.workers.desktop_worker else set())
        starting = wanted - self._scanning
        if not starting:
            return
        self._scanning |= starting
        self.scan.start_checking()
        if self._session_report is not None:
            # Judged when the session step was done; a 1:1 or a live stream adds approvals.
            self._take(self._session_report)
            if self.draft is not None:
                self.attest.set_items(self.draft.items)
        self._update_gate()
        if "camera" in starting:
            self._camera_kind = None
            self._camera_run = self.workers.request_scan(self.camera_spec)
        if "desktop" in starting:
            self._desktop_run = self.workers.request_desktop()

    def _on_scan_started(self, run: int, kind: str) -> None:
        if run == self._camera_run:
            self._camera_kind = kind

    def _on_scan_cancelled(self, run: int) -> None:
        if run != self._camera_run:
            return
        # Left the Scan step mid-scan (Back): if the teacher is on it again, scan afresh.
        self._scanning.discard("camera")
        if self.index == 2 and self.draft is not None:
            self._start_scan()
        else:
            self._after_results()

    def _on_demo_requested(self) -> None:
        self.camera_spec = str(DEMO_SCENE)
        self._start_scan()

    def _on_frame_captured(self, image: Any, overlays: tuple[Overlay, ...]) -> None:
        self.workers.scan_worker.frame_shown()
        self.scan.camera.show_frame(image, overlays)

    def _on_scan_failed(self, run: int, reason: str) -> None:
        if run != self._camera_run:
            return
        self._scanning.discard("camera")
        camera_ids = [c for c in self.check_ids if c.startswith("camera.")]
        errors = [
            CheckResult.error(c, f"The camera could not be used: {reason}") for c in camera_ids
        ]
        self._take(Report(source="camera", checks=tuple(errors)))
        self.scan.show_camera_trouble(reason)
        self._after_results()

    def _on_scan_finished(self, run: int, report: Report) -> None:
        if run != self._camera_run:
            return
        self._scanning.discard("camera")
        if self.draft is not None:
            self.draft.camera_source = self._camera_kind
        self._take(report)
        self.scan.camera.set_overlays(_finding_overlays(report))
        lost = [c for c in report.checks if c.status == "error" and "camera" in c.summary.lower()]
        if lost:
            self.scan.show_camera_trouble(lost[0].summary)
        self._after_results()

    def _on_desktop_finished(self, run: int, report: Report) -> None:
        if run != self._desktop_run:
            return
        self._scanning.discard("desktop")
        self._take(report)
        self._after_results()

    def _take(self, report: Report) -> None:
        for result in report.checks:
            if result.id not in self.check_ids:
                continue  # a check the pack in force does not ask for
            result = enforce(result, self.plans.get(result.id))
            if self.draft is not None:
                self.draft.record_result(result)
            self.scan.show_result(result)

    def _after_results(self) -> None:
        if not self._scanning:
            self.scan.finished()
        self._update_gate()

    def _update_gate(self) -> None:
        if self.draft is not None and self.draft.sealed is None and not self._sealing:
            for row in self.scan.rows.values():
                if row.check_id in self.draft.results:
                    self.draft.acknowledge(
                        row.check_id, row.status == "warn" and row.all_acknowledged()
                    )
        ready, reason = self._gate()
        self.scan.set_gate(ready, reason, checking=bool(self._scanning))

    def _gate(self) -> tuple[bool, str]:
        if self._scanning:
            return False, "Checking…"
        if self.draft is None:
            return False, "Start from the first step."
        missing = [c for c in self.check_ids if c not in self.draft.results]
        if missing:
            return False, "Some checks have not run yet: scan again."
        blocked = [
            r for r in self.draft.results.values()
            if r.status in ("fail", "error") and r.id not in self.draft.overrides
        ]  # fmt: skip
        if blocked:
            words = [
                STATUSES[s].word for s in ("fail", "error") if s in {r.status for r in blocked}
            ]
            return (
                False,
                f"Sort out the items marked {' or '.join(words)}, then scan again. "
                "The session cannot start yet.",
            )
        if not self.scan.all_acknowledged():
            return False, "Tick each warning once you have dealt with it."
        return True, "All clear. Continue to confirm."

    def _on_override_requested(self, check_id: str) -> None:
        draft = self.draft
        if draft is None or not self.config.kiosk.allow_overrides or self._scanning:
            return
        if not draft.may_override(check_id):
            return
        seen = draft.results.get(check_id)
        if seen is None or seen.status not in ("fail", "error"):
            return
        dialog = OverrideDialog(check_id, self, approvers=draft.approvers(check_id))
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        # The reason was written for the result on screen: if a new scan replaced it while the
        # dialog was open, the override does not carry over.
        if accepted and self.draft is draft and draft.results.get(check_id) is seen:
            draft.override(check_id, dialog.reason(), dialog.approver())
        self._update_gate()

    # --- sign and launch ------------------------------------------------------------------

    def _summary_html(self) -> str:
        assert self.draft is not None
        d = self.draft
        rows = "".join(
            f"<li>{html.escape(STATUSES[r.status].mark)} {html.escape(STATUSES[r.status].word)}: "
            f"{html.escape(r.summary)}</li>"
            for r in d.results.values()
        )
        pupils = ", ".join(d.session.pupils) or (d.session.group or "-")
        overrides = "".join(
            f"<li>Override of {html.escape(o.check_id)}: {html.escape(o.reason)} "
            f"(approved by {html.escape(o.approved_by)})</li>"
            for o in d.overrides.values()
        )
        return (
            f"<p><b>{html.escape(d.who.name)}</b> ({html.escape(d.who.email)}) for "
            f"<b>{html.escape(pupils)}</b></p><ul>{rows}{overrides}</ul>"
            f"<p>{len(d.affirmed)} confirmations ticked.</p>"
        )

    def _on_sign_requested(self) -> None:
        draft = self.draft
        if draft is None or self._sealing or not self.sign.sign.isEnabled():
            return
        try:
            # The payload is made here, on the GUI thread, from exactly what is on screen; the
            # draft stays frozen until the worker has committed it.
            payload = draft.prepare_seal(self.sign.name.text())
        except NotReadyToSeal as exc:
            show_problem(self.sign.problem, str(exc))
            return
        self._set_sealing(True)
        config, recorder = self.config, self._recorder

        def commit() -> Any:
            opened = recorder or open_recorder(config)
            return opened, opened.append(payload)

        def done(value: Any) -> None:
            self._recorder, sealed = value
            draft.finish_seal(sealed)
            self.sealed = sealed
            self._set_sealing(False)
            self.record_sealed.emit(sealed)
            if draft.camera_source not in (None, "camera"):
                where = "a recording, not the camera: the record says so"
            else:
                where = "signed and kept on this computer"
            if self.mode == "home":
                self.launch.status.setText(
                    f"Home set-up record {sealed.record_id[:8]} is {where}. It shows the school "
                    f"that {draft.who.name} ({draft.who.role}) checked the room and confirmed "
                    f"the code of conduct for {', '.join(draft.session.pupils)}."
                )
            else:
                self.launch.status.setText(
                    f"Record {sealed.record_id[:8]} is {where}. Open Teams when you are ready "
                    "to start."
                )
            self._go(5)

        def failed(exc: BaseException) -> None:
            draft.abort_seal()
            self._set_sealing(False)
            show_problem(
                self.sign.problem, f"The record could not be kept, so Teams stays closed: {exc}"
            )

        run_call(commit, done, failed)

    def _on_confirmation_requested(self) -> None:
        sealed, recorder = self.sealed, self._recorder
        if sealed is None or recorder is None:
            return
        name = f"confirmation-{sealed.created_utc[:10]}-{sealed.record_id[:8]}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the confirmation", str(Path.home() / name), "PDF files (*.pdf)"
        )
        if path:
            self.save_confirmation(Path(path))

    def save_confirmation(self, path: Path) -> None:
        """Write the home set-up's confirmation of understanding (on the thread pool)."""
        from preflight.journal.confirmation import write_confirmation

        sealed, recorder, school = self.sealed, self._recorder, self.config.org.name
        if sealed is None or recorder is None:
            return
        public = recorder.key.public_b64

        def done(_: Any) -> None:
            self.launch.status.setText(
                f"The confirmation is saved as {path}. Send it to {school}; they can check "
                "that it is genuine."
            )
            self.confirmation_saved.emit(str(path))

        def failed(exc: BaseException) -> None:
            self.launch.status.setText(f"The confirmation could not be saved: {exc}")

        run_call(lambda: write_confirmation(sealed, public, path, school), done, failed)

    def _set_sealing(self, sealing: bool) -> None:
        self._sealing = sealing
        self.sign.set_busy(sealing)
        self._update_buttons()

    def _on_launch_requested(self) -> None:
        draft = self.draft
        if draft is None or draft.sealed is None:
            return
        if not draft.cleared:
            self.launch.status.setText(
                "This preflight was not cleared, so Teams cannot be opened from here."
            )
            return
        link = draft.session.teams_link or ""
        if not QDesktopServices.openUrl(QUrl(link)):
            self.launch.status.setText(
                f"Teams could not be opened from here. Open this link yourself: {link}"
            )
            return
        self.launch.launch.setEnabled(False)
        recorder = self._recorder

        def done(_: Any) -> None:
            self.launch.status.setText("✓ You're ready. Teams is opening; have a good session.")
            self.launched.emit(link)

        def failed(exc: BaseException) -> None:
            self.launch.status.setText(
                f"Teams is opening, but its start time was not recorded: {exc}"
            )

        run_call(lambda: draft.record_launch(recorder, how=QUrl(link).scheme()), done, failed)

    def _restart(self) -> None:
        self.draft = None
        self._lookup = self._session_report = None
        self.sealed = None
        self.camera_spec = self._initial_camera  # the demo scene was for that one preflight
        self.launch.launch.setEnabled(True)
        self.scan.reset()
        self.session.reset_times()
        self.scan.camera.show_message("The camera preview appears here during the scan.")
        self.session.pupils.clear()
        self.session.group.clear()
        self.session.link.clear()
        self._go(1)

    # --- kiosk mode -----------------------------------------------------------------------

    def _on_admin_exit(self) -> None:
        answer = QMessageBox.question(
            self,
            "Leave kiosk mode",
            "Close Session Preflight? Nothing is recorded for a preflight that was not signed.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._admin_exit = True
            self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.kiosk and event.key() == Qt.Key.Key_Escape:
            event.accept()  # Esc never leaves the kiosk
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if (self.kiosk and not self._admin_exit) or self._sealing:
            event.ignore()  # a record being committed finishes first
            return
        self.workers.stop()
        if self._recorder is not None:
            self._recorder.journal.close()
        event.accept()


class OverrideDialog(QDialog):
    """A written reason and who approved it: both needed to go on despite a failed check."""

    def __init__(
        self, check_id: str, parent: QWidget | None = None, approvers: tuple[str, ...] = ()
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Override a check")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"Go ahead despite <b>{html.escape(check_id)}</b>? This is recorded.")
        )
        form = QFormLayout()
        self._reason = QPlainTextEdit()
        self._reason.setAccessibleName("Reason for the override")
        self._approver = QLineEdit()
        self._approver.setAccessibleName("Who approved the override")
        if approvers:
            # The policy names who may approve: the name and role of the person who did.
            self._approver.setPlaceholderText(f"Name and role ({' or '.join(approvers)})")
        form.addRow("&Reason", self._reason)
        form.addRow("&Approved by", self._approver)
        layout.addLayout(form)
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout.addWidget(self._buttons)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        self._reason.textChanged.connect(self._update)
        self._approver.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason() and self.approver()))

    def reason(self) -> str:
        return self._reason.toPlainText().strip()

    def approver(self) -> str:
        return self._approver.text().strip()


def _finding_overlays(report: Report) -> tuple[Overlay, ...]:
    overlays = []
    for check in report.checks:
        for finding in check.findings:
            if finding.box_xyxy is None or finding.kind not in _FINDING_LABELS:
                continue
            status = {"info": "pass", "warn": "warn", "fail": "fail"}[finding.severity]
            label = _FINDING_LABELS[finding.kind]
            if finding.kind == "person" and finding.severity != "info":
                label = "Extra person"
            overlays.append(Overlay(finding.box_xyxy, label, status))
    return tuple(overlays)
