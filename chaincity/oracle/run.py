"""Running a department's oracle: every chain mapping of the department, in order, then (with
--follow) the chain into its read model, round after round."""

from __future__ import annotations

import logging
import time

from eth_account.signers.local import LocalAccount
from sqlalchemy.engine import Engine
from web3 import Web3

from chaincity.chain.deployment import City
from chaincity.chain.errors import ErrorDecoder
from chaincity.chain.sender import TransactionSender
from chaincity.config import OracleConfig
from chaincity.hashing import Hasher
from chaincity.oracle.follow import follower_for
from chaincity.oracle.spec import DepartmentSpec
from chaincity.oracle.stops import Authority
from chaincity.oracle.history import ChainReader
from chaincity.oracle.sync import SyncEngine, SyncSummary

logger = logging.getLogger(__name__)


def sync_department(w3: Web3, engine: Engine, spec: DepartmentSpec, config: OracleConfig, signer: LocalAccount,
                    progress: bool = False) -> list[SyncSummary]:
    """Write every pending record of the department; one summary per kind of record.

    Raises :class:`chaincity.oracle.stops.OracleStopped` before sending anything when the key
    may not write for the department, and mid-way when that changes (records stay pending).
    """
    city = City(w3, config.deployments_dir)
    authority = Authority(city["CityDirectory"], signer.address, config.department_code, spec.kinds)
    authority.check()
    decoder = ErrorDecoder(*(c.abi for c in city.contracts.values()))
    sender = TransactionSender(w3, signer, confirmations=config.confirmations)
    hasher = Hasher(config.pepper)
    summaries = []
    for mapping in spec.chains:
        chain = ChainReader(city[mapping.contract])
        sync = SyncEngine(engine, spec.name, mapping, chain, sender, decoder, hasher, authority,
                          batch_size=config.batch_size, pipeline=config.pipeline, block_gas_share=config.block_share)
        summaries.append(sync.run(progress=progress))
    return summaries


def follow_department(w3: Web3, engine: Engine, spec: DepartmentSpec, config: OracleConfig, signer: LocalAccount, *,
                      interval: float = 2.0, rounds: int | None = None, progress: bool = False) -> None:
    """Keep syncing new records and following the chain until stopped (or for ``rounds``)."""
    follower = follower_for(spec, config.department_code, w3, engine, City(w3, config.deployments_dir),
                            confirmations=config.confirmations)
    done = 0
    while rounds is None or done < rounds:
        for summary in sync_department(w3, engine, spec, config, signer, progress=progress):
            if summary.written_now or summary.rejects:
                logger.info("%s: %s", spec.name, summary.as_dict())
        if follower is not None:
            result = follower.poll()
            if result.events:
                logger.info("%s: followed %s events up to block %s", spec.name, result.events, result.to_block)
        done += 1
        if rounds is None or done < rounds:
            time.sleep(interval)
