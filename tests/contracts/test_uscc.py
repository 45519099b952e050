"""The USCC library on chain (through USCCHarness) against the Python validator
(chaincity.formats): the same problem for every case, valid or not."""

import pytest

from chaincity.formats import USCC_CHARSET, USCCProblem, build_uscc, uscc_check_char, uscc_problem

BODIES = ["MA4L0000", "12345678", "YXWUTRQP", "00000000", "MA4PBCDE"]
VALID = [build_uscc(body) for body in BODIES] + [
    build_uscc("10000138", authority="1", entity_kind="2", division="431321"),
    build_uscc("X7Y8Q9R1", authority="Y", entity_kind="3", division="431382"),
    "91350100M000100Y43",
]
CHUNK = 400


def corruptions(code):
    alphabet = USCC_CHARSET + "IOSVZ" + "abcxyz"
    for position in range(len(code)):
        for ch in alphabet:
            if ch != code[position]:
                yield code[:position] + ch + code[position + 1 :]


def on_chain(harness, codes):
    """Problems by the library: 18-character codes as bytes18[], others as bytes[]."""
    fixed = all(len(code.encode()) == 18 and code.isascii() for code in codes)
    call = harness.problemsOfFixed if fixed else harness.problemsOf
    problems = []
    for start in range(0, len(codes), CHUNK):
        chunk = [code.encode() for code in codes[start : start + CHUNK]]
        problems += [int(p) for p in call(chunk)]
    return problems


@pytest.fixture(scope="module")
def harness(USCCHarness, accounts):
    return USCCHarness.deploy({"from": accounts[0]})


def assert_agree(harness, codes):
    chain_problems = on_chain(harness, codes)
    python_problems = [int(uscc_problem(code)) for code in codes]
    assert chain_problems == python_problems
    return chain_problems


def test_valid_codes_pass_on_chain(harness):
    assert assert_agree(harness, VALID) == [USCCProblem.NONE] * len(VALID)
    for code in VALID:
        assert harness.problemOfFixed(code.encode()) == USCCProblem.NONE


def test_every_single_character_corruption_fails_on_chain(harness):
    # Three codes on chain (Ganache runs ~3 ms per code, 5.9 s here); all of VALID in tests/python.
    codes = [c for code in (VALID[0], VALID[5], VALID[7]) for c in corruptions(code)]
    problems = assert_agree(harness, codes)
    assert USCCProblem.NONE not in problems
    assert set(problems) == {
        USCCProblem.INVALID_CHARACTER,
        USCCProblem.ORGANIZATION_CODE_MISMATCH,
        USCCProblem.CHECK_CHARACTER_MISMATCH,
    }


def test_wrong_lengths_fail_on_chain(harness):
    codes = [(VALID[0] * 3)[:n] for n in (0, 1, 15, 17, 19, 36)]
    assert assert_agree(harness, codes) == [USCCProblem.WRONG_LENGTH] * len(codes)


def test_lowercase_and_forbidden_letters_fail_on_chain(harness):
    code = VALID[0]
    codes = [code.lower()] + [code[:9] + letter + code[10:] for letter in "IOSVZ"]
    assert assert_agree(harness, codes) == [USCCProblem.INVALID_CHARACTER] * len(codes)


def test_non_ascii_agrees_on_chain(harness):
    code = VALID[0]
    codes = [code[:17] + "Ｃ", code[:16] + "é", "é" * 9]
    assert assert_agree(harness, codes) == [
        USCCProblem.WRONG_LENGTH,
        USCCProblem.INVALID_CHARACTER,
        USCCProblem.INVALID_CHARACTER,
    ]


def test_zero_padded_fixed_code_fails_on_chain(harness):
    assert harness.problemOfFixed(VALID[0][:17].encode()) == USCCProblem.INVALID_CHARACTER


def test_check_character_agrees(harness):
    for code in VALID:
        assert bytes(harness.checkCharacter(code[:17].encode())) == code[17].encode()
        assert uscc_check_char(code[:17]) == code[17]
    assert bytes(harness.checkCharacter(b"9135010OM000100Y4")) == b"\x00"


def bodies_for_every_organisation_check_character():
    """One organisation-code body per GB 11714 check character (1-9, X for 10, 0 for 11)."""
    from itertools import product

    from chaincity.formats import organization_code_check_char

    found = {}
    for tail in product(USCC_CHARSET, repeat=2):
        body = "MA4L00" + "".join(tail)
        found.setdefault(organization_code_check_char(body), body)
        if len(found) == 11:
            return found
    raise AssertionError(f"only {sorted(found)} found")


def test_gb_11714_every_candidate_for_character_17_agrees_on_chain(harness):
    """Character 17 is the organisation code's check (GB 11714: a digit, X for 10, 0 for 11).
    For a body of each of the 11 outcomes, every charset character in position 17 (character 18
    recomputed, so only this rule can fail): exactly the right one passes; a letter valued 10
    like `A` does not stand for `X`."""
    bodies = bodies_for_every_organisation_check_character()
    codes = []
    for body in bodies.values():
        for ch in USCC_CHARSET:
            first17 = "91431302" + body + ch
            codes.append(first17 + uscc_check_char(first17))
    problems = assert_agree(harness, codes)
    assert problems.count(USCCProblem.NONE) == len(bodies)
    assert set(problems) == {USCCProblem.NONE, USCCProblem.ORGANIZATION_CODE_MISMATCH}
    a_for_x = "91431302" + bodies["X"] + "A"
    assert harness.problemOfFixed((a_for_x + uscc_check_char(a_for_x)).encode()) == USCCProblem.ORGANIZATION_CODE_MISMATCH


def test_random_codes_agree_on_chain(harness):
    """Seeded random inputs beside the systematic ones: 18 ASCII bytes of any kind, 18 charset
    characters (check characters mostly wrong), valid codes with two characters changed; and
    the check character of random bodies."""
    import random

    rng = random.Random(32100)
    ascii_codes = ["".join(chr(rng.randrange(128)) for _ in range(18)) for _ in range(300)]
    charset_codes = ["".join(rng.choice(USCC_CHARSET) for _ in range(18)) for _ in range(300)]
    changed = []
    for _ in range(300):
        body = "".join(rng.choice(USCC_CHARSET) for _ in range(8))
        code = list(build_uscc(body, authority=rng.choice("159Y"), entity_kind=rng.choice("123")))
        for position in rng.sample(range(18), 2):
            code[position] = rng.choice(USCC_CHARSET)
        changed.append("".join(code))
    problems = assert_agree(harness, ascii_codes + charset_codes + changed)
    assert {USCCProblem.NONE, USCCProblem.INVALID_CHARACTER, USCCProblem.ORGANIZATION_CODE_MISMATCH,
            USCCProblem.CHECK_CHARACTER_MISMATCH} <= set(problems)
    for first17 in charset_codes[:10]:
        assert bytes(harness.checkCharacter(first17[:17].encode())).decode() == uscc_check_char(first17[:17])
