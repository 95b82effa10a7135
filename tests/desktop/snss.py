"""A small writer of synthetic Chromium SNSS session files, for tests.

Each function returns one record's bytes (uint16 LE size, uint8 command id, payload) laid out as
Chromium's `session_service_commands.cc` writes it; `session()` puts the "SNSS" header in front.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

MAGIC = b"SNSS"


# --- base::Pickle ---------------------------------------------------------------------------


def _pad4(raw: bytes) -> bytes:
    return raw + b"\0" * (-len(raw) % 4)


def pickle_int(value: int) -> bytes:
    return struct.pack("<i", value)


def pickle_string(value: str | bytes) -> bytes:
    """std::string: int32 byte length, the bytes (UTF-8 for text), padding to 4."""
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return struct.pack("<i", len(raw)) + _pad4(raw)


def pickle_string16(value: str) -> bytes:
    """std::u16string: int32 count of UTF-16 code units, UTF-16LE bytes, padding to 4."""
    raw = value.encode("utf-16-le")
    return struct.pack("<i", len(raw) // 2) + _pad4(raw)


def pickle(*fields: bytes) -> bytes:
    """A whole pickle: uint32 payload size, then the (already aligned) fields."""
    body = b"".join(fields)
    return struct.pack("<I", len(body)) + body


# --- records --------------------------------------------------------------------------------


def record(command: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HB", len(payload) + 1, command) + payload


def set_tab_window(window_id: int, tab_id: int) -> bytes:
    return record(0, struct.pack("<ii", window_id, tab_id))


def set_tab_index(tab_id: int, index: int) -> bytes:
    return record(2, struct.pack("<ii", tab_id, index))


def pruned_from_back(tab_id: int, count: int) -> bytes:
    """Command 5: keep only the navigations below index `count`."""
    return record(5, struct.pack("<ii", tab_id, count))


def navigation(
    tab_id: int,
    index: int,
    url: str | bytes,
    title: str = "",
    *,
    page_state: bytes = b"",
    transition: int = 1,
    extra: bool = True,
) -> bytes:
    """Command 6, UpdateTabNavigation, with Chromium's field order (plus a few optional fields)."""
    fields = [
        pickle_int(tab_id),
        pickle_int(index),
        pickle_string(url),
        pickle_string16(title),
        pickle_string(page_state),
        pickle_int(transition),
    ]
    if extra:
        # type_mask, referrer url, referrer policy, original request url, is_overriding_user_agent,
        # timestamp: present in real files, ignored by the reader.
        fields += [
            pickle_int(0),
            pickle_string(""),
            pickle_int(0),
            pickle_string(url),
            pickle_int(0),
            struct.pack("<q", 13_439_930_546_375_350),
        ]
    return record(6, pickle(*fields))


def selected_navigation(tab_id: int, index: int) -> bytes:
    return record(7, struct.pack("<ii", tab_id, index))


def selected_tab(window_id: int, index: int) -> bytes:
    return record(8, struct.pack("<ii", window_id, index))


def window_type(window_id: int, kind: int = 0) -> bytes:
    return record(9, struct.pack("<ii", window_id, kind))


def pruned_from_front(tab_id: int, count: int) -> bytes:
    """Command 11: drop the first `count` navigations and shift the rest down."""
    return record(11, struct.pack("<ii", tab_id, count))


def pinned(tab_id: int, state: bool = True) -> bytes:
    return record(12, struct.pack("<i?3x", tab_id, state))


def window_bounds(window_id: int, x: int = 0, y: int = 0, w: int = 1280, h: int = 800) -> bytes:
    return record(14, struct.pack("<iiiiii", window_id, x, y, w, h, 1))


def tab_closed(tab_id: int, close_time: int = 13_439_930_600_000_000) -> bytes:
    return record(16, struct.pack("<i4xq", tab_id, close_time))


def window_closed(window_id: int, close_time: int = 13_439_930_600_000_000) -> bytes:
    return record(17, struct.pack("<i4xq", window_id, close_time))


def active_window(window_id: int) -> bytes:
    return record(20, struct.pack("<i", window_id))


def last_active_time(tab_id: int, ticks: int = 123_456_789) -> bytes:
    return record(21, struct.pack("<i4xq", tab_id, ticks))


def pruned(tab_id: int, index: int, count: int) -> bytes:
    """Command 24: remove `count` navigations from `index` on, shifting later ones down."""
    return record(24, struct.pack("<iii", tab_id, index, count))


def marker() -> bytes:
    """Command 255: the end of the initial snapshot."""
    return record(255)


# --- whole files ----------------------------------------------------------------------------


def header(version: int = 3) -> bytes:
    return MAGIC + struct.pack("<i", version)


def session(*records: bytes | Iterable[bytes], version: int = 3, cut: int = 0) -> bytes:
    """A whole file: header, then the records (bytes or iterables of bytes) in order.

    `cut` drops that many bytes from the end, leaving a half-written last record.
    """
    parts = [header(version)]
    for item in records:
        if isinstance(item, bytes | bytearray):
            parts.append(bytes(item))
        else:
            parts.extend(item)
    data = b"".join(parts)
    return data[: len(data) - cut] if cut else data


def tab(
    window_id: int,
    tab_id: int,
    index: int,
    urls: Sequence[str],
    *,
    current: int | None = None,
    titles: Sequence[str] = (),
    is_pinned: bool = False,
) -> list[bytes]:
    """The records Chromium writes for one tab in its snapshot."""
    out = [
        pinned(tab_id, is_pinned),
        set_tab_index(tab_id, index),
        set_tab_window(window_id, tab_id),
    ]
    out.append(selected_navigation(tab_id, len(urls) - 1 if current is None else current))
    for nav, url in enumerate(urls):
        out.append(navigation(tab_id, nav, url, titles[nav] if nav < len(titles) else ""))
    return out


def window(window_id: int, selected: int = 0) -> list[bytes]:
    """The records Chromium writes for one window in its snapshot (type, bounds, selected tab)."""
    return [window_type(window_id), window_bounds(window_id), selected_tab(window_id, selected)]


def simple_session(
    windows: Sequence[Sequence[str]], *, selected: Sequence[int] = (), version: int = 3
) -> bytes:
    """A snapshot with one navigation per tab: windows[w][t] is that tab's URL."""
    records: list[bytes] = []
    next_tab = 1
    for w, urls in enumerate(windows):
        window_id = 1000 + w
        records += window(window_id, selected[w] if w < len(selected) else 0)
        for t, url in enumerate(urls):
            records += tab(window_id, next_tab, t, [url])
            next_tab += 1
    records.append(marker())
    return session(records, version=version)
