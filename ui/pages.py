"""The six steps of the staff preflight, one widget each: Who, Session, Scan, Confirm, Sign, Launch.

Pages hold widgets and say whether they are complete (`changed` is emitted when that may have
changed); the window (`ui/kiosk_window.py`) moves between them and owns the preflight draft.
Pages never start threads or write records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from preflight.attestation import AttestationItem
from preflight.results import CheckResult, Finding
from ui.camera_view import CameraView
from ui.theme import SPACING, STATUSES, status_colour

CHECK_NAMES = {
    "camera.people": "People in view",
    "camera.photos": "Pictures of people",
    "camera.documents": "Readable documents",
    "camera.stillness": "Camera mounted and still",
    "desktop.windows": "Open windows",
    "desktop.tabs": "Browser tabs",
    "desktop.wallpaper": "Desktop background",
    "desktop.screen": "Text on screen",
    "session.schedule": "On the timetable, in hours",
    "session.invite": "Meeting invitation",
}
ROLES = (("staff", "Staff"), ("pupil", "Pupil"), ("parent-carer", "Parent or carer"))


def retitle(box: QWidget, title: str, subtitle: str) -> None:
    """New words for a heading made by `heading()`."""
    for label in box.findChildren(QLabel):
        if label.objectName() == "Title":
            label.setText(title)
            label.setAccessibleName(title)
        elif label.objectName() == "Subtitle":
            label.setText(subtitle)


def heading(title: str, subtitle: str) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, SPACING)
    top = QLabel(title)
    top.setObjectName("Title")
    top.setAccessibleName(title)
    sub = QLabel(subtitle)
    sub.setObjectName("Subtitle")
    sub.setWordWrap(True)
    layout.addWidget(top)
    layout.addWidget(sub)
    return box


def problem_label() -> QLabel:
    label = QLabel()
    label.setObjectName("Problem")
    label.setWordWrap(True)
    label.setAccessibleName("Problem")
    label.hide()
    return label


def show_problem(label: QLabel, text: str | None) -> None:
    label.setText(f"✕ {text}" if text else "")
    label.setVisible(bool(text))


class Page(QWidget):
    title = ""
    changed = Signal()

    def complete(self) -> bool:
        return True

    def first_focus(self) -> QWidget | None:
        return None


class WhoPage(Page):
    title = "Who"

    def __init__(self, name: str, email: str, role: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.heading = heading("Who is running this session?", "Use your school account.")
        layout.addWidget(self.heading)
        form = QFormLayout()
        form.setSpacing(SPACING)
        self.name = QLineEdit(name)
        self.name.setAccessibleName("Your full name")
        self.name.setPlaceholderText("e.g. Grace Hopper")
        self.email = QLineEdit(email)
        self.email.setAccessibleName("Your school email")
        self.email.setPlaceholderText("name@school.example")
        self.role = QComboBox()
        self.role.setAccessibleName("Your role")
        for value, text in ROLES:
            self.role.addItem(text, value)
        self.role.setCurrentIndex(
            max(0, [r for r, _ in ROLES].index(role) if role in dict(ROLES) else 0)
        )
        self.form = form
        form.addRow("&Full name:", self.name)
        form.addRow("School &email:", self.email)
        form.addRow("&Role:", self.role)
        layout.addLayout(form)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        layout.addStretch(1)
        for edit in (self.name, self.email):
            edit.textChanged.connect(self.changed)

        self._home = False

    def set_home(self) -> None:
        """A parent or carer (or the pupil) on the pupil's device: their own email, if any."""
        self._home = True
        retitle(
            self.heading,
            "Who is doing this home set-up?",
            "A parent or carer, with the pupil, on the device the pupil uses for lessons.",
        )
        self.email.setAccessibleName("Your email (optional)")
        self.email.setPlaceholderText("optional: where the school can reach you")
        _label(self.form, self.email).setText("&Email:")
        self.role.clear()
        for value, text in ROLES:
            if value != "staff":
                self.role.addItem(text, value)
        self.role.setCurrentIndex(max(0, self.role.findData("parent-carer")))

    def complete(self) -> bool:
        return bool(self.name.text().strip() and (self._home or self.email.text().strip()))

    def first_focus(self) -> QWidget:
        return (
            self.name
            if not self.name.text()
            else self.email
            if not self.email.text()
            else self.role
        )


