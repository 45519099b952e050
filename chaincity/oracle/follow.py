"""Following the chain into a department's read model, as its :class:`Follows` declares.

The events addressed to the department (its id as their second indexed argument) and the
events it follows whoever they name land in `chain_events`; the department's ``on_event``
keeps its own tables from them, and after a reorganisation those tables are emptied and
replayed from the events that remain.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from web3 import Web3

from chaincity.chain.deployment import City
from chaincity.chain.enums import department_id
from chaincity.chain.follower import EventFollower
from chaincity.db import ChainEvent
from chaincity.oracle.spec import DepartmentSpec, Follows


def _replay(follows: Follows, name: str):
    def rebuild(session: Session) -> None:
        for table in follows.tables:
            session.execute(delete(table))
        session.flush()
        for event in session.scalars(select(ChainEvent).where(ChainEvent.follower == name)
                                     .order_by(ChainEvent.block_number, ChainEvent.log_index)):
            follows.on_event(session, event)
            session.flush()
    return rebuild


def follower_for(spec: DepartmentSpec, department_code: str, w3: Web3, engine, city: City, *,
                 confirmations: int) -> EventFollower | None:
    """The department's follower, or None if it follows nothing."""
    follows = spec.follows
    if follows is None:
        return None
    contract = city[follows.contract]
    me = "0x" + department_id(department_code).hex()
    topics = [[[contract.events[event]().topic for event in follows.addressed], None, me]] if follows.addressed else []
    if follows.every:
        topics.append([[contract.events[event]().topic for event in follows.every]])
    name = f"{spec.name}:{department_code}"
    return EventFollower(w3, engine, name, {follows.contract: contract}, start_block=city.block_of(follows.contract),
                         confirmations=confirmations, topics=topics, on_event=follows.on_event,
                         on_rewind=_replay(follows, name) if follows.tables and follows.on_event else None)
