"""The review window for leadership and the safeguarding lead: sign-in, the list of every
preflight with filters, one record in full with its integrity, charts and exports.

Every query runs on the review worker's thread (`ui/workers.py`); this module only shows
answers. The list is a model that asks for 200 rows at a time as the reviewer scrolls, so a
journal of 100,000 records opens as fast as a small one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from preflight.config import Config
from preflight.journal.store import StoredRecord
from preflight.journal.verify import VerifyReport
from preflight.journal.views import Integrity, render
from preflight.review.access import Reviewer, ReviewerError, ReviewerStore
from preflight.review.export import (
    integrity_line,
    write_list_csv,
    write_list_pdf,
    write_record_pdf,
)
from preflight.review.queries import Figures, ReviewFilter, ReviewRow
from ui.charts import RankedBars, WeeklyVerdicts
from ui.theme import SPACING, STATUSES, status_colour
from ui.workers import ReviewThreads, ReviewWorker, run_call

#: Failed sign-ins in a row before the dialog makes the next attempt wait.
MAX_FAILURES = 5
LOCKOUT_S = 30.0

COLUMNS: list[tuple[str, str | None]] = [
    ("Sealed (UTC)", "date"),
    ("Staff", "staff"),
    ("Pupils", "pupils"),
    ("Mode", "mode"),
    ("Verdict", "verdict"),
    ("Overrides", "overrides"),
    ("Integrity", None),
]
VERDICT_WORDS = {"pass": "Passed", "warn": "Warnings", "fail": "Blocked", "error": "Could not run"}


class ReviewLogin(QDialog):
    """Sign-in for reviewers. Staff have no account here, so the window stays closed to them."""

    def __init__(self, store: ReviewerStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Session Preflight - review sign-in")
        self.store = store
        self.reviewer: Reviewer | None = None
        self._failures = 0
        self._locked_until = 0.0
        self.username = QLineEdit()
        self.username.setAccessibleName("Reviewer name")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.message = QLabel(
            "For senior leadership and the safeguarding lead. Staff preflights are in the kiosk."
        )
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.username)
        form.addRow("Passphrase", self.passphrase)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in.setText("Sign in")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(420, 180)

    def try_sign_in(self) -> None:
        wait = self._locked_until - time.monotonic()
        if wait > 0:
            self.message.setText(f"Too many attempts. Try again in {int(wait) + 1} seconds.")
            return
        try:
            reviewer = self.store.authenticate(self.username.text(), self.passphrase.text())
        except ReviewerError as exc:  # a damaged reviewer file: nobody gets in
            self.message.setText(f"Sign-in is not possible on this computer: {exc}")
            return
        self.passphrase.clear()
        if reviewer is None:
            self._failures += 1
            self.message.setText("That name and passphrase do not match a reviewer.")
            if self._failures >= MAX_FAILURES:
                self._locked_until = time.monotonic() + LOCKOUT_S
                self.message.setText(
                    f"That name and passphrase do not match a reviewer. Too many attempts: "
                    f"wait {int(LOCKOUT_S)} seconds."
                )
            return
        self.reviewer = reviewer
        self.accept()


class ReviewModel(QAbstractTableModel):
    """The filtered list, 200 rows at a time; integrity arrives when verification is done."""

    fetch_wanted = Signal(int)  # the offset of the next page
    sort_wanted = Signal(str, bool)  # sort key, descending

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ReviewRow] = []
        self.total = 0
        self.integrity: Integrity | None = None
        self._waiting = False

    def restart(self, total: int) -> None:
        self.beginResetModel()
        self.rows, self.total, self._waiting = [], total, True
        self.endResetModel()

    def add_page(self, offset: int, rows: list[ReviewRow]) -> None:
        self._waiting = False
        if offset != len(self.rows) or not rows:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def set_integrity(self, integrity: Integrity) -> None:
        self.integrity = integrity
        if self.rows:
            column = len(COLUMNS) - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column))

    def integrity_of(self, row: ReviewRow) -> str | None:
        if self.integrity is None:
            return None
        return self.integrity.of_place(row.record_id, row.device_id, row.seq)

    # -- Qt's model interface ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and not self._waiting and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if self.canFetchMore(parent):
            self._waiting = True
            self.fetch_wanted.emit(len(self.rows))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is not None:
            self.sort_wanted.emit(key, order == Qt.SortOrder.DescendingOrder)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.sealed_utc[:16].replace("T", " ")
            if column == 1:
                return row.staff
            if column == 2:
                return row.pupils
            if column == 3:
                return row.mode
            if column == 4:
                status = STATUSES.get(row.verdict)
                word = VERDICT_WORDS.get(row.verdict, row.verdict)
                return f"{status.mark} {word}" if status else word
            if column == 5:
                return str(row.overrides) if row.overrides else ""
            state = self.integrity_of(row)
            if state is None:
                return "… checking"
            if state == "verified":
                return "✓ verified"
            return "? unverified" if state.startswith("unverified") else "✕ NOT INTACT"
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 4:
                return status_colour(row.verdict)
            if column == 5 and row.overrides:
                return status_colour("warn")
            if column == 6:
                state = self.integrity_of(row)
                if state is not None:
                    return status_colour(_integrity_status(state))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 6:
                return self.integrity_of(row) or "Signatures and chain links are being checked"
            if column == 4 and row.problems:
                return "Did not pass: " + ", ".join(row.problems)
        return None


class ReviewWindow(QMainWindow):
    """Every preflight from one journal (the device's or the group's central one)."""

    def __init__(
        self, config: Config, reviewer: Reviewer, url: str, where: str, timeout_s: float = 10.0
    ) -> None:
        super().__init__()
        self.config, self.reviewer, self.url = config, reviewer, url
        self.setWindowTitle(f"Session Preflight - review - {config.org.name}")
        self.generation = 0
        self.filter = ReviewFilter()
        self.sort_key, self.descending = "date", True
        self.report: VerifyReport | None = None
        self.integrity: Integrity | None = None
        self.verify_seconds: float | None = None
        self.opened_at = time.monotonic()
        self.first_page_seconds: float | None = None
        self.current: StoredRecord | None = None
        self.threads = ReviewThreads(ReviewWorker(url, timeout_s), ReviewWorker(url, timeout_s))
        worker, figures_worker = self.threads.worker, self.threads.charts
        self._connections: list[tuple[Any, Any]] = [
            (worker.counted, self._counted),
            (worker.page_ready, self._page),
            (worker.record_ready, self._record),
            (worker.exported, self._say),
            (worker.failed, self._failed),
            (figures_worker.figures_ready, self._figures),
            (figures_worker.failed, self._failed),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)

        header = QLabel(
            f"<b>{html.escape(config.org.name)}</b> &nbsp; {html.escape(reviewer.display_name)}"
            f" ({html.escape(reviewer.role_name)}) &nbsp; journal: {html.escape(where)}"
        )
        self.integrity_banner = QLabel("Checking every signature and chain link…")
        self.integrity_banner.setWordWrap(True)

        # -- filters
        self.since_on, self.since = QCheckBox("From"), QDateEdit()
        self.until_on, self.until = QCheckBox("To"), QDateEdit()
        for edit, on in ((self.since, self.since_on), (self.until, self.until_on)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
            on.toggled.connect(edit.setEnabled)
            on.toggled.connect(self._changed)
            edit.dateChanged.connect(self._changed)
        self.staff = QLineEdit()
        self.staff.setPlaceholderText("Staff")
        self.pupil = QLineEdit()
        self.pupil.setPlaceholderText("Pupil")
        for line in (self.staff, self.pupil):
            line.setClearButtonEnabled(True)
            line.textChanged.connect(self._changed)
        self.verdict_boxes = {v: QCheckBox(VERDICT_WORDS[v]) for v in VERDICT_WORDS}
        for box in self.verdict_boxes.values():
            box.toggled.connect(self._changed)
        self.check = QComboBox()
        self.check.addItem("Any check", "")
        self.check.currentIndexChanged.connect(self._changed)
        self.overrides_only = QCheckBox("Overrides only")
        self.overrides_only.toggled.connect(self._changed)
        self.mode = QComboBox()
        for label, value in (("Any mode", ""), ("Staff", "staff"), ("Home setup", "home")):
            self.mode.addItem(label, value)
        self.mode.currentIndexChanged.connect(self._changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.apply_filter)

        filters = QGridLayout()
        filters.addWidget(self.since_on, 0, 0)
        filters.addWidget(self.since, 0, 1)
        filters.addWidget(self.until_on, 0, 2)
        filters.addWidget(self.until, 0, 3)
        filters.addWidget(self.staff, 0, 4)
        filters.addWidget(self.pupil, 0, 5)
        filters.addWidget(self.mode, 0, 6)
        verdicts = QHBoxLayout()
        for box in self.verdict_boxes.values():
            verdicts.addWidget(box)
        verdicts.addWidget(self.overrides_only)
        verdicts.addStretch(1)
        filters.addLayout(verdicts, 1, 0, 1, 5)
        filters.addWidget(self.check, 1, 5, 1, 2)

        # -- list and record
        self.model = ReviewModel()
        self.model.fetch_wanted.connect(self._fetch)
        self.model.sort_wanted.connect(self._sort)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        for column, width in enumerate((150, 150, 170, 60, 120, 80)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.record_view = QTextBrowser()
        self.record_view.setOpenExternalLinks(False)
        self.record_view.setHtml("<p>Choose a record to see it in full.</p>")
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.record_view)
        splitter.setSizes([760, 460])

        # -- charts
        self.weekly = WeeklyVerdicts()
        self.frequent = RankedBars("Checks that most often did not pass", "warn")
        self.overridden = RankedBars("Overrides by staff member", "fail")
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.addWidget(self.weekly, 0, 0, 1, 2)
        grid.addWidget(self.frequent, 1, 0)
        grid.addWidget(self.overridden, 1, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, "Records")
        self.tabs.addTab(charts, "Charts")

        # -- exports
        self.export_csv = QPushButton("Export list as CSV…")
        self.export_pdf = QPushButton("Export list as PDF…")
        self.export_record = QPushButton("Export record as PDF…")
        self.export_record.setEnabled(False)
        self.export_csv.clicked.connect(lambda: self._export("csv"))
        self.export_pdf.clicked.connect(lambda: self._export("pdf"))
        self.export_record.clicked.connect(lambda: self._export("record"))
        actions = QHBoxLayout()
        self.count_label = QLabel("")
        actions.addWidget(self.count_label, 1)
        for button in (self.export_csv, self.export_pdf, self.export_record):
            actions.addWidget(button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setSpacing(SPACING // 2)
        layout.addWidget(header)
        layout.addWidget(self.integrity_banner)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(actions)
        self.setCentralWidget(body)
        self.statusBar().showMessage("Opening the journal…")
        self.apply_filter()
        self._verify()

    # -- requests ----------------------------------------------------------------------------

    def current_filter(self) -> ReviewFilter:
        return ReviewFilter(
            since=self.since.date().toPython() if self.since_on.isChecked() else None,  # type: ignore[arg-type]
            until=self.until.date().toPython() if self.until_on.isChecked() else None,  # type: ignore[arg-type]
            staff=self.staff.text(),
            pupil=self.pupil.text(),
            verdicts=frozenset(v for v, box in self.verdict_boxes.items() if box.isChecked()),
            check=str(self.check.currentData() or ""),
            overrides_only=self.overrides_only.isChecked(),
            mode=str(self.mode.currentData() or ""),
        )

    def _changed(self, *_: object) -> None:
        self._debounce.start()

    def apply_filter(self) -> None:
        self.filter = self.current_filter()
        self._requery()

    def _requery(self) -> None:
        self.generation += 1
        self.threads.set_latest(self.generation)
        self.model.restart(0)
        self.count_label.setText("Counting…")
        self.threads.query_requested.emit(
            self.generation, self.filter, self.sort_key, self.descending
        )
        self.threads.figures_requested.emit(self.generation, self.filter)

    def _fetch(self, offset: int) -> None:
        self.threads.fetch_requested.emit(
            self.generation, self.filter, self.sort_key, self.descending, offset
        )

    def _sort(self, key: str, descending: bool) -> None:
        if (key, descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, descending
            self._requery()

    def _verify(self) -> None:
        url, started = self.url, time.monotonic()

        def verify() -> tuple[VerifyReport, Integrity]:
            from preflight.journal.store import Journal
            from preflight.journal.verify import verify_journal

            with Journal.open(url, read_only=True) as journal:
                report = verify_journal(journal)
            return report, Integrity(report)  # its lookup sets are built here, not on the GUI

        def done(answer: tuple[VerifyReport, Integrity]) -> None:
            report, self.integrity = answer
            self.verify_seconds = time.monotonic() - started
            self.report = report
            self.model.set_integrity(self.integrity)
            intact = report.intact
            colour = status_colour("pass" if intact else "fail").name()
            mark = STATUSES["pass" if intact else "fail"]
            self.integrity_banner.setText(
                f"<span style='color:{colour}'><b>{mark.mark} {html.escape(integrity_line(report))}"
                "</b></span>"
            )
            if self.current is not None:
                self._record(self.current, self._current_launch)

        run_call(verify, done, lambda exc: self._failed(f"The journal could not be checked: {exc}"))

    # -- answers -----------------------------------------------------------------------------

    def _counted(self, generation: int, total: int) -> None:
        if generation != self.generation:
            return
        self.model.restart(total)
        plural = "" if total == 1 else "s"
        self.count_label.setText(f"{total} preflight record{plural} match")
        self.statusBar().clearMessage()

    def _page(self, generation: int, offset: int, rows: list[ReviewRow]) -> None:
        if generation != self.generation:
            return
        self.model.add_page(offset, rows)
        if self.first_page_seconds is None:
            self.first_page_seconds = time.monotonic() - self.opened_at
        if offset == 0 and rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _figures(self, generation: int, figures: Figures) -> None:
        if generation != self.generation:
            return
        self.weekly.set_weeks(figures.weekly)
        self.frequent.set_items(figures.frequent)
        self.overridden.set_items(figures.overrides)
        known = {str(self.check.itemData(i)) for i in range(self.check.count())}
        self.check.blockSignals(True)
        for name, _ in sorted(figures.frequent):
            if name not in known:
                self.check.addItem(name, name)
        self.check.blockSignals(False)

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or current.row() >= len(self.model.rows):
            return
        self.threads.record_requested.emit(self.model.rows[current.row()].record_id)

    _current_launch: StoredRecord | None = None

    def _record(self, stored: StoredRecord | None, launch: StoredRecord | None) -> None:
        self.current, self._current_launch = stored, launch
        self.export_record.setEnabled(stored is not None)
        if stored is None:
            self.record_view.setHtml("<p>This record is no longer in the journal.</p>")
            return
        self.record_view.setHtml(record_html(stored, launch, self.integrity))

    def _export(self, what: str) -> None:
        suffix = "CSV files (*.csv)" if what == "csv" else "PDF files (*.pdf)"
        stamp = dt.date.today().isoformat()
        name = {"csv": f"preflights-{stamp}.csv", "pdf": f"preflights-{stamp}.pdf"}.get(
            what, f"preflight-{self.current.sealed.record_id[:8] if self.current else ''}.pdf"
        )
        path, _ = QFileDialog.getSaveFileName(self, "Export", str(Path.home() / name), suffix)
        if path:
            self.export_to(what, Path(path))

    def export_to(self, what: str, path: Path) -> None:
        """Write an export on the worker thread (tests call this with a path)."""
        where, school, report = self.filter, self.config.org.name, self.report
        record_id = self.current.sealed.record_id if self.current is not None else ""

        def job(journal: Any) -> str:
            if what == "csv":
                count = write_list_csv(journal, where, path, report)
                return f"{count} record(s) written to {path}"
            if what == "pdf":
                count = write_list_pdf(journal, where, path, school, report)
                return f"{count} record(s) written to {path}"
            write_record_pdf(journal, record_id, path, school, report)
            return f"Record {record_id[:8]} written to {path}"

        self.statusBar().showMessage(f"Writing {path.name}…")
        self.threads.export_requested.emit(job)

    def _say(self, sentence: str) -> None:
        self.statusBar().showMessage(sentence, 15000)

    def _failed(self, message: str) -> None:
        self.statusBar().showMessage(message)
        self.count_label.setText(message)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.threads.stop()
        for signal, slot in self._connections:  # no late answer reaches a closed window
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        super().closeEvent(event)


def _integrity_status(state: str) -> str:
    """pass: verified; warn: intact itself but after a broken link; fail: not intact."""
    if state == "verified":
        return "pass"
    return "warn" if state.startswith("unverified") else "fail"


def record_html(
    stored: StoredRecord, launch: StoredRecord | None, checked: Integrity | None
) -> str:
    """One record in plain words, its integrity first (a mark and words, never colour alone)."""
    if checked is None:
        integrity, banner = "being checked", ("running", "Integrity is being checked…")
    else:
        integrity = checked.of(stored)
        status = _integrity_status(integrity)
        banner = {
            "pass": ("pass", "Integrity: verified - signature and chain link intact"),
            "warn": (
                "warn",
                "Integrity: cannot be vouched for - " + integrity.removeprefix("unverified: "),
            ),
        }.get(status, ("fail", f"Integrity: NOT INTACT - {integrity}"))
    status, words = banner
    colour = QColor(status_colour(status)).name()
    mark = STATUSES[status].mark
    launched = "Teams launch: not recorded (Teams was not opened from the kiosk)"
    if launch is not None:
        try:
            launched = f"Teams launched at {launch.sealed.payload['launched_at']['utc']} UTC"
        except (KeyError, TypeError, ValueError):
            launched = "Teams launch: recorded, time unreadable"
    try:
        policy = stored.sealed.payload.get("policy") or {}
        policy_text = f"{policy.get('id', '?')} {policy.get('version', '')}".strip()
    except (ValueError, TypeError, AttributeError):
        policy_text = "?"
    body = html.escape(render(stored, integrity))
    return (
        f"<p style='color:{colour}; font-weight:bold; font-size:large'>"
        f"{mark} {html.escape(words)}</p>"
        f"<p>Policy version: {html.escape(policy_text)}<br>{html.escape(launched)}</p>"
        f"<pre style='white-space:pre-wrap'>{body}</pre>"
    )
