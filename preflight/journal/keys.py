"""The device's identity and signing key. No Qt.

Each device has a random id (kept in the data folder) and an Ed25519 key pair. The private key
lives in the operating system's keyring (GNOME Keyring or KWallet through Secret Service, the
Windows Credential Manager, the macOS Keychain) via `keyring`. Where no keyring works, records
are not written, unless the school's config sets `journal.allow_file_key = true`: then the key
is kept in a file readable only by this user — weaker, because anyone who can read the user's
files (or a backup of them) can sign records as this device.
"""

from __future__ import annotations

import base64
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from preflight.errors import EXIT_ERROR, PreflightError
from preflight.journal.seal import key_id, public_raw

KEYRING_SERVICE = "session-preflight"
DEVICE_ID_FILE = "device-id"
KEY_FILE = "device-signing-key"


class KeyUnavailable(PreflightError):
    """No place to keep the signing key: records cannot be signed."""

    exit_code = EXIT_ERROR


@dataclass(frozen=True)
class DeviceKey:
    device_id: str
    private: Ed25519PrivateKey
    store: Literal["keyring", "file"]

    @property
    def public_b64(self) -> str:
        return base64.b64encode(public_raw(self.private)).decode("ascii")

    @property
    def key_id(self) -> str:
        return key_id(public_raw(self.private))


def device_id(folder: Path) -> str:
    """This device's id, made once and kept in the data folder."""
    path = folder / DEVICE_ID_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _write_private(path, f"{uuid.uuid4()}\n")  # a racing process's id wins; read it back
    try:
        return str(uuid.UUID(path.read_text(encoding="ascii").strip()))
    except (OSError, UnicodeDecodeError, ValueError):
        raise KeyUnavailable(
            f"the device id file {path} is damaged or unreadable; restore it from a backup"
        ) from None


def load_device_key(folder: Path, *, allow_file_key: bool) -> DeviceKey:
    """The device's signing key, created on first use.

    Raises:
        KeyUnavailable: no usable keyring and file keys are not allowed, or a stored key is
            damaged.
    """
    dev = device_id(folder)
    file_path = folder / KEY_FILE
    problem = ""
    try:
        stored = _keyring_get(dev)
    except _NoKeyring as exc:
        problem = str(exc)
    else:
        if stored is not None:
            return DeviceKey(dev, _decode(stored, "the keyring entry"), "keyring")
        if not (allow_file_key and file_path.exists()):
            fresh = Ed25519PrivateKey.generate()
            try:
                _keyring_set(dev, _encode(fresh))
                confirmed = _keyring_get(dev)
            except _NoKeyring as exc:
                problem = str(exc)
            else:
                if confirmed == _encode(fresh):
                    return DeviceKey(dev, fresh, "keyring")
                problem = "the keyring did not keep the key it was given"
    if not allow_file_key:
        raise KeyUnavailable(
            f"no usable system keyring ({problem}), so session records cannot be signed. Start "
            "the desktop keyring (GNOME Keyring, KWallet, Windows Credential Manager or macOS "
            "Keychain), or, if the school accepts a weaker key kept in a file, set "
            "journal.allow_file_key = true in the config"
        )
    return DeviceKey(dev, _file_key(file_path), "file")


class _NoKeyring(Exception):
    pass


def _keyring_get(dev: str) -> str | None:
    import keyring
    import keyring.errors

    try:
        value: str | None = keyring.get_password(KEYRING_SERVICE, f"signing-key/{dev}")
    except keyring.errors.KeyringError as exc:
        raise _NoKeyring(_reason(exc)) from None
    except Exception as exc:  # a backend that fails in its own way (D-Bus gone, locked...)
        raise _NoKeyring(f"{type(exc).__name__}: {exc}") from None
    return value


def _keyring_set(dev: str, value: str) -> None:
    import keyring
    import keyring.errors

    try:
        keyring.set_password(KEYRING_SERVICE, f"signing-key/{dev}", value)
    except keyring.errors.KeyringError as exc:
        raise _NoKeyring(_reason(exc)) from None
    except Exception as exc:
        raise _NoKeyring(f"{type(exc).__name__}: {exc}") from None


def _reason(exc: Exception) -> str:
    import keyring.errors

    if isinstance(exc, keyring.errors.NoKeyringError):
        return "no keyring backend is available"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _encode(key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode("ascii")


def _decode(text: str, where: str) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError:
        raise KeyUnavailable(
            f"{where} holding this device's signing key is damaged; ask IT to restore it"
        ) from None


def _file_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_private(path, _encode(Ed25519PrivateKey.generate()) + "\n")
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyUnavailable(f"the signing key file {path} cannot be read: {exc}") from None
    return _decode(text, f"the key file {path}")


def _write_private(path: Path, text: str) -> None:
    """Create a file only this user can read, atomically, never replacing an existing one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)  # fails if another process made it first: theirs wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
