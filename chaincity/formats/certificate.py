"""Property certificate numbers (不动产权证书号), read as printed.

A certificate prints its number with full-width parentheses, `湘（2019）娄底市不动产权第0001234号`,
and registration systems export it either way (and sometimes with full-width digits): every
form is read as its NFKC form, `湘(2019)娄底市不动产权第0001234号`, so one certificate has one
document digest on chain and one record key, wherever its number is given.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from chaincity.formats.errors import FormatError

# 湘 (Hunan), the year, the registering authority's place (Chinese characters), the serial.
CERTIFICATE_NO = re.compile(r"^湘\(([0-9]{4})\)([\u4e00-\u9fff]+?)不动产权第([0-9]{7})号$")


def certificate_number(value: str, today: date | None = None) -> str:
    """The certificate number ``value`` in its one form (see the module docstring), or
    :class:`FormatError` naming what is wrong."""
    number = unicodedata.normalize("NFKC", value.strip())
    match = CERTIFICATE_NO.match(number)
    if not match:
        raise FormatError(f"{number!r} is not a property certificate number (湘(YYYY)…不动产权第NNNNNNN号)")
    if int(match.group(1)) > (today or date.today()).year:
        raise FormatError(f"{number!r}: the year {match.group(1)} is in the future")
    return number
