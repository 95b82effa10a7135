"""Firefox session files: mozLz4 decoding, which tabs count as open, and finding every profile.

Session files are built here the way Firefox writes them (`mozLz40\\0` + uint32 LE size + one LZ4
block); `test_firefox_live.py` checks the same reader against a real Firefox.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import lz4.block
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preflight.desktop.base import BrowserTabs, EncryptedSession, SessionFileError, Tab
from preflight.desktop.firefox_sessions import (
    ENCRYPTED_REASON,
    decode_mozlz4,
    firefox_roots,
    parse_session,
    profile_in_use,
    read_firefox_tabs,
)

# --- building session files -----------------------------------------------------------------


def mozlz4(payload: Any) -> bytes:
    """A mozLz4 file holding `payload` (JSON-encoded unless already bytes)."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return b"mozLz40\0" + bytes(lz4.block.compress(raw))  # store_size=True adds the uint32 LE size


def entry(url: str, title: str | None = None) -> dict[str, Any]:
    return {"url": url, **({"title": title} if title is not None else {})}


def tab(*urls: str, index: int | None = None, **extra: Any) -> dict[str, Any]:
    """A tab whose history is `urls`; index is 1-based and defaults to the last entry."""
    data: dict[str, Any] = {"entries": [entry(u, f"T {u}") for u in urls], **extra}
    data["index"] = len(urls) if index is None else index
    return data


def window(*tabs: dict[str, Any], selected: int = 1, **extra: Any) -> dict[str, Any]:
    return {"tabs": list(tabs), "selected": selected, **extra}


def session(*windows: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "version": ["sessionrestore", 1],
        "windows": list(windows),
        "selectedWindow": 1,
        "_closedWindows": [],
        "session": {"lastUpdate": 1_700_000_000_000},
        **extra,
    }


def open_tabs(data: bytes) -> list[tuple[str, str, int, int, bool, bool]]:
    """(url, title, window_index, tab_index, active, pinned) of each tab parse_session returns."""
    tabs = parse_session(data, profile="p")
    assert all(t.browser == "firefox" and t.profile == "p" for t in tabs)
    return [(t.url, t.title, t.window_index, t.tab_index, t.active, t.pinned) for t in tabs]


A, B, C = "https://a.example/", "https://b.example/x?y=1", "https://c.example/#z"
MEET = "https://meet.google.com/abc-defg-hij"

# --- which tabs are open --------------------------------------------------------------------

