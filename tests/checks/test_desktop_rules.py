"""desktop.windows and desktop.tabs rules, and the app/site catalogue, as tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from preflight.checks.desktop_rules import DesktopOptions
from preflight.checks.tabs import evaluate_tabs
from preflight.checks.windows import evaluate_windows
from preflight.desktop.base import BrowserTabs, Tab, WindowInfo, WindowListing
from preflight.desktop.browsers import running_browsers
from preflight.desktop.catalogue import CATEGORIES, Catalogue
from preflight.desktop.processes import ProcessInfo
from preflight.errors import ConfigError

CATALOGUE = Catalogue.load()
OPTIONS = DesktopOptions(catalogue=CATALOGUE)


@pytest.mark.parametrize(
    ("url", "name", "category"),
    [
        ("https://us02web.zoom.us/j/93847561234?pwd=abc", "Zoom", "video_call"),  # subdomain
        ("https://meet.google.com/abc-defg-hij", "Google Meet", "video_call"),
        ("https://www.facebook.com/groups/parents", "Facebook", "social_media"),  # www. dropped
        ("https://x.com/home", "X (Twitter)", "social_media"),
        ("https://mail.google.com/mail/u/0/#inbox", "Gmail", "personal_webmail"),
        ("https://outlook.live.com/mail/0/inbox", "Outlook.com", "personal_webmail"),
        ("https://www.icloud.com/mail/", "iCloud Mail", "personal_webmail"),  # path prefix
        ("https://web.whatsapp.com/", "WhatsApp", "messaging"),
        ("https://www.twitch.tv/somestreamer", "Twitch", "recording"),
        ("https://remotedesktop.google.com/access", "Chrome Remote Desktop", "remote_control"),
        ("https://www.amazon.co.uk/basket", "Amazon", "banking_shopping"),
        ("https://www.bet365.com/", "a gambling site", "gambling_adult"),
        ("HTTPS://WWW.FACEBOOK.COM/", "Facebook", "social_media"),  # case
    ],
)
def test_sites_are_classified(url: str, name: str, category: str) -> None:
    match = CATALOGUE.classify_url(url)
    assert match is not None and (match.name, match.category) == (name, category)


@pytest.mark.parametrize(
    "url",
    [
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0",  # Teams itself
        "https://teams.live.com/meet/9384756",  # Teams (free)
        "https://www.bbc.co.uk/bitesize",  # an education site
        "https://outlook.office.com/mail/",  # school Microsoft 365 mail, not personal webmail
        "https://www.icloud.com/photos",  # iCloud, but not its mail path
        "https://notzoom.us.example.com/",  # a look-alike that is not a zoom.us host
        "https://zoom.us.evil.example/",  # ditto
        "about:blank",
        "file:///home/teacher/plan.pdf",
        "chrome://newtab/",
        "not a url at all",
        "",
    ],
)
def test_allowed_unknown_and_non_web_urls_are_not_classified(url: str) -> None:
    assert CATALOGUE.classify_url(url) is None


@pytest.mark.parametrize(
    ("names", "title", "expected"),
    [
        (["zoom"], "", "Zoom"),  # Linux process name
        (["Zoom.exe"], "", "Zoom"),  # Windows, with .exe
        (["python3", "obs"], "", "OBS Studio"),  # found by window class
        (["chromium"], "Zoom Meeting", "Zoom"),  # found by title only
        (["AnyDesk"], "", "AnyDesk"),  # case
        (["ms-teams"], "Zoom Meeting", None),  # Teams is allowed, whatever its title says
        (["libreoffice"], "zoom notes.odt", None),  # "zoom" inside a title is not Zoom
        (["zoomer"], "", None),  # exact names only
        ([], "", None),
    ],
)
def test_apps_are_classified(names: list[str], title: str, expected: str | None) -> None:
    match = CATALOGUE.classify_app(names, title)
    assert (match.name if match else None) == expected


def _window(title: str, app: str, wm_class: tuple[str, ...] = ()) -> WindowInfo:
    return WindowInfo(
        title=title, app=app, pid=100, executable=f"/usr/bin/{app}", wm_class=wm_class
    )


def test_each_app_is_one_finding_with_app_and_category() -> None:
    listing = WindowListing(
        (
            _window("Zoom Meeting", "zoom"),
            _window("Zoom Workplace", "zoom"),
            _window("WhatsApp", "whatsapp"),
            _window("Lesson plan.odt - LibreOffice Writer", "soffice.bin"),
        ),
        platform="x11",
    )
    result = evaluate_windows(listing, [], OPTIONS)
    assert result.status == "fail"  # Zoom fails; WhatsApp only warns
    by_app = {f.details["app"]: f for f in result.findings}
    assert set(by_app) == {"Zoom", "WhatsApp"}
    assert by_app["Zoom"].severity == "fail" and by_app["Zoom"].details["windows"] == 2
    assert by_app["WhatsApp"].severity == "warn"
    assert by_app["Zoom"].message == "Close Zoom: lessons run only on Microsoft Teams."
    assert result.metrics["windows"] == 4


def test_a_recorder_in_the_tray_is_found_from_the_process_list() -> None:
    listing = WindowListing((_window("Terminal", "xterm"),), platform="x11")
    processes = [ProcessInfo("obs", "/usr/bin/obs", 42), ProcessInfo("zoom", "/opt/zoom/zoom", 43)]
    result = evaluate_windows(listing, processes, OPTIONS)
    # OBS (recording) runs hidden; Zoom without a window is not a background category.
    assert [f.details["app"] for f in result.findings] == ["OBS Studio"]
    assert result.findings[0].message.startswith("OBS Studio is running in the background.")
    assert result.status == "fail"


def test_a_school_can_allow_an_app_and_change_a_severity(tmp_path: Path) -> None:
    options = DesktopOptions(
        catalogue=Catalogue.load(allow_apps=["whatsapp"]),
        severity={**OPTIONS.severity, "video_call": "warn"},
    )
    listing = WindowListing(
        (_window("Zoom", "zoom"), _window("WhatsApp", "whatsapp")), platform="x11"
    )
    result = evaluate_windows(listing, [], options)
    assert [(f.details["app"], f.severity) for f in result.findings] == [("Zoom", "warn")]
    assert result.status == "warn"


def test_limitations_of_the_window_list_are_said_not_hidden() -> None:
    listing = WindowListing(
        (_window("", "zoom.us"),), platform="macos", limitations=("No titles.",)
    )
    result = evaluate_windows(listing, [], OPTIONS)
    assert "No titles." in [f.message for f in result.findings]
    listing = WindowListing((), platform="macos", limitations=("No titles.",))
    assert evaluate_windows(listing, [], OPTIONS).status == "warn"


def test_no_windows_passes() -> None:
    result = evaluate_windows(WindowListing((), platform="x11"), [], OPTIONS)
    assert result.status == "pass"


def _tabs(
    browser: str, *urls: str, in_use: bool | None = True, titles: tuple[str, ...] = ()
) -> BrowserTabs:
    tabs = [
        Tab(browser, "Default", url, titles[i] if i < len(titles) else "", 0, i)
        for i, url in enumerate(urls)
    ]
    return BrowserTabs(browser, "Default", "ok", tuple(tabs), in_use=in_use)


def test_tabs_are_grouped_per_site_and_browser_and_name_them() -> None:
    browsers = [
        _tabs(
            "firefox",
            "https://www.facebook.com/a",
            "https://www.facebook.com/b",
            "https://www.bbc.co.uk/bitesize",
        ),
        _tabs("chromium", "https://zoom.us/j/1", "https://teams.microsoft.com/l/meetup-join/x"),
    ]
    result = evaluate_tabs(browsers, OPTIONS, running=["firefox", "chromium"])
    assert result.status == "fail"
    found = {(f.details["browser"], f.details["site"]): f for f in result.findings}
    assert set(found) == {("firefox", "Facebook"), ("chromium", "Zoom")}
    facebook = found[("firefox", "Facebook")]
    assert facebook.details["tabs"] == 2 and facebook.details["host"] == "facebook.com"
    assert facebook.message.startswith("Close the 2 Facebook tabs in Firefox")
    assert found[("chromium", "Zoom")].message.startswith("Close the Zoom tab in Chromium")
    assert result.metrics["tabs"] == 5
    assert "/a" not in repr(result.to_dict())  # URLs never reach the report


def test_profiles_known_to_be_closed_are_not_judged() -> None:
    browsers = [_tabs("chrome", "https://www.facebook.com/", in_use=False)]
    result = evaluate_tabs(browsers, OPTIONS)
    assert result.status == "pass" and result.metrics["profiles_closed"] == 1
    # Unknown (None) counts as open: fail closed.
    result = evaluate_tabs([_tabs("chrome", "https://www.facebook.com/", in_use=None)], OPTIONS)
    assert result.status == "fail"


@pytest.mark.parametrize(
    ("browsers", "running", "unsupported", "status", "says"),
    [
        # An encrypted session file: cannot inspect is an error, never "no tabs".
        (
            [BrowserTabs("chrome", "Default", "cannot_inspect", reason="Chrome encrypts it.")],
            [],
            [],
            "error",
            "Chrome encrypts it.",
        ),
        # A damaged file.
        (
            [BrowserTabs("firefox", "p", "error", reason="Firefox's file is damaged.")],
            [],
            [],
            "error",
            "damaged",
        ),
        # Firefox is running but no profile of it was found.
        ([], ["firefox"], [], "error", "Firefox is open, but Preflight could not find its tabs"),
        # A browser we cannot read is running.
        ([], [], ["Opera"], "error", "Opera is open"),
        # A failure still shows as fail (a known problem to fix) with the error said too.
        (
            [
                _tabs("firefox", "https://zoom.us/j/1"),
                BrowserTabs("chrome", "Default", "error", reason="Chrome's file is damaged."),
            ],
            ["firefox"],
            [],
            "fail",
            "damaged",
        ),
        # No browser at all: nothing to check.
        ([], [], [], "pass", "0 open tabs"),
    ],
)
def test_unreadable_browsers_are_errors(browsers, running, unsupported, status, says) -> None:  # type: ignore[no-untyped-def]
    result = evaluate_tabs(browsers, OPTIONS, running=running, running_unsupported=unsupported)
    assert result.status == status
    assert says in result.summary


def test_personal_data_in_a_tab_title_is_reported_without_the_title() -> None:
    browsers = [_tabs("firefox", "https://example.org/", titles=("Call back 07700 900123",))]
    result = evaluate_tabs(browsers, OPTIONS)
    assert result.status == "warn"
    assert result.findings[0].details["pii"] == ["phone"]
    assert "07700" not in repr(result.to_dict())


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            '[[entry]]\nname = "X"\ncategory = "weather"\nhosts = ["x.example"]\n',
            "category must be one of",
        ),
        ('[[entry]]\nname = "X"\ncategory = "social_media"\ntitles = ["("]\n', "not a valid regex"),
        ('[[entry]]\nname = "X"\ncategory = "social_media"\nurls = ["x"]\n', "urls"),
        ("[[entry]\n", "not valid TOML"),
    ],
)
def test_a_broken_school_catalogue_is_a_clear_config_error(
    tmp_path: Path, content: str, error: str
) -> None:
    path = tmp_path / "school.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=error) as caught:
        Catalogue.load([path])
    assert str(path) in str(caught.value)


def test_a_school_catalogue_adds_entries(tmp_path: Path) -> None:
    path = tmp_path / "school.toml"
    path.write_text(
        '[[entry]]\nname = "Roblox"\ncategory = "social_media"\nhosts = ["roblox.com"]\n'
    )
    catalogue = Catalogue.load([path])
    match = catalogue.classify_url("https://www.roblox.com/games")
    assert match is not None and match.name == "Roblox"


def test_every_built_in_entry_has_a_known_category_and_something_to_match() -> None:
    assert CATALOGUE.entries
    for entry in CATALOGUE.entries:
        assert entry.category in CATEGORIES
        assert entry.apps or entry.hosts or entry.titles, entry.name
    assert {e.category for e in CATALOGUE.entries} == set(CATEGORIES)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.linkedin.com/learning/teaching-online", None),  # CPD, allowed
        ("https://www.linkedin.com/feed/", "LinkedIn"),
        ("https://www.icloud.com/mailbox/", None),  # whole path segments only
        ("https://www.icloud.com/mail", "iCloud Mail"),
        ("https://wa.me/447700900123", "WhatsApp"),
        ("https://t.me/somechannel", "Telegram"),
        ("view-source:https://www.facebook.com/", "Facebook"),  # the page shown as source
        ("about:reader?url=https%3A%2F%2Fwww.facebook.com%2Fpost", "Facebook"),  # reader view
        ("https://zoom.us@evil.example/", None),  # userinfo is not the host
    ],
)
def test_url_edge_cases(url: str, expected: str | None) -> None:
    match = CATALOGUE.classify_url(url)
    assert (match.name if match else None) == expected


@pytest.mark.parametrize(
    ("names", "title", "expected"),
    [
        (
            ["soffice.bin"],
            "Zoom meeting notes.docx - LibreOffice Writer",
            None,
        ),  # a document about Zoom
        (["firefox-esr"], "How to use Google Meet - Google Docs — Mozilla Firefox", None),
        (["notepad"], "webex notes.txt - Notepad", None),
        (["evince"], "OBS 28.1 setup guide.pdf", None),
        (
            ["chrome"],
            "Meet - abc-defg-hij - Google Chrome",
            "Google Meet",
        ),  # a meeting in a browser
        (["unknown"], "OBS 30.0.2 - Profile: Untitled - Scenes: Untitled", "OBS Studio"),
        (["QuickAssist.exe"], "", "remote assistance"),
        (["krfb"], "", "a VNC server or viewer"),
        (["Snagit32.exe"], "", "Snagit"),
    ],
)
def test_titles_match_only_whole_app_titles(
    names: list[str], title: str, expected: str | None
) -> None:
    match = CATALOGUE.classify_app(names, title)
    assert (match.name if match else None) == expected


@pytest.mark.parametrize(
    ("process", "supported", "unsupported"),
    [
        (
            ProcessInfo("chrome", "/snap/chromium/3000/usr/lib/chromium-browser/chrome", 1),
            {"chromium"},
            set(),
        ),  # Ubuntu's snap
        (
            ProcessInfo(
                "chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", 1
            ),
            {"chrome"},
            set(),
        ),
        (ProcessInfo("firefox-esr", "/usr/lib/firefox-esr/firefox-esr", 1), {"firefox"}, set()),
        (ProcessInfo("Google Chrome Canary", "", 1), {"chrome"}, set()),
        (
            ProcessInfo("firefox.real", "/opt/tor-browser/Browser/firefox.real", 1),
            set(),
            {"Tor Browser"},
        ),
        (ProcessInfo("Arc", "/Applications/Arc.app/Contents/MacOS/Arc", 1), set(), {"Arc"}),
        (ProcessInfo("vivaldi-bin", "/opt/vivaldi/vivaldi-bin", 1), set(), {"Vivaldi"}),
        (ProcessInfo("bash", "/usr/bin/bash", 1), set(), set()),
    ],
)
def test_running_browsers_are_recognised(
    process: ProcessInfo, supported: set[str], unsupported: set[str]
) -> None:
    assert running_browsers([process]) == (supported, unsupported)
