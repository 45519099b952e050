"""A gateway request: what it names, how it is signed, and how replays are refused.

The request is a small JSON object; its canonical form (sorted keys, no spaces, UTF-8) is what
the requesting department's key signs, as an EIP-191 personal message (eth-account
``encode_defunct``), and what the query digest of the read receipt is taken of. A timestamp and
a random nonce inside the signed message make every request unique: the gateway refuses one
outside its time window and one whose nonce it has seen in that window.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from functools import cached_property

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

VERSION = 1
FIELDS = {"version": int, "chainId": int, "server": str, "requester": str, "category": str, "subject": str,
          "timestamp": int, "nonce": str}
MAX_TEXT = 128


class BadRequest(ValueError):
    """A request that is not shaped as the format says; the message names the field."""


def canonical(value: dict) -> bytes:
    """The one byte form of a JSON object that is signed and digested."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Request:
    version: int
    chainId: int  # noqa: N815 (the wire name)
    server: str  # the serving department's code
    requester: str  # the requesting department's code
    category: str
    subject: str
    timestamp: int  # Unix seconds
    nonce: str  # 32 hex characters, random

    @classmethod
    def new(cls, chain_id: int, server: str, requester: str, category: str, subject: str) -> "Request":
        return cls(VERSION, chain_id, server, requester, category, subject, int(time.time()), secrets.token_hex(16))

    @classmethod
    def parse(cls, value: object) -> "Request":
        if not isinstance(value, dict) or set(value) != set(FIELDS):
            raise BadRequest(f"request: must be an object with exactly the fields {', '.join(sorted(FIELDS))}")
        for field, kind in FIELDS.items():
            item = value[field]
            if type(item) is not kind or (kind is str and not 0 < len(item) <= MAX_TEXT):
                raise BadRequest(f"request.{field}: must be {'a whole number' if kind is int else 'a non-empty string'}"
                                 + ("" if kind is int else f" of at most {MAX_TEXT} characters"))
        if value["version"] != VERSION:
            raise BadRequest(f"request.version: this gateway speaks version {VERSION}")
        nonce = value["nonce"]
        if len(nonce) != 32 or any(c not in "0123456789abcdef" for c in nonce):
            raise BadRequest("request.nonce: must be 32 lowercase hex characters")
        return cls(**value)

    # Worked out once per request (frozen, so they cannot go stale): an answer needs each several times.
    @cached_property
    def body(self) -> bytes:
        return canonical(asdict(self))

    @cached_property
    def digest(self) -> bytes:
        """The read receipt's query digest: keccak256 of the signed bytes."""
        return keccak(self.body)

    @cached_property
    def read_id(self) -> bytes:
        """The read's id on chain, unique per request (its nonce makes the digest unique)."""
        return keccak(b"chaincity:read:" + self.digest)

    def sign(self, account: LocalAccount) -> str:
        return "0x" + bytes(account.sign_message(encode_defunct(primitive=self.body)).signature).hex()

    def signer(self, signature: object) -> str:
        """The address that signed the request; raises BadRequest for a malformed signature."""
        try:
            raw = bytes.fromhex(str(signature).removeprefix("0x"))
            if len(raw) != 65:
                raise ValueError("not 65 bytes")
            return Account.recover_message(encode_defunct(primitive=self.body), signature=raw)
        except Exception as exc:  # eth-keys raises several types for a bad (v, r, s)
            raise BadRequest(f"signature: not a valid signature ({exc})") from None


class NonceBook:
    """Nonces seen within the time window, per requester; a request outside the window, or
    timestamped before the gateway started (its book would not know it), is refused."""

    def __init__(self, window: int, started: float | None = None):
        self.window = window
        self.started = int(started if started is not None else time.time())
        self._seen: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def problem(self, request: Request, now: float | None = None) -> str | None:
        """Why the request is stale or a replay, else None (and the nonce is remembered)."""
        now = int(now if now is not None else time.time())
        if abs(now - request.timestamp) > self.window:
            return f"timestamp {request.timestamp} is more than {self.window} s from the gateway's clock ({now})"
        if request.timestamp < self.started:
            return f"timestamp {request.timestamp} is before the gateway started ({self.started}): sign it again"
        key = (request.requester, request.nonce)
        with self._lock:
            if len(self._seen) > 10_000:  # forget what the window has left behind
                self._seen = {k: t for k, t in self._seen.items() if t >= now - self.window}
            if key in self._seen:
                return f"nonce {request.nonce} was used already: a replayed request"
            self._seen[key] = request.timestamp
        return None
