"""Answers encrypted to the requester: libsodium sealed boxes (PyNaCl) to the X25519 public key
the requesting department registered on chain (DataAccessGrants.setEncryptionKey).

A department keeps its X25519 private key in a file of its own (CHAINCITY_ENCRYPTION_KEY_FILE,
default ``keys/<CODE>.x25519``; 32 bytes as hex, readable by its owner only), made once by
``chaincity gateway register-key``. Only the public half goes on chain. Losing the file loses
nothing but the answers still in flight: register a new key.
"""

from __future__ import annotations

import os
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox


class SealingError(RuntimeError):
    """No key to seal to, or a box that does not open with this key."""


def key_file(department_code: str) -> Path:
    return Path(os.environ.get("CHAINCITY_ENCRYPTION_KEY_FILE") or Path("keys") / f"{department_code}.x25519")


def load_or_create(path: Path, rotate: bool = False) -> tuple[PrivateKey, bool]:
    """The department's private key from ``path``, made (owner-only file) if absent or ``rotate``;
    and whether it was made now."""
    if path.exists() and not rotate:
        return load(path), False
    key = PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(bytes(key).hex() + "\n")
    tmp.replace(path)
    return key, True


def load(path: Path) -> PrivateKey:
    try:
        raw = bytes.fromhex(path.read_text().strip())
    except OSError as exc:
        raise SealingError(f"cannot read the encryption key {path}: {exc.strerror} "
                           "(make one with `chaincity gateway register-key`)") from None
    except ValueError:
        raise SealingError(f"the encryption key {path} is not hex") from None
    if len(raw) != 32:
        raise SealingError(f"the encryption key {path} is not 32 bytes")
    return PrivateKey(raw)


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    """An anonymous sealed box only the holder of the key's private half opens."""
    if public_key == bytes(32):
        raise SealingError("the requester has registered no encryption key")
    return SealedBox(PublicKey(public_key)).encrypt(plaintext)


def unseal(private_key: PrivateKey, box: bytes) -> bytes:
    try:
        return SealedBox(private_key).decrypt(box)
    except CryptoError:
        raise SealingError("the answer does not open with this department's encryption key "
                           "(the key on chain is not the one in the key file?)") from None
