"""Builders for PropertyRegistry tests: unit codes, owners, digests, expected errors."""

from __future__ import annotations

from brownie import chain, web3

from conftest import Kind, kind_mask

DAY = 86_400
YEAR = 365 * DAY
SHARES = 10_000
REGISTRAR_MASK = kind_mask(Kind.REAL_ESTATE_REGISTRATION)
LENDER_MASK = kind_mask(Kind.BANK, Kind.HOUSING_PROVIDENT_FUND)
COURT_MASK = kind_mask(Kind.COURT)
ZERO = b"\x00" * 32


class State:
    """Mirror of `CertificateState`."""

    NONE, VALID, SUPERSEDED, REVOKED, RELEASED, TRANSFERRED = range(6)


class Notice:
    """Mirror of `NoticeKind`."""

    NONE, ADVANCE, OBJECTION = range(3)


def unit(code: str) -> bytes:
    """A unit code as the contract takes it: ASCII left-aligned in 32 bytes."""
    raw = code.encode()
    return raw + b"\x00" * (32 - len(raw))


def unit_no(n: int, county: str = "431302") -> bytes:
    """The n-th building unit of a parcel in `county`."""
    return unit(f"{county}001002GB00017F{n // 10000:04d}{n % 10000:04d}")


UNIT = unit("431302001002GB00017F00030102")


def digest(text: str) -> bytes:
    return bytes(web3.keccak(text=text))


def person(name: str) -> bytes:
    """A salted identity hash standing for a person."""
    return digest(f"salt|{name}")


def owners(*pairs) -> list:
    """[(name, share), …] -> [(holder hash, share), …]."""
    return [(person(name), share) for name, share in pairs]


def title(code: bytes = UNIT, holders=None, right_type: int = 1, documents: str = "deed") -> tuple:
    return (code, right_type, digest(documents), owners(("alice", SHARES)) if holders is None else holders)


def mortgage(code: bytes = UNIT, proof: str = "proof-1", amount: int = 500_000, term: int = 20 * YEAR, no_transfer=False):
    return (code, digest(proof), amount, chain.time() + term, no_transfer)


def certificate_digest(registry, code: bytes, documents: bytes, version: int) -> bytes:
    encoded = web3.codec.encode(["address", "bytes32", "bytes32", "uint32"], [registry.address, code, documents, version])
    return bytes(web3.keccak(encoded))


def dept(role: str) -> bytes:
    """The department id of a role in conftest's DEPARTMENTS."""
    from conftest import DEPARTMENTS, department_id

    return department_id(DEPARTMENTS[role][0])


def sleep(seconds: int) -> None:
    chain.sleep(seconds)
    chain.mine()


def maximum_mortgage(code: bytes = UNIT, proof: str = "max-1", ceiling: int = 2_000_000, determination: int = 2 * YEAR,
                     term: int = 10 * YEAR, no_transfer=False):
    """A MaximumMortgageInput (最高额抵押, Civil Code Art. 420)."""
    return (code, digest(proof), ceiling, chain.time() + determination, chain.time() + term, no_transfer)
