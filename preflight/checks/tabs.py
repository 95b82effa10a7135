"""`desktop.tabs`: no open browser tab on another video platform, social media, webmail... No Qt.

Judges the tabs read from the browsers' session files by URL (titles only for personal data).
Findings name the site and the browser, never the URL or the title.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from preflight.checks.desktop_rules import (
    DesktopOptions,
    advice,
    pii_words,
    status_of,
    title_personal_data,
)
from preflight.desktop.base import BrowserTabs
from preflight.desktop.browsers import display_name
from preflight.desktop.catalogue import Match
from preflight.results import CheckResult, Finding

CHECK_ID = "desktop.tabs"


def evaluate_tabs(
    browsers: Sequence[BrowserTabs],
    options: DesktopOptions,
    *,
    running: Iterable[str] = (),
    running_unsupported: Iterable[str] = (),
    elapsed_ms: float = 0.0,
) -> CheckResult:
    """Judge every open tab of every browser profile in use.

    Args:
        browsers: what each profile's session file held; profiles known not to be open
            (`in_use` False) are left out, as their tabs are not on screen.
        options: catalogue, severities, title screening.
        running: ids of supported browsers running now ("firefox", "chrome"...); a running browser
            with no readable profile makes the check an error (fail closed).
        running_unsupported: display names of running browsers whose tabs cannot be read.
        elapsed_ms: time spent reading the session files.
    """
    findings: list[Finding] = []
    problems: list[str] = []
    open_profiles = [b for b in browsers if b.in_use is not False]
    sites: dict[tuple[str, str], tuple[Match, int]] = {}
    tab_count = 0
    for profile in open_profiles:
        name = display_name(profile.browser)
        if profile.status != "ok":
            problems.append(profile.reason)
            continue
        for tab in profile.tabs:
            tab_count += 1
            match = options.catalogue.classify_url(tab.url)
            if match is not None:
                key = (profile.browser, match.name)
                previous = sites.get(key)
                sites[key] = (match, 1 if previous is None else previous[1] + 1)
            pii = title_personal_data(tab.title, options)
            if pii:
                findings.append(
                    Finding(
                        kind="tab",
                        severity=options.title_pii_severity,
                        message=(
                            f"A {name} tab's title shows {pii_words(pii)}. Close the tab or "
                            "switch away from it before the session."
                        ),
                        details={
                            "browser": profile.browser,
                            "host": "",
                            "category": "personal_data",
                            "pii": sorted(pii),
                        },
                    )
                )
    for (browser, site), (match, count) in sites.items():
        findings.append(
            Finding(
                kind="tab",
                severity=options.severity_of(match.category),
                message=advice(match.category, site, tab_in=display_name(browser), tabs=count),
                details={
                    "browser": browser,
                    "host": match.host,
                    "site": site,
                    "category": match.category,
                    "tabs": count,
                },
            )
        )
    readable = {b.browser for b in open_profiles}
    for browser in sorted(set(running) - readable):
        problems.append(
            f"{display_name(browser)} is open, but Preflight could not find its tabs to check them."
        )
    if options.unsupported_browser_is_error:
        for name in sorted(set(running_unsupported)):
            problems.append(
                f"{name} is open, and Preflight cannot read its tabs: close it, or use Firefox, "
                "Chrome, Edge or Brave."
            )
    status = status_of(findings)
    if sites:
        summary = "Close these tabs: " + ", ".join(sorted({s for _, s in sites}))
    elif findings:
        summary = "A tab's title shows personal data"
    else:
        summary = f"{tab_count} open tab{'s' if tab_count != 1 else ''}, nothing to close"
    if problems and status != "fail":
        status = "error"
        summary = " ".join(problems)
    elif problems:
        summary += ". Also: " + " ".join(problems)
    return CheckResult(
        id=CHECK_ID,
        status=status,
        summary=summary,
        findings=tuple(findings),
        metrics={
            "tabs": tab_count,
            "profiles_read": sum(1 for b in open_profiles if b.status == "ok"),
            "profiles_closed": len(browsers) - len(open_profiles),
            "profiles_unreadable": sum(1 for b in open_profiles if b.status != "ok"),
            "flagged_sites": len(sites),
        },
        elapsed_ms=elapsed_ms,
    )