PARSE_CASES = [
    pytest.param(
        # two windows, 2 and 1 tabs; window 1 shows its 2nd tab (selected is 1-based)
        session(window(tab(A), tab(B), selected=2), window(tab(C))),
        [
            (A, f"T {A}", 0, 0, False, False),
            (B, f"T {B}", 0, 1, True, False),
            (C, f"T {C}", 1, 0, True, False),
        ],
        id="windows-and-tabs",
    ),
    pytest.param(
        # back/forward history: index 2 of 3 is the page shown, not the newest entry
        session(window(tab(A, B, C, index=2))),
        [(B, f"T {B}", 0, 0, True, False)],
        id="history-index-mid",
    ),
    pytest.param(
        # index 1 is the first entry (1-based, not 0-based)
        session(window(tab(A, B, C, index=1))),
        [(A, f"T {A}", 0, 0, True, False)],
        id="history-index-first",
    ),
    pytest.param(
        # index past the end is clamped to the last entry, 0 and negatives to the first
        session(window(tab(A, B, index=9), tab(A, B, index=0), tab(A, B, index=-3))),
        [
            (B, f"T {B}", 0, 0, True, False),
            (A, f"T {A}", 0, 1, False, False),
            (A, f"T {A}", 0, 2, False, False),
        ],
        id="history-index-clamped",
    ),
    pytest.param(
        # index missing, a string, a bool or a fraction: the last entry, as SessionStore does
        session(
            window(
                *[
                    {"entries": [entry(A), entry(B)], **x}
                    for x in ({}, {"index": "1"}, {"index": True}, {"index": 1.5})
                ]
            )
        ),
        [(B, "", 0, i, i == 0, False) for i in range(4)],
        id="history-index-not-a-number",
    ),
    pytest.param(
        # index as an integral float still counts
        session(window(tab(A, B, C, index=2.0))),  # type: ignore[arg-type]
        [(B, f"T {B}", 0, 0, True, False)],
        id="history-index-float",
    ),
    pytest.param(
        # closed windows and closed tabs are history, never open tabs
        session(
            window(tab(A), _closedTabs=[{"state": tab(B), "closedAt": 1}]),
            _closedWindows=[window(tab(C)), window(tab(MEET))],
        ),
        [(A, f"T {A}", 0, 0, True, False)],
        id="closed-ignored",
    ),
    pytest.param(
        # a session whose only window was closed: nothing open
        session(_closedWindows=[window(tab(MEET))]),
        [],
        id="only-closed-windows",
    ),
    pytest.param(
        # no title in the entry (Firefox omits it for some pages): ""
        session(window({"entries": [entry(A)], "index": 1})),
        [(A, "", 0, 0, True, False)],
        id="missing-title",
    ),
    pytest.param(
        # a pinned tab, then an ordinary one
        session(window(tab(MEET, pinned=True), tab(A, pinned=False))),
        [(MEET, f"T {MEET}", 0, 0, True, True), (A, f"T {A}", 0, 1, False, False)],
        id="pinned",
    ),
    pytest.param(
        # hidden tabs (tab groups, extensions) are still open
        session(window(tab(A), tab(MEET, hidden=True))),
        [(A, f"T {A}", 0, 0, True, False), (MEET, f"T {MEET}", 0, 1, False, False)],
        id="hidden-counts",
    ),
    pytest.param(
        # Unicode in URL and title survives
        session(
            window(
                {
                    "entries": [entry("https://bücher.example/ß?q=日本語", "Zoë — 日本語 🎓")],
                    "index": 1,
                }
            )
        ),
        [("https://bücher.example/ß?q=日本語", "Zoë — 日本語 🎓", 0, 0, True, False)],
        id="unicode",
    ),
    pytest.param(
        # a tab without entries is skipped; the others keep their real positions
        session(window(tab(A), {"entries": [], "index": 0}, {"index": 1}, tab(B), selected=4)),
        [(A, f"T {A}", 0, 0, False, False), (B, f"T {B}", 0, 3, True, False)],
        id="no-entries-skipped",
    ),
    pytest.param(
        # selected past the end is clamped to the last tab; missing means the first
        session(window(tab(A), tab(B), selected=7), {"tabs": [tab(C), tab(A)]}),
        [
            (A, f"T {A}", 0, 0, False, False),
            (B, f"T {B}", 0, 1, True, False),
            (C, f"T {C}", 1, 0, True, False),
            (A, f"T {A}", 1, 1, False, False),
        ],
        id="selected-clamped-or-missing",
    ),
    pytest.param(
        # about: and extension pages are returned too: the checks decide what matters
        session(window(tab("about:newtab"), tab("moz-extension://x/p.html"), tab("file:///t.pdf"))),
        [
            ("about:newtab", "T about:newtab", 0, 0, True, False),
            ("moz-extension://x/p.html", "T moz-extension://x/p.html", 0, 1, False, False),
            ("file:///t.pdf", "T file:///t.pdf", 0, 2, False, False),
        ],
        id="nothing-skipped-by-url",
    ),
    pytest.param(
        # wrong types inside windows are treated as absent: a non-dict window, tabs not a list,
        # a non-dict tab, entries not a list, a non-dict entry (url ""), url/title not strings
        session(
            "not a window",  # type: ignore[arg-type]
            {"tabs": "nope"},
            window(
                "not a tab",  # type: ignore[arg-type]
                {"entries": "nope"},
                {"entries": ["not an entry"], "index": 1},
                {"entries": [{"url": 42, "title": ["x"]}], "index": 1, "pinned": "yes"},
                tab(A),
                selected="2",  # type: ignore[arg-type]
            ),
        ),
        [
            ("", "", 2, 2, False, False),
            ("", "", 2, 3, False, False),
            (A, f"T {A}", 2, 4, False, False),
        ],
        id="wrong-types-tolerated",
    ),
    pytest.param(
        # an empty session (Firefox with no windows yet)
        session(),
        [],
        id="no-windows",
    ),
    pytest.param(
        # extra keys Firefox adds over versions are ignored
        session(
            window(tab(A, userContextId=2, lastAccessed=1, groupId="g1"), groups=[{}]),
            savedGroups=[],
            **{"global": {}},
        ),
        [(A, f"T {A}", 0, 0, True, False)],
        id="extra-keys",
    ),
]


