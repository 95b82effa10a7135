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
KEY_STORE_FILE = "device-key-store"


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

    Where the key is kept is decided once, when it is made, and written down (KEY_STORE_FILE):
    a keyring that is unavailable later is an error, never a reason to make a second key, which
    would break the device's chain of evidence.

    Raises:
        KeyUnavailable: no usable keyring (and a file key is not allowed), the key is missing
            from where it was kept, or a stored key is damaged.
    """
    dev = device_id(folder)
    file_path = folder / KEY_FILE
    store = _recorded_store(folder, file_path)
    if store == "file":
        if not allow_file_key:
            raise KeyUnavailable(
                "this device's signing key is kept in a file, which the config no longer allows "
                "(journal.allow_file_key); ask IT"
            )
        return DeviceKey(dev, _file_key(file_path, create=False), "file")
    try:
        stored = _keyring_get(dev)
        if stored is not None:
            _record_store(folder, "keyring")
            return DeviceKey(dev, _decode(stored, "the keyring entry"), "keyring")
        if store == "keyring":
            raise KeyUnavailable(
                "this device's signing key is no longer in the system keyring, so its records "
                "cannot be continued. Ask IT: to start a new chain, remove "
                f"{folder / DEVICE_ID_FILE} and {folder / KEY_STORE_FILE}"
            )
        fresh = Ed25519PrivateKey.generate()
        _keyring_set(dev, _encode(fresh))
        if _keyring_get(dev) != _encode(fresh):
            raise _NoKeyring("the keyring did not keep the key it was given")
        _record_store(folder, "keyring")
        return DeviceKey(dev, fresh, "keyring")
    except _NoKeyring as exc:
        problem = str(exc)
    if store == "keyring" or not allow_file_key:
        raise KeyUnavailable(
            f"no usable system keyring ({problem}), so session records cannot be signed. Start "
            "the desktop keyring (GNOME Keyring, KWallet, Windows Credential Manager or macOS "
            "Keychain)"
            + (
                ""
                if store == "keyring"
                else ", or, if the school accepts a weaker key kept in a file, set "
                "journal.allow_file_key = true in the config"
            )
        )
    key = _file_key(file_path, create=True)
    _record_store(folder, "file")
    return DeviceKey(dev, key, "file")


def _recorded_store(folder: Path, file_path: Path) -> str | None:
    try:
        text = (folder / KEY_STORE_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return "file" if file_path.exists() else None
    except (OSError, UnicodeDecodeError):
        text = ""
    if text not in ("keyring", "file"):
        raise KeyUnavailable(f"{folder / KEY_STORE_FILE} is damaged; ask IT")
    return text


def _record_store(folder: Path, store: str) -> None:
    path = folder / KEY_STORE_FILE
    if not path.exists():
        _write_private(path, store + "\n")


class _NoKeyring(Exception):
    pass


def _weak_backend() -> str | None:
    """Why the backend keyring would pick is not a system keyring, or None.

    `keyring` falls back on its own to any installed backend, including keyrings.alt's, which
    keep secrets in a plain file in the home folder (priority below 1). That is no better than
    the file key a school must opt into, so it counts only when chosen on purpose (the
    PYTHON_KEYRING_BACKEND variable or keyring's own config file).
    """
    import keyring.core
    from keyring.backends.chainer import ChainerBackend

    if os.environ.get("PYTHON_KEYRING_BACKEND") or keyring.core.load_config() is not None:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, ChainerBackend) and backend.backends:
        backend = backend.backends[0]
    try:
        priority = float(type(backend).priority)
    except Exception:  # a backend that is not viable raises here
        return None  # its own calls then fail with their reason
    if not 0 < priority < 1:  # 0 and below: no keyring at all, which its calls report
        return None
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    return f"only {name} was found, which is not a system keyring"


def _keyring_get(dev: str) -> str | None:
    import keyring
    import keyring.errors

    weak = _weak_backend()
    if weak is not None:
        raise _NoKeyring(weak)
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


def _file_key(path: Path, *, create: bool) -> Ed25519PrivateKey:
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_private(path, _encode(Ed25519PrivateKey.generate()) + "\n")
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyUnavailable(
            f"this device's signing key file {path} is missing, so its records cannot be "
            "continued; ask IT"
        ) from None
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
