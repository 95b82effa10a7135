"""Chromium SNSS session files: replaying commands into tabs, and finding every profile on disk."""

from __future__ import annotations

import os
import re
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preflight.desktop import chromium_sessions
from preflight.desktop.base import BrowserTabs, EncryptedSession, SessionFileError, Tab
from preflight.desktop.chromium_sessions import (
    ENCRYPTED_REASON,
    parse_snss,
    read_chromium_tabs,
    user_data_in_use,
)
from tests.desktop import snss

A, B, C, D, E = (f"https://{h}.example/" for h in ("a", "b", "c", "d", "e"))


def summary(tabs: tuple[Tab, ...]) -> list[tuple[int, int, str, bool, bool]]:
    """(window, tab, url, active, pinned) per tab: what a row of the table expects."""
    return [(t.window_index, t.tab_index, t.url, t.active, t.pinned) for t in tabs]


def one_tab(urls: list[str], *, current: int | None = None) -> list[bytes]:
    """Window 1 with tab 7 holding `urls` (navigation i = urls[i])."""
    return [*snss.window(1), *snss.tab(1, 7, 0, urls, current=current)]


# Each row: the records after the header, then (window, tab, url, active, pinned) per open tab.
REPLAY_CASES = [
    pytest.param(
        # two windows, the second window's second tab selected
        [
            *snss.window(1, selected=0),
            *snss.tab(1, 11, 0, [A]),
            *snss.tab(1, 12, 1, [B]),
            *snss.tab(1, 13, 2, [C]),
            *snss.window(2, selected=1),
            *snss.tab(2, 21, 0, [D]),
            *snss.tab(2, 22, 1, [E]),
            snss.active_window(2),
            snss.marker(),
        ],
        [
            (0, 0, A, True, False),
            (0, 1, B, False, False),
            (0, 2, C, False, False),
            (1, 0, D, False, False),
            (1, 1, E, True, False),
        ],
        id="two-windows-selected-tab",
    ),
    pytest.param(
        # tabs written out of order: sorted by their index in the window, not by file order
        [
            *snss.window(1, selected=2),
            *snss.tab(1, 30, 2, [C]),
            *snss.tab(1, 10, 0, [A]),
            *snss.tab(1, 20, 1, [B]),
        ],
        [(0, 0, A, False, False), (0, 1, B, False, False), (0, 2, C, True, False)],
        id="tab-order-by-index",
    ),
    pytest.param(
        # pinned state, set in the snapshot and changed by a later delta
        [
            *snss.window(1),
            *snss.tab(1, 1, 0, [A], is_pinned=True),
            *snss.tab(1, 2, 1, [B], is_pinned=True),
            snss.marker(),
            snss.pinned(2, False),
        ],
        [(0, 0, A, True, True), (0, 1, B, False, False)],
        id="pinned",
    ),
    pytest.param(
        # a tab closed after the snapshot (16) is gone; the selected index (0) now names no tab,
        # so the first remaining tab is the active one, as Chromium restores it
        [
            *snss.window(1),
            *snss.tab(1, 1, 0, [A]),
            *snss.tab(1, 2, 1, [B]),
            snss.marker(),
            snss.tab_closed(1),
        ],
        [(0, 0, B, True, False)],
        id="tab-closed",
    ),
    pytest.param(
        # a closed window (17) takes its tabs with it; the next window becomes window 0
        [
            *snss.window(1),
            *snss.tab(1, 1, 0, [A]),
            *snss.window(2),
            *snss.tab(2, 2, 0, [B]),
            snss.marker(),
            snss.window_closed(1),
        ],
        [(0, 0, B, True, False)],
        id="window-closed",
    ),
    pytest.param(
        # commands naming a closed window do not bring it back...
        [*snss.window(1), *snss.tab(1, 1, 0, [A]), snss.window_closed(1), snss.selected_tab(1, 0)],
        [],
        id="closed-window-stays-closed",
    ),
    pytest.param(
        # ...but a new SetWindowType does (Chromium re-creates it the same way)
        [*snss.window(1), *snss.tab(1, 1, 0, [A]), snss.window_closed(1), snss.window_type(1)],
        [(0, 0, A, True, False)],
        id="window-reopened",
    ),
    pytest.param(
        # back: three entries, the selected one (7) is the middle
        one_tab([A, B, C], current=1),
        [(0, 0, B, True, False)],
        id="back-selected-index",
    ),
    pytest.param(
        # forward again after going back, as deltas
        [*one_tab([A, B, C], current=0), snss.marker(), snss.selected_navigation(7, 2)],
        [(0, 0, C, True, False)],
        id="forward-selected-index",
    ),
    pytest.param(
        # the selected index past the last entry: the last entry
        one_tab([A, B], current=9),
        [(0, 0, B, True, False)],
        id="selected-past-end",
    ),
    pytest.param(
        # the selected index missing from the entries: the closest index above it
        [
            *snss.window(1),
            snss.set_tab_window(1, 7),
            snss.navigation(7, 0, A),
            snss.navigation(7, 2, C),
            snss.selected_navigation(7, 1),
        ],
        [(0, 0, C, True, False)],
        id="selected-gap-closest-above",
    ),
    pytest.param(
        # no SetSelectedNavigationIndex at all: the first entry (Chromium's -1 → closest above)
        [
            *snss.window(1),
            snss.set_tab_window(1, 7),
            snss.navigation(7, 0, A),
            snss.navigation(7, 1, B),
        ],
        [(0, 0, A, True, False)],
        id="no-selected-navigation",
    ),
    pytest.param(
        # the same navigation index written again replaces the entry (a redirect, a new page)
        [*one_tab([A, B], current=1), snss.navigation(7, 1, D)],
        [(0, 0, D, True, False)],
        id="navigation-replaced",
    ),
    pytest.param(
        # 24: entries 1-2 of A,B,C,D pruned while D (3) is selected: D shifts to 1 and stays current
        [*one_tab([A, B, C, D], current=3), snss.pruned(7, 1, 2)],
        [(0, 0, D, True, False)],
        id="pruned-24-selected-after",
    ),
    pytest.param(
        # 24: the selected entry itself pruned: the one before the pruned range
        [*one_tab([A, B, C, D], current=2), snss.pruned(7, 1, 2)],
        [(0, 0, A, True, False)],
        id="pruned-24-selected-inside",
    ),
    pytest.param(
        # 24 then a new navigation at the shifted index: the later entries were renumbered
        [*one_tab([A, B, C, D], current=3), snss.pruned(7, 0, 1), snss.selected_navigation(7, 1)],
        [(0, 0, C, True, False)],
        id="pruned-24-renumbers",
    ),
    pytest.param(
        # 5: keep the first 2 entries of A,B,C; the selected index 2 now falls past the end -> B
        [*one_tab([A, B, C], current=2), snss.pruned_from_back(7, 2)],
        [(0, 0, B, True, False)],
        id="pruned-from-back-5",
    ),
    pytest.param(
        # 11: drop the first 2 entries of A,B,C: C is now entry 0 and still selected
        [*one_tab([A, B, C], current=2), snss.pruned_from_front(7, 2)],
        [(0, 0, C, True, False)],
        id="pruned-from-front-11",
    ),
    pytest.param(
        # 11 then 7: entries were renumbered, so index 0 is the old entry 1
        [
            *one_tab([A, B, C], current=2),
            snss.pruned_from_front(7, 1),
            snss.selected_navigation(7, 0),
        ],
        [(0, 0, B, True, False)],
        id="pruned-from-front-renumbers",
    ),
    pytest.param(
        # a tab moved to another window (0 again)
        [
            *snss.window(1),
            *snss.tab(1, 1, 0, [A]),
            *snss.tab(1, 2, 1, [B]),
            *snss.window(2),
            snss.set_tab_window(2, 2),
            snss.set_tab_index(2, 0),
        ],
        [(0, 0, A, True, False), (1, 0, B, True, False)],
        id="tab-moved-window",
    ),
    pytest.param(
        # a tab with no navigations and a tab with no window are not open tabs
        [
            *snss.window(1),
            *snss.tab(1, 1, 0, [A]),
            snss.set_tab_window(1, 2),
            snss.set_tab_index(2, 1),
            snss.navigation(3, 0, C),
        ],
        [(0, 0, A, True, False)],
        id="no-navigation-no-window",
    ),
    pytest.param(
        # a window only named by its tabs (no SetWindowType) still counts: never hide a tab
        [snss.set_tab_window(5, 1), snss.navigation(1, 0, A)],
        [(0, 0, A, True, False)],
        id="window-without-type",
    ),
    pytest.param(
        # the selected index names no tab: the first tab is active (UpdateSelectedTabIndex)
        [*snss.window(1, selected=5), *snss.tab(1, 1, 0, [A]), *snss.tab(1, 2, 1, [B])],
        [(0, 0, A, True, False), (0, 1, B, False, False)],
        id="selected-tab-missing",
    ),
    pytest.param(
        # deltas after the marker: a new tab appended and selected
        [
            *snss.window(1),
            *snss.tab(1, 1, 0, [A]),
            snss.marker(),
            *snss.tab(1, 2, 1, [B]),
            snss.selected_tab(1, 1),
        ],
        [(0, 0, A, False, False), (0, 1, B, True, False)],
        id="delta-new-tab",
    ),
    pytest.param(
        # unknown commands, window bounds, last-active time and garbage payloads are skipped
        [
            snss.record(6, b"\xff\xff"),
            snss.record(0, b"\x01"),
            snss.record(99, b"whatever"),
            snss.record(34, b"\0" * 52),
            *snss.window(1),
            *snss.tab(1, 1, 0, [A]),
            snss.last_active_time(1),
            snss.record(
                6, snss.pickle(snss.pickle_int(1), snss.pickle_int(1), struct.pack("<i", 10_000))
            ),
        ],
        [(0, 0, A, True, False)],
        id="garbage-records-skipped",
    ),
    pytest.param(
        # a close command of the wrong size is ignored rather than trusted: the tab stays
        [
            *snss.window(1),
            *snss.tab(1, 1, 0, [A]),
            snss.record(16, struct.pack("<i", 1)),
            snss.record(17, struct.pack("<i", 1)),
        ],
        [(0, 0, A, True, False)],
        id="short-close-ignored",
    ),
    pytest.param(
        # an UpdateTabNavigation with a broken title keeps its URL
        [
            *snss.window(1),
            snss.set_tab_window(1, 1),
            snss.record(
                6,
                snss.pickle(
                    snss.pickle_int(1),
                    snss.pickle_int(0),
                    snss.pickle_string(A),
                    struct.pack("<i", 999),
                ),
            ),
        ],
        [(0, 0, A, True, False)],
        id="broken-title-keeps-url",
    ),
]


