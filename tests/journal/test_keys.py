"""The device's signing key in a real Secret Service (gnome-keyring over a private D-Bus)."""

from __future__ import annotations

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
