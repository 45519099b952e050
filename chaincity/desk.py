"""A desk's act: one row of a department's export, made at a desk (the voucher desk, the bank
counter of the portal), loaded into the department's database and written by its oracle like
any other row — the same checks, the same sender, the same rejects table."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from web3 import Web3

from chaincity.config import OracleConfig
from chaincity.db import Reject, SourceRecord
from chaincity.load import load_rows
from chaincity.oracle.run import sync_department
from chaincity.oracle.spec import DepartmentSpec, RowContext


class ActRefused(ValueError):
    """The act was rejected: at load (a bad field) or by the chain (its decoded error)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def act(w3: Web3, engine: Engine, spec: DepartmentSpec, config: OracleConfig, signer: LocalAccount, row: dict,
        context: RowContext, source: str) -> SourceRecord:
    """Load ``row`` and sync the department; the record as confirmed, or ActRefused.

    Raises :class:`chaincity.oracle.stops.OracleStopped` when the key may not write (the record
    stays pending, as for any oracle).
    """
    loaded = load_rows(engine, spec, [row], source, context)
    if loaded.rejects:
        reject = loaded.rejects[0]
        raise ActRefused(f"{reject['field']}: {reject['reason']}", reject["field"])
    source_id = spec.parse(row, context).source_id
    sync_department(w3, engine, spec, config, signer)
    with Session(engine) as session:
        record = session.scalar(select(SourceRecord).where(SourceRecord.department == spec.name,
                                                           SourceRecord.source_id == source_id))
        if record.status == "rejected":
            reject = session.scalar(select(Reject).where(Reject.department == spec.name, Reject.source_id == source_id)
                                    .order_by(Reject.id.desc()))
            raise ActRefused(f"{source_id}: refused by the chain: {reject.reason}")
        session.expunge(record)
    return record