@pytest.mark.parametrize(("records", "expected"), REPLAY_CASES)
def test_replay(records: list[bytes], expected: list[tuple[int, int, str, bool, bool]]) -> None:
    tabs = parse_snss(snss.session(records), browser="chrome", profile="Profile 1")
    assert summary(tabs) == expected
    assert all(t.browser == "chrome" and t.profile == "Profile 1" for t in tabs)


def test_version_1_reads_like_3() -> None:
    data = snss.simple_session([[A, B]], selected=[1], version=1)
    assert summary(parse_snss(data)) == [(0, 0, A, False, False), (0, 1, B, True, False)]


@pytest.mark.parametrize(
    ("cut", "expected"),
    [
        (0, [A, B]),  # whole file: both tabs
        (1, [A]),  # last byte of the appended navigation missing: that record ignored
        (40, [A]),  # most of it missing
        (len(snss.navigation(2, 0, B)) - 2, [A]),  # only its size field left
        (len(snss.navigation(2, 0, B)) - 1, [A]),  # half its size field left
        (len(snss.navigation(2, 0, B)) + 1, [A]),  # cut into the record before it too
    ],
)
def test_truncated_tail_is_ignored(cut: int, expected: list[str]) -> None:
    # The snapshot holds A; Chrome is appending tab 2 (B) when we read.
    records = [
        *snss.window(1),
        *snss.tab(1, 1, 0, [A]),
        snss.marker(),
        snss.set_tab_index(2, 1),
        snss.set_tab_window(1, 2),
    ]
    data = snss.session(records, snss.navigation(2, 0, B), cut=cut)
    assert [t.url for t in parse_snss(data)] == expected


