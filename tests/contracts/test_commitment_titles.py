"""CommitmentTitles, the gas benchmark's one-commitment layout (issue 16, figure 1): its one
mutating function of its own works for the owner only, commits keccak256 of each record with an
event carrying the record, and never commits a unit twice."""

import brownie
import pytest
from brownie import CommitmentTitles, accounts
from eth_utils import keccak

from conftest import abi_functions, typed_error

OWNABLE = {"renounceOwnership", "transferOwnership"}  # OpenZeppelin's, tested there
UNITS = [keccak(text="unit 1"), keccak(text="unit 2")]
RECORDS = [b"\x01" * 96, b"\x02" * 160]


@pytest.fixture(scope="module")
def commitments():
    return CommitmentTitles.deploy({"from": accounts[0]})


def test_it_has_a_row_for_every_mutating_function_of_its_own():
    assert set(abi_functions(CommitmentTitles)) == OWNABLE | {"commitTitles"}


def test_only_the_owner_commits_each_record_as_its_hash_and_once(commitments, stranger):
    with brownie.reverts(typed_error("OwnableUnauthorizedAccount", stranger)):
        commitments.commitTitles(UNITS, RECORDS, {"from": stranger})
    tx = commitments.commitTitles(UNITS, RECORDS, {"from": accounts[0]})
    assert [(bytes(e["unit"]), bytes(e["record"])) for e in tx.events["TitleCommitted"]] == list(zip(UNITS, RECORDS))
    assert [bytes(commitments.commitmentOf(unit)) for unit in UNITS] == [keccak(r) for r in RECORDS]
    with brownie.reverts(typed_error("CommitmentTitlesAlreadyCommitted", UNITS[1])):
        commitments.commitTitles([keccak(text="unit 3"), UNITS[1]], RECORDS, {"from": accounts[0]})
    assert bytes(commitments.commitmentOf(keccak(text="unit 3"))) == bytes(32)  # the whole batch reverted


def test_the_arrays_must_match(commitments):
    with brownie.reverts(typed_error("CommitmentTitlesLengthMismatch", 1, 2)):
        commitments.commitTitles(UNITS[:1], RECORDS, {"from": accounts[0]})
