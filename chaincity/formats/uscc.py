"""Identifier formats checked off chain exactly as the contracts check them on chain.

The unified social credit code (USCC, GB 32100-2015) is 18 characters over the charset
``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z; uppercase only). Characters 9-17 are an
organisation code (GB 11714) whose 17th character checks the eight before it; the 18th
character checks the first seventeen. :func:`uscc_problem` mirrors ``USCC.problemOf`` in
contracts/company/USCC.sol problem for problem, checking in the same order: length, charset
(first bad position), organisation-code check, check character.
"""

from __future__ import annotations

from enum import IntEnum

from chaincity.formats.errors import FormatError

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class USCCProblem(IntEnum):
    """Mirror of `USCCProblem` in interfaces/IUSCC.sol."""

    NONE = 0
    WRONG_LENGTH = 1
    INVALID_CHARACTER = 2
    ORGANIZATION_CODE_MISMATCH = 3
    CHECK_CHARACTER_MISMATCH = 4


class USCCError(FormatError):
    """A code that is not a valid USCC; `problem` says which rule it breaks."""

    problem = USCCProblem.NONE


class USCCLengthError(USCCError):
    problem = USCCProblem.WRONG_LENGTH


class USCCCharacterError(USCCError):
    problem = USCCProblem.INVALID_CHARACTER


class USCCOrganizationCodeError(USCCError):
    problem = USCCProblem.ORGANIZATION_CODE_MISMATCH


class USCCCheckCharacterError(USCCError):
    problem = USCCProblem.CHECK_CHARACTER_MISMATCH


def _weighted_check(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are `first17`."""
    if len(first17) != 17:
        raise USCCLengthError(f"USCC body must be 17 characters, got {len(first17)}")
    for position, ch in enumerate(first17, start=1):
        if ch not in _VALUE:
            raise USCCCharacterError(f"USCC character {position} {ch!r} is not in {USCC_CHARSET}")
    return _weighted_check(first17)


def organization_code_check_char(body: str) -> str:
    """The check character of a GB 11714 organisation code whose first 8 characters are `body`
    (digits 0-9, letters A=10 ... Z=35)."""
    if len(body) != 8 or not all(ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" for ch in body):
        raise USCCOrganizationCodeError(f"organisation code body must be 8 digits or capitals, got {body!r}")
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _problem(code: str) -> tuple[USCCProblem, str]:
    # Length in UTF-8 bytes, as the contract sees the code, so non-ASCII input gets the same answer.
    size = len(code.encode("utf-8"))
    if size != USCC_LENGTH:
        return USCCProblem.WRONG_LENGTH, f"USCC must be {USCC_LENGTH} ASCII characters, got {size} bytes"
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            why = "lowercase" if ch.islower() else "forbidden" if ch in "IOSVZ" else "not allowed"
            return USCCProblem.INVALID_CHARACTER, f"USCC character {position} {ch!r} is {why}"
    expected_org = organization_code_check_char(code[8:16])
    if code[16] != expected_org:
        return (
            USCCProblem.ORGANIZATION_CODE_MISMATCH,
            f"USCC {code}: organisation-code check character is {code[16]!r}, expected {expected_org!r}",
        )
    expected = _weighted_check(code[:17])
    if code[17] != expected:
        return (
            USCCProblem.CHECK_CHARACTER_MISMATCH,
            f"USCC {code}: check character is {code[17]!r}, expected {expected!r}",
        )
    return USCCProblem.NONE, ""


def uscc_problem(code: str) -> USCCProblem:
    """The first rule `code` breaks, in the contract's order; NONE for a valid USCC."""
    return _problem(code)[0]


_ERRORS = {
    USCCProblem.WRONG_LENGTH: USCCLengthError,
    USCCProblem.INVALID_CHARACTER: USCCCharacterError,
    USCCProblem.ORGANIZATION_CODE_MISMATCH: USCCOrganizationCodeError,
    USCCProblem.CHECK_CHARACTER_MISMATCH: USCCCheckCharacterError,
}


def validate_uscc(code: str) -> None:
    """Raise a :class:`USCCError` subclass naming the problem unless `code` is a valid USCC."""
    if not isinstance(code, str):
        raise TypeError(f"USCC must be str, got {type(code).__name__}")
    problem, message = _problem(code)
    if problem is not USCCProblem.NONE:
        raise _ERRORS[problem](message)


def build_uscc(org_body: str, *, authority: str = "9", entity_kind: str = "1", division: str = "431302") -> str:
    """A valid USCC from its parts: both check characters are computed.

    `org_body` is the 8-character body of the organisation code, in the USCC charset.
    """
    head = authority + entity_kind + division
    if len(head) != 8 or len(org_body) != 8:
        raise USCCLengthError(f"need 1+1+6 head and 8-character body, got {head!r} and {org_body!r}")
    first17 = head + org_body + organization_code_check_char(org_body)
    return first17 + uscc_check_char(first17)
