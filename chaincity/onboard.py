"""Onboarding a department into the city directory through k-of-n administrator approval.

Used where the administrators' keys are at hand (a devnet, the city demo, tests); in
production each administrator proposes or approves from their own machine.
"""

from __future__ import annotations

from enum import IntEnum

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD


class DepartmentKind(IntEnum):
    """Mirror of `DepartmentKind` in interfaces/ICityDirectory.sol."""

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


def department_id(code: str) -> bytes:
    """A department's id in the directory: keccak256 of its code (e.g. LD-BANK-ICBC)."""
    return bytes(Web3.keccak(text=code))


def _wait(w3: Web3, tx_hash) -> dict:
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    if receipt["status"] != 1:
        raise RuntimeError(f"transaction 0x{bytes(tx_hash).hex()} reverted")
    return receipt


def run_proposal(w3: Web3, directory: Contract, data: str, admins: list[str]) -> dict:
    """Propose ``data`` with the first administrator, approve with the next, execute."""
    receipt = _wait(w3, directory.functions.propose(data).transact({"from": admins[0]}))
    proposal_id = directory.events.ProposalCreated().process_receipt(receipt, errors=DISCARD)[0]["args"]["proposalId"]
    for admin in admins[1 : directory.functions.threshold().call()]:
        _wait(w3, directory.functions.approve(proposal_id).transact({"from": admin}))
    return _wait(w3, directory.functions.execute(proposal_id, data).transact({"from": admins[0]}))


def register_department(w3: Web3, directory: Contract, admins: list[str], code: str, kind: DepartmentKind,
                        name: str, signers: list[str]) -> bool:
    """Register a department unless it is there already; returns whether this call registered it."""
    dept = department_id(code)
    if directory.functions.getDepartment(dept).call()[0] != DepartmentKind.NONE:
        return False
    data = directory.encode_abi("registerDepartment", args=[dept, int(kind), Web3.keccak(text=name), signers])
    run_proposal(w3, directory, data, admins)
    return True
