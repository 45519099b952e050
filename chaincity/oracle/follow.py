"""What each department follows on chain, and the read model it keeps in its database.

A bank follows its own mortgages (registered, released), the transfer notices addressed to
it (Civil Code Art. 406) and the seizures of titles it holds a mortgage on; a court follows
its own seizures. Both land in `chain_events`; the bank also keeps `held_mortgages`.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from web3 import Web3
from web3.contract import Contract

from chaincity.chain.follower import EventFollower
from chaincity.db import ChainEvent, HeldMortgage
from chaincity.onboard import department_id



def _bank_on_event(session: Session, event: ChainEvent) -> None:
    args = event.args
    if event.event == "MortgageRegistered":
        session.merge(HeldMortgage(unit=args["unit"], proof=args["proof"], amount=str(args["amount"]),
                                   status="registered", registered_block=event.block_number, notices=[]))
    elif event.event == "MortgageReleased":
        held = session.get(HeldMortgage, (args["unit"], args["proof"]))
        if held is not None:
            held.status = "released"
    elif event.event in ("MortgageeNotified", "TitleSeized"):
        notice = {"event": event.event, "block": event.block_number, "tx": event.tx_hash}
        for held in session.scalars(select(HeldMortgage).where(HeldMortgage.unit == args["unit"],
                                                               HeldMortgage.status == "registered")):
            held.notices = [*held.notices, notice]


def _bank_rebuild(name: str):
    def rebuild(session: Session) -> None:
        session.execute(delete(HeldMortgage))
        session.flush()
        for event in session.scalars(select(ChainEvent).where(ChainEvent.follower == name)
                                     .order_by(ChainEvent.block_number, ChainEvent.log_index)):
            _bank_on_event(session, event)
            session.flush()
    return rebuild


def follower_for(department: str, department_code: str, w3: Web3, engine, registry: Contract, *,
                 start_block: int, confirmations: int) -> EventFollower | None:
    """The department's follower of the property registry, or None if it follows nothing."""
    me = "0x" + department_id(department_code).hex()
    if department == "bank":
        own = [registry.events[name]().topic for name in ("MortgageRegistered", "MortgageReleased", "MortgageeNotified")]
        topics = [[own, None, me], [registry.events.TitleSeized().topic]]
        on_event, on_rewind = _bank_on_event, _bank_rebuild(f"{department}:{department_code}")
    elif department == "court":
        own = [registry.events[name]().topic for name in ("TitleSeized", "SeizureRenewed", "SeizureLifted", "SeizureLapsed")]
        topics, on_event, on_rewind = [[own, None, me]], None, None
    else:
        return None
    return EventFollower(w3, engine, f"{department}:{department_code}", {"PropertyRegistry": registry},
                         start_block=start_block, confirmations=confirmations, topics=topics, on_event=on_event,
                         on_rewind=on_rewind)