@pytest.mark.parametrize(("data", "expected"), PARSE_CASES)
def test_parse_session_open_tabs(data: dict[str, Any], expected: list[tuple[Any, ...]]) -> None:
    assert open_tabs(mozlz4(data)) == expected


def test_parse_session_returns_tabs_with_the_profile_name() -> None:
    tabs = parse_session(mozlz4(session(window(tab(A)))), profile="abcd.default-release")
    assert tabs == (Tab("firefox", "abcd.default-release", A, f"T {A}", 0, 0, True, False),)


def test_a_huge_session_is_read_quickly() -> None:
    # 2000 tabs over 4 windows, each with a 3-page history
    windows = [
        window(
            *[
                tab(f"https://site{w}-{i}.example/a", f"https://site{w}-{i}.example/b", index=1)
                for i in range(500)
            ],
            selected=500,
        )
        for w in range(4)
    ]
    data = mozlz4(session(*windows))
    start = time.perf_counter()
    tabs = parse_session(data, profile="p")
    elapsed = time.perf_counter() - start
    assert len(tabs) == 2000
    assert tabs[-1].url == "https://site3-499.example/a" and tabs[-1].active
    assert sum(t.active for t in tabs) == 4
    assert elapsed < 2.0


# --- mozLz4 ---------------------------------------------------------------------------------


def test_decode_mozlz4_round_trip() -> None:
    raw = json.dumps(session(window(tab(A)))).encode()
    assert decode_mozlz4(mozlz4(raw)) == raw
    assert decode_mozlz4(bytearray(mozlz4(raw))) == raw  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        b"mozEnc0\0",  # the header alone
        b"mozEnc0\0" + os.urandom(300),  # header + ciphertext
        b"mozEnc0\0" + mozlz4(session())[8:],  # whatever follows, the header decides
    ],
)
def test_encrypted_session_cannot_be_inspected(data: bytes) -> None:
    with pytest.raises(EncryptedSession) as caught:
        parse_session(data, profile="p")
    assert str(caught.value) == ENCRYPTED_REASON
    assert isinstance(caught.value, SessionFileError)  # callers may catch either


VALID = mozlz4(session(window(tab(A, B), tab(MEET)), window(tab(C))))
SIZE_AT = struct.calcsize("<8s")

