"""Python mirrors of the contracts' enums and ids, in one place (values as the ABI encodes them)."""

from __future__ import annotations

from enum import IntEnum

from eth_utils import keccak


def department_id(code: str) -> bytes:
    """A department's id in the directory: keccak256 of its code (e.g. LD-BANK-ICBC)."""
    return keccak(text=code)


class DepartmentKind(IntEnum):
    """`DepartmentKind` in interfaces/ICityDirectory.sol."""

    NONE = 0
    REAL_ESTATE_REGISTRATION = 1
    BANK = 2
    COURT = 3
    MARKET_REGULATION = 4
    TAX_BUREAU = 5
    CREDIT_OFFICE = 6
    FINANCE = 7
    HOUSING_PROVIDENT_FUND = 8
    OTHER = 9

    @property
    def label(self) -> str:
        """The kind as the CLI spells it: `real-estate-registration`, `bank`, …"""
        return self.name.lower().replace("_", "-")

    @classmethod
    def from_label(cls, label: str) -> "DepartmentKind":
        return cls[label.upper().replace("-", "_")]


class DepartmentStatus(IntEnum):
    """`DepartmentStatus` in interfaces/ICityDirectory.sol."""

    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2


class ProposalState(IntEnum):
    """`CityDirectory.ProposalState`."""

    NONE = 0
    PENDING = 1
    EXECUTED = 2
    CANCELLED = 3


class TitleStatus(IntEnum):
    """`IPropertyRegistry.TitleStatus`."""

    NONE = 0
    REGISTERED = 1
    CANCELLED = 2


class CertificateState(IntEnum):
    """`IPropertyRegistry.CertificateState`."""

    UNKNOWN = 0
    VALID = 1
    SUPERSEDED = 2
    REVOKED = 3
