"""Sign in to the review window on a generated journal and save screenshots of the sign-in, the
list, a record, a tampered record and the charts (docs/screenshots).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/review_screenshots.py [RECORDS]

Uses a throwaway data folder and journal; never touches a real one.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(out: Path, records: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pf-review-shots-"))
    os.environ["PREFLIGHT_DATA_DIR"] = str(tmp / "data")
    import sqlalchemy as sa
    from PySide6.QtWidgets import QApplication

    from preflight.config import load_config
    from preflight.journal.store import Journal
    from preflight.review.access import ReviewerStore, reviewers_path
    from tests.review.journal_gen import generate
    from ui.review_window import ReviewLogin, ReviewWindow
    from ui.theme import apply_theme

    config_file = tmp / "school.toml"
    config_file.write_text('[org]\nname = "Oakfield Primary School"\n')
    config = load_config(config_file)
    url = f"sqlite:///{tmp / 'journal.sqlite3'}"
    with Journal.open(url) as journal:
        generate(journal, records, seed=5)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # one record edited behind the journal's back
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS records_no_update")
        rid, env = conn.execute(sa.text(
            "SELECT record_id, envelope FROM records WHERE kind='preflight' "
            "ORDER BY created_utc DESC LIMIT 1 OFFSET 2")).one()  # fmt: skip
        conn.execute(sa.text("UPDATE records SET envelope=:e WHERE record_id=:r"),
                     {"e": env.replace('"verdict":"', '"verdict":"p', 1), "r": rid})  # fmt: skip
    engine.dispose()
    store = ReviewerStore(reviewers_path(config))
    store.add("j.smith", "Jane Smith", "dsl", "correct horse battery staple")

    app = QApplication(sys.argv[:1])
    apply_theme(app)
    out.mkdir(parents=True, exist_ok=True)

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    login = ReviewLogin(store)
    login.show()
    login.username.setText("j.smith")
    login.passphrase.setText("wrong passphrase here")
    login.try_sign_in()
    settle(0.3)
    login.grab().save(str(out / "review-0-sign-in.png"))
    login.passphrase.setText("correct horse battery staple")
    login.try_sign_in()
    assert login.reviewer is not None
    window = ReviewWindow(config, login.reviewer, url, "this computer's journal")
    window.resize(1400, 860)
    window.show()
    deadline = time.monotonic() + 60
    while window.report is None and time.monotonic() < deadline:
        settle(0.1)
    settle(1.0)
    window.grab().save(str(out / "review-1-list.png"))
    window.table.selectRow(2)
    settle(1.0)
    window.grab().save(str(out / "review-2-tampered-record.png"))
    window.overrides_only.setChecked(True)
    settle(1.5)
    window.table.selectRow(0)
    settle(1.0)
    window.grab().save(str(out / "review-3-overrides.png"))
    window.overrides_only.setChecked(False)  # the charts over every record
    settle(1.5)
    window.tabs.setCurrentIndex(1)
    settle(1.0)
    window.grab().save(str(out / "review-4-charts.png"))
    window.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(ROOT / "docs" / "screenshots", int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
