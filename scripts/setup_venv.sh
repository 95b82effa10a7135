#!/usr/bin/env bash
# Creates .venv with Python 3.11+ and installs the project with its UI and test extras.
# Re-runs the install only when pyproject.toml or constraints.txt changed since the last one.
set -euo pipefail
venv=.venv
stamp=$venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
[ -f "$stamp" ] && exit 0

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      python=$candidate; break
    fi
  done
fi
[ -n "$python" ] || { echo "setup: Python 3.11 or newer is needed (apt-get install python3.11)" >&2; exit 1; }

if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv "$venv" 2>/dev/null; then
    # Debian's python3 lacks ensurepip until python3-venv is installed.
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "python$ver-venv" >/dev/null
    rm -rf "$venv"; "$python" -m venv "$venv"
  fi
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
# constraints.txt pins every package to the versions the tests and benchmarks were measured with.
"$venv/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[ui,dev]"
rm -f "$venv"/.installed-*
touch "$stamp"