class SessionPage(Page):
    title = "Session"

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.heading = heading(
            "Which session is this?", "Lessons and sessions run on Microsoft Teams only."
        )
        layout.addWidget(self.heading)
        form = QFormLayout()
        form.setSpacing(SPACING)
        self.pupils = QLineEdit()
        self.pupils.setAccessibleName("Pupils, separated by commas")
        self.pupils.setPlaceholderText("e.g. Sam Patel, Ada Jones")
        self.group = QLineEdit()
        self.group.setAccessibleName("Class or group")
        self.group.setPlaceholderText("or a class or group, e.g. 5B maths")
        now = QDateTime.currentDateTime()
        start = now.addSecs(300 - now.time().second())
        self.start = QDateTimeEdit(start)
        self.start.setAccessibleName("Start time")
        self.start.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.start.setCalendarPopup(True)
        self.end = QDateTimeEdit(start.addSecs(30 * 60))
        self.end.setAccessibleName("End time")
        self.end.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.end.setCalendarPopup(True)
        self.link = QLineEdit()
        self.link.setAccessibleName("Teams meeting link")
        self.link.setPlaceholderText("https://teams.microsoft.com/l/meetup-join/...")
        self.form = form
        self._home = False
        form.addRow("&Pupils:", self.pupils)
        form.addRow("or &group:", self.group)
        form.addRow("&Starts:", self.start)
        form.addRow("E&nds:", self.end)
        form.addRow("&Teams link:", self.link)
        layout.addLayout(form)
        self.timetable = QLabel()
        self.timetable.setWordWrap(True)
        self.timetable.setAccessibleName("What the timetable says about this session")
        self.timetable.hide()
        layout.addWidget(self.timetable)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        layout.addStretch(1)
        for edit in (self.pupils, self.group, self.link):
            edit.textChanged.connect(self.changed)

    def set_home(self) -> None:
        """Home set-up: only the pupil it is for (it is not one session but the place)."""
        retitle(
            self.heading,
            "Which pupil is this set-up for?",
            "The record names the pupil, so the school can match it to their lessons.",
        )
        self.pupils.setAccessibleName("The pupil's full name")
        self.pupils.setPlaceholderText("e.g. Sam Patel")
        for widget in (self.group, self.start, self.end, self.link):
            self.form.setRowVisible(widget, False)
        _label(self.form, self.pupils).setText("&Pupil:")
        self._home = True

    def show_timetable(self, text: str) -> None:
        self.timetable.setText(text)
        self.timetable.setVisible(bool(text))

    def fill(
        self,
        pupils: Sequence[str],
        group: str | None,
        start: dt.datetime,
        end: dt.datetime | None,
        link: str | None,
    ) -> None:
        """Fill the step in from the timetabled event; what was already typed is kept."""
        if not self.pupils.text().strip() and not self.group.text().strip():
            self.pupils.setText(", ".join(pupils))
            self.group.setText(group or "")
        if link and not self.link.text().strip():
            self.link.setText(link)
        self.start.setDateTime(QDateTime.fromSecsSinceEpoch(int(start.timestamp())))
        finish = end or start + dt.timedelta(minutes=30)
        self.end.setDateTime(QDateTime.fromSecsSinceEpoch(int(finish.timestamp())))
        self.changed.emit()

    def reset_times(self) -> None:
        now = QDateTime.currentDateTime()
        start = now.addSecs(300 - now.time().second())
        self.start.setDateTime(start)
        self.end.setDateTime(start.addSecs(30 * 60))

    def pupil_names(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.pupils.text().split(",") if p.strip())

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        start = _aware(self.start.dateTime().toSecsSinceEpoch())
        end = _aware(self.end.dateTime().toSecsSinceEpoch())
        return start, end

    def complete(self) -> bool:
        if self._home:
            return bool(self.pupil_names())
        return bool((self.pupil_names() or self.group.text().strip()) and self.link.text().strip())

    def first_focus(self) -> QWidget:
        return self.pupils


