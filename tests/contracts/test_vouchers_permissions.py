"""Permission matrix: every mutating function of VoucherRegistry × every role.

The scene: a mortgage-release voucher NOMINATED (issued by the bank to the registrar, who
nominated the second bank) and one HELD (issued by the bank to the registrar, no nomination).
Each cell calls a function with arguments valid for the role that may call it and expects
success or the exact typed error for that caller.
"""

import brownie
import pytest
from brownie import web3

from conftest import DEPARTMENTS, Kind, ROLES, caller_for, department_id, kind_mask, mutating_functions, typed_error, voucher_type_id

ALL_KINDS = 0x3FE
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


def departments(allowed, error, voucher_id):
    """Rule: `allowed` roles succeed, other departments get `error(voucher, their id)`, and
    accounts that sign for no active department get DepartmentUnauthorized."""

    def expected(role):
        if role in allowed:
            return None
        if role in ("city_admin", "stranger"):
            return ("DepartmentUnauthorized", "caller", ALL_KINDS)
        return (error, voucher_id, department_id(DEPARTMENTS[role][0]))

    return expected


def city_admin_only(role):
    return None if role == "city_admin" else ("VoucherRegistryUnauthorizedAdmin", "caller")


NEW_ISSUE = (NEW, MORTGAGE, SUBJECT, REGISTRAR, 0)

# function name -> (arguments, expected-error rule by role)
MATRIX = {
    "setVoucherType": (
        [voucher_type_id("NEW"), kind_mask(Kind.COURT), kind_mask(Kind.BANK)],
        city_admin_only,
    ),
    "issueVoucher": ([NEW_ISSUE], departments({"bank", "bank2"}, "VoucherRegistryIssuerNotAllowed", NEW)),
    "issueVouchers": ([[NEW_ISSUE]], departments({"bank", "bank2"}, "VoucherRegistryIssuerNotAllowed", NEW)),
    "nominateHolder": ([HELD, BANK, REMARKS], departments({"registrar"}, "VoucherRegistryNotHolder", HELD)),
    "cancelNomination": ([NOMINATED, REMARKS], departments({"registrar"}, "VoucherRegistryNotHolder", NOMINATED)),
    "acceptHandover": ([NOMINATED, REMARKS], departments({"bank2"}, "VoucherRegistryNotNominee", NOMINATED)),
    "rejectHandover": ([NOMINATED, REMARKS], departments({"bank2"}, "VoucherRegistryNotNominee", NOMINATED)),
    "redeemVoucher": ([HELD, REMARKS], departments({"registrar"}, "VoucherRegistryNotHolder", HELD)),
    "surrenderVoucher": ([HELD, REMARKS], departments({"registrar"}, "VoucherRegistryNotHolder", HELD)),
    "revokeVoucher": ([HELD, REMARKS], departments({"bank"}, "VoucherRegistryNotIssuer", HELD)),
}


def test_matrix_covers_every_mutating_function(vouchers):
    assert mutating_functions(vouchers) == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("function", sorted(MATRIX))
def test_permission(scene, city_admins, stranger, function, role):
    args, rule = MATRIX[function]
    caller = caller_for(role, city_admins, stranger)
    expected = rule(role)
    if expected is None:
        tx = getattr(scene, function)(*args, {"from": caller})
        assert tx.status == 1
        assert tx.events  # every allowed write changed something and said so
    else:
        name, *error_args = expected
        error_args = [caller if a == "caller" else a for a in error_args]
        with brownie.reverts(typed_error(name, *error_args)):
            getattr(scene, function)(*args, {"from": caller})
