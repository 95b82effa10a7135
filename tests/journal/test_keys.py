"""The device's signing key in a real Secret Service (gnome-keyring over a private D-Bus)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from preflight.journal.keys import KEY_FILE, KEYRING_SERVICE, KeyUnavailable, load_device_key
from preflight.journal.recorder import Recorder
from preflight.journal.verify import verify_journal
from tests.journal.factory import preflight, sqlite_journal
from tests.keyring_service import SecretService


def test_the_key_lives_in_the_keyring_and_signs_verifiable_records(
    tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    key = load_device_key(tmp_path, allow_file_key=False)
    assert key.store == "keyring"
    stored = keyring.get_password(KEYRING_SERVICE, f"signing-key/{key.device_id}")
    assert stored and len(stored) == 44  # base64 of 32 raw bytes
    assert not (tmp_path / KEY_FILE).exists()
    # The same key on the next start: one device, one chain.
    assert load_device_key(tmp_path, allow_file_key=False).key_id == key.key_id
    with sqlite_journal(tmp_path) as journal:
        recorder = Recorder(journal, key, queue_for_central=False)
        for i in range(3):
            recorder.append(preflight(i).payload())
        assert verify_journal(journal).intact
        # The journal holds the public key only.
        assert stored not in str(journal.keys())


def test_a_keyring_that_stops_working_refuses_to_sign(
    tmp_path: Path, secret_service_env: dict[str, str], secret_service_daemons: SecretService
) -> None:
    load_device_key(tmp_path, allow_file_key=False)
    secret_service_daemons.lock()
    with pytest.raises(KeyUnavailable, match="no usable system keyring"):
        load_device_key(tmp_path, allow_file_key=False)
    secret_service_daemons.kill_bus()  # not even a KeyringError: the D-Bus connection fails
    # Even where a file key is allowed, a device whose key is in the keyring never gets a
    # second key while the keyring is away: that would split its chain of evidence.
    with pytest.raises(KeyUnavailable, match="no usable system keyring"):
        load_device_key(tmp_path, allow_file_key=True)
    assert not (tmp_path / KEY_FILE).exists()


def test_a_damaged_keyring_entry_is_not_replaced(
    tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    key = load_device_key(tmp_path, allow_file_key=False)
    keyring.set_password(KEYRING_SERVICE, f"signing-key/{key.device_id}", "not base64!")
    with pytest.raises(KeyUnavailable, match="damaged"):
        load_device_key(tmp_path, allow_file_key=True)
    # Never silently swapped for a new key (that would fork the device's evidence).
    assert keyring.get_password(KEYRING_SERVICE, f"signing-key/{key.device_id}") == "not base64!"


_KEY_OF_THIS_DEVICE = (
    "from pathlib import Path; import sys, keyring; "
    "from preflight.journal.keys import load_device_key; "
    "key = load_device_key(Path(sys.argv[1]), allow_file_key=False); "
    "print(type(keyring.get_keyring()).__name__, key.store, key.key_id)"
)


def test_a_backend_chosen_with_python_keyring_backend_keeps_the_key(tmp_path: Path) -> None:
    # keyrings.alt's file backend, selected the usual way: the key is in its file, not ours.
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
    }
    runs = [
        subprocess.run(
            [sys.executable, "-c", _KEY_OF_THIS_DEVICE, str(tmp_path / "data")],
            capture_output=True, text=True, env=env, check=True,
        ).stdout.split()
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0] == runs[1]  # the same key on the next start
    backend, store, kid = runs[0]
    assert (backend, store) == ("PlaintextKeyring", "keyring")
    assert not (tmp_path / "data" / KEY_FILE).exists()
    stored = (tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg").read_text()
    assert "[session_2Dpreflight]" in stored and len(kid) == 32  # its escaped service name


def test_a_plain_file_keyring_found_by_itself_is_not_a_system_keyring(tmp_path: Path) -> None:
    # keyrings.alt is installed here; with no Secret Service, `keyring` would fall back on its
    # plain-text file by itself. That is a file key the school did not allow: refused.
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env.update(XDG_DATA_HOME=str(tmp_path / "xdg"), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    done = subprocess.run(
        [sys.executable, "-c", _KEY_OF_THIS_DEVICE, str(tmp_path / "data")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "PlaintextKeyring was found, which is not a system keyring" in done.stderr
    assert not (tmp_path / "xdg" / "python_keyring").exists()