def test_unicode_url_and_title() -> None:
    url = "https://例え.テスト/パス?q=ünï&x=%E2%9C%93"
    title = "Ünïcødé – 数学 👩‍🏫 lesson"  # astral characters: surrogate pairs in UTF-16
    data = snss.session(*snss.window(1), *snss.tab(1, 1, 0, [url], titles=[title]))
    (tab,) = parse_snss(data)
    assert tab.url == url
    assert tab.title == title


def test_odd_length_strings_are_padded() -> None:
    # URL lengths 1..8 cover every padding; each title too.
    records = [*snss.window(1)]
    for n in range(1, 9):
        records += snss.tab(1, n, n, ["h" * n], titles=["t" * n])
    tabs = parse_snss(snss.session(records))
    assert [(t.url, t.title) for t in tabs] == [("h" * n, "t" * n) for n in range(1, 9)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),  # empty file
        (b"SNS", "no SNSS header"),  # shorter than the magic
        (b"SNSS\x03\x00", "header is incomplete"),  # half a version
        (b"PK\x03\x04\x00\x00\x00\x00", "no SNSS header"),  # some other format
        (b"snss\x03\x00\x00\x00", "no SNSS header"),  # magic is case-sensitive
        (snss.header(3), "no complete record"),  # header only
        (snss.header(3) + b"\x10\x00\x06abc", "no complete record"),  # first record cut short
        (snss.header(3) + b"\x00\x00\x06", "no complete record"),  # a zero-size record
        (snss.header(6), "unknown format version (6)"),  # a future version
        (snss.header(0), "unknown format version (0)"),
        (snss.header(-1), "unknown format version (-1)"),
    ],
)
def test_bad_files_raise_session_file_error(data: bytes, message: str) -> None:
    with pytest.raises(SessionFileError, match=re.escape(message)) as info:
        parse_snss(data)
    assert type(info.value) is SessionFileError  # not "encrypted"
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "data",
    [
        # version 5: OSCrypt records (uint32 length + "v10" blob), as Chromium 156 writes them
        snss.header(5) + struct.pack("<I", 19) + b"v10" + bytes(16),
        snss.header(5),  # even with nothing after the header
        snss.header(4) + b"\x05\x00\x06abcd",  # the never-shipped encrypted formats
        snss.header(2),
        b"v10" + bytes(40),  # a raw OSCrypt blob
        b"v20" + bytes(40),  # Windows app-bound encryption
    ],
)
def test_encrypted_files_raise_encrypted_session(data: bytes) -> None:
    with pytest.raises(EncryptedSession) as info:
        parse_snss(data)
    assert str(info.value) == ENCRYPTED_REASON


