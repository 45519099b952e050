"""Salted hashes: how people and documents appear on chain.

Every department hashes with the same city pepper (configuration, never code, never on chain),
so the registry's owner hash and the bank's borrower hash of one person are equal, while
nobody without the pepper can test a guessed identity number against the chain. HMAC-SHA256
with a domain label per kind of value keeps a person's hash from ever equalling a document's.
"""

from __future__ import annotations

import hashlib
import hmac

MIN_PEPPER_BYTES = 32


class PepperError(ValueError):
    """The city pepper is missing or too short."""


def parse_pepper(value: str | None) -> bytes:
    """The pepper from its hex form in configuration (CHAINCITY_PEPPER)."""
    if not value:
        raise PepperError("CHAINCITY_PEPPER is not set: every department needs the city's pepper")
    try:
        pepper = bytes.fromhex(value.removeprefix("0x"))
    except ValueError:
        raise PepperError("CHAINCITY_PEPPER must be hex") from None
    if len(pepper) < MIN_PEPPER_BYTES:
        raise PepperError(f"CHAINCITY_PEPPER must be at least {MIN_PEPPER_BYTES} bytes, got {len(pepper)}")
    return pepper


class Hasher:
    """Hashes personal data and document numbers with the city pepper into bytes32."""

    def __init__(self, pepper: bytes):
        if len(pepper) < MIN_PEPPER_BYTES:
            raise PepperError(f"pepper must be at least {MIN_PEPPER_BYTES} bytes")
        self._pepper = pepper

    def _digest(self, domain: str, value: str) -> bytes:
        # The one-shot hmac.digest (OpenSSL's HMAC, no HMAC object per value): the same bytes
        # as hmac.new(...).digest() at two thirds of the time, and a bulk import hashes each
        # record two or three times.
        return hmac.digest(self._pepper, f"chaincity:{domain}:{value}".encode(), hashlib.sha256)

    def person(self, id_number: str) -> bytes:
        """A person, by resident identity number."""
        return self._digest("person", id_number)

    def document(self, number: str) -> bytes:
        """A document (certificate, contract, court order), by its number."""
        return self._digest("document", number)
