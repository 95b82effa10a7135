"""Where the desktop wallpaper images are, on GNOME-like desktops, KDE, XFCE, Windows and macOS."""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from preflight.desktop.base import DesktopUnavailable, Wallpaper

Runner = Callable[..., "subprocess.CompletedProcess[str]"]
"""Runs a command like `subprocess.run(args, capture_output=True, encoding=..., timeout=...,
env=..., check=False)` and returns its CompletedProcess (text output)."""

RegistryReader = Callable[[str, str], object]
"""`(key under HKEY_CURRENT_USER, value name) -> value`, or None when the value does not exist."""

DesktopImageReader = Callable[[], Sequence["str | Path | None"]]
"""Returns the desktop picture path (file, or folder when rotating) of each screen, in order."""

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".jxl", ".tif", ".tiff", ".heic"}
)
MAX_SLIDESHOW_IMAGES = 50
COMMAND_TIMEOUT_S = 5.0
_MAX_SLIDESHOW_XML_BYTES = 2_000_000
_MAX_FOLDER_DEPTH = 6

_GNOME_SCHEMA = "org.gnome.desktop.background"
_CINNAMON_SCHEMA = "org.cinnamon.desktop.background"
_CINNAMON_SLIDESHOW_SCHEMA = "org.cinnamon.desktop.background.slideshow"
_MATE_SCHEMA = "org.mate.background"
_KDE_APPLETSRC = "plasma-org.kde.plasma.desktop-appletsrc"
_KDE_DESKTOP_PLUGINS = frozenset({"org.kde.plasma.folder", "org.kde.desktopcontainment"})
_WINDOWS_DESKTOP_KEY = r"Control Panel\Desktop"
_WINDOWS_WALLPAPERS_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\Wallpapers"

# XDG_CURRENT_DESKTOP / DESKTOP_SESSION names (lower case) -> the settings this module reads.
_DESKTOPS = {
    "gnome": "gnome",
    "gnome-classic": "gnome",
    "gnome-flashback": "gnome",
    "gnome-xorg": "gnome",
    "ubuntu": "gnome",
    "ubuntu-xorg": "gnome",
    "ubuntu-wayland": "gnome",
    "unity": "gnome",
    "budgie": "gnome",
    "budgie-desktop": "gnome",
    "pantheon": "gnome",
    "x-cinnamon": "cinnamon",
    "cinnamon": "cinnamon",
    "cinnamon2d": "cinnamon",
    "mate": "mate",
    "xfce": "xfce",
    "xubuntu": "xfce",
    "kde": "kde",
    "plasma": "kde",
    "plasmawayland": "kde",
    "plasmax11": "kde",
}


def find_wallpapers(
    *,
    platform: str = sys.platform,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    run: Runner | None = None,
    registry: RegistryReader | None = None,
    desktop_images: DesktopImageReader | None = None,
) -> list[Wallpaper]:
    """Every wallpaper this user's desktop may show, with the image files to inspect.

    Args:
        platform: `sys.platform` of the machine ("linux", "win32", "darwin", ...).
        home: the user's home folder; defaults to `env["HOME"]`, then `Path.home()`.
        env: the environment to read (XDG_CURRENT_DESKTOP, XDG_CONFIG_HOME, APPDATA, ...); it is
            also the whole environment of `gsettings`/`xfconf-query`. Defaults to `os.environ`.
        run: runs `gsettings`/`xfconf-query`; defaults to `subprocess.run`.
        registry: Windows only, reads a value under HKEY_CURRENT_USER; defaults to `winreg`.
        desktop_images: macOS only, each screen's desktop picture; defaults to AppKit.

    Returns:
        One or more Wallpaper values, never an empty list. GNOME gives a "gnome-dark" entry too
        when the dark-style picture differs, since the user can switch styles during a lesson.

    Raises:
        DesktopUnavailable: the wallpaper setting of this desktop cannot be found or read.
    """
    environ: dict[str, str] = dict(os.environ if env is None else env)
    if home is None:
        home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    else:
        environ["HOME"] = str(home)
    if platform == "win32":
        return _dedupe(_windows(home, environ, registry or _read_current_user_registry))
    if platform == "darwin":
        return _dedupe(_macos(desktop_images or _appkit_desktop_images))
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd", "dragonfly", "sunos")):
        commands = _Commands(run or subprocess.run, environ)
        return _dedupe(_unix(home, environ, commands))
    raise DesktopUnavailable(
        f"Preflight does not know how to read the wallpaper on this system ({platform})."
    )


