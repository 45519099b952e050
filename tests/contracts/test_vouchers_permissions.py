"""Permission matrix: every mutating function of VoucherRegistry (read from its compiled ABI)
× every role, the city quorum and a suspended department, a rotated-out key and a paused city.

The scene: a mortgage-release voucher NOMINATED (issued by the bank to the registrar, who
nominated the second bank) and one HELD (issued by the bank to the registrar, no nomination).
Each cell calls a function with arguments valid for the role that may call it and expects
success or the exact typed error for that caller.
"""

import pytest
from brownie import VoucherRegistry, web3

from conftest import (
    DEPARTMENTS,
    Kind,
    Row,
    matrix_tests,
    department_id,
    department_rule,
    kind_mask,
    quorum_rule,
    voucher_type_id,
)

MORTGAGE = voucher_type_id("MORTGAGE_RELEASE")
NOMINATED = web3.keccak(text="nominated voucher")
HELD = web3.keccak(text="held voucher")
NEW = web3.keccak(text="new voucher")
SUBJECT = web3.keccak(text="unit")
REMARKS = web3.keccak(text="remarks")
REGISTRAR = department_id(DEPARTMENTS["registrar"][0])
BANK = department_id(DEPARTMENTS["bank"][0])
BANK2 = department_id(DEPARTMENTS["bank2"][0])


@pytest.fixture(scope="module")
def scene(vouchers, bank, registrar):
    vouchers.issueVouchers(
        [(NOMINATED, MORTGAGE, SUBJECT, REGISTRAR, 0), (HELD, MORTGAGE, SUBJECT, REGISTRAR, 0)], {"from": bank}
    )
    vouchers.nominateHolder(NOMINATED, BANK2, REMARKS, {"from": registrar})
    return vouchers


NEW_ISSUE = (NEW, MORTGAGE, SUBJECT, REGISTRAR, 0)

# function name -> Row(arguments, expected-error rule by role, the role the degraded roles start from)
MATRIX = {
    "setVoucherType": Row(
        [voucher_type_id("NEW"), kind_mask(Kind.COURT), kind_mask(Kind.BANK)], quorum_rule, "city_quorum"
    ),
    "issueVoucher": Row([NEW_ISSUE], department_rule({"bank", "bank2"}, "VoucherRegistryIssuerNotAllowed", NEW), "bank"),
    "issueVouchers": Row(
        [[NEW_ISSUE]], department_rule({"bank", "bank2"}, "VoucherRegistryIssuerNotAllowed", NEW), "bank"
    ),
    "nominateHolder": Row(
        [HELD, BANK, REMARKS], department_rule({"registrar"}, "VoucherRegistryNotHolder", HELD), "registrar"
    ),
    "cancelNomination": Row(
        [NOMINATED, REMARKS], department_rule({"registrar"}, "VoucherRegistryNotHolder", NOMINATED), "registrar"
    ),
    "acceptHandover": Row(
        [NOMINATED, REMARKS], department_rule({"bank2"}, "VoucherRegistryNotNominee", NOMINATED), "bank2"
    ),
    "rejectHandover": Row(
        [NOMINATED, REMARKS], department_rule({"bank2"}, "VoucherRegistryNotNominee", NOMINATED), "bank2"
    ),
    "redeemVoucher": Row([HELD, REMARKS], department_rule({"registrar"}, "VoucherRegistryNotHolder", HELD), "registrar"),
    "surrenderVoucher": Row(
        [HELD, REMARKS], department_rule({"registrar"}, "VoucherRegistryNotHolder", HELD), "registrar"
    ),
    "revokeVoucher": Row([HELD, REMARKS], department_rule({"bank"}, "VoucherRegistryNotIssuer", HELD), "bank"),
    # Each call keeps its own guard: a batch of redemptions is the holder's only.
    "multicall": Row(lambda role: [[VoucherRegistry[-1].redeemVoucher.encode_input(HELD, REMARKS)]],
                     department_rule({"registrar"}, "VoucherRegistryNotHolder", HELD), "registrar"),
}


test_matrix_has_a_row_for_every_mutating_function_and_no_other, test_permission = matrix_tests(VoucherRegistry, MATRIX)
