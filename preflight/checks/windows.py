"""`desktop.windows`: no other video platform, recorder, remote-control tool, social media... open.
No Qt.

Judges the window list and the running programs; reports each app once, by its catalogue name and
category, never by its window title.
"""

from __future__ import annotations

from collections.abc import Sequence

from preflight.checks.desktop_rules import (
    DesktopOptions,
    advice,
    pii_words,
    status_of,
    title_personal_data,
)
from preflight.desktop.base import WindowInfo, WindowListing
from preflight.desktop.catalogue import Match
from preflight.desktop.processes import ProcessInfo, program_names
from preflight.results import CheckResult, Finding

CHECK_ID = "desktop.windows"


def evaluate_windows(
    listing: WindowListing,
    processes: Sequence[ProcessInfo],
    options: DesktopOptions,
    elapsed_ms: float = 0.0,
) -> CheckResult:
    """Judge the open windows, and the background programs of `options.background_categories`.

    Args:
        listing: the desktop's windows (an unreadable list is an error result made by the caller).
        processes: running programs, for recorders and remote-control tools without a window.
        options: catalogue, severities, title screening.
        elapsed_ms: time spent reading the desktop.
    """
    findings: list[Finding] = []
    by_entry: dict[str, tuple[Match, list[WindowInfo]]] = {}
    for window in listing.windows:
        match = options.catalogue.classify_app(
            [*program_names(window.app, window.executable), *window.wm_class], window.title
        )
        if match is not None:
            by_entry.setdefault(match.name, (match, []))[1].append(window)
    for name, (match, windows) in by_entry.items():
        app = windows[0].app or name
        findings.append(
            Finding(
                kind="window",
                severity=options.severity_of(match.category),
                message=advice(match.category, name),
                details={
                    "app": name,
                    "process": app,
                    "category": match.category,
                    "windows": len(windows),
                },
            )
        )
    seen = set(by_entry)
    background: dict[str, Match] = {}
    for proc in processes:
        match = options.catalogue.classify_app(program_names(proc.name, proc.executable))
        if (
            match is not None
            and match.category in options.background_categories
            and match.name not in seen
        ):
            background.setdefault(match.name, match)
    for name, match in background.items():
        findings.append(
            Finding(
                kind="window",
                severity=options.severity_of(match.category),
                message=f"{name} is running in the background. " + advice(match.category, name),
                details={"app": name, "category": match.category, "windows": 0},
            )
        )
    titled = 0
    for window in listing.windows:
        pii = title_personal_data(window.title, options)
        if pii:
            titled += 1
            findings.append(
                Finding(
                    kind="window",
                    severity=options.title_pii_severity,
                    message=(
                        f"A {window.app or 'window'} window's title shows {pii_words(pii)}. "
                        "Close it or switch away from it before the session."
                    ),
                    details={"app": window.app, "category": "personal_data", "pii": sorted(pii)},
                )
            )
    for limitation in listing.limitations:
        findings.append(
            Finding(
                kind="window",
                severity="warn",
                message=limitation,
                details={"category": "limitation"},
            )
        )
    flagged = len(by_entry) + len(background)
    status = status_of(findings)
    if flagged:
        names = sorted(set(by_entry) | set(background))
        summary = f"Close before the session: {', '.join(names)}"
    elif titled:
        summary = "A window title shows personal data"
    elif listing.limitations:
        summary = "Open apps checked, but window titles could not be read"
    else:
        count = len(listing.windows)
        summary = f"{count} open window{'s' if count != 1 else ''}, nothing to close"
    return CheckResult(
        id=CHECK_ID,
        status=status,
        summary=summary,
        findings=tuple(findings),
        metrics={
            "windows": len(listing.windows),
            "flagged_apps": flagged,
            "background_apps": len(background),
            "titles_with_personal_data": titled,
            "platform": listing.platform,
        },
        elapsed_ms=elapsed_ms,
    )