BROKEN_CASES = [
    pytest.param(b"", "empty", id="empty"),
    pytest.param(
        b"PK\x03\x04" + b"\0" * 40, "not in Firefox's mozLz4 format", id="wrong-magic-zip"
    ),
    # the pre-2016 uncompressed sessionstore.js
    pytest.param(json.dumps(session()).encode(), "not in Firefox's mozLz4 format", id="plain-json"),
    pytest.param(b"mozLz40", "not in Firefox's mozLz4 format", id="magic-truncated"),
    pytest.param(b"mozLz40\0\x10\0", "header is incomplete", id="size-truncated"),
    pytest.param(b"mozLz40\0" + struct.pack("<I", 100), "less data", id="no-block"),
    pytest.param(VALID[: len(VALID) // 2], "corrupt", id="block-truncated-half"),
    pytest.param(VALID[:-1], "corrupt", id="block-truncated-one-byte"),
    pytest.param(VALID[:12] + bytes(b ^ 0x5A for b in VALID[12:]), "corrupt", id="corrupt-lz4"),
    pytest.param(
        VALID[:8] + struct.pack("<I", 600 * 1024 * 1024) + VALID[12:],
        "absurd size",
        id="size-600mb",
    ),
    pytest.param(
        VALID[:8] + struct.pack("<I", 0xFFFFFFFF) + VALID[12:], "absurd size", id="size-4gb"
    ),
    pytest.param(
        VALID[:8] + struct.pack("<I", struct.unpack_from("<I", VALID, SIZE_AT)[0] + 5) + VALID[12:],
        "does not match",
        id="size-too-big",
    ),
    pytest.param(
        VALID[:8] + struct.pack("<I", struct.unpack_from("<I", VALID, SIZE_AT)[0] - 5) + VALID[12:],
        "corrupt",
        id="size-too-small",
    ),
    pytest.param(VALID + b"trailing", "corrupt", id="trailing-garbage"),
    pytest.param(mozlz4(b""), "not valid JSON", id="zero-size"),
    pytest.param(mozlz4(b'{"windows": [}'), "not valid JSON", id="invalid-json"),
    pytest.param(mozlz4(b'{"windows": [{"tabs": "\xff"}]}'), "not valid JSON", id="not-utf8"),
    pytest.param(mozlz4(b"[" * 200_000 + b"]" * 200_000), "not valid JSON", id="nested-too-deep"),
    pytest.param(mozlz4([session()]), "not an object", id="json-list"),
    pytest.param(mozlz4("windows"), "not an object", id="json-string"),
    pytest.param(mozlz4(None), "not an object", id="json-null"),
    pytest.param(
        mozlz4({"version": ["sessionrestore", 1]}), "no list of windows", id="no-windows-key"
    ),
    pytest.param(
        mozlz4({"windows": {"0": window(tab(A))}}), "no list of windows", id="windows-not-a-list"
    ),
]


@pytest.mark.parametrize(("data", "message"), BROKEN_CASES)
def test_broken_files_are_session_file_errors(data: bytes, message: str) -> None:
    with pytest.raises(SessionFileError) as caught:
        parse_session(data, profile="p")
    assert type(caught.value) is SessionFileError  # not EncryptedSession
    text = str(caught.value)
    assert message in text
    assert "\n" not in text and 0 < len(text) <= 200


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_never_raise_anything_else(data: bytes) -> None:
    with contextlib.suppress(SessionFileError):
        parse_session(data, profile="p")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512), st.integers(min_value=0, max_value=2**32 - 1))
def test_random_blocks_after_the_magic_never_raise_anything_else(block: bytes, size: int) -> None:
    with contextlib.suppress(SessionFileError):
        parse_session(b"mozLz40\0" + struct.pack("<I", size) + block, profile="p")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=8
    ),
    st.one_of(st.none(), st.integers(min_value=0)),
)
def test_mutated_or_truncated_files_never_raise_anything_else(
    flips: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(VALID)
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    try:
        tabs = parse_session(bytes(data), profile="p")
    except SessionFileError:
        return
    assert all(isinstance(t, Tab) and isinstance(t.url, str) for t in tabs)


# --- finding profiles and reading them ------------------------------------------------------

RECOVERY = Path("sessionstore-backups", "recovery.jsonlz4")
CLEAN = Path("sessionstore.jsonlz4")


def write_session(profile_dir: Path, data: bytes | dict[str, Any], file: Path = RECOVERY) -> Path:
    path = profile_dir / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else mozlz4(data))
    return path


def write_ini(root: Path, *profiles: tuple[str, bool], extra: str = "") -> None:
    """profiles.ini listing (Path=, IsRelative) pairs, like Firefox writes it."""
    root.mkdir(parents=True, exist_ok=True)
    sections = [
        f"[Profile{i}]\nName=p{i}\nIsRelative={int(rel)}\nPath={path}\n"
        + ("Default=1\n" if i == 0 else "")
        for i, (path, rel) in enumerate(profiles)
    ]
    root.joinpath("profiles.ini").write_text(
        "\n".join([*sections, "[General]\nStartWithLastProfile=1\nVersion=2\n", extra])
    )


def by_profile(results: list[BrowserTabs]) -> dict[str, BrowserTabs]:
    return {r.profile: r for r in results}


