"""The review window with real widgets (offscreen), a real scrypt reviewer file and a generated
journal of a few thousand sealed records: sign-in succeeds and fails as it should, staff have no
way in, filters and sorting show exactly the right rows, a tampered record shows as tampered,
and exports from the window parse back."""

from __future__ import annotations

import csv
import inspect
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from preflight.config import Config, load_config
from preflight.journal.store import Journal
from preflight.review.access import ReviewerStore, reviewers_path
from tests.review.journal_gen import Made, generate
from ui import kiosk_window, review_app
from ui.review_window import ReviewLogin, ReviewWindow

SECRET = "correct horse battery staple"
N = 2000


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "school.toml"
    path.write_text('[org]\nname = "Oakfield Primary School"\n')
    return load_config(path)


@pytest.fixture
def store(config: Config) -> ReviewerStore:
    store = ReviewerStore(reviewers_path(config))
    store.add("j.smith", "Jane Smith", "dsl", SECRET)
    return store


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Made], str]:
    """A journal of N preflights (and their launches); one record edited afterwards."""
    path = tmp_path_factory.mktemp("review-ui") / "journal.sqlite3"
    url = f"sqlite:///{path}"
    with Journal.open(url) as journal:
        made = generate(journal, N, seed=21)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS records_no_update")
        victim = made[N // 2].record_id
        envelope = conn.execute(
            sa.text("SELECT envelope FROM records WHERE record_id = :r"), {"r": victim}
        ).scalar_one()
        document = json.loads(envelope)
        document["payload"]["who"]["name"] = "Someone Else"
        conn.execute(
            sa.text("UPDATE records SET envelope = :e WHERE record_id = :r"),
            {"e": json.dumps(document, separators=(",", ":"), sort_keys=True), "r": victim},
        )
    engine.dispose()
    return url, made, victim


@pytest.fixture
def window(qtbot, config: Config, store: ReviewerStore, generated) -> Iterator[ReviewWindow]:  # type: ignore[no-untyped-def]
    url, _, _ = generated
    reviewer = store.authenticate("j.smith", SECRET)
    assert reviewer is not None
    window = ReviewWindow(config, reviewer, url, "test journal")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.report is not None and window.model.total > 0, timeout=60_000)
    yield window
    window.close()


def _all_rows(qtbot, window: ReviewWindow) -> list:  # type: ignore[no-untyped-def, type-arg]
    """Scroll to the end, as a reviewer would, until every matching row is loaded."""
    qtbot.waitUntil(lambda: window.count_label.text().endswith("match"), timeout=30_000)
    while len(window.model.rows) < window.model.total:
        before = len(window.model.rows)
        window.table.scrollToBottom()
        QApplication.processEvents()
        window.model.fetchMore(window.table.rootIndex())
        qtbot.waitUntil(lambda b=before: len(window.model.rows) > b, timeout=30_000)
    return window.model.rows


# -- sign-in ------------------------------------------------------------------------------------


def test_a_reviewer_signs_in_and_a_wrong_passphrase_does_not(qtbot, store: ReviewerStore) -> None:  # type: ignore[no-untyped-def]
    login = ReviewLogin(store)
    qtbot.addWidget(login)
    login.username.setText("j.smith")
    login.passphrase.setText("correct horse battery stable")
    login.try_sign_in()
    assert login.reviewer is None and "do not match" in login.message.text()
    assert login.passphrase.text() == ""  # never left in the field
    login.username.setText("staff.member")
    login.passphrase.setText(SECRET)
    login.try_sign_in()
    assert login.reviewer is None
    login.username.setText("J.Smith")
    login.passphrase.setText(SECRET)
    login.try_sign_in()
    assert login.reviewer is not None and login.reviewer.display_name == "Jane Smith"
    assert login.result() == ReviewLogin.DialogCode.Accepted


