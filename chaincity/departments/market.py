"""Market regulation (市场监督管理局): companies registered, amended and taken through the statuses
of the 2022 Regulations on the Registration of Market Entities (市场主体登记管理条例): 歇业
(suspension of business, Art. 30: up to 3 years), 吊销 (license revoked), 撤销登记 (registration
revoked, Art. 40), 迁出 (moved out), 注销 (deregistered, Art. 31); and the list of abnormal
operations (经营异常名录), which leaves the company existing (存续)."""

from __future__ import annotations

from chaincity.chain.enums import DepartmentKind
from chaincity.departments.market_serves import SERVES
from chaincity.departments.rows import (choice, county, day, day_start, digest_or_zero, id_number, must_be_empty,
                                        optional_text, text, uscc, uscc_of, yuan_to_fen)
from chaincity.hashing import Hasher
from chaincity.oracle.spec import Action, Batched, DepartmentSpec, Follows, OneByOne, ParsedRow, RowContext, RowError

# Each action with the statuses a row may give as the company's status after it.
ACTIONS: dict[str, tuple[str, ...]] = {
    "register": ("existing",),
    "amend": ("existing", "suspended"),  # a company in 歇业 still files changes
    "list-abnormal": ("existing",),  # the abnormal list is a list, not a status
    "remove-abnormal": ("existing",),
    "suspend-business": ("suspended",),
    "resume-business": ("existing",),
    "revoke-license": ("license-revoked",),
    "revoke-registration": ("registration-revoked",),
    "move-out": ("moved-out",),
    "deregister": ("deregistered",),
}
STATUSES = ("existing", "suspended", "license-revoked", "registration-revoked", "moved-out", "deregistered")
PARTICULARS = ("name", "legal_rep_id_number", "registered_capital")  # a register or amend row's own


def parse(row: dict[str, str], context: RowContext) -> ParsedRow:
    """A registration (`registered_at` the establishment date) or an act on a registered
    company (`registered_at` the act's date); `status` must be the status the act leaves."""
    action = (row.get("action") or "register").strip()
    if action not in ACTIONS:
        raise RowError("action", f"{action!r} must be one of {', '.join(ACTIONS)}")
    code = uscc(row)
    status = choice(row, "status", STATUSES)
    if status not in ACTIONS[action]:
        raise RowError("status", f"{status!r} disagrees with {action}: the company is then {' or '.join(ACTIONS[action])}")
    payload = {"uscc": code, "action": action, "status": status, "registered_at": day(row, "registered_at"),
               "reason": optional_text(row, "reason", 500)}
    if action in ("register", "amend"):
        payload |= {"name": text(row, "name", 200), "legal_rep_id_number": id_number(row, "legal_rep_id_number"),
                    "registered_capital_fen": yuan_to_fen(row, "registered_capital"),
                    "division": county(row, context)}
    else:
        if not payload["reason"]:
            raise RowError("reason", f"{action} needs its ground")
        for field in PARTICULARS:
            must_be_empty(row, field, action)
        if (row.get("division") or "").strip():
            county(row, context)  # checked when given; the act does not change it
    source_id = f"{code}:register" if action == "register" else f"{code}:{action}:{payload['registered_at']}"
    return ParsedRow(source_id=source_id, kind="company.register" if action == "register" else "company.act",
                     payload=payload)


def company_data(payload: dict, hasher: Hasher) -> tuple:
    """ICompanyRegistry.CompanyData: the name and the legal representative only as salted
    digests; no address or business scope in the export (zero)."""
    return (hasher.document(payload["name"]), hasher.person(payload["legal_rep_id_number"]), bytes(32), bytes(32),
            payload["registered_capital_fen"], payload["division"].encode("ascii"))


def act_arguments(payload: dict, hasher: Hasher) -> tuple:
    """(uscc, reason digest, day of the act): every act but an amendment."""
    return uscc_of(payload), digest_or_zero(hasher, payload["reason"]), day_start(payload["registered_at"])


FUNCTIONS = {"list-abnormal": "listAbnormal", "remove-abnormal": "removeAbnormal", "suspend-business": "suspendBusiness",
             "resume-business": "resumeBusiness", "revoke-license": "revokeLicense",
             "revoke-registration": "revokeRegistration", "move-out": "moveOut", "deregister": "deregister"}

SPEC = DepartmentSpec(
    name="market",
    kinds=(DepartmentKind.MARKET_REGULATION,),
    columns=("uscc", "name", "legal_rep_id_number", "registered_capital", "division", "registered_at", "status"),
    optional_columns=("action", "reason"),
    parse=parse,
    record_columns=("uscc",),
    # Registrations in batches, then every later act in the export's order, many to a
    # transaction but never two on one company in one (a removal from the abnormal list needs
    # the listing before it).
    chains=(
        Batched("company.register", "CompanyRegistry", "registerBatch",
                lambda p, h: (uscc_of(p), company_data(p, h), day_start(p["registered_at"])), uscc_of),
        OneByOne("company.act", "CompanyRegistry", chain_key=uscc_of, multicall=True, actions={
            "amend": Action("amend", lambda p, h: (uscc_of(p), company_data(p, h), day_start(p["registered_at"]))),
            **{action: Action(function, act_arguments) for action, function in FUNCTIONS.items()}}),
    ),
    follows=Follows("CompanyRegistry", addressed=("CompanyRegistered", "CompanyAmended", "CompanyListedAbnormal",
                                                 "CompanyRemovedAbnormal", "CompanyStatusChanged")),
    serves=SERVES,  # a company's legal representative, through the data gateway
)