# --- Linux and other X11/Wayland desktops ------------------------------------------------------


def _unix(home: Path, env: Mapping[str, str], commands: _Commands) -> list[Wallpaper]:
    desktop, described = _which_desktop(env)
    appletsrc = _config_home(home, env) / _KDE_APPLETSRC
    if desktop is None:
        if appletsrc.is_file():
            desktop = "kde"
        elif commands.gsettings_keys(_GNOME_SCHEMA, quiet=True) is not None:
            desktop = "gnome"
        else:
            raise DesktopUnavailable(
                f"Preflight does not know how to read the wallpaper on this desktop ({described})."
            )
    if desktop == "kde":
        return _kde(appletsrc, home, env)
    if desktop == "xfce":
        return _xfce(commands)
    if desktop == "mate":
        return _mate(commands)
    if desktop == "cinnamon":
        return _cinnamon(commands)
    return _gnome(commands)


def _which_desktop(env: Mapping[str, str]) -> tuple[str | None, str]:
    """The desktop family named by the environment (or None), and how the environment named it."""
    current = env.get("XDG_CURRENT_DESKTOP", "")
    session = env.get("DESKTOP_SESSION", "")
    for name in current.split(":"):
        if name.strip().lower() in _DESKTOPS:
            return _DESKTOPS[name.strip().lower()], current
    session_name = Path(session).name.lower()  # some display managers give a path
    if session_name in _DESKTOPS:
        return _DESKTOPS[session_name], session
    if current:
        return None, f"XDG_CURRENT_DESKTOP is {current!r}"
    if session:
        return None, f"DESKTOP_SESSION is {session!r}"
    return None, "XDG_CURRENT_DESKTOP is not set"


def _config_home(home: Path, env: Mapping[str, str]) -> Path:
    configured = env.get("XDG_CONFIG_HOME", "")
    return Path(configured) if os.path.isabs(configured) else home / ".config"


def _data_dirs(home: Path, env: Mapping[str, str]) -> list[Path]:
    data_home = env.get("XDG_DATA_HOME", "")
    dirs = [Path(data_home) if os.path.isabs(data_home) else home / ".local" / "share"]
    listed = env.get("XDG_DATA_DIRS", "") or "/usr/local/share:/usr/share"
    dirs += [Path(d) for d in listed.split(":") if os.path.isabs(d)]
    return dirs


class _Commands:
    """Runs gsettings and xfconf-query in the given environment, turning failures into reasons."""

    def __init__(self, run: Runner, env: Mapping[str, str]) -> None:
        self._run = run
        self._env = dict(env)
        # gsettings prints non-ASCII as "?" in the C locale; ask for UTF-8 unless already so.
        locale = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
        if not re.search(r"utf-?8", locale, re.IGNORECASE):
            self._env["LC_ALL"] = "C.UTF-8"

    def call(self, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        tool = args[0]
        try:
            return self._run(
                list(args),
                capture_output=True,
                encoding="utf-8",
                errors="surrogateescape",
                timeout=COMMAND_TIMEOUT_S,
                env=self._env,
                check=False,
            )
        except FileNotFoundError:
            raise DesktopUnavailable(
                f"{tool} is not installed, so the desktop's wallpaper setting cannot be read."
            ) from None
        except subprocess.TimeoutExpired:
            raise DesktopUnavailable(
                f"{tool} did not answer within {COMMAND_TIMEOUT_S:g} s, so the desktop's "
                "wallpaper setting cannot be read."
            ) from None
        except OSError as exc:
            raise DesktopUnavailable(
                f"{tool} could not be run ({exc.strerror or exc}), so the desktop's wallpaper "
                "setting cannot be read."
            ) from None

    def gsettings_keys(self, schema: str, *, quiet: bool = False) -> frozenset[str] | None:
        """The keys of `schema`, or None when it is not installed (or, if quiet, no gsettings)."""
        try:
            result = self.call(["gsettings", "list-keys", schema])
        except DesktopUnavailable:
            if quiet:
                return None
            raise
        if result.returncode != 0:
            return None
        return frozenset(result.stdout.split())

    def gsettings_get(self, schema: str, key: str) -> str:
        result = self.call(["gsettings", "get", schema, key])
        if result.returncode != 0:
            why = _first_line(result.stderr) or f"exit status {result.returncode}"
            raise DesktopUnavailable(f"gsettings could not read {schema} {key}: {why}")
        return _gvariant_text(result.stdout.strip())

    def schema_keys(self, schema: str, desktop: str) -> frozenset[str]:
        keys = self.gsettings_keys(schema)
        if keys is None:
            raise DesktopUnavailable(
                f"The {desktop} desktop settings ({schema}) are not installed on this computer, "
                "so the wallpaper cannot be read."
            )
        return keys


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


_GVARIANT_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_GVARIANT_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)


