"""The Python USCC validator: valid codes built by the algorithm, every single-character
corruption, wrong lengths, lowercase and the forbidden letters. The same cases run on chain
in tests/contracts/test_uscc.py, which asserts the library and this module agree."""

import pytest

from chaincity.formats import (
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

BODIES = ["MA4L0000", "12345678", "YXWUTRQP", "00000000", "MA4PBCDE"]
VALID = [build_uscc(body) for body in BODIES] + [
    build_uscc("10000138", authority="1", entity_kind="2", division="431321"),
    build_uscc("X7Y8Q9R1", authority="Y", entity_kind="3", division="431382"),
    "91350100M000100Y43",  # the code printed as the example in GB 32100 guidance
]


def corruptions(code):
    """Every code that differs from `code` in exactly one character, over the charset,
    the forbidden letters and lowercase letters."""
    alphabet = USCC_CHARSET + "IOSVZ" + "abcxyz"
    for position in range(len(code)):
        for ch in alphabet:
            if ch != code[position]:
                yield code[:position] + ch + code[position + 1 :]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    validate_uscc(code)
    assert uscc_problem(code) is USCCProblem.NONE


@pytest.mark.parametrize("code", VALID)
def test_every_single_character_corruption_fails(code):
    for corrupted in corruptions(code):
        assert uscc_problem(corrupted) is not USCCProblem.NONE, corrupted
        with pytest.raises(USCCError):
            validate_uscc(corrupted)


def test_check_character_catches_what_the_organisation_check_misses():
    code = build_uscc("00000000")
    corrupted = code[:8] + "B" + code[9:]  # value 11 ≡ 0 mod 11: organisation check still holds
    assert corrupted[16] == code[16]
    with pytest.raises(USCCCheckCharacterError):
        validate_uscc(corrupted)


@pytest.mark.parametrize("length", [0, 1, 15, 17, 19, 36])
def test_wrong_lengths_fail(length):
    code = (VALID[0] * 3)[:length]
    with pytest.raises(USCCLengthError, match=f"got {length} bytes"):
        validate_uscc(code)


def test_non_ascii_is_measured_in_bytes():
    code = build_uscc("MA4L0000")
    with pytest.raises(USCCLengthError, match="got 20 bytes"):
        validate_uscc(code[:17] + "Ｃ")  # full-width letter: 3 bytes in UTF-8
    with pytest.raises(USCCCharacterError, match="character 17 'é'"):
        validate_uscc(code[:16] + "é")  # 2 bytes: 18 bytes in all


def test_lowercase_fails():
    code = build_uscc("MA4L0000")
    with pytest.raises(USCCCharacterError, match="character 9 'm' is lowercase"):
        validate_uscc(code.lower())


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters_fail(letter):
    code = build_uscc("MA4L0000")
    with pytest.raises(USCCCharacterError, match=f"character 10 '{letter}' is forbidden"):
        validate_uscc(code[:9] + letter + code[10:])


def test_wrong_organisation_check_fails():
    code = build_uscc("MA4L0000")
    wrong = "4" if code[16] != "4" else "5"
    first17 = code[:16] + wrong
    with pytest.raises(USCCOrganizationCodeError, match="organisation-code check"):
        validate_uscc(first17 + uscc_check_char(first17))


def test_wrong_check_character_fails():
    code = build_uscc("MA4L0000")
    wrong = "0" if code[17] != "0" else "1"
    with pytest.raises(USCCCheckCharacterError, match=f"check character is '{wrong}'"):
        validate_uscc(code[:17] + wrong)


def test_problems_are_value_errors():
    with pytest.raises(ValueError):
        validate_uscc("not a code")


def test_non_string_is_a_type_error():
    with pytest.raises(TypeError):
        validate_uscc(VALID[0].encode())


def test_check_character_follows_the_weights():
    first17 = "91350100M000100Y4"
    values = [USCC_CHARSET.index(ch) for ch in first17]
    total = sum(v * pow(3, i, 31) for i, v in enumerate(values))
    assert uscc_check_char(first17) == USCC_CHARSET[(31 - total % 31) % 31] == "3"


def test_check_character_rejects_bad_input():
    with pytest.raises(USCCLengthError):
        uscc_check_char("123")
    with pytest.raises(USCCCharacterError):
        uscc_check_char("9135010OM000100Y4")


def test_organisation_check_character_maps_ten_and_eleven():
    # weights 3 7 9 10 5 8 4 2; check = 11 - sum mod 11
    assert organization_code_check_char("00000001") == "9"  # 11 - 2
    assert organization_code_check_char("00000000") == "0"  # 11 - 0 = 11 -> "0"
    assert organization_code_check_char("10000000") == "8"  # 3 -> 8
    assert organization_code_check_char("00000006") == "X"  # 12 mod 11 = 1 -> 10 -> "X"
    with pytest.raises(USCCOrganizationCodeError):
        organization_code_check_char("0000000")


def test_builder_rejects_bad_parts():
    with pytest.raises(USCCLengthError):
        build_uscc("123")
