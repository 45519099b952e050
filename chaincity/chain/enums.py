"""Python mirrors of the contracts' enums and ids, in one place (values as the ABI encodes them)."""

from __future__ import annotations

from enum import IntEnum

from eth_utils import keccak


def department_id(code: str) -> bytes:
    """A department's id in the directory: keccak256 of its code (e.g. LD-BANK-ICBC)."""
    return keccak(text=code)


def reason_code(reason: str) -> bytes:
    """A reason as the contracts record it (a cancellation, a revocation, a suspension, a refused
    grant): keccak256 of the upper-case name, like the registry's own SPLIT and MERGED codes."""
    return keccak(text=reason.upper())


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


# The other enums, member names in order from 0, as their Solidity declarations.
DepartmentStatus = IntEnum("DepartmentStatus", "NONE ACTIVE SUSPENDED", start=0)  # ICityDirectory.sol
ProposalState = IntEnum("ProposalState", "NONE PENDING EXECUTED CANCELLED", start=0)  # ICityDirectory.Proposal
TitleStatus = IntEnum("TitleStatus", "NONE REGISTERED CANCELLED", start=0)  # IPropertyRegistry.sol
# Title certificates: valid, superseded, revoked; mortgage registration certificates: valid, released, transferred, revoked.
CertificateState = IntEnum("CertificateState", "UNKNOWN VALID SUPERSEDED REVOKED RELEASED TRANSFERRED", start=0)
# Companies and credit (issue 13): ICompanyRegistry.sol, ICreditLists.sol, IBiddingEligibility.sol.
CompanyStatus = IntEnum(
    "CompanyStatus", "NONE EXISTING SUSPENDED LICENSE_REVOKED REGISTRATION_REVOKED MOVED_OUT DEREGISTERED", start=0
)
TaxGrade = IntEnum("TaxGrade", "NONE A B M C D", start=0)
CreditListType = IntEnum(
    "CreditListType", "NONE DISHONEST_JUDGMENT_DEBTOR MAJOR_TAX_VIOLATION SERIOUS_VIOLATION PROCUREMENT_DISHONESTY",
    start=0,
)
SubjectKind = IntEnum("SubjectKind", "NONE COMPANY PERSON", start=0)
ListingEnding = IntEnum("ListingEnding", "NONE LIFTED REPAIRED", start=0)
BiddingBar = IntEnum(
    "BiddingBar",
    "NONE NOT_REGISTERED NOT_EXISTING DISHONEST_JUDGMENT_DEBTOR MAJOR_TAX_VIOLATION SERIOUS_VIOLATION "
    "PROCUREMENT_DISHONESTY ABNORMAL_THREE_YEARS TAX_GRADE_D",
    start=0,
)


def bars_of_mask(mask: int) -> list:
    """The BiddingBar members of a `biddingBarMaskOf` / `biddingBarsOfBatch` mask, in order."""
    return [bar for bar in BiddingBar if bar and mask >> int(bar) & 1]