def test_huge_session_3000_tabs() -> None:
    records: list[bytes] = []
    for w in range(10):
        records += snss.window(w + 1, selected=299)
        for t in range(300):
            tab_id = w * 1000 + t + 1
            urls = [f"https://site{w}.example/{t}/{n}?" + "q" * 200 for n in range(5)]
            records += snss.tab(w + 1, tab_id, t, urls, current=2)
    data = snss.session(records)
    assert len(data) > 5_000_000
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        tabs = parse_snss(data)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    assert len(tabs) == 3000
    assert tabs[0].url == "https://site0.example/0/2?" + "q" * 200
    assert tabs[-1].url == "https://site9.example/299/2?" + "q" * 200
    assert (tabs[-1].window_index, tabs[-1].tab_index, tabs[-1].active) == (9, 299, True)
    assert sum(t.active for t in tabs) == 10
    # ~50 ms for these ~8 MB of small records on a 2-CPU VM; the bound leaves room for a loaded CI.
    assert best < 0.5, f"parsing {len(data)} bytes took {best:.3f} s"


# --- never anything but SessionFileError, whatever the bytes ---------------------------------

VALID = snss.session(
    *snss.window(1, selected=1),
    *snss.tab(1, 1, 0, [A, B], current=0, titles=["a", "b"], is_pinned=True),
    *snss.tab(1, 2, 1, [C]),
    *snss.window(2),
    *snss.tab(2, 3, 0, [D]),
    snss.marker(),
    snss.pruned(1, 1, 1),
    snss.pruned_from_front(2, 1),
    snss.pruned_from_back(3, 0),
    snss.tab_closed(2),
    snss.window_closed(2),
    snss.active_window(1),
)


