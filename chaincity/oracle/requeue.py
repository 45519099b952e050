"""Putting rejected records back to pending once the cause of their rejection is gone (say, a
transfer refused under a seizure that has since been lifted)."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from chaincity.db import Reject, SourceRecord


def requeue(engine: Engine, department: str, error: str | None = None) -> int:
    """Make the department's records the chain rejected pending again: all of them, or those
    rejected with the typed error ``error`` (e.g. `PropertyRegistryTitleFrozen`). Their chain
    rejects are removed (a new refusal records a new one); returns how many were requeued."""
    rejected = select(Reject.source_id).where(Reject.department == department, Reject.stage == "chain")
    if error is not None:
        rejected = rejected.where(Reject.reason.startswith(f"{error}("))
    with Session(engine) as session:
        count = session.execute(
            update(SourceRecord).where(SourceRecord.department == department, SourceRecord.status == "rejected",
                                       SourceRecord.source_id.in_(rejected.scalar_subquery()))
            .values(status="pending", tx_hash=None)
        ).rowcount
        session.execute(delete(Reject).where(Reject.id.in_(
            rejected.with_only_columns(Reject.id).scalar_subquery())))
        session.commit()
    return count
