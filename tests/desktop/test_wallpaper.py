"""find_wallpapers: real gsettings (keyfile backend) for GNOME, fixture files and fakes elsewhere."""

from __future__ import annotations

import ast
import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from preflight.desktop import wallpaper as wallpaper_module
from preflight.desktop.base import DesktopUnavailable, Wallpaper
from preflight.desktop.wallpaper import COMMAND_TIMEOUT_S, MAX_SLIDESHOW_IMAGES, find_wallpapers
from tests.desktop.gnome import gsettings_set

FIXTURES = Path(__file__).parent / "fixtures"
APPLETSRC = "plasma-org.kde.plasma.desktop-appletsrc"

# (source, kind, image paths relative to the test's root, a piece of the reason)
Expected = tuple[str, str, tuple[str, ...], str]


def _assert_found(found: list[Wallpaper], root: Path, expected: list[Expected]) -> None:
    """Source, kind and images (relative to root) equal; the expected reason is a substring."""
    got = [
        (w.source, w.kind, tuple(os.path.relpath(p, root) for p in w.images), w.reason)
        for w in found
    ]
    wanted_images = [tuple(os.path.normpath(i) for i in e[2]) for e in expected]
    assert [g[:3] for g in got] == [
        (e[0], e[1], i) for e, i in zip(expected, wanted_images, strict=True)
    ]
    for (*_, reason), (*_, wanted) in zip(got, expected, strict=True):
        assert (wanted in reason) if wanted else reason == ""


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x89PNG\r\n\x1a\n not really")


# --- GNOME with the real gsettings -------------------------------------------------------------


def _gvariant(text: str) -> str:
    """A string as GVariant text, so gsettings stores it exactly (spaces, quotes and all)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


GNOME_FILES = (
    "pics/light.png",
    "pics/dark.jpg",
    "my photos/été à la plage.jpg",
    "slides/a.jpg",
    "slides/b.webp",
    "slides/c-1024.jpg",
    "slides/c-1920.jpg",
)

GNOME_SLIDESHOW_XML = """<?xml version="1.0"?>
<background>
  <starttime><year>2024</year><month>1</month><day>1</day>
    <hour>0</hour><minute>0</minute><second>0</second></starttime>
  <static><duration>1795.0</duration><file>{root}/slides/a.jpg</file></static>
  <transition type="overlay"><duration>5.0</duration>
    <from>{root}/slides/a.jpg</from><to>b.webp</to></transition>
  <static><duration>1795.0</duration>
    <file><size width="1024" height="768">{root}/slides/c-1024.jpg</size>
          <size width="1920" height="1080">{root}/slides/c-1920.jpg</size></file></static>
  <static><duration>60.0</duration><file>{root}/slides/deleted.jpg</file></static>