def _parse_or_session_error(data: bytes) -> tuple[Tab, ...] | None:
    try:
        tabs = parse_snss(data)
    except SessionFileError:
        return None
    assert isinstance(tabs, tuple)
    assert all(isinstance(t, Tab) and isinstance(t.url, str) for t in tabs)
    return tabs


def test_valid_fixture_parses() -> None:
    assert summary(parse_snss(VALID)) == [(0, 0, A, True, True)]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_never_crash(data: bytes) -> None:
    _parse_or_session_error(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_random_records_after_header_never_crash(data: bytes) -> None:
    _parse_or_session_error(snss.header(3) + data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=12),
    st.integers(0, len(VALID)),
)
def test_mutated_valid_file_never_crashes(edits: list[tuple[int, int]], keep: int) -> None:
    data = bytearray(VALID)
    for pos, value in edits:
        data[pos] = value
    _parse_or_session_error(bytes(data[:keep]))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.binary(max_size=64)),  # (command id, payload)
        max_size=30,
    )
)
def test_wellformed_records_with_random_payloads_never_crash(
    records: list[tuple[int, bytes]],
) -> None:
    # Every record is framed correctly, so each payload reaches its command's decoder.
    tabs = _parse_or_session_error(snss.session([snss.record(c, p) for c, p in records]))
    if records:
        assert tabs is not None


def test_every_truncation_of_a_valid_file() -> None:
    for keep in range(len(VALID) + 1):
        _parse_or_session_error(VALID[:keep])


# --- finding profiles on disk ---------------------------------------------------------------

# Chromium's base::Time: µs since 1601. Two file stamps an hour apart.
OLD = 13_439_900_000_000_000
NEW = OLD + 3_600_000_000


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def session_file(profile: Path, stamp: int, urls: list[str], *, folder: str = "Sessions") -> Path:
    return write(profile / folder / f"Session_{stamp}", snss.simple_session([urls]))


def by_key(results: list[BrowserTabs]) -> dict[tuple[str, str], BrowserTabs]:
    keys = [(r.browser, r.profile) for r in results]
    assert len(keys) == len(set(keys)), keys
    return dict(zip(keys, results, strict=True))


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.fixture
def fake_home(tmp_path: Path) -> Path:
    """Chrome (two profiles and one Local State lists), Chromium (encrypted), Edge (broken)."""
    home = tmp_path / "home"
    chrome = home / ".config" / "google-chrome"
    # Default: an old and a new Session_ file (and Tabs_, recently closed, which is not open tabs)
    session_file(chrome / "Default", OLD, ["https://old.example/"])
    session_file(chrome / "Default", NEW, [A, B])
    write(chrome / "Default" / "Sessions" / f"Tabs_{NEW + 5}", snss.simple_session([[E]]))
    # The write-both twin in Sessions_Encrypted, microseconds later: the cleartext one is live.
    write(
        chrome / "Default" / "Sessions_Encrypted" / f"Session_{NEW + 282}", snss.header(5) + b"v10"
    )
    session_file(chrome / "Profile 3", NEW, [C])
    session_file(chrome / "Work Profile", NEW, [D])  # only found through Local State
    (chrome / "Profile 9").mkdir()  # never saved a session: skipped
    write(
        chrome / "Local State",
        b'{"profile": {"info_cache": {"Default": {}, "Profile 3": {}, "Work Profile": {},'
        b' "../../etc": {}, "Gone": {}}}}',
    )
    chromium = home / ".config" / "chromium"
    session_file(chromium / "Default", OLD, [A])
    write(chromium / "Default" / "Sessions_Encrypted" / f"Session_{NEW}", snss.header(5) + b"v10")
    edge = home / ".config" / "microsoft-edge"
    write(edge / "Default" / "Sessions" / f"Session_{NEW}", b"garbage, not SNSS")
    return home


