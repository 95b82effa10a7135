"""Who may open the review window: reviewers, their roles and their hashed secrets. No Qt.

A reviewer file holds names, roles and scrypt hashes (hashlib's, i.e. OpenSSL's scrypt) with a
random salt each; never a secret. It is written only by `preflight admin …`, atomically and
readable by its owner only. Its place is `review.reviewers_file` in the school's config (IT can
put it where staff accounts cannot write), else reviewers.json in Preflight's data folder.

Checking a secret costs about a tenth of a second by design, the same for an unknown name as for
a wrong secret, so neither guessing nor timing tells names apart.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from preflight.config import Config, data_dir
from preflight.errors import PreflightError

FORMAT = 1
ROLES = ("slt", "dsl")  # senior leadership; designated safeguarding lead
ROLE_NAMES = {"slt": "senior leadership", "dsl": "designated safeguarding lead"}
MIN_SECRET_CHARS = 12
MAX_SECRET_CHARS = 1024
# scrypt cost: 2^15 x 8 x 1 takes ~0.1 s and 32 MiB (OWASP's minimum is 2^17 x 8 x 1 for
# interactive logins at 128 MiB; a school laptop shares memory with a video call, so this is the
# same strength per MiB-second at a quarter of the memory). Stored per reviewer, so it can grow.
SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES = 2**15, 8, 1, 32
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class ReviewerError(PreflightError):
    """The reviewer file cannot be read or changed, or a request to change it is wrong."""


@dataclass(frozen=True)
class Reviewer:
    username: str
    display_name: str
    role: str
    created_utc: str

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


def reviewers_path(config: Config) -> Path:
    """The reviewer file in force for this config."""
    configured = config.review.reviewers_file
    if not configured:
        return data_dir() / "reviewers.json"
    path = Path(configured).expanduser()
    if not path.is_absolute() and config.source_path is not None:
        path = config.source_path.parent / path
    return path


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _hash(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=HASH_BYTES
    )


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise ReviewerError(
            f"reviewer name {username!r}: use 2-64 letters, digits, '.', '_' or '-' "
            "(for example 'j.smith')"
        )
    return name


def check_secret(secret: str) -> None:
    if len(secret) < MIN_SECRET_CHARS:
        raise ReviewerError(
            f"the passphrase is too short: use at least {MIN_SECRET_CHARS} characters "
            "(a few unrelated words are easy to remember)"
        )
    if len(secret) > MAX_SECRET_CHARS:
        raise ReviewerError(f"the passphrase is longer than {MAX_SECRET_CHARS} characters")
    if secret != secret.strip():
        raise ReviewerError("the passphrase starts or ends with a space; remove it")


def _sound_hash(entry: dict[str, Any]) -> bool:
    """The entry's KDF settings and hash have the shapes `add()` writes (not weaker ones)."""
    kdf = entry.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        return False
    try:
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        salt = base64.b64decode(kdf["salt"], validate=True)
        digest = base64.b64decode(entry["hash"], validate=True)
    except (KeyError, TypeError, ValueError):
        return False
    return (
        n >= 2**14
        and n & (n - 1) == 0
        and 1 <= r <= 32
        and 1 <= p <= 16
        and len(salt) >= 16
        and len(digest) == HASH_BYTES
    )


class ReviewerStore:
    """The reviewer file: read whole, changed by writing a new file and renaming it over."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ReviewerError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise ReviewerError(f"{self.path} is not a reviewer file (not text)") from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReviewerError(f"{self.path} is not a reviewer file ({exc.msg})") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ReviewerError(f"{self.path} is not a reviewer file of format {FORMAT}")
        entries = document.get("reviewers")
        if not isinstance(entries, dict):
            raise ReviewerError(f"{self.path}: 'reviewers' is missing or not a table")
        for name, entry in entries.items():
            self._check_entry(name, entry)
        return entries

    def _check_entry(self, name: str, entry: Any) -> None:
        problem = None
        if not isinstance(entry, dict):
            problem = "not a table"
        elif entry.get("role") not in ROLES:
            problem = f"role must be one of {', '.join(ROLES)}"
        elif not isinstance(entry.get("display_name"), str):
            problem = "display_name is missing"
        elif not _sound_hash(entry):
            problem = "its secret hash is damaged"
        if problem is not None:
            raise ReviewerError(f"{self.path}: reviewer {name!r}: {problem}")

    def _save(self, entries: dict[str, dict[str, Any]]) -> None:
        document = {"format": FORMAT, "reviewers": dict(sorted(entries.items()))}
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = folder / f".{self.path.name}.{os.getpid()}.part"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(document, out, indent=2)
                    out.write("\n")
                    out.flush()
                    os.fsync(out.fileno())
                tmp.replace(self.path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise ReviewerError(f"cannot write {self.path}: {exc.strerror or exc}") from None

    def reviewers(self) -> list[Reviewer]:
        return [
            Reviewer(name, e["display_name"], e["role"], str(e.get("created_utc", "")))
            for name, e in sorted(self._load().items())
        ]

    def add(
        self, username: str, display_name: str, role: str, secret: str, *, replace: bool = False
    ) -> Reviewer:
        """Add a reviewer (or, with `replace`, change an existing one's name, role or secret)."""
        name = check_username(username)
        display = " ".join(display_name.split())
        if not display or len(display) > 200:
            raise ReviewerError("give the reviewer's full name (up to 200 characters)")
        if role not in ROLES:
            raise ReviewerError(f"role must be one of {', '.join(ROLES)}")
        check_secret(secret)
        entries = self._load()
        if name in entries and not replace:
            raise ReviewerError(f"{name!r} is already a reviewer (use --replace to change them)")
        salt = secrets.token_bytes(16)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        entries[name] = {
            "display_name": display,
            "role": role,
            "created_utc": now,
            "kdf": {
                "name": "scrypt",
                "n": SCRYPT_N,
                "r": SCRYPT_R,
                "p": SCRYPT_P,
                "salt": _b64(salt),
            },
            "hash": _b64(_hash(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)),
        }
        self._save(entries)
        return Reviewer(name, display, role, now)

    def remove(self, username: str) -> None:
        name = check_username(username)
        entries = self._load()
        if name not in entries:
            raise ReviewerError(f"{name!r} is not a reviewer")
        del entries[name]
        self._save(entries)

    def authenticate(self, username: str, secret: str) -> Reviewer | None:
        """The reviewer if the name and secret match, else None (never says which was wrong).

        Raises:
            ReviewerError: the reviewer file is unreadable or damaged (fail closed).
        """
        entries = self._load()
        with contextlib.suppress(ReviewerError):
            username = check_username(username)
        entry = entries.get(username)
        if entry is None or len(secret) > MAX_SECRET_CHARS:
            # The same work as a real check, so an unknown name takes as long as a wrong secret.
            _hash(secret[:MAX_SECRET_CHARS], b"\0" * 16, SCRYPT_N, SCRYPT_R, SCRYPT_P)
            return None
        kdf = entry["kdf"]
        computed = _hash(
            secret,
            base64.b64decode(kdf["salt"]),
            int(kdf["n"]),
            int(kdf["r"]),
            int(kdf["p"]),
        )
        if not hmac.compare_digest(computed, base64.b64decode(entry["hash"])):
            return None
        return Reviewer(
            username, entry["display_name"], entry["role"], str(entry.get("created_utc", ""))
        )
