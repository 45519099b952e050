"""National identifier formats, validated exactly as the contracts validate them on chain.

Each validator raises :class:`FormatError` naming what is wrong, so a rejects report can say
which field of which row failed and why; each module also builds valid identifiers, for tests
and synthetic data.
"""

from datetime import timedelta, timezone

from chaincity.formats.certificate import certificate_number
from chaincity.formats.errors import FormatError
from chaincity.formats.id_number import id_number_check_char, make_id_number, validate_id_number
from chaincity.formats.unit_code import LOUDI_COUNTIES, make_unit_code, unit_code_of, unit_key, validate_unit_code
from chaincity.formats.uscc import (
    USCC_CHARSET,
    USCCCharacterError,
    USCCCheckCharacterError,
    USCCError,
    USCCLengthError,
    USCCOrganizationCodeError,
    USCCProblem,
    build_uscc,
    organization_code_check_char,
    uscc_check_char,
    uscc_problem,
    validate_uscc,
)

# China Standard Time (UTC+8): the day of a registration, a listing or a tax grade, as the
# contracts' calendar (CivilCalendar) and the departments' exports count it.
CHINA = timezone(timedelta(hours=8), "CST")

__all__ = [
    "CHINA",
    "FormatError",
    "certificate_number",
    "USCC_CHARSET",
    "USCCCharacterError",
    "USCCCheckCharacterError",
    "USCCError",
    "USCCLengthError",
    "USCCOrganizationCodeError",
    "USCCProblem",
    "build_uscc",
    "organization_code_check_char",
    "uscc_check_char",
    "uscc_problem",
    "validate_uscc",
    "LOUDI_COUNTIES",
    "id_number_check_char",
    "make_id_number",
    "make_unit_code",
    "unit_code_of",
    "unit_key",
    "validate_id_number",
    "validate_unit_code",
]