def test_reads_every_browser_and_profile(fake_home: Path) -> None:
    results = read_chromium_tabs(fake_home, platform="linux", env={})
    assert [(r.browser, r.profile, r.status) for r in results] == [
        ("chrome", "Default", "ok"),
        ("chrome", "Profile 3", "ok"),
        ("chrome", "Work Profile", "ok"),
        ("chromium", "Default", "cannot_inspect"),
        ("edge", "Default", "error"),
    ]
    found = by_key(results)
    default = found["chrome", "Default"]
    assert [t.url for t in default.tabs] == [A, B]  # the newest Session_, not the old one
    assert default.source is not None and default.source.name == f"Session_{NEW}"
    assert all(t.browser == "chrome" and t.profile == "Default" for t in default.tabs)
    assert [t.url for t in found["chrome", "Profile 3"].tabs] == [C]
    assert [t.url for t in found["chrome", "Work Profile"].tabs] == [D]
    encrypted = found["chromium", "Default"]
    assert encrypted.tabs == ()
    assert "Chromium encrypts" in encrypted.reason and "cannot be inspected" in encrypted.reason
    broken = found["edge", "Default"]
    assert (
        broken.reason
        == "Edge's session file could not be read: the file is not a Chromium session file (no SNSS header)"
    )
    assert broken.tabs == ()
    # No SingletonLock anywhere: nothing is running.
    assert {r.in_use for r in results} == {False}


def test_newest_by_name_not_by_mtime(tmp_path: Path) -> None:
    profile = tmp_path / ".config" / "google-chrome" / "Default"
    newer = session_file(profile, NEW, [B])
    older = session_file(profile, OLD, [A])
    os.utime(newer, (1_000_000, 1_000_000))  # the newer name has the older mtime
    os.utime(older, (2_000_000_000, 2_000_000_000))
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert [t.url for t in result.tabs] == [B]


def test_unnumbered_session_file_falls_back_to_mtime(tmp_path: Path) -> None:
    profile = tmp_path / ".config" / "chromium" / "Default"
    session_file(profile, OLD, [A])
    odd = write(profile / "Sessions" / "Session_copy", snss.simple_session([[B]]))
    later = time.time() + 365 * 86400  # a year from now: after OLD, whatever today is
    os.utime(odd, (later, later))
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert [t.url for t in result.tabs] == [B]


@pytest.mark.parametrize(
    ("encrypted_stamp", "status"),
    [
        (NEW + 282, "ok"),  # written side by side with the cleartext file (write-both stage)
        (NEW - 3_600_000_000, "ok"),  # an older encrypted file: the cleartext one is live
        (NEW + 3_600_000_000, "cannot_inspect"),  # an hour newer: the browser now writes only it
    ],
)
def test_encrypted_newer_than_cleartext(tmp_path: Path, encrypted_stamp: int, status: str) -> None:
    profile = tmp_path / ".config" / "chromium" / "Default"
    clear = session_file(profile, NEW, [A])
    encrypted = write(profile / "Sessions_Encrypted" / f"Session_{encrypted_stamp}", snss.header(5))
    os.utime(encrypted, (clear.stat().st_mtime,) * 2)
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert result.status == status
    assert [t.url for t in result.tabs] == ([A] if status == "ok" else [])


def test_cleartext_stopped_updating_is_cannot_inspect(tmp_path: Path) -> None:
    # Same reset, but only the encrypted file kept being appended to (for over a minute).
    profile = tmp_path / ".config" / "chromium" / "Default"
    clear = session_file(profile, NEW, [A])
    encrypted = write(profile / "Sessions_Encrypted" / f"Session_{NEW}", snss.header(5))
    os.utime(clear, (1_700_000_000, 1_700_000_000))
    os.utime(encrypted, (1_700_000_600, 1_700_000_600))
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert result.status == "cannot_inspect"


