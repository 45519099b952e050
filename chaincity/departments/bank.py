"""Banks and the housing provident fund: mortgages they register, transfer with their claims
to another bank (Civil Code Art. 407) and release, and the read model of the mortgages they
hold (transfer notices of Civil Code Art. 406, seizures)."""

from __future__ import annotations

import calendar
from datetime import datetime

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from chaincity.chain.enums import DepartmentKind, department_id
from chaincity.db import Base, ChainEvent
from chaincity.departments.rows import (department_code, document_number, integer, must_be_empty, text, timestamp, unit_code,
                                        unit_of, yuan_to_fen)
from chaincity.hashing import Hasher
from chaincity.oracle.spec import Action, Batched, DepartmentSpec, Follows, OneByOne, ParsedRow, RowContext, RowError

ACTIONS = ("register", "transfer", "release")
MAX_TERM_MONTHS = 600


class HeldMortgage(Base):
    """The mortgages a bank holds, as the chain says, and what happened to the titles under
    them (transfers it was notified of, seizures)."""

    __tablename__ = "held_mortgages"

    unit: Mapped[str] = mapped_column(String(66), primary_key=True)
    proof: Mapped[str] = mapped_column(String(66), primary_key=True)
    amount: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))  # registered | transferred | released
    registered_block: Mapped[int] = mapped_column(Integer)
    notices: Mapped[list] = mapped_column(JSON, default=list)


def parse(row: dict[str, str], context: RowContext) -> ParsedRow:
    """A mortgage registered, transferred or released; a transfer or release names its contract
    and needs no amount or term; a transfer names the receiving bank in `new_lender`."""
    action = (row.get("action") or "register").strip()  # optional column; a bare export registers
    if action not in ACTIONS:
        raise RowError("action", f"{action!r} must be one of {', '.join(ACTIONS)}")
    contract = document_number(row, "contract_no")
    payload = {
        "unit_code": unit_code(row, context),
        "bank": department_code(row, "bank"),
        "contract_no": contract,
        "action": action,
        "registered_at": timestamp(row, "registered_at"),
    }
    if action == "transfer":
        payload["new_lender"] = department_code(row, "new_lender")
        if payload["new_lender"] == payload["bank"]:
            raise RowError("new_lender", f"{payload['new_lender']} already holds the mortgage")
    else:
        must_be_empty(row, "new_lender", action)
    if action == "register" or (row.get("amount") or "").strip():
        payload["amount_fen"] = yuan_to_fen(row, "amount")
    if action == "register" or (row.get("term_months") or "").strip():
        payload["term_months"] = integer(row, "term_months", 1, MAX_TERM_MONTHS)
    return ParsedRow(source_id=f"{contract}:{action}", kind=f"mortgage.{action}", payload=payload)


def _add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    day = min(moment.day, calendar.monthrange(moment.year + year, month + 1)[1])
    return moment.replace(year=moment.year + year, month=month + 1, day=day)


def mortgage_input(payload: dict, hasher: Hasher) -> tuple:
    """IPropertyRegistry.MortgageInput: (unit, proof, amount, termEnd, noTransfer)."""
    term_end = _add_months(datetime.fromisoformat(payload["registered_at"]), payload["term_months"])
    return (unit_of(payload), hasher.document(payload["contract_no"]), payload["amount_fen"],
            int(term_end.timestamp()), False)


def transfer_input(payload: dict, hasher: Hasher) -> tuple:
    """transferMortgage(unit, proof, newLender, documents): the documents digest names the
    contract, the act and the receiving bank (`<contract_no>:transfer:<new_lender>`)."""
    contract, new_lender = payload["contract_no"], payload["new_lender"]
    return (unit_of(payload), hasher.document(contract), department_id(new_lender),
            hasher.document(f"{contract}:transfer:{new_lender}"))


def on_event(session: Session, event: ChainEvent) -> None:
    """Keep `held_mortgages` from the bank's events and the seizures of titles it lends on."""
    args = event.args
    if event.event == "MortgageRegistered":
        session.merge(HeldMortgage(unit=args["unit"], proof=args["proof"], amount=str(args["amount"]),
                                   status="registered", registered_block=event.block_number, notices=[]))
    elif event.event in ("MortgageReleased", "MortgageTransferred"):  # the latter: this bank sold it
        held = session.get(HeldMortgage, (args["unit"], args["proof"]))
        if held is not None:
            held.status = "released" if event.event == "MortgageReleased" else "transferred"
    elif event.event in ("MortgageeNotified", "TitleSeized"):
        notice = {"event": event.event, "block": event.block_number, "tx": event.tx_hash}
        for held in session.scalars(select(HeldMortgage).where(HeldMortgage.unit == args["unit"],
                                                               HeldMortgage.status == "registered")):
            held.notices = [*held.notices, notice]


SPEC = DepartmentSpec(
    name="bank",
    kinds=(DepartmentKind.BANK, DepartmentKind.HOUSING_PROVIDENT_FUND),
    columns=("unit_code", "bank", "contract_no", "amount", "term_months", "registered_at"),
    optional_columns=("action", "new_lender"),
    parse=parse,
    record_columns=("contract_no",),
    # Registrations, then transfers, then releases: a later act in the same export needs the earlier.
    chains=(
        Batched("mortgage.register", "PropertyRegistry", "registerMortgages", mortgage_input, unit_of, owner_field="bank"),
        OneByOne("mortgage.transfer", "PropertyRegistry", chain_key=unit_of, owner_field="bank", multicall=True, actions={
            "transfer": Action("transferMortgage", transfer_input)}),
        OneByOne("mortgage.release", "PropertyRegistry", chain_key=unit_of, owner_field="bank", multicall=True, actions={
            "release": Action("releaseMortgage", lambda p, h: (unit_of(p), h.document(p["contract_no"])))}),
    ),
    follows=Follows("PropertyRegistry", addressed=("MortgageRegistered", "MortgageReleased", "MortgageTransferred",
                                                  "MortgageeNotified"),
                    every=("TitleSeized",), on_event=on_event, tables=(HeldMortgage,)),
)