def urls(result: BrowserTabs) -> list[str]:
    return [t.url for t in result.tabs]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def test_every_profile_is_read_relative_and_absolute(home: Path, tmp_path: Path) -> None:
    root = home / ".mozilla" / "firefox"
    elsewhere = tmp_path / "disk2" / "work.profile"
    write_ini(
        root,
        ("abcd.default-release", True),
        (str(elsewhere), False),
        ("never-run.default", True),
        extra="[Install4F96D1932A9F858E]\nDefault=abcd.default-release\nLocked=1\n",
    )
    first = write_session(
        root / "abcd.default-release", session(window(tab(A), tab(MEET, pinned=True), selected=2))
    )
    second = write_session(elsewhere, session(window(tab(B)), window(tab(C))))
    (root / "never-run.default").mkdir()  # no session file: not listed

    results = read_firefox_tabs(home, platform="linux", env={})

    # the [Install…] section names the first profile again: still one result
    assert [r.profile for r in results] == ["abcd.default-release", "work.profile"]
    mine, work = results
    assert mine == BrowserTabs(
        browser="firefox",
        profile="abcd.default-release",
        status="ok",
        tabs=(
            Tab("firefox", "abcd.default-release", A, f"T {A}", 0, 0, False, False),
            Tab("firefox", "abcd.default-release", MEET, f"T {MEET}", 0, 1, True, True),
        ),
        in_use=False,
        source=first,
    )
    assert urls(work) == [B, C] and work.source == second and work.status == "ok"


def test_clean_shutdown_file_is_read_when_there_is_no_recovery_file(home: Path) -> None:
    root = home / ".mozilla" / "firefox"
    write_ini(root, ("x.default", True))
    path = write_session(root / "x.default", session(window(tab(MEET))), CLEAN)
    [result] = read_firefox_tabs(home, platform="linux", env={})
    assert result.status == "ok" and urls(result) == [MEET] and result.source == path
    assert result.in_use is False  # Firefox is closed; it will restore these tabs when it starts


@pytest.mark.parametrize(
    ("recovery_age", "clean_age", "expected"),
    [
        (100, 10, "clean"),  # clean shutdown after the last interval write: the clean file is newer
        (10, 100, "recovery"),  # running (or crashed) since: recovery is the live state
        (50, 50, "recovery"),  # same time: recovery
    ],
)
def test_the_newer_of_recovery_and_clean_shutdown_file_wins(
    home: Path, recovery_age: int, clean_age: int, expected: str
) -> None:
    root = home / ".mozilla" / "firefox"
    write_ini(root, ("x.default", True))
    files = {
        "recovery": write_session(root / "x.default", session(window(tab(A))), RECOVERY),
        "clean": write_session(root / "x.default", session(window(tab(B))), CLEAN),
    }
    now = time.time()
    os.utime(files["recovery"], (now - recovery_age, now - recovery_age))
    os.utime(files["clean"], (now - clean_age, now - clean_age))
    [result] = read_firefox_tabs(home, platform="linux", env={})
    assert result.source == files[expected]
    assert urls(result) == [A if expected == "recovery" else B]


def test_a_broken_session_file_is_an_error_for_that_profile_only(home: Path) -> None:
    root = home / ".mozilla" / "firefox"
    write_ini(root, ("good.default", True), ("bad.default", True), ("locked.default", True))
    write_session(root / "good.default", session(window(tab(A))))
    write_session(root / "bad.default", VALID[:40])
    write_session(root / "locked.default", b"mozEnc0\0" + os.urandom(64))

    results = by_profile(read_firefox_tabs(home, platform="linux", env={}))

    assert results["good.default"].status == "ok" and urls(results["good.default"]) == [A]
    bad = results["bad.default"]
    assert bad.status == "error" and bad.tabs == ()
    assert bad.reason.startswith(
        "Firefox's session file for profile bad.default could not be read: "
    )
    assert "\n" not in bad.reason
    locked = results["locked.default"]
    assert locked.status == "cannot_inspect" and locked.tabs == ()
    assert locked.reason.startswith(ENCRYPTED_REASON)


