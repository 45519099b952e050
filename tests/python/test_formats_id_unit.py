"""Identity numbers and real-estate unit codes: built by the national algorithms, every
corruption refused with a message that names what is wrong."""

from __future__ import annotations

from datetime import date

import pytest

from chaincity.formats import (
    LOUDI_COUNTIES,
    FormatError,
    id_number_check_char,
    make_id_number,
    make_unit_code,
    validate_id_number,
    validate_unit_code,
)

# Published example of GB 11643 (check character X).
KNOWN_ID = "11010519491231002X"
VALID_IDS = [KNOWN_ID] + [make_id_number("431302", date(1960 + i, 1 + i % 12, 1 + i % 28), i * 37 % 1000) for i in range(40)]


def test_known_identity_number_is_valid():
    assert id_number_check_char(KNOWN_ID[:17]) == "X"
    assert validate_id_number(KNOWN_ID) == KNOWN_ID


@pytest.mark.parametrize("valid", VALID_IDS)
def test_every_single_character_change_of_an_identity_number_is_refused(valid):
    validate_id_number(valid)
    for position in range(18):
        for replacement in "0123456789X":
            if replacement == valid[position]:
                continue
            corrupted = valid[:position] + replacement + valid[position + 1 :]
            with pytest.raises(FormatError):
                validate_id_number(corrupted)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (KNOWN_ID[:-1], "length 17, expected 18"),
        (KNOWN_ID + "1", "length 19, expected 18"),
        (KNOWN_ID[:-1] + "x", "check character 'x' must be a digit or X"),
        ("1101051949123100A" + "X", "characters 1-17 must be digits"),
        ("110105" + "19491331" + "002X", "birth date 19491331 is not a date"),
        ("110105" + "21000101" + "0015", "birth date 21000101 is out of range"),
        ("11010519491231002" + "1", "check character is 1, expected X"),
    ],
)
def test_identity_number_errors_name_the_problem(value, message):
    with pytest.raises(FormatError, match=message):
        validate_id_number(value, today=date(2026, 11, 26))


VALID_UNITS = [
    make_unit_code("431302", 1, 2, 17, 3, 102),
    make_unit_code("431321", 12, 7, 9, 1, 1, ownership="J", right="A"),
    make_unit_code("431382", 999, 999, 99999, 0, 0, fixture="W"),
    make_unit_code("431381", 5, 5, 123, 0, 0, fixture="L"),
]


def test_reference_example_unit_code_is_valid():
    example = "431302" "001002" "GB" "00017" "F" "0003" "0102"
    assert VALID_UNITS[0] == example
    assert validate_unit_code(example, LOUDI_COUNTIES) == example


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (VALID_UNITS[0][:-1], "length 27, expected 28"),
        ("43130A" + VALID_UNITS[0][6:], "county code .* must be digits"),
        (VALID_UNITS[0][:6] + "00100X" + VALID_UNITS[0][12:], "cadastral zone and subzone"),
        (VALID_UNITS[0][:12] + "XB" + VALID_UNITS[0][14:], "ownership code .* 'X' must be one of GJZ"),
        (VALID_UNITS[0][:12] + "Gb" + VALID_UNITS[0][14:], "right kind .* 'b' must be an uppercase letter"),
        (VALID_UNITS[0][:14] + "0001 " + VALID_UNITS[0][19:], "parcel number"),
        (VALID_UNITS[0][:19] + "X" + VALID_UNITS[0][20:], "fixture feature .* 'X' must be one of FLQW"),
        (VALID_UNITS[0][:19] + "W" + VALID_UNITS[0][20:], "must be 00000000 when there is no fixture"),
        (VALID_UNITS[0][:20] + "0003010٣", "fixture unit number"),
    ],
)
def test_unit_code_errors_name_the_problem(value, message):
    with pytest.raises(FormatError, match=message):
        validate_unit_code(value)


def test_unit_code_from_an_unregistered_county_is_refused():
    code = make_unit_code("430102", 1, 1, 1, 1, 1)
    assert validate_unit_code(code) == code
    with pytest.raises(FormatError, match="county 430102 is not registered"):
        validate_unit_code(code, LOUDI_COUNTIES)