def _gvariant_text(printed: str) -> str:
    """A GVariant value as `gsettings get` prints it -> its text ('a\\'b' -> a'b; true -> true)."""
    if len(printed) >= 2 and printed[0] in "'\"" and printed[-1] == printed[0]:

        def unescape(match: re.Match[str]) -> str:
            code = match.group(1)
            if code[0] in "uU" and len(code) > 1:
                return chr(int(code[1:], 16))
            return _GVARIANT_ESCAPES.get(code, code)

        return _GVARIANT_ESCAPE.sub(unescape, printed[1:-1])
    return printed


def _picture_options_none(commands: _Commands, schema: str, keys: frozenset[str]) -> bool:
    """picture-options 'none': the desktop draws its plain colour and no picture."""
    return "picture-options" in keys and commands.gsettings_get(schema, "picture-options") == "none"


def _gnome(commands: _Commands) -> list[Wallpaper]:
    keys = commands.schema_keys(_GNOME_SCHEMA, "GNOME")
    if _picture_options_none(commands, _GNOME_SCHEMA, keys):
        return [Wallpaper(source="gnome", kind="solid")]
    light = _picture("gnome", commands.gsettings_get(_GNOME_SCHEMA, "picture-uri"))
    if "picture-uri-dark" not in keys:  # GNOME before 42 has one picture
        return [light]
    dark = _picture("gnome-dark", commands.gsettings_get(_GNOME_SCHEMA, "picture-uri-dark"))
    if (dark.kind, dark.images, dark.reason) == (light.kind, light.images, light.reason):
        return [light]
    interface = commands.gsettings_keys("org.gnome.desktop.interface") or frozenset()
    scheme = ""
    if "color-scheme" in interface:
        scheme = commands.gsettings_get("org.gnome.desktop.interface", "color-scheme")
    return [dark, light] if scheme == "prefer-dark" else [light, dark]


def _cinnamon(commands: _Commands) -> list[Wallpaper]:
    keys = commands.schema_keys(_CINNAMON_SCHEMA, "Cinnamon")
    if _picture_options_none(commands, _CINNAMON_SCHEMA, keys):
        return [Wallpaper(source="cinnamon", kind="solid")]
    slideshow_keys = commands.gsettings_keys(_CINNAMON_SLIDESHOW_SCHEMA) or frozenset()
    if {"slideshow-enabled", "image-source"} <= slideshow_keys and commands.gsettings_get(
        _CINNAMON_SLIDESHOW_SCHEMA, "slideshow-enabled"
    ) == "true":
        source = commands.gsettings_get(_CINNAMON_SLIDESHOW_SCHEMA, "image-source")
        if source.startswith("directory://"):
            return [_folder_slideshow("cinnamon", _uri_to_path(source[len("directory://") :]))]
        if source.startswith("xml://"):
            return [_picture("cinnamon", source[len("xml://") :])]
    return [_picture("cinnamon", commands.gsettings_get(_CINNAMON_SCHEMA, "picture-uri"))]


def _mate(commands: _Commands) -> list[Wallpaper]:
    keys = commands.schema_keys(_MATE_SCHEMA, "MATE")
    if _picture_options_none(commands, _MATE_SCHEMA, keys):
        return [Wallpaper(source="mate", kind="solid")]
    return [_picture("mate", commands.gsettings_get(_MATE_SCHEMA, "picture-filename"))]


def _xfce(commands: _Commands) -> list[Wallpaper]:
    listed = commands.call(["xfconf-query", "-c", "xfce4-desktop", "-l"])
    if listed.returncode != 0:
        why = _first_line(listed.stderr) or f"exit status {listed.returncode}"
        raise DesktopUnavailable(f"The XFCE desktop settings could not be read: {why}")
    properties = set(listed.stdout.split())
    found: list[Wallpaper] = []
    for prop in sorted(p for p in properties if p.endswith("/last-image")):
        style_prop = prop[: -len("last-image")] + "image-style"
        if style_prop in properties and _xfconf_get(commands, style_prop) == "0":
            found.append(Wallpaper(source="xfce", kind="solid"))  # image style "None"
            continue
        found.append(_picture("xfce", _xfconf_get(commands, prop)))
    if not found:
        raise DesktopUnavailable("The XFCE desktop settings name no wallpaper (no last-image).")
    return found


