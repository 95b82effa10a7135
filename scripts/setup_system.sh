#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Preflight and its tests need, only those missing. Idempotent:
# when everything is present it makes no network call and takes well under a second.
set -euo pipefail

packages=(
  # OpenCV (pulled in by MediaPipe) links against these.
  libgl1 libglib2.0-0
  # OCR for camera.documents: English language data (tesserocr's wheel brings libtesseract)
  # and the tesseract binary for the pytesseract fallback.
  tesseract-ocr tesseract-ocr-eng
  # The desktop checks' tests: a virtual X screen with an EWMH window manager (the window list
  # lives in _NET_CLIENT_LIST, which only a window manager publishes), real browsers whose session
  # files are parsed, fonts for windows that show text, and gsettings for the GNOME wallpaper.
  xvfb openbox x11-utils xdotool chromium firefox-esr fonts-dejavu-core
  libglib2.0-bin gsettings-desktop-schemas
  # The journal's tests start their own throwaway PostgreSQL server (tests/pgserver.py runs initdb).
  postgresql
  # ...and their own Secret Service for the keyring: a private session bus (dbus-daemon, plus
  # dbus-send from dbus-bin) with gnome-keyring-daemon on it (tests/keyring_service.py).
  gnome-keyring dbus-daemon dbus-bin
  # The kiosk on a real X11 display: PySide6's xcb platform plugin needs these (without them the
  # app dies on start under X11 while offscreen tests stay green; tests/ui starts it under Xvfb).
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libfontconfig1 libdbus-1-3
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: not a Debian/Ubuntu system; make sure these are installed: ${packages[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
  # The tests run their own server, so have the package create no default cluster (postinst would
  # make one on port 5432 and, under systemd, start it).
  $sudo mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" |
    $sudo tee /etc/postgresql-common/createcluster.d/no-main-cluster.conf >/dev/null
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
