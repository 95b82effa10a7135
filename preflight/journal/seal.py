"""Sealing records: RFC 8785 canonical JSON, a SHA-256 chain per device, an Ed25519 signature.

The sealed unit is the *envelope*: the record's id, its device, its place in that device's
chain (seq and the previous record's link), when it was sealed, which key signed it, and the
payload. Its canonical bytes are what is hashed, signed and stored, so anyone holding the
device's public key (registered in the journal) can check a record without secrets.

A record's *link* is SHA-256 over its hash and its signature, and the next record's envelope
carries it as `prev_hash`. So one valid signature vouches for every record before it, signatures
included: a verifier needs the hashes and links of a whole chain but the signature of only its
newest record (verify.py checks them all when that one fails, to name the first bad record).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ENVELOPE_VERSION = 1
#: The `prev_hash` of a device's first record.
GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) bytes of a JSON value."""
    return rfc8785.dumps(value)


def key_id(public_raw: bytes) -> str:
    """A public key's id: the first 32 hex digits of SHA-256 over its 32 raw bytes."""
    return hashlib.sha256(public_raw).hexdigest()[:32]


def public_raw(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class SealedRecord:
    """A record as stored: the envelope's canonical text, its hash and signature, and the
    envelope fields the journal indexes."""

    record_id: str
    device_id: str
    seq: int
    prev_hash: str
    created_utc: str
    key_id: str
    envelope_text: str
    hash: str
    signature: str

    @property
    def link(self) -> str:
        """What the device's next record carries as `prev_hash`."""
        return chain_link(self.hash, self.signature)

    @property
    def envelope(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.envelope_text)
        return value

    @property
    def payload(self) -> dict[str, Any]:
        value: dict[str, Any] = self.envelope["payload"]
        return value


def seal(
    payload: dict[str, Any],
    *,
    device_id: str,
    seq: int,
    prev_hash: str,
    key: Ed25519PrivateKey,
    sealed_at: dt.datetime,
    record_id: str | None = None,
) -> SealedRecord:
    """Wrap a payload in its envelope, hash the canonical bytes and sign them."""
    kid = key_id(public_raw(key))
    created = sealed_at.astimezone(dt.UTC)
    created_utc = created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond:06d}Z"
    rid = record_id or str(uuid.uuid4())
    envelope = {
        "v": ENVELOPE_VERSION,
        "record_id": rid,
        "device_id": device_id,
        "seq": seq,
        "prev_hash": prev_hash,
        "created_utc": created_utc,
        "key_id": kid,
        "payload": payload,
    }
    data = canonical(envelope)
    return SealedRecord(
        record_id=rid,
        device_id=device_id,
        seq=seq,
        prev_hash=prev_hash,
        created_utc=created_utc,
        key_id=kid,
        envelope_text=data.decode("utf-8"),
        hash=hashlib.sha256(data).hexdigest(),
        signature=base64.b64encode(key.sign(data)).decode("ascii"),
    )


def chain_link(record_hash: str, signature_b64: str) -> str:
    """SHA-256 over a record's hash and signature: the next record's `prev_hash`."""
    return hashlib.sha256(f"{record_hash}.{signature_b64}".encode("ascii", "replace")).hexdigest()


def strict_b64decode(text: str) -> bytes:
    """Base64 in its one canonical spelling: decoders ignore a last character's spare bits, so
    `...Ag==` and `...Ah==` give the same bytes; a stored value spelt otherwise was edited.

    Raises:
        ValueError: not canonical base64.
    """
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("not canonical base64")
    return raw


def signature_valid(envelope_bytes: bytes, signature_b64: str, public_b64: str) -> bool:
    """Whether the signature over these bytes was made by the holder of this public key, both
    stored exactly as sealing wrote them."""
    try:
        public = Ed25519PublicKey.from_public_bytes(strict_b64decode(public_b64))
        public.verify(strict_b64decode(signature_b64), envelope_bytes)
    except (InvalidSignature, ValueError, UnicodeError):
        return False
    return True