def _xfconf_get(commands: _Commands, prop: str) -> str:
    result = commands.call(["xfconf-query", "-c", "xfce4-desktop", "-p", prop])
    if result.returncode != 0:
        why = _first_line(result.stderr) or f"exit status {result.returncode}"
        raise DesktopUnavailable(f"The XFCE desktop setting {prop} could not be read: {why}")
    return result.stdout.rstrip("\r\n")


# --- KDE Plasma --------------------------------------------------------------------------------


_CONTAINMENT = re.compile(r"Containments\]\[(\d+)")


def _kde(appletsrc: Path, home: Path, env: Mapping[str, str]) -> list[Wallpaper]:
    parser = configparser.ConfigParser(interpolation=None, strict=False, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    try:
        with appletsrc.open(encoding="utf-8", errors="replace") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        raise DesktopUnavailable(
            f"The KDE desktop settings file {appletsrc} is missing, so the wallpaper cannot be "
            "read."
        ) from None
    except (OSError, configparser.Error) as exc:
        # Only the error's kind: configparser's message quotes lines of the file (file paths).
        raise DesktopUnavailable(
            f"The KDE desktop settings file {appletsrc} could not be read ({type(exc).__name__})."
        ) from None

    desktops: list[tuple[int, int, str]] = []
    for section in parser.sections():
        match = _CONTAINMENT.fullmatch(section)
        if match is None:
            continue
        values = parser[section]
        plugin = _kde_value(values, "wallpaperplugin", env)
        kind = _kde_value(values, "plugin", env)
        if _kde_value(values, "formfactor", env) in ("2", "3") or kind == "org.kde.panel":
            continue  # panels and their system trays name a wallpaper plugin too; none shows
        if not plugin and kind not in _KDE_DESKTOP_PLUGINS:
            continue
        screen = _kde_value(values, "lastScreen", env)
        order = int(screen) if screen.isdigit() else 1_000_000  # -1: on no screen now
        desktops.append((order, int(match.group(1)), plugin or "org.kde.image"))
    if not desktops:
        raise DesktopUnavailable(f"The KDE desktop settings file {appletsrc} names no desktop.")

    found: list[Wallpaper] = []
    for _screen, number, plugin in sorted(desktops):
        general = f"Containments][{number}][Wallpaper][{plugin}][General"
        settings: Mapping[str, str] = parser[general] if parser.has_section(general) else {}
        found.append(_kde_wallpaper(plugin, settings, env, _data_dirs(home, env)))
    return found


def _kde_wallpaper(
    plugin: str, values: Mapping[str, str], env: Mapping[str, str], data_dirs: list[Path]
) -> Wallpaper:
    if plugin == "org.kde.color":
        return Wallpaper(source="kde", kind="solid")
    if plugin == "org.kde.image":
        image = _kde_value(values, "Image", env)
        if image:
            return _picture("kde", image)
        for folder in data_dirs:  # never changed: Plasma's default package
            if (folder / "wallpapers" / "Next").is_dir():
                return _picture("kde", str(folder / "wallpapers" / "Next"))
        return Wallpaper("kde", "image", reason="the default KDE wallpaper could not be found")
    if plugin == "org.kde.slideshow":
        listed = _kde_list(_kde_value(values, "SlidePaths", env))
        folders = [_uri_to_path(p) for p in listed] or [d / "wallpapers" for d in data_dirs]
        unchecked = {_uri_to_path(p) for p in _kde_list(_kde_value(values, "UncheckedSlides", env))}
        return _folder_slideshow("kde", *folders, skip=unchecked)
    return Wallpaper(
        "kde", "image", reason=f"Preflight cannot read the KDE wallpaper plugin {plugin!r}"
    )


_KCONFIG_ESCAPES = {"s": " ", "t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
_KCONFIG_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|.)", re.DOTALL)


def _kde_value(values: Mapping[str, str], key: str, env: Mapping[str, str]) -> str:
    """A KConfig value: unescaped, with `key[$e]` entries' $VARIABLES expanded."""
    expand = f"{key}[$e]" in values
    raw = values.get(f"{key}[$e]" if expand else key, "")
    if raw is None:
        return ""
    if expand:
        raw = re.sub(
            r"\$(\w+)|\$\{(\w+)\}",
            lambda m: env.get(m.group(1) or m.group(2), ""),
            raw,
        )

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "x" and len(code) == 3:
            return chr(int(code[1:], 16))
        return _KCONFIG_ESCAPES.get(code, match.group(0))

    return _KCONFIG_ESCAPE.sub(unescape, raw.strip())


def _kde_list(value: str) -> list[str]:
    """A KConfig list: comma-separated, `\\,` for a comma inside an item."""
    items = re.split(r"(?<!\\),", value)
    return [item.replace("\\,", ",").strip() for item in items if item.strip()]


def _is_kde_package(folder: Path) -> bool:
    return (folder / "contents" / "images").is_dir()


_RESOLUTION = re.compile(r"(\d+)x(\d+)")


def _package_images(package: Path) -> tuple[Path, ...]:
    """The largest picture in a KDE wallpaper package (and in its dark variant, if it has one)."""
    best: list[Path] = []
    for sub in ("images", "images_dark"):
        candidates = _images_in(package / "contents" / sub)
        if not candidates:
            continue

        def area(path: Path) -> int:
            match = _RESOLUTION.fullmatch(path.stem)
            return int(match.group(1)) * int(match.group(2)) if match else 0

        best.append(max(candidates, key=area))  # first of the largest, sorted by name
    return tuple(best)


# --- Windows -----------------------------------------------------------------------------------


def _windows(home: Path, env: Mapping[str, str], registry: RegistryReader) -> list[Wallpaper]:
    background_type = _registry_value(registry, _WINDOWS_WALLPAPERS_KEY, "BackgroundType")
    if str(background_type) == "1":
        return [Wallpaper(source="windows", kind="solid")]
    appdata = Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
    rendered = appdata / "Microsoft" / "Windows" / "Themes" / "TranscodedWallpaper"
    if rendered.is_file():  # what the screen shows, even if the original file is gone
        if str(background_type) == "2":  # a slideshow: only the current picture can be found
            return [Wallpaper(source="windows", kind="slideshow", images=(rendered,))]
        return [Wallpaper(source="windows", kind="image", images=(rendered,))]
    setting = _registry_value(registry, _WINDOWS_DESKTOP_KEY, "WallPaper")
    if setting is None:
        raise DesktopUnavailable("Windows has no wallpaper setting for this user.")
    if not str(setting).strip():
        return [Wallpaper(source="windows", kind="solid")]  # WallPaper="" is a plain colour
    return [_picture("windows", str(setting).strip())]


def _registry_value(registry: RegistryReader, key: str, name: str) -> object:
    try:
        return registry(key, name)
    except OSError as exc:
        raise DesktopUnavailable(
            f"The Windows registry value {key}\\{name} could not be read ({exc})."
        ) from None


def _read_current_user_registry(key: str, name: str) -> object:
    if sys.platform != "win32":
        raise DesktopUnavailable("The Windows registry can only be read on Windows.")
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
            value, _value_type = winreg.QueryValueEx(handle, name)
    except FileNotFoundError:
        return None
    return value


# --- macOS -------------------------------------------------------------------------------------


def _macos(desktop_images: DesktopImageReader) -> list[Wallpaper]:
    found: list[Wallpaper] = []
    for entry in desktop_images():
        if entry is None or not str(entry):
            continue
        path = Path(entry)
        if path.is_dir():  # "rotate pictures": macOS names the folder
            found.append(_folder_slideshow("macos", path))
        else:
            found.append(_picture("macos", str(path)))
    if not found:
        raise DesktopUnavailable("macOS did not say which desktop picture any screen shows.")
    return found


def _appkit_desktop_images() -> list[str | Path | None]:
    if sys.platform != "darwin":
        raise DesktopUnavailable("The macOS desktop picture can only be read on macOS.")
    try:
        from AppKit import NSScreen, NSWorkspace
    except ImportError:
        raise DesktopUnavailable(
            "pyobjc-framework-Cocoa is not installed, so the desktop picture cannot be read."
        ) from None
    workspace = NSWorkspace.sharedWorkspace()
    paths: list[str | Path | None] = []
    for screen in NSScreen.screens() or ():
        url = workspace.desktopImageURLForScreen_(screen)
        paths.append(str(url.path()) if url is not None and url.path() else None)
    return paths


# --- files -------------------------------------------------------------------------------------


def _uri_to_path(value: str) -> Path:
    """A `file://` URI (percent-encoded) or a plain path -> a path."""
    if value.startswith("file:"):
        path = unquote(urlsplit(value).path)
        if re.match(r"/[A-Za-z]:[/\\]", path):  # file:///C:/Users/... on Windows
            path = path[1:]
        return Path(path)
    return Path(os.path.expanduser(value))


def _picture(source: str, setting: str) -> Wallpaper:
    """One wallpaper setting (URI or path): an image, a GNOME XML slideshow or a KDE package."""
    if not setting.strip():
        return Wallpaper(source=source, kind="solid")  # no picture: the background colour shows
    if "://" in setting and not setting.startswith("file:"):
        return Wallpaper(source, "image", reason=f"the wallpaper is not a local file ({setting})")
    path = _uri_to_path(setting.strip())
    if path.is_dir():
        if _is_kde_package(path):
            images = _package_images(path)
            if images:
                return Wallpaper(source=source, kind="image", images=images)
            return Wallpaper(source, "image", reason=f"the wallpaper package {path} has no images")
        return _folder_slideshow(source, path)
    if not path.is_file():
        return Wallpaper(source, "image", reason=f"the wallpaper file {path} is missing")
    if path.suffix.lower() == ".xml":
        return _xml_slideshow(source, path)
    return Wallpaper(source=source, kind="image", images=(path,))


# <static><file>, <transition><from>/<to>, <file><size>one.jpg</size>...; and the wallpaper lists
# of gnome-background-properties (Cinnamon's "xml://" slideshows): <filename>, <filename-dark>.
_SLIDESHOW_TAGS = frozenset({"from", "to", "size", "filename", "filename-dark"})


def _xml_slideshow(source: str, path: Path) -> Wallpaper:
    """A GNOME XML slideshow: every picture it names that exists (at most MAX_SLIDESHOW_IMAGES)."""
    try:
        if path.stat().st_size > _MAX_SLIDESHOW_XML_BYTES:
            raise ValueError("too large")
        root = ET.fromstring(path.read_bytes())
    except (OSError, ValueError, ET.ParseError):
        return Wallpaper(source, "slideshow", reason=f"the slideshow file {path} cannot be read")
    names = [
        (element.text or "").strip()
        for element in root.iter()
        if element.tag in _SLIDESHOW_TAGS or (element.tag == "file" and len(element) == 0)
    ]
    images: list[Path] = []
    for name in names:
        if not name:
            continue
        image = _uri_to_path(name)
        image = image if image.is_absolute() else path.parent / image
        if image.is_file() and image not in images:
            images.append(image)
        if len(images) >= MAX_SLIDESHOW_IMAGES:
            break
    if not images:
        return Wallpaper(source, "slideshow", reason=f"none of the pictures in {path} exist")
    return Wallpaper(source=source, kind="slideshow", images=tuple(images))


def _folder_slideshow(source: str, *folders: Path, skip: Iterable[Path] = ()) -> Wallpaper:
    """Pictures rotating from folders: the images in them (KDE packages count as their best)."""
    skipped = set(skip)
    images: list[Path] = []
    for folder in folders:
        for image in _walk_images(folder):
            if image not in skipped and image not in images:
                images.append(image)
            if len(images) >= MAX_SLIDESHOW_IMAGES:
                return Wallpaper(source=source, kind="slideshow", images=tuple(images))
    if not images:
        shown = ", ".join(str(f) for f in folders)
        return Wallpaper(
            source, "slideshow", reason=f"the slideshow folder holds no pictures ({shown})"
        )
    return Wallpaper(source=source, kind="slideshow", images=tuple(images))


def _walk_images(folder: Path, depth: int = 0) -> Iterator[Path]:
    if not folder.is_dir() or depth > _MAX_FOLDER_DEPTH:
        return
    if _is_kde_package(folder):
        yield from _package_images(folder)
        return
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            if not entry.is_symlink():  # no loops through linked folders
                yield from _walk_images(entry, depth + 1)
        elif entry.suffix.lower() in IMAGE_SUFFIXES and entry.is_file():
            yield entry


def _images_in(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()]


def _dedupe(found: list[Wallpaper]) -> list[Wallpaper]:
    """Drop repeats (two screens with one picture), keeping the first source and the order."""
    seen: set[tuple[str, tuple[Path, ...], str]] = set()
    kept: list[Wallpaper] = []
    for wallpaper in found:
        key = (wallpaper.kind, wallpaper.images, wallpaper.reason)
        if key not in seen:
            seen.add(key)
            kept.append(wallpaper)
    return kept