def test_encrypted_format_inside_sessions_folder(tmp_path: Path) -> None:
    write(
        tmp_path / ".config" / "chromium" / "Default" / "Sessions" / f"Session_{NEW}",
        snss.header(5),
    )
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert result.status == "cannot_inspect"
    assert (
        result.reason
        == "Chromium encrypts this profile's open tabs on disk, so they cannot be inspected"
    )


def test_broken_file_is_error_for_that_browser_only(tmp_path: Path) -> None:
    session_file(tmp_path / ".config" / "google-chrome" / "Default", NEW, [A])
    write(
        tmp_path / ".config" / "chromium" / "Default" / "Sessions" / f"Session_{NEW}",
        snss.header(3),
    )
    session_file(tmp_path / ".config" / "BraveSoftware" / "Brave-Browser" / "Default", NEW, [B])
    found = by_key(read_chromium_tabs(tmp_path, platform="linux", env={}))
    assert [t.url for t in found["chrome", "Default"].tabs] == [A]
    assert [t.url for t in found["brave", "Default"].tabs] == [B]
    broken = found["chromium", "Default"]
    assert broken.status == "error"
    assert (
        broken.reason
        == "Chromium's session file could not be read: the session file holds no complete record (empty or cut short)"
    )


def test_legacy_current_session(tmp_path: Path) -> None:
    write(
        tmp_path / ".config" / "chromium" / "Default" / "Current Session",
        snss.simple_session([[A, C]]),
    )
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert [t.url for t in result.tabs] == [A, C]
    assert result.source is not None and result.source.name == "Current Session"


def test_broken_local_state_is_tolerated(tmp_path: Path) -> None:
    user_data = tmp_path / ".config" / "chromium"
    session_file(user_data / "Default", NEW, [A])
    write(user_data / "Local State", b'{"profile": {"info_cache": [1, 2')
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert [t.url for t in result.tabs] == [A]


@pytest.mark.parametrize(
    "local_state",
    [
        b"",
        b"null",
        b'{"profile": 3}',
        b'{"profile": {"info_cache": "x"}}',
        b"\xff\xfe\x00",
        b"[" * 100_000,
    ],
)
def test_odd_local_state_shapes(tmp_path: Path, local_state: bytes) -> None:
    user_data = tmp_path / ".config" / "chromium"
    session_file(user_data / "Profile 1", NEW, [A])
    write(user_data / "Local State", local_state)
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert (result.profile, [t.url for t in result.tabs]) == ("Profile 1", [A])


@pytest.mark.parametrize(
    ("relative", "browser"),
    [
        ("xdg/google-chrome-beta", "chrome"),  # $XDG_CONFIG_HOME
        ("xdg/BraveSoftware/Brave-Browser", "brave"),
        ("snap/chromium/common/chromium", "chromium"),  # snap
        (".var/app/com.google.Chrome/config/google-chrome", "chrome"),  # flatpak
        (".var/app/org.chromium.Chromium/config/chromium", "chromium"),
        (".var/app/com.microsoft.Edge/config/microsoft-edge", "edge"),
        (".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser", "brave"),
    ],
)
def test_linux_install_locations(tmp_path: Path, relative: str, browser: str) -> None:
    session_file(tmp_path / relative / "Default", NEW, [A])
    (result,) = read_chromium_tabs(
        tmp_path, platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    )
    assert (result.browser, [t.url for t in result.tabs]) == (browser, [A])


def test_xdg_config_home_equal_to_default_is_read_once(tmp_path: Path) -> None:
    session_file(tmp_path / ".config" / "chromium" / "Default", NEW, [A])
    results = read_chromium_tabs(
        tmp_path, platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path / ".config")}
    )
    assert len(results) == 1


@pytest.mark.parametrize(
    ("relative", "browser"),
    [
        ("Google/Chrome/User Data", "chrome"),
        ("Microsoft/Edge/User Data", "edge"),
        ("BraveSoftware/Brave-Browser/User Data", "brave"),
        ("Chromium/User Data", "chromium"),
    ],
)
def test_windows_locations(tmp_path: Path, relative: str, browser: str) -> None:
    local = tmp_path / "Local"
    session_file(local / relative / "Default", NEW, [A])
    (result,) = read_chromium_tabs(tmp_path, platform="win32", env={"LOCALAPPDATA": str(local)})
    assert (result.browser, [t.url for t in result.tabs], result.in_use) == (browser, [A], None)