def test_an_unreadable_session_file_is_an_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = home / ".mozilla" / "firefox"
    write_ini(root, ("x.default", True))
    session_file = write_session(root / "x.default", session(window(tab(A))))
    real_open = Path.open

    def deny(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == session_file:  # chmod 0 would not stop root, so refuse it here
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    [result] = read_firefox_tabs(home, platform="linux", env={})
    assert result.status == "error"
    assert (
        result.reason
        == "Firefox's session file for profile x.default could not be read: Permission denied"
    )


@pytest.mark.parametrize(
    "ini",
    [
        "Path=x.default\n[Profile0]\n",  # a line before any section
        "[Profile0]\nPath=x.default\nthis is not a key value line\n",  # a stray line
        "[Profile0\nPath=x.default\n",  # unterminated section header
        "\0\0\0\xff binary junk",  # not text at all
    ],
)
def test_a_broken_profiles_ini_is_one_error_and_other_roots_still_read(
    home: Path, ini: str
) -> None:
    snap = home / "snap" / "firefox" / "common" / ".mozilla" / "firefox"
    snap.mkdir(parents=True)
    (snap / "profiles.ini").write_text(ini, encoding="latin-1")
    write_session(snap / "x.default", session(window(tab(C))))
    normal = home / ".mozilla" / "firefox"
    write_ini(normal, ("y.default", True))
    write_session(normal / "y.default", session(window(tab(A))))

    results = read_firefox_tabs(home, platform="linux", env={})

    assert [(r.profile, r.status) for r in results] == [("y.default", "ok"), ("", "error")]
    broken = results[1]
    assert broken.reason.startswith("Firefox's list of profiles (profiles.ini) could not be read: ")
    assert "\n" not in broken.reason and broken.source == snap / "profiles.ini"


def test_profiles_ini_oddities_are_tolerated(home: Path) -> None:
    root = home / ".mozilla" / "firefox"
    root.mkdir(parents=True)
    (root / "profiles.ini").write_text(
        "\ufeff[Profile1]\nName=no path\n\n"  # BOM; a profile without Path=: skipped
        "[Profile2]\nPath=a.default\n\n"  # no IsRelative: relative because not absolute
        "[Profile0]\nPath=old.default\nIsRelative=1\n\n"  # a section written twice: the
        "[Profile0]\nPath=b.default\n\n"  # later values win, as configparser merges them
        "[BackgroundTasksProfiles]\nMozillaBackgroundTask-abc=zz.default\n"  # not a user profile
        "[Profile3]\nPath=nul\0byte\nIsRelative=1\n"  # a path no OS accepts: skipped
        "[Profile4]\nPath=not-a-dir\nIsRelative=1\n"  # a file, not a folder: skipped
    )
    for name, url in (("a.default", A), ("b.default", B), ("old.default", C), ("zz.default", MEET)):
        write_session(root / name, session(window(tab(url))))
    (root / "not-a-dir").write_text("")
    results = read_firefox_tabs(home, platform="linux", env={})
    assert [(r.profile, urls(r)) for r in results] == [("a.default", [A]), ("b.default", [B])]


@pytest.mark.parametrize(
    ("platform", "root", "env"),
    [
        ("linux", ".mozilla/firefox", {}),  # the classic place
        ("linux", "snap/firefox/common/.mozilla/firefox", {}),  # Ubuntu's snap
        ("linux", ".var/app/org.mozilla.firefox/.mozilla/firefox", {}),  # Flathub
        # Firefox 147+ XDG layout, default XDG_CONFIG_HOME
        ("linux", ".config/mozilla/firefox", {}),
        ("linux", "xdg/mozilla/firefox", {"XDG_CONFIG_HOME": "{home}/xdg"}),  # XDG_CONFIG_HOME set
        # a relative XDG_CONFIG_HOME is ignored (XDG spec)
        ("linux", ".config/mozilla/firefox", {"XDG_CONFIG_HOME": "relative/xdg"}),
        ("darwin", "Library/Application Support/Firefox", {}),  # macOS
        ("win32", "Roaming/Mozilla/Firefox", {"APPDATA": "{home}/Roaming"}),  # Windows %APPDATA%
        ("win32", "AppData/Roaming/Mozilla/Firefox", {}),  # Windows without APPDATA set
    ],
)
def test_profiles_are_found_where_each_platform_keeps_them(
    home: Path, platform: str, root: str, env: dict[str, str]
) -> None:
    env = {k: v.format(home=home) for k, v in env.items()}
    base = home / root
    # Windows and macOS keep profiles in Profiles/ and write the relative path with "/"; a
    # backslash is tolerated on Windows.
    relative = "Profiles\\k.default" if platform == "win32" else "Profiles/k.default"
    write_ini(base, (relative, True))
    write_session(base / "Profiles" / "k.default", session(window(tab(MEET))))

    [result] = read_firefox_tabs(home, platform=platform, env=env)

    assert result.profile == "k.default" and urls(result) == [MEET]
    assert base in firefox_roots(home, platform=platform, env=env)


def test_nothing_installed_is_an_empty_list(home: Path) -> None:
    (home / ".mozilla" / "firefox").mkdir(parents=True)  # the folder but no profiles.ini
    assert read_firefox_tabs(home, platform="linux", env={}) == []
    assert read_firefox_tabs(home, platform="win32", env={}) == []
    assert read_firefox_tabs(home, platform="darwin", env={}) == []


def test_a_profile_reachable_from_two_roots_is_read_once(home: Path) -> None:
    root = home / ".mozilla" / "firefox"
    write_ini(root, ("x.default", True))
    write_session(root / "x.default", session(window(tab(A))))
    (home / ".config").mkdir()
    (home / ".config" / "mozilla").symlink_to(home / ".mozilla")  # XDG root is the same folder
    assert [r.profile for r in read_firefox_tabs(home, platform="linux", env={})] == ["x.default"]


# --- in use ---------------------------------------------------------------------------------


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def profile_with_lock(home: Path, target: str | None) -> Path:
    root = home / ".mozilla" / "firefox"
    write_ini(root, ("x.default", True))
    write_session(root / "x.default", session(window(tab(A))))
    if target is not None:
        (root / "x.default" / "lock").symlink_to(target)
    return root / "x.default"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("127.0.0.1:+{me}", True),  # Firefox's own format, our (alive) pid
        ("127.0.1.1:+{me}", True),  # Debian's hostname address
        ("127.0.0.1:{me}", True),  # an old-style lock without "+"
        ("127.0.0.1:+{dead}", False),  # left behind by a killed Firefox
        (None, False),  # no lock: not running
        # another host's IP (profile on a network share) and no such pid here: cannot tell
        ("203.0.113.9:+{dead}", None),
        ("203.0.113.9:+{me}", True),  # another IP but a live pid: treated as in use (fail closed)
        ("garbage", None),  # not Firefox's format
        ("127.0.0.1:+0", None),  # pid 0 is no process
        ("127.0.0.1:+99999999999", None),  # not a pid
    ],
)
def test_in_use_from_the_lock_symlink(
    home: Path, target: str | None, expected: bool | None
) -> None:
    if target is not None:
        target = target.format(me=os.getpid(), dead=dead_pid())
    profile_with_lock(home, target)
    [result] = read_firefox_tabs(home, platform="linux", env={})
    assert result.in_use is expected


def test_in_use_on_windows_cannot_be_told(home: Path) -> None:
    profile = profile_with_lock(home, f"127.0.0.1:+{os.getpid()}")
    assert profile_in_use(profile, platform="win32") is None


# Takes Firefox's kind of lock (a POSIX write lock on the whole file) and keeps it.
HOLD_LOCK = """
import fcntl, sys, time
f = open(sys.argv[1], "w")
fcntl.lockf(f, fcntl.LOCK_EX)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="fcntl locks: Linux and macOS")
def test_the_fcntl_lock_on_parentlock_decides(home: Path) -> None:
    profile = profile_with_lock(home, f"127.0.0.1:+{os.getpid()}")  # a live pid in the symlink
    parentlock = profile / ".parentlock"
    parentlock.touch()
    # Free fcntl lock + a "+" symlink: that Firefox is gone, whatever the pid now is.
    assert profile_in_use(profile, platform="linux") is False

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(parentlock)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        (profile / "lock").unlink()  # even without the symlink (e.g. macOS), the fcntl lock says so
        assert profile_in_use(profile, platform="linux") is True
        assert profile_in_use(profile, platform="darwin") is True
    finally:
        holder.kill()
        holder.wait()
    assert profile_in_use(profile, platform="linux") is False
