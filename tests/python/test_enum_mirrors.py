"""chaincity.chain.enums mirrors the contracts' enums: the same members in the same order as
their declarations in interfaces/*.sol (CamelCase there, UPPER_SNAKE here), so a value the
ABI encodes means the same on both sides. Enums a department mirrors elsewhere are not here."""

import re
from enum import IntEnum
from pathlib import Path

import pytest

from chaincity.chain import enums

INTERFACES = Path(__file__).resolve().parents[2] / "interfaces"
ENUM = re.compile(r"^enum\s+(\w+)\s*\{(.*?)\}", re.S | re.M)


def solidity_enums() -> dict[str, list[str]]:
    found = {}
    for source in INTERFACES.glob("*.sol"):
        for name, body in ENUM.findall(source.read_text()):
            body = re.sub(r"//[^\n]*", "", body)
            found[name] = [member.strip() for member in body.split(",") if member.strip()]
    return found


def snake(member: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", member).upper()


MIRRORS = {
    name: value
    for name, value in vars(enums).items()
    if isinstance(value, type) and issubclass(value, IntEnum) and value is not IntEnum
}
# Members the Python side names otherwise on purpose (a certificate never issued is "unknown").
RENAMED = {"CertificateState": {"NONE": "UNKNOWN"}}


@pytest.mark.parametrize("name", sorted(n for n in MIRRORS if n in solidity_enums()))
def test_python_mirror_has_the_solidity_members_in_order(name):
    renamed = RENAMED.get(name, {})
    expected = [renamed.get(snake(m), snake(m)) for m in solidity_enums()[name]]
    assert [m.name for m in MIRRORS[name]] == expected


def test_the_company_and_credit_enums_are_mirrored():
    assert {"CompanyStatus", "TaxGrade", "CreditListType", "SubjectKind", "ListingEnding", "BiddingBar"} <= set(MIRRORS)