def _label(form: QFormLayout, field: QWidget) -> QLabel:
    label = form.labelForField(field)
    assert isinstance(label, QLabel)
    return label


def _aware(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds).astimezone()


class _ToggleLabel(QLabel):
    """The wrapped words of a check box: clicking them ticks the box, as its own text would."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self._box = box
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._box.isEnabled():
            self._box.toggle()
        super().mouseReleaseEvent(event)


def wrapped_check(text: str, accessible_name: str) -> tuple[QWidget, QCheckBox]:
    """A check box whose words wrap (a QCheckBox's own text never does, and a long sentence
    would push the page wider than the screen). The box keeps the words for screen readers."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    box = QCheckBox()
    box.setAccessibleName(accessible_name)
    label = _ToggleLabel(text, box)
    label.setBuddy(box)
    layout.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
    layout.addWidget(label, 1)
    return row, box


def clear_layout(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


class CheckRow(QFrame):
    """One check in the checklist: a status mark and word, its name, its findings, and for each
    warning a box to acknowledge it (and, where allowed, an override for a failure)."""

    acknowledged = Signal()
    override_requested = Signal(str)

    def __init__(self, check_id: str, allow_override: bool) -> None:
        super().__init__()
        self.setObjectName("Card")
        self.check_id = check_id
        self.status = "waiting"
        self._allow_override = allow_override
        self._acks: list[QCheckBox] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACING, SPACING // 2, SPACING, SPACING // 2)
        top = QHBoxLayout()
        self.name = QLabel(CHECK_NAMES.get(check_id, check_id))
        self.name.setStyleSheet("font-weight: 600;")
        self.mark = QLabel()
        self.mark.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.name, 1)
        top.addWidget(self.mark)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.findings = QVBoxLayout()
        layout.addLayout(self.findings)
        self.set_status("waiting", "")

    def set_status(self, status: str, summary: str) -> None:
        self.status = status
        s = STATUSES.get(status, STATUSES["waiting"])
        self.mark.setText(f"{s.mark}  {s.word}")
        self.mark.setStyleSheet(f"color: {status_colour(status).name()}; font-weight: 700;")
        self.summary.setText(summary)
        self.summary.setVisible(bool(summary))
        self.setAccessibleName(f"{self.name.text()}: {s.word}. {summary}")

    def clear_findings(self) -> None:
        """Take away the findings, ticks and override buttons of an earlier result."""
        clear_layout(self.findings)
        self._acks = []

    def set_result(self, result: CheckResult) -> None:
        notable = _notable(result.findings)
        # The findings say what to do; the summary would only repeat them.
        self.set_status(result.status, "" if notable else result.summary)
        self.setAccessibleName(
            f"{self.name.text()}: {STATUSES[result.status].word}. {result.summary}"
        )
        clear_layout(self.findings)
        self._acks = []
        for finding in notable:
            if finding.severity == "warn":
                row, box = wrapped_check(
                    f"Done: {finding.message}", f"I have dealt with this: {finding.message}"
                )
                box.toggled.connect(self.acknowledged)
                self._acks.append(box)
                self.findings.addWidget(row)
            else:
                label = QLabel(f"✕ {finding.message}")
                label.setWordWrap(True)
                label.setObjectName("Problem")
                self.findings.addWidget(label)
        if result.status == "warn" and not self._acks:
            row, box = wrapped_check(
                f"Done: {result.summary}", f"I have dealt with this: {result.summary}"
            )
            box.toggled.connect(self.acknowledged)
            self._acks.append(box)
            self.findings.addWidget(row)
        if result.status in ("fail", "error") and self._allow_override:
            button = QPushButton("Override with a reason…")
            button.setAccessibleName(f"Override {self.name.text()} with a written reason")
            button.clicked.connect(lambda: self.override_requested.emit(self.check_id))
            self.findings.addWidget(button)

    def all_acknowledged(self) -> bool:
        return all(box.isChecked() for box in self._acks)


def _notable(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity in ("warn", "fail")]


