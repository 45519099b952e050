"""Salted hashes of people and documents."""

from __future__ import annotations

import pytest

from chaincity.hashing import Hasher, PepperError, parse_pepper

PEPPER = bytes(range(32))
ID_NUMBER = "11010519491231002X"


def test_same_pepper_same_hash_across_departments():
    assert Hasher(PEPPER).person(ID_NUMBER) == Hasher(bytes(PEPPER)).person(ID_NUMBER)
    assert len(Hasher(PEPPER).person(ID_NUMBER)) == 32


def test_another_pepper_or_domain_gives_another_hash():
    hasher = Hasher(PEPPER)
    assert hasher.person(ID_NUMBER) != Hasher(bytes(reversed(PEPPER))).person(ID_NUMBER)
    assert hasher.person(ID_NUMBER) != hasher.document(ID_NUMBER)
    assert ID_NUMBER.encode() not in hasher.person(ID_NUMBER)


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "is not set"), ("", "is not set"), ("zz", "must be hex"), ("ab" * 31, "at least 32 bytes, got 31")],
)
def test_pepper_configuration_is_checked(value, message):
    with pytest.raises(PepperError, match=message):
        parse_pepper(value)


def test_pepper_parses_with_or_without_0x():
    assert parse_pepper("0x" + PEPPER.hex()) == parse_pepper(PEPPER.hex()) == PEPPER


def test_a_hash_is_hmac_sha256_of_the_domain_and_value():
    """The bytes every department and every chain already holds: a faster HMAC path must not
    change one of them."""
    import hashlib
    import hmac

    assert Hasher(PEPPER).person(ID_NUMBER) == hmac.new(PEPPER, f"chaincity:person:{ID_NUMBER}".encode(),
                                                        hashlib.sha256).digest()
    assert Hasher(PEPPER).document("湘(2016)娄底市不动产权第0000001号") == hmac.new(
        PEPPER, "chaincity:document:湘(2016)娄底市不动产权第0000001号".encode(), hashlib.sha256).digest()