</background>
"""

# Each row: the keys set (with {uri} = the root as a file:// URI, {root} = the root as a path)
# -> the wallpapers expected, in order.
GNOME_CASES = [
    pytest.param(
        # light and dark name the same picture: one entry, not two
        {"picture-uri": "{uri}/pics/light.png", "picture-uri-dark": "{uri}/pics/light.png"},
        [("gnome", "image", ("pics/light.png",), "")],
        id="same-light-and-dark",
    ),
    pytest.param(
        # a different dark picture: both, light first since the style is the default one
        {"picture-uri": "{uri}/pics/light.png", "picture-uri-dark": "{uri}/pics/dark.jpg"},
        [
            ("gnome", "image", ("pics/light.png",), ""),
            ("gnome-dark", "image", ("pics/dark.jpg",), ""),
        ],
        id="light-and-dark-differ",
    ),
    pytest.param(
        # the dark style is on: the dark picture (what shows now) comes first
        {
            "picture-uri": "{uri}/pics/light.png",
            "picture-uri-dark": "{uri}/pics/dark.jpg",
            "interface:color-scheme": "prefer-dark",
        },
        [
            ("gnome-dark", "image", ("pics/dark.jpg",), ""),
            ("gnome", "image", ("pics/light.png",), ""),
        ],
        id="prefer-dark-first",
    ),
    pytest.param(
        # picture-options 'none': GNOME draws the plain colour, whatever the pictures say
        {
            "picture-uri": "{uri}/pics/light.png",
            "picture-uri-dark": "{uri}/pics/dark.jpg",
            "picture-options": "none",
        },
        [("gnome", "solid", (), "")],
        id="options-none-is-solid",
    ),
    pytest.param(
        # a percent-encoded URI with spaces and accents, as GNOME Settings writes it
        {
            "picture-uri": "{uri}/my%20photos/%C3%A9t%C3%A9%20%C3%A0%20la%20plage.jpg",
            "picture-uri-dark": "{uri}/my%20photos/%C3%A9t%C3%A9%20%C3%A0%20la%20plage.jpg",
        },
        [("gnome", "image", ("my photos/été à la plage.jpg",), "")],
        id="percent-encoded-spaces",
    ),
    pytest.param(
        # a URI written unencoded, accents and all: read back intact whatever the locale
        {
            "picture-uri": "file://{root}/my photos/été à la plage.jpg",
            "picture-uri-dark": "file://{root}/my photos/été à la plage.jpg",
        },
        [("gnome", "image", ("my photos/été à la plage.jpg",), "")],
        id="unencoded-non-ascii",
    ),
    pytest.param(
        # a plain path instead of a URI (set by hand or by a script); the dark one a raw URI
        {"picture-uri": "{root}/pics/light.png", "picture-uri-dark": "file://{root}/pics/dark.jpg"},
        [
            ("gnome", "image", ("pics/light.png",), ""),
            ("gnome-dark", "image", ("pics/dark.jpg",), ""),
        ],
        id="plain-path",
    ),
    pytest.param(
        # the picture was deleted: still an entry, with no images and the reason
        {"picture-uri": "{uri}/pics/gone.png", "picture-uri-dark": "{uri}/pics/gone.png"},
        [("gnome", "image", (), "pics/gone.png is missing")],
        id="missing-file",
    ),
    pytest.param(
        # an XML slideshow: static files, transition from/to (relative too) and <size> choices;
        # the deleted picture is left out
        {"picture-uri": "{uri}/slides/day.xml", "picture-uri-dark": "{uri}/slides/day.xml"},
        [
            (
                "gnome",
                "slideshow",
                ("slides/a.jpg", "slides/b.webp", "slides/c-1024.jpg", "slides/c-1920.jpg"),
                "",
            )
        ],
        id="xml-slideshow",
    ),
    pytest.param(
        # empty picture-uri: nothing but the background colour is drawn
        {"picture-uri": "", "picture-uri-dark": ""},
        [("gnome", "solid", (), "")],
        id="empty-uri-is-solid",
    ),
]


@pytest.mark.parametrize(("settings", "expected"), GNOME_CASES)
def test_gnome_with_real_gsettings(
    gnome_env: dict[str, str],
    tmp_path: Path,
    settings: dict[str, str],
    expected: list[Expected],
) -> None:
    root = tmp_path / "files"
    _touch(root, *GNOME_FILES)
    (root / "slides" / "day.xml").write_text(GNOME_SLIDESHOW_XML.format(root=root))
    for key, value in settings.items():
        schema, _, name = key.rpartition(":")
        schema = "org.gnome.desktop.interface" if schema == "interface" else schema
        text = value.format(uri=root.as_uri(), root=root)
        gsettings_set(gnome_env, schema or "org.gnome.desktop.background", name, _gvariant(text))

    found = find_wallpapers(platform="linux", env=gnome_env)

    _assert_found(found, root, expected)


# Each row: how the session names itself -> still read from the GNOME settings.
GNOME_DESKTOP_NAMES = [
    pytest.param({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, id="ubuntu"),  # Ubuntu's list form
    pytest.param({"XDG_CURRENT_DESKTOP": "Budgie:GNOME"}, id="budgie"),  # Budgie 10
    pytest.param({"XDG_CURRENT_DESKTOP": "Pantheon"}, id="pantheon"),  # elementary OS
    pytest.param({"XDG_CURRENT_DESKTOP": "Unity"}, id="unity"),  # Ubuntu Unity
    pytest.param({"DESKTOP_SESSION": "gnome"}, id="desktop-session-only"),  # no XDG_ variable
    pytest.param({}, id="nothing-set-falls-back-to-gnome"),  # unknown, but the schema is readable
    pytest.param({"XDG_CURRENT_DESKTOP": "sway"}, id="unknown-desktop-falls-back"),
]


@pytest.mark.parametrize("naming", GNOME_DESKTOP_NAMES)
def test_gnome_desktop_names(
    gnome_env: dict[str, str], tmp_path: Path, naming: dict[str, str]
) -> None:
    _touch(tmp_path, "light.png")
    uri = _gvariant((tmp_path / "light.png").as_uri())
    gsettings_set(gnome_env, "org.gnome.desktop.background", "picture-uri", uri)
    gsettings_set(
        gnome_env, "org.gnome.desktop.background", "picture-uri-dark", "''"
    )  # dark: colour only
    env = {k: v for k, v in gnome_env.items() if k != "XDG_CURRENT_DESKTOP"} | naming

    found = find_wallpapers(platform="linux", env=env)

    assert found == [
        Wallpaper("gnome", "image", (tmp_path / "light.png",)),
        Wallpaper("gnome-dark", "solid"),
    ]


def test_gnome_home_argument_sets_the_commands_home(
    gnome_env: dict[str, str], tmp_path: Path
) -> None:
    _touch(tmp_path, "light.png")
    uri = _gvariant((tmp_path / "light.png").as_uri())
    gsettings_set(gnome_env, "org.gnome.desktop.background", "picture-uri", uri)
    gsettings_set(gnome_env, "org.gnome.desktop.background", "picture-uri-dark", uri)
    env = {k: v for k, v in gnome_env.items() if k not in ("HOME", "XDG_CONFIG_HOME")}

    found = find_wallpapers(platform="linux", home=Path(gnome_env["HOME"]), env=env)

    assert found == [Wallpaper("gnome", "image", (tmp_path / "light.png",))]


# --- gsettings desktops through a fake runner ----------------------------------------------------


class FakeCommands:
    """Answers `gsettings list-keys/get` from a table and `xfconf-query -l/-p` from another.

    `schemas` maps schema -> key -> the value as gsettings prints it ("'x'", "true").
    """

    def __init__(
        self,
        schemas: Mapping[str, Mapping[str, str]] | None = None,
        xfconf: Mapping[str, str] | None = None,
        *,
        raises: BaseException | None = None,
    ) -> None:
        self.schemas = schemas or {}
        self.xfconf = xfconf
        self.raises = raises
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    def __call__(self, args: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        args = list(args)
        self.calls.append((args, kwargs))
        if self.raises is not None:
            raise self.raises
        if args[:2] == ["gsettings", "list-keys"]:
            if args[2] not in self.schemas:
                return self._done(args, 1, err=f"No such schema “{args[2]}”\n")
            return self._done(args, 0, "\n".join(self.schemas[args[2]]) + "\n")
        if args[:2] == ["gsettings", "get"]:
            keys = self.schemas.get(args[2], {})
            if args[3] not in keys:
                return self._done(args, 1, err=f"No such key “{args[3]}”\n")
            return self._done(args, 0, keys[args[3]] + "\n")
        if args[0] == "xfconf-query" and self.xfconf is not None:
            if args[-1] == "-l":
                return self._done(args, 0, "".join(p + "\n" for p in self.xfconf))
            if args[-1] in self.xfconf:
                return self._done(args, 0, self.xfconf[args[-1]] + "\n")
            return self._done(args, 1, err=f'Property "{args[-1]}" does not exist\n')
        if args[0] == "xfconf-query":
            return self._done(args, 1, err='Channel "xfce4-desktop" doesn\'t exist\n')
        raise AssertionError(f"unexpected command {args}")

    @staticmethod
    def _done(
        args: list[str], code: int, out: str = "", err: str = ""
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, code, out, err)


def _q(text: str) -> str:
    return _gvariant(text)


# Each row: desktop name, fake settings (with {root}) -> wallpapers expected.
FAKE_DESKTOP_CASES = [
    pytest.param(
        # GNOME before 42: no picture-uri-dark key, so only one picture exists
        "GNOME",
        {
            "org.gnome.desktop.background": {
                "picture-uri": _q("file://{root}/a.jpg"),
                "picture-options": "'zoom'",
            }
        },
        None,
        [("gnome", "image", ("a.jpg",), "")],
        id="gnome-41-no-dark-key",
    ),
    pytest.param(
        # GNOME without the interface schema's color-scheme: light first
        "GNOME",
        {
            "org.gnome.desktop.background": {
                "picture-uri": _q("file://{root}/a.jpg"),
                "picture-uri-dark": _q("{root}/b.png"),
            }
        },
        None,
        [("gnome", "image", ("a.jpg",), ""), ("gnome-dark", "image", ("b.png",), "")],
        id="gnome-no-color-scheme",
    ),
    pytest.param(
        # a path with a quote: gsettings prints it in double quotes
        "GNOME",
        {"org.gnome.desktop.background": {"picture-uri": '"file://{root}/it\'s me.jpg"'}},
        None,
        [("gnome", "image", ("it's me.jpg",), "")],
        id="gnome-double-quoted-value",
    ),
    pytest.param(
        # Cinnamon: its own schema, a file URI
        "X-Cinnamon",
        {
            "org.cinnamon.desktop.background": {
                "picture-uri": _q("file://{root}/a.jpg"),
                "picture-options": "'zoom'",
            }
        },
        None,
        [("cinnamon", "image", ("a.jpg",), "")],
        id="cinnamon-picture",
    ),
    pytest.param(
        # Cinnamon with the plain colour
        "X-Cinnamon",
        {
            "org.cinnamon.desktop.background": {
                "picture-uri": _q("file://{root}/a.jpg"),
                "picture-options": "'none'",
            }
        },
        None,
        [("cinnamon", "solid", (), "")],
        id="cinnamon-solid",
    ),
    pytest.param(
        # Cinnamon's own slideshow of a folder wins over the single picture
        "X-Cinnamon",
        {
            "org.cinnamon.desktop.background": {"picture-uri": _q("file://{root}/a.jpg")},
            "org.cinnamon.desktop.background.slideshow": {
                "slideshow-enabled": "true",
                "image-source": _q("directory://{root}/slides"),
            },
        },
        None,
        [("cinnamon", "slideshow", ("slides/1.jpg", "slides/2.png", "slides/deeper/3.jpeg"), "")],
        id="cinnamon-folder-slideshow",
    ),
    pytest.param(
        # Cinnamon's slideshow switched off: the single picture
        "X-Cinnamon",
        {
            "org.cinnamon.desktop.background": {"picture-uri": _q("file://{root}/a.jpg")},
            "org.cinnamon.desktop.background.slideshow": {
                "slideshow-enabled": "false",
                "image-source": _q("directory://{root}/slides"),
            },
        },
        None,
        [("cinnamon", "image", ("a.jpg",), "")],
        id="cinnamon-slideshow-off",
    ),
    pytest.param(
        # MATE stores a plain path, not a URI
        "MATE",
        {
            "org.mate.background": {
                "picture-filename": _q("{root}/b.png"),
                "picture-options": "'wallpaper'",
            }
        },
        None,
        [("mate", "image", ("b.png",), "")],
        id="mate-picture",
    ),
    pytest.param(
        # MATE with picture-options none
        "MATE",
        {
            "org.mate.background": {
                "picture-filename": _q("{root}/b.png"),
                "picture-options": "'none'",
            }
        },
        None,
        [("mate", "solid", (), "")],
        id="mate-solid",
    ),
    pytest.param(
        # MATE pointing at a deleted file
        "MATE",
        {"org.mate.background": {"picture-filename": _q("{root}/gone.png")}},
        None,
        [("mate", "image", (), "gone.png is missing")],
        id="mate-missing",
    ),
    pytest.param(
        # XFCE: two monitors; workspace 1 repeats monitor 0's picture (deduped); one monitor uses
        # image style 0 ("None"), which shows the colour
        "XFCE",
        {},
        {
            "/backdrop/screen0/monitorHDMI-1/workspace0/color-style": "0",
            "/backdrop/screen0/monitorHDMI-1/workspace0/image-style": "5",
            "/backdrop/screen0/monitorHDMI-1/workspace0/last-image": "{root}/a.jpg",
            "/backdrop/screen0/monitorHDMI-1/workspace1/last-image": "{root}/a.jpg",
            "/backdrop/screen0/monitoreDP-1/workspace0/image-style": "0",
            "/backdrop/screen0/monitoreDP-1/workspace0/last-image": "{root}/b.png",
            "/backdrop/screen0/monitorDP-2/workspace0/last-image": "{root}/slides/1.jpg",
            "/desktop-icons/style": "2",
        },
        [
            ("xfce", "image", ("slides/1.jpg",), ""),
            ("xfce", "image", ("a.jpg",), ""),
            ("xfce", "solid", (), ""),
        ],
        id="xfce-monitors",
    ),
]


@pytest.mark.parametrize(("desktop", "schemas", "xfconf", "expected"), FAKE_DESKTOP_CASES)
def test_desktops_through_a_fake_runner(
    tmp_path: Path,
    desktop: str,
    schemas: dict[str, dict[str, str]],
    xfconf: dict[str, str] | None,
    expected: list[Expected],
) -> None:
    _touch(tmp_path, "a.jpg", "b.png", "it's me.jpg")
    _touch(tmp_path, "slides/1.jpg", "slides/2.png", "slides/deeper/3.jpeg", "slides/notes.txt")
    root = str(tmp_path)
    runner = FakeCommands(
        {s: {k: v.replace("{root}", root) for k, v in keys.items()} for s, keys in schemas.items()},
        None if xfconf is None else {p: v.replace("{root}", root) for p, v in xfconf.items()},
    )
    env = {"XDG_CURRENT_DESKTOP": desktop, "HOME": root, "LANG": "de_DE.UTF-8"}

    found = find_wallpapers(platform="linux", env=env, run=runner)

    _assert_found(found, tmp_path, expected)
    for _args, kwargs in runner.calls:  # the environment reaches the command; it cannot hang
        assert kwargs["env"]["HOME"] == root and kwargs["env"]["LANG"] == "de_DE.UTF-8"
        assert kwargs["timeout"] == COMMAND_TIMEOUT_S and kwargs["check"] is False


def test_commands_get_a_utf8_locale_when_the_environment_has_none(tmp_path: Path) -> None:
    runner = FakeCommands({"org.mate.background": {"picture-filename": _q(f"{tmp_path}/x.png")}})

    find_wallpapers(
        platform="linux", env={"XDG_CURRENT_DESKTOP": "MATE"}, home=tmp_path, run=runner
    )

    assert {kwargs["env"]["LC_ALL"] for _args, kwargs in runner.calls} == {"C.UTF-8"}
    assert {kwargs["env"]["HOME"] for _args, kwargs in runner.calls} == {str(tmp_path)}


# --- KDE Plasma ---------------------------------------------------------------------------------


def _kde_home(tmp_path: Path, appletsrc: str) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "home"
    config = home / ".config"
    config.mkdir(parents=True)
    (config / APPLETSRC).write_text(appletsrc.replace("@ROOT@", str(home)), encoding="utf-8")
    env = {
        "XDG_CURRENT_DESKTOP": "KDE",
        "HOME": str(home),
        "XDG_DATA_DIRS": str(tmp_path / "system"),
    }
    return home, env


def test_kde_fixture_two_screens_two_activities(tmp_path: Path) -> None:
    home, env = _kde_home(tmp_path, (FIXTURES / APPLETSRC).read_text(encoding="utf-8"))
    _touch(home, "Pictures/Family Beach 2023.jpg")
    package = ".local/share/wallpapers/Mountain/contents"
    _touch(home, f"{package}/screenshot.png", f"{package}/images/1920x1080.jpg")
    _touch(home, f"{package}/images/5120x2880.jpg", f"{package}/images/3840x2160.jpg")
    _touch(home, f"{package}/images/1080x1920.jpg")  # portrait: smaller area than 5120x2880
    slides = "Pictures/Holiday, Crete"
    _touch(home, f"{slides}/1.jpg", f"{slides}/skip-me.png", f"{slides}/more/2.heic")
    _touch(home, f"{slides}/readme.txt")

    found = find_wallpapers(platform="linux", env=env, run=FakeCommands())

    _assert_found(
        found,
        home,
        [
            # screen 0, first activity: a picture whose path has spaces (KDE does not encode them)
            ("kde", "image", ("Pictures/Family Beach 2023.jpg",), ""),
            # screen 0, second activity: a slideshow; UncheckedSlides and non-images left out
            ("kde", "slideshow", (f"{slides}/1.jpg", f"{slides}/more/2.heic"), ""),
            # screen 1, first activity: a wallpaper package -> its largest image
            ("kde", "image", (f"{package}/images/5120x2880.jpg",), ""),
            # screen 1, second activity: plain colour; panels and the system tray are not listed
            ("kde", "solid", (), ""),
        ],
    )


def _containment(number: int, screen: int, plugin: str, general: str) -> str:
    return (
        f"[Containments][{number}]\nactivityId=a1\nformfactor=0\nlastScreen={screen}\n"
        f"location=0\nplugin=org.kde.plasma.folder\nwallpaperplugin={plugin}\n\n"
        f"[Containments][{number}][Wallpaper][{plugin}][General]\n{general}\n\n"
    )


# Each row: appletsrc text (@ROOT@ = home) and files under home -> wallpapers expected.
KDE_CASES = [
    pytest.param(
        # two screens showing the same picture (once as URI, once as path): one entry
        _containment(1, 0, "org.kde.image", "Image=file://@ROOT@/p/a.jpg")
        + _containment(2, 1, "org.kde.image", "Image=@ROOT@/p/a.jpg"),
        ["p/a.jpg"],
        [("kde", "image", ("p/a.jpg",), "")],
        id="same-picture-two-screens",
    ),
    pytest.param(
        # KConfig's $e flag: $HOME expanded; \s is an escaped leading space in KConfig values
        _containment(1, 0, "org.kde.image", "Image[$e]=$HOME/p/\\sodd.png"),
        ["p/ odd.png"],
        [("kde", "image", ("p/ odd.png",), "")],
        id="dollar-e-and-escapes",
    ),
    pytest.param(
        # the picture was deleted
        _containment(1, 0, "org.kde.image", "Image=file://@ROOT@/p/gone.jpg"),
        [],
        [("kde", "image", (), "p/gone.jpg is missing")],
        id="missing-picture",
    ),
    pytest.param(
        # a package with a dark variant: the best of each; no WxH names -> the first image
        _containment(1, 0, "org.kde.image", "Image=file://@ROOT@/pkg/"),
        [
            "pkg/contents/images/wide.png",
            "pkg/contents/images/alt.png",
            "pkg/contents/images_dark/1280x720.jpg",
        ],
        [
            (
                "kde",
                "image",
                ("pkg/contents/images/alt.png", "pkg/contents/images_dark/1280x720.jpg"),
                "",
            )
        ],
        id="package-light-and-dark",
    ),
    pytest.param(
        # a wallpaper plugin Preflight cannot read (picture of the day): no images, a reason
        _containment(1, 0, "org.kde.potd", "Provider=apod"),
        [],
        [("kde", "image", (), "org.kde.potd")],
        id="unknown-plugin",
    ),
    pytest.param(
        # Image never set: Plasma's default package, found in XDG_DATA_DIRS
        _containment(1, 0, "org.kde.image", "FillMode=2"),
        ["../system/wallpapers/Next/contents/images/1920x1080.png"],
        [("kde", "image", ("../system/wallpapers/Next/contents/images/1920x1080.png",), "")],
        id="default-package",
    ),
    pytest.param(
        # a slideshow folder holding packages: each package counts as its best picture
        _containment(1, 0, "org.kde.slideshow", "SlidePaths=file://@ROOT@/w/"),
        ["w/Pkg/contents/images/800x600.jpg", "w/Pkg/contents/images/1600x1200.jpg", "w/z.bmp"],
        [("kde", "slideshow", ("w/Pkg/contents/images/1600x1200.jpg", "w/z.bmp"), "")],
        id="slideshow-of-packages",
    ),
    pytest.param(
        # a slideshow whose folder is empty
        _containment(1, 0, "org.kde.slideshow", "SlidePaths=@ROOT@/empty/"),
        ["empty/notes.txt"],
        [("kde", "slideshow", (), "holds no pictures")],
        id="empty-slideshow",
    ),
]


@pytest.mark.parametrize(("appletsrc", "files", "expected"), KDE_CASES)
def test_kde_cases(
    tmp_path: Path, appletsrc: str, files: list[str], expected: list[Expected]
) -> None:
    home, env = _kde_home(tmp_path, appletsrc)
    _touch(home, *files)

    found = find_wallpapers(platform="linux", env=env, run=FakeCommands())

    _assert_found(found, home, expected)


def test_kde_slideshow_is_capped(tmp_path: Path) -> None:
    home, env = _kde_home(
        tmp_path, _containment(1, 0, "org.kde.slideshow", "SlidePaths=@ROOT@/many")
    )
    _touch(home, *(f"many/{n:03}.jpg" for n in range(MAX_SLIDESHOW_IMAGES + 20)))

    [found] = find_wallpapers(platform="linux", env=env, run=FakeCommands())

    assert found.kind == "slideshow" and len(found.images) == MAX_SLIDESHOW_IMAGES
    assert found.images[0].name == "000.jpg"


def test_unknown_desktop_with_an_appletsrc_is_read_as_kde(tmp_path: Path) -> None:
    _home, env = _kde_home(tmp_path, _containment(1, 0, "org.kde.color", "Color=0,0,0"))
    del env["XDG_CURRENT_DESKTOP"]

    found = find_wallpapers(platform="linux", env=env, run=FakeCommands(raises=FileNotFoundError()))

    assert found == [Wallpaper("kde", "solid")]


def test_kde_config_home_is_honoured(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere"
    config.mkdir()
    (config / APPLETSRC).write_text(_containment(1, 0, "org.kde.color", ""), encoding="utf-8")
    env = {"XDG_CURRENT_DESKTOP": "KDE", "XDG_CONFIG_HOME": str(config)}

    assert find_wallpapers(platform="linux", home=tmp_path, env=env) == [Wallpaper("kde", "solid")]


# --- Windows -------------------------------------------------------------------------------------


def _registry(values: Mapping[tuple[str, str], object]) -> Callable[[str, str], object]:
    def read(key: str, name: str) -> object:
        return values.get((key.rsplit("\\", 1)[-1], name))

    return read


THEMES = "AppData/Roaming/Microsoft/Windows/Themes"

# Each row: files under the home, registry values ((last key part, name) -> value; {root} is the
# home) -> wallpapers expected.
WINDOWS_CASES = [
    pytest.param(
        # the rendered copy exists: it is what the screen shows, whatever the registry names
        [f"{THEMES}/TranscodedWallpaper", "Pictures/kids.jpg"],
        {("Desktop", "WallPaper"): "{root}/Pictures/kids.jpg", ("Wallpapers", "BackgroundType"): 0},
        [("windows", "image", (f"{THEMES}/TranscodedWallpaper",), "")],
        id="transcoded-wins",
    ),
    pytest.param(
        # BackgroundType 1 is a solid colour, even though an old rendered copy remains
        [f"{THEMES}/TranscodedWallpaper"],
        {("Desktop", "WallPaper"): "", ("Wallpapers", "BackgroundType"): 1},
        [("windows", "solid", (), "")],
        id="solid-background-type",
    ),
    pytest.param(
        # BackgroundType 2, a slideshow: only the current slide can be found
        [f"{THEMES}/TranscodedWallpaper"],
        {("Wallpapers", "BackgroundType"): 2},
        [("windows", "slideshow", (f"{THEMES}/TranscodedWallpaper",), "")],
        id="slideshow",
    ),
    pytest.param(
        # no rendered copy: the registry's path
        ["Pictures/kids.jpg"],
        {("Desktop", "WallPaper"): "{root}/Pictures/kids.jpg"},
        [("windows", "image", ("Pictures/kids.jpg",), "")],
        id="registry-path",
    ),
    pytest.param(
        # WallPaper set to "" means no picture (older Windows, no BackgroundType)
        [],
        {("Desktop", "WallPaper"): ""},
        [("windows", "solid", (), "")],
        id="registry-empty-is-solid",
    ),
    pytest.param(
        # the registry names a deleted picture
        [],
        {("Desktop", "WallPaper"): "{root}/Pictures/gone.jpg"},
        [("windows", "image", (), "Pictures/gone.jpg is missing")],
        id="registry-missing-file",
    ),
]


@pytest.mark.parametrize(("files", "values", "expected"), WINDOWS_CASES)
def test_windows(
    tmp_path: Path,
    files: list[str],
    values: dict[tuple[str, str], object],
    expected: list[Expected],
) -> None:
    _touch(tmp_path, *files)
    values = {
        k: v.replace("{root}", str(tmp_path)) if isinstance(v, str) else v
        for k, v in values.items()
    }

    found = find_wallpapers(platform="win32", home=tmp_path, env={}, registry=_registry(values))

    _assert_found(found, tmp_path, expected)


def test_windows_appdata_from_the_environment(tmp_path: Path) -> None:
    _touch(tmp_path, "Roaming/Microsoft/Windows/Themes/TranscodedWallpaper")
    env = {"APPDATA": str(tmp_path / "Roaming")}

    found = find_wallpapers(
        platform="win32", home=tmp_path / "nowhere", env=env, registry=_registry({})
    )

    assert found == [
        Wallpaper(
            "windows", "image", (tmp_path / "Roaming/Microsoft/Windows/Themes/TranscodedWallpaper",)
        )
    ]


# --- macOS ----------------------------------------------------------------------------------------


def test_macos_screens(tmp_path: Path) -> None:
    _touch(tmp_path, "Pictures/cat.heic", "Rotating/1.jpg", "Rotating/2.png", "Rotating/x.txt")
    screens: list[str | Path | None] = [
        str(tmp_path / "Pictures/cat.heic"),  # main screen: a picture
        tmp_path / "Rotating",  # second screen: "change picture" -> the folder
        None,  # a screen macOS gave no URL for
        str(tmp_path / "Pictures/cat.heic"),  # a mirrored screen: the same picture again
        str(tmp_path / "Pictures/gone.jpg"),  # a deleted picture
    ]

    found = find_wallpapers(
        platform="darwin", home=tmp_path, env={}, desktop_images=lambda: screens
    )

    _assert_found(
        found,
        tmp_path,
        [
            ("macos", "image", ("Pictures/cat.heic",), ""),
            ("macos", "slideshow", ("Rotating/1.jpg", "Rotating/2.png"), ""),
            ("macos", "image", (), "Pictures/gone.jpg is missing"),
        ],
    )


# --- when nothing can be read ---------------------------------------------------------------------


def _raise(exc: BaseException) -> Callable[..., Any]:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise exc

    return fail


# Each row: the call's arguments (home is tmp_path, empty) -> a piece of the DesktopUnavailable.
UNAVAILABLE_CASES = [
    pytest.param(
        # an unknown desktop, no KDE file, no GNOME schema
        {"platform": "linux", "env": {"XDG_CURRENT_DESKTOP": "sway"}, "run": FakeCommands()},
        "Preflight does not know how to read the wallpaper on this desktop "
        "(XDG_CURRENT_DESKTOP is 'sway').",
        id="unknown-desktop",
    ),
    pytest.param(
        # nothing set at all and no gsettings
        {"platform": "linux", "env": {}, "run": FakeCommands(raises=FileNotFoundError())},
        "Preflight does not know how to read the wallpaper on this desktop "
        "(XDG_CURRENT_DESKTOP is not set).",
        id="nothing-set",
    ),
    pytest.param(
        # only DESKTOP_SESSION, naming something unknown
        {"platform": "linux", "env": {"DESKTOP_SESSION": "i3"}, "run": FakeCommands()},
        "(DESKTOP_SESSION is 'i3')",
        id="unknown-session",
    ),
    pytest.param(
        # GNOME but gsettings is not installed
        {
            "platform": "linux",
            "env": {"XDG_CURRENT_DESKTOP": "GNOME"},
            "run": FakeCommands(raises=FileNotFoundError()),
        },
        "gsettings is not installed",
        id="gsettings-missing",
    ),
    pytest.param(
        # GNOME but gsettings hangs (a broken D-Bus session)
        {
            "platform": "linux",
            "env": {"XDG_CURRENT_DESKTOP": "GNOME"},
            "run": _raise(subprocess.TimeoutExpired("gsettings", 5)),
        },
        "gsettings did not answer within 5 s",
        id="gsettings-hangs",
    ),
    pytest.param(
        # GNOME but the schema is not installed
        {"platform": "linux", "env": {"XDG_CURRENT_DESKTOP": "GNOME"}, "run": FakeCommands()},
        "(org.gnome.desktop.background) are not installed",
        id="gnome-schema-missing",
    ),
    pytest.param(
        # Cinnamon named, its schema missing
        {"platform": "linux", "env": {"XDG_CURRENT_DESKTOP": "X-Cinnamon"}, "run": FakeCommands()},
        "(org.cinnamon.desktop.background) are not installed",
        id="cinnamon-schema-missing",
    ),
    pytest.param(
        # XFCE named, but xfconfd has no such channel
        {"platform": "linux", "env": {"XDG_CURRENT_DESKTOP": "XFCE"}, "run": FakeCommands()},
        "The XFCE desktop settings could not be read",
        id="xfce-no-channel",
    ),
    pytest.param(
        # XFCE with settings but no last-image anywhere
        {
            "platform": "linux",
            "env": {"XDG_CURRENT_DESKTOP": "XFCE"},
            "run": FakeCommands(xfconf={"/desktop-icons/style": "2"}),
        },
        "name no wallpaper",
        id="xfce-no-last-image",
    ),
    pytest.param(
        # KDE named but its settings file does not exist
        {"platform": "linux", "env": {"XDG_CURRENT_DESKTOP": "KDE"}, "run": FakeCommands()},
        "plasma-org.kde.plasma.desktop-appletsrc is missing",
        id="kde-no-appletsrc",
    ),
    pytest.param(
        # Windows with no rendered copy and no registry value
        {"platform": "win32", "env": {}, "registry": _registry({})},
        "Windows has no wallpaper setting for this user.",
        id="windows-nothing",
    ),
    pytest.param(
        # the registry cannot be opened
        {"platform": "win32", "env": {}, "registry": _raise(PermissionError("denied"))},
        "could not be read",
        id="windows-registry-error",
    ),
    pytest.param(
        # the real winreg reader on a machine that is not Windows
        {"platform": "win32", "env": {}},
        "only be read on Windows",
        id="windows-default-registry-elsewhere",
    ),
    pytest.param(
        # macOS giving no picture for any screen
        {"platform": "darwin", "env": {}, "desktop_images": lambda: [None]},
        "macOS did not say which desktop picture",
        id="macos-nothing",
    ),
    pytest.param(
        # the real AppKit reader on a machine that is not a Mac
        {"platform": "darwin", "env": {}},
        "only be read on macOS",
        id="macos-default-elsewhere",
    ),
    pytest.param(
        # a platform with no desktop this module knows
        {"platform": "emscripten", "env": {}},
        "(emscripten)",
        id="unknown-platform",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), UNAVAILABLE_CASES)
def test_unavailable_says_why(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(DesktopUnavailable) as raised:
        find_wallpapers(home=tmp_path, **kwargs)

    assert message in str(raised.value)


def test_kde_broken_appletsrc_is_unavailable(tmp_path: Path) -> None:
    _home, env = _kde_home(tmp_path, "this is not = an ini file\n[Containments][1]\nplugin=x\n")

    with pytest.raises(DesktopUnavailable, match="could not be read"):
        find_wallpapers(platform="linux", env=env, run=FakeCommands())


def test_platform_modules_are_imported_only_inside_their_readers() -> None:
    tree = ast.parse(Path(wallpaper_module.__file__).read_text(encoding="utf-8"))
    top_level = {
        alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
    assert not {"winreg", "AppKit", "Quartz", "PySide6"} & top_level