class ScanPage(Page):
    title = "Scan"
    rescan_requested = Signal()
    demo_requested = Signal()
    retry_requested = Signal()

    def __init__(self, check_ids: Sequence[str], overridable: Collection[str] = ()) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.heading = heading(
            "Checking your room and screen", "Sit where you will teach. This takes a few seconds."
        )
        layout.addWidget(self.heading)
        body = QHBoxLayout()
        body.setSpacing(SPACING * 2)
        left = QVBoxLayout()
        self.camera = CameraView()
        left.addWidget(self.camera, 1)
        self.trouble = QFrame()
        self.trouble.setObjectName("Card")
        trouble_layout = QVBoxLayout(self.trouble)
        self.trouble_text = QLabel()
        self.trouble_text.setWordWrap(True)
        self.trouble_text.setAccessibleName("Camera problem")
        buttons = QHBoxLayout()
        self.retry = QPushButton("&Try the camera again")
        self.retry.setAccessibleName("Try the camera again")
        self.demo = QPushButton("Use &demo scene")
        self.demo.setAccessibleName("Use the demo scene instead of a camera")
        buttons.addWidget(self.retry)
        buttons.addWidget(self.demo)
        buttons.addStretch(1)
        trouble_layout.addWidget(self.trouble_text)
        trouble_layout.addLayout(buttons)
        self.trouble.hide()
        left.addWidget(self.trouble)
        body.addLayout(left, 3)
        right = QVBoxLayout()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Findings wrap to the column; they never scroll sideways.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        rows = QVBoxLayout(holder)
        rows.setSpacing(SPACING // 2)
        self.rows: dict[str, CheckRow] = {}
        for check_id in check_ids:
            row = CheckRow(check_id, check_id in overridable)
            row.acknowledged.connect(self.changed)
            self.rows[check_id] = row
            rows.addWidget(row)
        rows.addStretch(1)
        scroll.setWidget(holder)
        scroll.setMinimumWidth(360)
        right.addWidget(scroll, 1)
        self.gate = QLabel()
        self.gate.setWordWrap(True)
        self.gate.setAccessibleName("What is needed before you can go on")
        right.addWidget(self.gate)
        self.again = QPushButton("Scan &again")
        self.again.setAccessibleName("Scan again")
        right.addWidget(self.again)
        body.addLayout(right, 2)
        layout.addLayout(body, 1)
        self.again.clicked.connect(self.rescan_requested)
        self.retry.clicked.connect(self.retry_requested)
        self.demo.clicked.connect(self.demo_requested)
        self._ready = False

    def start_checking(self) -> None:
        """Checks go to "Checking"; ones that passed stay visibly passed until their new result."""
        self.trouble.hide()
        for row in self.rows.values():
            if row.status != "pass":
                row.clear_findings()  # no acting on a result that is being replaced
                row.set_status("running", "")
        self.again.setEnabled(False)

    def reset(self) -> None:
        for row in self.rows.values():
            row.clear_findings()
            row.set_status("waiting", "")
        self.trouble.hide()
        self.camera.show_message("The camera preview appears here during the scan.")

    def show_result(self, result: CheckResult) -> None:
        row = self.rows.get(result.id)
        if row is not None:
            row.set_result(result)

    def finished(self) -> None:
        self.again.setEnabled(True)

    def show_camera_trouble(self, reason: str) -> None:
        self.camera.show_message("No camera picture")
        self.trouble_text.setText(
            f"<b>The camera could not be used.</b> {reason}<br>Check it is plugged in and that no "
            "other app (Teams, Zoom, the Camera app) is using it, then try again. To see how "
            "Preflight works without a camera, use the demo scene."
        )
        self.trouble.show()
        for row in self.rows.values():
            if row.check_id.startswith("camera.") and row.status in ("running", "waiting"):
                row.set_status("error", "The camera could not be used")
        self.again.setEnabled(True)

    def set_gate(self, ready: bool, reason: str, *, checking: bool = False) -> None:
        self._ready = ready
        mark = STATUSES["running" if checking else "pass" if ready else "fail"].mark
        self.gate.setText(f"{mark} {reason}")
        self.changed.emit()

    def all_acknowledged(self) -> bool:
        return all(row.all_acknowledged() for row in self.rows.values())

    def complete(self) -> bool:
        return self._ready

    def first_focus(self) -> QWidget:
        return self.again


class AttestPage(Page):
    title = "Confirm"

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(
            heading(
                "Confirm what the camera cannot see", "Tick each one only if it is true right now."
            )
        )
        self.box = QVBoxLayout()
        self.box.setSpacing(SPACING)
        layout.addLayout(self.box)
        layout.addStretch(1)
        self.items: dict[str, QCheckBox] = {}

    def set_items(self, items: Sequence[AttestationItem]) -> None:
        """Show these items; one already ticked stays ticked (the list grows when the
        invitation shows a 1:1 session or a live stream)."""
        ticked = set(self.affirmed())
        clear_layout(self.box)
        self.items = {}
        for entry in items:
            row, check = wrapped_check(entry.wording, entry.wording)
            check.setChecked(entry.id in ticked)
            check.toggled.connect(self.changed)
            self.items[entry.id] = check
            self.box.addWidget(row)

    def affirmed(self) -> list[str]:
        return [item_id for item_id, box in self.items.items() if box.isChecked()]

    def complete(self) -> bool:
        return bool(self.items) and all(box.isChecked() for box in self.items.values())

    def first_focus(self) -> QWidget | None:
        return next(iter(self.items.values()), None)


class SignPage(Page):
    title = "Sign"
    sign_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(
            heading(
                "Sign the record",
                "Your record is kept on this computer, signed so nobody can change it.",
            )
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAccessibleName("What the record will say")
        layout.addWidget(self.summary)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName("Type your full name to sign")
        self.name.setPlaceholderText("Type your full name")
        form.addRow("Type your full &name to sign:", self.name)
        layout.addLayout(form)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        self.sign = QPushButton("&Sign and record")
        self.sign.setObjectName("Primary")
        self.sign.setAccessibleName("Sign and record")
        layout.addWidget(self.sign, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.expected = ""
        self._busy = False
        self.name.textChanged.connect(self._update)
        self.name.returnPressed.connect(self._on_return)
        self.sign.clicked.connect(self.sign_requested)
        self._update()

    def _update(self) -> None:
        typed = " ".join(self.name.text().split()).casefold()
        matches = bool(typed) and typed == " ".join(self.expected.split()).casefold()
        self.sign.setEnabled(matches and not self._busy)

    def set_busy(self, busy: bool) -> None:
        """While the record is committed: nothing here can be changed or pressed twice."""
        self._busy = busy
        self.name.setReadOnly(busy)
        self.sign.setText("Recording…" if busy else "&Sign and record")
        self._update()

    def _on_return(self) -> None:
        if self.sign.isEnabled():
            self.sign.click()

    def prepare(self, summary_html: str, expected_name: str) -> None:
        self.summary.setText(summary_html)
        self.expected = expected_name
        self.name.clear()
        show_problem(self.problem, None)
        self._update()

    def first_focus(self) -> QWidget:
        return self.name


class LaunchPage(Page):
    title = "Launch"
    launch_requested = Signal()
    restart_requested = Signal()
    confirmation_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Recorded", "Your preflight is signed and kept."))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Launch status")
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.launch = QPushButton("&Open Teams")
        self.launch.setObjectName("Primary")
        self.launch.setAccessibleName("Open the Teams meeting")
        self.restart = QPushButton("Start a &new preflight")
        self.restart.setAccessibleName("Start a new preflight")
        self.confirmation = QPushButton("&Save the confirmation for the school (PDF)…")
        self.confirmation.setAccessibleName("Save the confirmation of understanding as a PDF")
        self.confirmation.hide()
        row.addWidget(self.launch)
        row.addWidget(self.confirmation)
        row.addWidget(self.restart)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.launch.clicked.connect(self.launch_requested)
        self.restart.clicked.connect(self.restart_requested)
        self.confirmation.clicked.connect(self.confirmation_requested)

    def set_home(self) -> None:
        """A home set-up opens no meeting: it is a record for the school, and ends with a
        printable confirmation of understanding the parent or carer sends to it."""
        self.launch.hide()
        self.confirmation.show()

    def first_focus(self) -> QWidget:
        if self.launch.isHidden():
            return self.confirmation
        return self.launch