def test_windows_without_localappdata(tmp_path: Path) -> None:
    session_file(
        tmp_path / "AppData" / "Local" / "Microsoft" / "Edge" / "User Data" / "Default", NEW, [A]
    )
    (result,) = read_chromium_tabs(tmp_path, platform="win32", env={})
    assert result.browser == "edge"


@pytest.mark.parametrize(
    ("relative", "browser"),
    [
        ("Google/Chrome", "chrome"),
        ("Chromium", "chromium"),
        ("Microsoft Edge", "edge"),
        ("BraveSoftware/Brave-Browser", "brave"),
    ],
)
def test_macos_locations(tmp_path: Path, relative: str, browser: str) -> None:
    session_file(tmp_path / "Library" / "Application Support" / relative / "Default", NEW, [A])
    (result,) = read_chromium_tabs(tmp_path, platform="darwin", env={})
    assert (result.browser, [t.url for t in result.tabs]) == (browser, [A])


def test_nothing_installed(tmp_path: Path) -> None:
    assert read_chromium_tabs(tmp_path, platform="linux", env={}) == []
    assert read_chromium_tabs(tmp_path, platform="win32", env={}) == []
    assert read_chromium_tabs(tmp_path, platform="darwin", env={}) == []


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("{host}-{me}", True),  # this test's own process: running
        ("{host}-{dead}", False),  # a crashed browser's stale lock
        ("some-other-host-{me}", None),  # a profile on a shared home, locked elsewhere
        ("{host}-notapid", None),  # unreadable
        ("nohyphen", None),
        (None, False),  # no lock at all
    ],
)
def test_singleton_lock(tmp_path: Path, target: str | None, expected: bool | None) -> None:
    user_data = tmp_path / ".config" / "chromium"
    session_file(user_data / "Default", NEW, [A])
    if target is not None:
        lock = target.format(host=socket.gethostname(), me=os.getpid(), dead=dead_pid())
        (user_data / "SingletonLock").symlink_to(lock)
    assert user_data_in_use(user_data, platform="linux") is expected
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert result.in_use is expected


def test_singleton_lock_ignored_on_windows(tmp_path: Path) -> None:
    (tmp_path / "SingletonLock").symlink_to(f"{socket.gethostname()}-{os.getpid()}")
    assert user_data_in_use(tmp_path, platform="win32") is None


def test_unreadable_session_file_is_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session_file(tmp_path / ".config" / "chromium" / "Default", NEW, [A])

    def denied(path: Path, max_bytes: int) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(chromium_sessions, "read_capped", denied)
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert (result.status, result.reason) == (
        "error",
        "Chromium's session file could not be read: Permission denied",
    )


def test_session_file_replaced_while_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chrome rotates its file between our listing and our read: look again, read the new one.
    profile = tmp_path / ".config" / "chromium" / "Default"
    first = session_file(profile, OLD, [A])
    real = chromium_sessions.read_capped

    def rotate_once(path: Path, max_bytes: int) -> bytes:
        if path == first and first.exists():
            first.unlink()
            session_file(profile, NEW, [B])
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real(path, max_bytes)

    monkeypatch.setattr(chromium_sessions, "read_capped", rotate_once)
    (result,) = read_chromium_tabs(tmp_path, platform="linux", env={})
    assert [t.url for t in result.tabs] == [B]


def test_title_longer_than_its_pickle_is_dropped_not_cut() -> None:
    # The title claims 999 UTF-16 units but only four follow: no half title, the URL still stands.
    body = snss.pickle(
        snss.pickle_int(1),
        snss.pickle_int(0),
        snss.pickle_string(A),
        struct.pack("<i", 999),
        "abcd".encode("utf-16-le"),
    )
    data = snss.session(*snss.window(1), snss.set_tab_window(1, 1), snss.record(6, body))
    (tab,) = parse_snss(data)
    assert (tab.url, tab.title) == (A, "")
