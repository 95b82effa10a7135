"""Reference cycles are collected on the GUI thread only: the windows turn Python's automatic
collection off and collect on a GUI timer, so a worker thread never frees Qt objects."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QApplication, QPushButton

from ui.app import collect_garbage_on_gui_thread

freed_on: list[str] = []


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.button = QPushButton("in a cycle")  # a Qt object that must die on the GUI thread

    def __del__(self) -> None:
        freed_on.append(threading.current_thread().name)


def test_cycles_are_freed_by_the_gui_timer_and_not_by_a_worker(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    timer = collect_garbage_on_gui_thread(app, interval_ms=50)
    try:
        assert not gc.isenabled()
        _Cycle()
        # A worker allocating lots of objects does not trigger a collection any more.
        worker = threading.Thread(target=lambda: [[i] for i in range(200_000)], name="worker")
        worker.start()
        worker.join()
        assert freed_on == []
        qtbot.waitUntil(lambda: freed_on == [threading.main_thread().name], timeout=5_000)
    finally:
        timer.stop()
        timer.deleteLater()
        gc.enable()
