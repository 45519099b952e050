"""Permission matrix: every mutating function of VoucherRegistry × every role.

The scene: a mortgage-release voucher NOMINATED (issued by the bank to the registrar, who
nominated the second bank) and one HELD (issued by the bank to the registrar, no nomination).
Each cell calls a function with arguments valid for the role that may call it and expects
success or the exact typed error for that caller.
"""

import pytest
from brownie import web3

from conftest import DEPARTMENTS, ROLES, Kind, caller_for, check_permission, department_id, department_rule, kind_mask, mutating_functions, voucher_type_id

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




def city_admin_only(role):
    return None if role == "city_admin" else ("VoucherRegistryUnauthorizedAdmin", "caller")


NEW_ISSUE = (NEW, MORTGAGE, SUBJECT, REGISTRAR, 0)

# function name -> (arguments, expected-error rule by role)
MATRIX = {
    "setVoucherType": (
        [voucher_type_id("NEW"), kind_mask(Kind.COURT), kind_mask(Kind.BANK)],
        city_admin_only,
    ),
    "issueVoucher": ([NEW_ISSUE], department_rule({"bank", "bank2"}, "VoucherRegistryIssuerNotAllowed", NEW)),
    "issueVouchers": ([[NEW_ISSUE]], department_rule({"bank", "bank2"}, "VoucherRegistryIssuerNotAllowed", NEW)),
    "nominateHolder": ([HELD, BANK, REMARKS], department_rule({"registrar"}, "VoucherRegistryNotHolder", HELD)),
    "cancelNomination": ([NOMINATED, REMARKS], department_rule({"registrar"}, "VoucherRegistryNotHolder", NOMINATED)),
    "acceptHandover": ([NOMINATED, REMARKS], department_rule({"bank2"}, "VoucherRegistryNotNominee", NOMINATED)),
    "rejectHandover": ([NOMINATED, REMARKS], department_rule({"bank2"}, "VoucherRegistryNotNominee", NOMINATED)),
    "redeemVoucher": ([HELD, REMARKS], department_rule({"registrar"}, "VoucherRegistryNotHolder", HELD)),
    "surrenderVoucher": ([HELD, REMARKS], department_rule({"registrar"}, "VoucherRegistryNotHolder", HELD)),
    "revokeVoucher": ([HELD, REMARKS], department_rule({"bank"}, "VoucherRegistryNotIssuer", HELD)),
}


def test_matrix_covers_every_mutating_function(vouchers):
    assert mutating_functions(vouchers) == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("function", sorted(MATRIX))
def test_permission(scene, city_admins, stranger, function, role):
    args, rule = MATRIX[function]
    caller = caller_for(role, city_admins, stranger)
    check_permission(scene, function, args, caller, rule(role))