def test_repeated_failures_lock_sign_in_even_for_the_right_passphrase(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    login = ReviewLogin(store)
    qtbot.addWidget(login)
    login.username.setText("j.smith")
    for _ in range(5):
        login.passphrase.setText("guess guess guess")
        login.try_sign_in()
    login.passphrase.setText(SECRET)
    login.try_sign_in()
    assert login.reviewer is None and "Too many attempts" in login.message.text()


def test_a_damaged_reviewer_file_lets_nobody_in(qtbot, store: ReviewerStore) -> None:  # type: ignore[no-untyped-def]
    store.path.write_text("{ damaged")
    login = ReviewLogin(store)
    qtbot.addWidget(login)
    login.username.setText("j.smith")
    login.passphrase.setText(SECRET)
    login.try_sign_in()
    assert login.reviewer is None and "not possible on this computer" in login.message.text()


def test_staff_cannot_reach_the_review(qtbot, config: Config, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The kiosk has no way into the review: it neither imports nor opens it.
    source = inspect.getsource(kiosk_window)
    assert "review_window" not in source and "review_app" not in source
    assert "preflight.review" not in source
    # With no reviewers set up, the review app does not open at all.
    config_file = tmp_path / "school.toml"
    monkeypatch.setattr("ui.review_app.QMessageBox.critical", lambda *a, **k: None)
    assert review_app.main(["--config", str(config_file)]) == 2
    # With a reviewer set up, closing the sign-in opens nothing.
    ReviewerStore(reviewers_path(config)).add("j.smith", "Jane Smith", "dsl", SECRET)
    opened: list[object] = []
    monkeypatch.setattr("ui.review_app.ReviewWindow", lambda *a, **k: opened.append(a))

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            dialog.reject()

    QTimer.singleShot(200, cancel)
    assert review_app.main(["--config", str(config_file)]) == 3
    assert opened == []


# -- the list -----------------------------------------------------------------------------------


def test_the_list_opens_with_every_record_and_integrity(
    qtbot, window: ReviewWindow, generated
) -> None:  # type: ignore[no-untyped-def]
    _, made, victim = generated
    assert window.model.total == N
    assert "NOT INTACT" in window.integrity_banner.text()
    rows = _all_rows(qtbot, window)
    assert {r.record_id for r in rows} == {m.record_id for m in made}
    states = {r.record_id: window.model.integrity_of(r) for r in rows}
    assert states[victim].startswith("edited")
    assert sum(1 for s in states.values() if s == "verified") > N / 2


@pytest.mark.parametrize(
    ("set_filter", "expected"),
    [
        (lambda w: w.staff.setText("hopper"), lambda m: m.staff == "Grace Hopper"),
        (
            lambda w: w.pupil.setText("PRIYA"),
            lambda m: any(p.startswith("Priya") for p in m.pupils),
        ),
        (lambda w: w.verdict_boxes["fail"].setChecked(True), lambda m: m.verdict == "fail"),
        (lambda w: w.overrides_only.setChecked(True), lambda m: m.overrides > 0),
        (lambda w: w.mode.setCurrentIndex(2), lambda m: m.mode == "home"),
    ],
    ids=["staff", "pupil", "verdict", "overrides", "home mode"],
)
def test_filters_show_exactly_the_right_rows(
    qtbot, window: ReviewWindow, generated, set_filter, expected
) -> None:  # type: ignore[no-untyped-def]
    _, made, _ = generated
    before = window.generation
    set_filter(window)
    qtbot.waitUntil(lambda: window.generation > before, timeout=5_000)
    want = {m.record_id for m in made if expected(m)}
    assert want
    qtbot.waitUntil(lambda: window.model.total == len(want), timeout=30_000)
    assert {r.record_id for r in _all_rows(qtbot, window)} == want


def test_a_check_filter_and_a_date_range_together(qtbot, window: ReviewWindow, generated) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from PySide6.QtCore import QDate

    _, made, _ = generated
    qtbot.waitUntil(lambda: window.check.findData("desktop.tabs") >= 0, timeout=30_000)
    window.check.setCurrentIndex(window.check.findData("desktop.tabs"))
    window.since.setDate(QDate(2026, 2, 1))
    window.since_on.setChecked(True)
    window.until.setDate(QDate(2026, 3, 31))
    window.until_on.setChecked(True)
    want = {
        m.record_id for m in made
        if "desktop.tabs" in m.problems and dt.date(2026, 2, 1) <= m.sealed.date() <= dt.date(2026, 3, 31)
    }  # fmt: skip
    qtbot.waitUntil(
        lambda: window.filter.check == "desktop.tabs" and window.filter.until is not None,
        timeout=5_000,
    )
    qtbot.waitUntil(lambda: window.model.total == len(want), timeout=30_000)
    assert {r.record_id for r in _all_rows(qtbot, window)} == want


def test_sorting_by_a_column_orders_the_rows(qtbot, window: ReviewWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    window.verdict_boxes["warn"].setChecked(True)
    qtbot.waitUntil(lambda: window.filter.verdicts == frozenset({"warn"}), timeout=5_000)
    window.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # overrides, most first
    qtbot.waitUntil(lambda: window.sort_key == "overrides", timeout=5_000)
    rows = _all_rows(qtbot, window)
    assert [r.overrides for r in rows] == sorted((r.overrides for r in rows), reverse=True)
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # oldest first
    qtbot.waitUntil(lambda: window.sort_key == "date" and not window.descending, timeout=5_000)
    rows = _all_rows(qtbot, window)
    assert [r.sealed_utc for r in rows] == sorted(r.sealed_utc for r in rows)


def test_the_record_view_shows_a_tampered_record_as_tampered(
    qtbot, window: ReviewWindow, generated
) -> None:  # type: ignore[no-untyped-def]
    _, made, victim = generated
    pupil = next(m for m in made if m.record_id == victim).pupils[0]
    window.pupil.setText(pupil)
    qtbot.waitUntil(lambda: window.filter.pupil == pupil, timeout=5_000)
    rows = _all_rows(qtbot, window)
    window.table.selectRow(next(i for i, r in enumerate(rows) if r.record_id == victim))
    qtbot.waitUntil(
        lambda: window.current is not None and window.current.sealed.record_id == victim,
        timeout=10_000,
    )
    text = window.record_view.toPlainText()
    assert "NOT INTACT" in text and "does not match the hash" in text
    intact = next(i for i, r in enumerate(rows) if window.model.integrity_of(r) == "verified")
    window.table.selectRow(intact)
    qtbot.waitUntil(
        lambda: window.current is not None and window.current.sealed.record_id != victim,
        timeout=10_000,
    )
    assert "Integrity: verified" in window.record_view.toPlainText()
    later = next(
        i for i, r in enumerate(rows)
        if (window.model.integrity_of(r) or "").startswith("unverified")
    )  # fmt: skip
    window.table.selectRow(later)
    qtbot.waitUntil(
        lambda: (
            window.current is not None and window.current.sealed.record_id == rows[later].record_id
        ),
        timeout=10_000,
    )
    assert "cannot be vouched for" in window.record_view.toPlainText()
    assert window.model.data(window.model.index(later, 6)) == "? unverified"


def test_exports_from_the_window_parse_back(
    qtbot, window: ReviewWindow, generated, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    _, made, _ = generated
    window.overrides_only.setChecked(True)
    qtbot.waitUntil(lambda: window.filter.overrides_only, timeout=5_000)
    out = tmp_path / "overrides.csv"
    window.export_to("csv", out)
    qtbot.waitUntil(out.exists, timeout=30_000)
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["record_id"] for r in rows} == {m.record_id for m in made if m.overrides}
    pdf = tmp_path / "overrides.pdf"
    window.export_to("pdf", pdf)
    qtbot.waitUntil(pdf.exists, timeout=60_000)
    text = "\n".join(p.extract_text() or "" for p in PdfReader(pdf).pages[:2])
    assert "Oakfield Primary School" in text and "Integrity: NOT INTACT" in text
    assert "overridden only" in text
