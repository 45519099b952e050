"""The voucher desk of any department: electronic vouchers (mortgage-release notices, provident-fund
withdrawal approvals, court assistance notices, tax payment certificates…) instead of paper.

A voucher's document stays in the issuer's database; on chain goes its id, the keccak256 of the
canonical document (:func:`document`), which carries a salt derived from the city pepper, so
anyone holding the file can verify it and nobody can guess it. Later acts name the voucher by
that digest; each act's remarks digest is unique to the act, so a resent act is found in the
voucher's custody chain instead of being refused.
"""

from __future__ import annotations

import re
from datetime import datetime

from chaincity.chain.enums import DepartmentKind, department_id
from chaincity.departments.rows import (choice, department_code, document_number, must_be_empty, optional_text, text,
                                        timestamp)
from chaincity.departments.vouchers.documents import document, remarks, type_id, voucher_id
from chaincity.departments.vouchers.read_model import EVENTS, HeldVoucher, on_event
from chaincity.formats import FormatError, certificate_number
from chaincity.hashing import Hasher
from chaincity.oracle.spec import (Action, Batched, ChainView, DepartmentSpec, Follows, OneByOne, ParsedRow, RowContext,
                                   RowError)

ACTS = ("nominate", "accept", "reject", "cancel-nomination", "redeem", "surrender", "revoke")
ISSUE_COLUMNS = ("type", "subject", "expires_at", "document")
CUSTODY_PAGE = 50
TYPE_NAME = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")


def _expiry(row: dict[str, str]) -> int:
    """An optional ISO date or date-time (UTC unless given) as seconds; 0 for none."""
    if not (row.get("expires_at") or "").strip():
        return 0
    return int(datetime.fromisoformat(timestamp(row, "expires_at", future=True)).timestamp())


def _type_name(row: dict[str, str]) -> str:
    """A voucher type as the city names it (MORTGAGE_RELEASE): capitals, digits and `_`."""
    value = text(row, "type", 64)
    if not TYPE_NAME.match(value):
        raise RowError("type", f"{value!r} is not a voucher type name (capitals, digits and _, e.g. MORTGAGE_RELEASE)")
    return value


def _subject(row: dict[str, str]) -> str:
    """What the voucher is about (a unit code, a USCC, a certificate number…), on chain only
    salted: a certificate number printed with full-width parentheses is the same subject as its
    ASCII form (formats.certificate_number)."""
    value = text(row, "subject")
    try:
        return certificate_number(value)
    except FormatError:
        return value


def parse(row: dict[str, str], context: RowContext) -> ParsedRow:
    """An issue (the voucher's type, subject, first `holder`, document text and optional expiry)
    or a later act on the voucher `voucher_id` (a nomination names the next `holder`; a
    revocation needs a `reason`)."""
    action = choice(row, "action", ("issue", *ACTS))
    payload = {"voucher_no": document_number(row, "voucher_no", 66), "action": action,
               "department": department_code(row, "department"), "acted_at": timestamp(row, "acted_at"),
               "remarks": optional_text(row, "remarks", 500)}
    if action == "issue":
        must_be_empty(row, "voucher_id", action)
        payload |= {"type": _type_name(row), "subject": _subject(row), "expires_at": _expiry(row),
                    "document": text(row, "document", 100_000, multiline=True), "holder": department_code(row, "holder")}
        return ParsedRow(f"{payload['voucher_no']}:issue", "voucher.issue", payload)
    for field in ISSUE_COLUMNS:
        must_be_empty(row, field, action)
    digest = text(row, "voucher_id", 66).lower()
    if len(digest) != 66 or not digest.startswith("0x") or any(c not in "0123456789abcdef" for c in digest[2:]):
        raise RowError("voucher_id", f"{digest!r} is not a 32-byte 0x digest")
    payload["voucher_id"] = digest
    if action == "nominate":
        payload["holder"] = department_code(row, "holder")
    else:
        must_be_empty(row, "holder", action)
    if action == "revoke":
        payload["reason"] = text(row, "reason", 200)  # the registry refuses a revocation without one
    else:
        must_be_empty(row, "reason", action)
    # The time of the act is in the key: a voucher nominated again after a rejection is another act.
    return ParsedRow(f"{payload['voucher_no']}:{action}:{payload['acted_at']}", "voucher.act", payload)


def issue_input(payload: dict, hasher: Hasher) -> tuple:
    """IVoucherRegistry.VoucherIssue: (voucherId, typeId, subject, firstHolder, expiresAt)."""
    return (voucher_id(payload, hasher), type_id(payload["type"]), hasher.document(f"subject:{payload['subject']}"),
            department_id(payload["holder"]), payload["expires_at"])


def in_custody_chain(chain: ChainView, payload: dict, hasher: Hasher) -> bool:
    """Whether the voucher's custody chain holds this act already (its remarks digest)."""
    voucher, digest = voucher_id(payload, hasher), "0x" + remarks(payload, hasher).hex()
    length = chain.call("custodyLength", voucher)
    for start in range(0, length, CUSTODY_PAGE):
        if any(entry["remarks"] == digest for entry in chain.call("custodyChain", voucher, start, CUSTODY_PAGE)):
            return True
    return False


def _act(function: str, with_holder: bool = False) -> Action:
    def arguments(payload: dict, hasher: Hasher) -> tuple:
        holder = (department_id(payload["holder"]),) if with_holder else ()
        return (voucher_id(payload, hasher), *holder, remarks(payload, hasher))
    return Action(function, arguments, written_before=in_custody_chain)


SPEC = DepartmentSpec(
    name="voucher",
    kinds=tuple(kind for kind in DepartmentKind if kind != DepartmentKind.NONE),  # every department has a desk
    columns=("voucher_no", "action", "department", "acted_at"),
    optional_columns=("voucher_id", "holder", "remarks", "reason", *ISSUE_COLUMNS),
    parse=parse,
    record_columns=("voucher_no",),
    # Issues first (many per transaction), then the acts in the order of the export.
    chains=(
        # The id needs the pepper: `hashed_key`, not `chain_key`, finds the voucher an error names.
        Batched("voucher.issue", "VoucherRegistry", "issueVouchers", issue_input, chain_key=lambda p: b"",
                owner_field="department", hashed_key=voucher_id),
        OneByOne("voucher.act", "VoucherRegistry", chain_key=lambda p: bytes.fromhex(p["voucher_id"][2:]),
                 owner_field="department", multicall=True, actions={
                     "nominate": _act("nominateHolder", with_holder=True), "accept": _act("acceptHandover"),
                     "reject": _act("rejectHandover"), "cancel-nomination": _act("cancelNomination"),
                     "redeem": _act("redeemVoucher"), "surrender": _act("surrenderVoucher"),
                     "revoke": _act("revokeVoucher")}),
    ),
    follows=Follows("VoucherRegistry", addressed=(), every=EVENTS, on_event=on_event, tables=(HeldVoucher,)),
)

__all__ = ["SPEC", "HeldVoucher", "document", "type_id", "voucher_id"]
