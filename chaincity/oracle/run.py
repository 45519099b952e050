"""Running a department's oracle: every chain mapping of the department, in order."""

from __future__ import annotations

import logging
import time

from sqlalchemy.engine import Engine
from web3 import Web3

from chaincity.chain.contracts import load_contracts
from chaincity.chain.errors import ErrorDecoder
from chaincity.chain.sender import TransactionSender
from chaincity.config import OracleConfig
from chaincity.departments import DepartmentSpec
from chaincity.hashing import Hasher
from chaincity.deploy import load_record
from chaincity.oracle.follow import follower_for
from chaincity.oracle.sync import SyncEngine, SyncSummary

logger = logging.getLogger(__name__)


def sync_department(w3: Web3, engine: Engine, spec: DepartmentSpec, config: OracleConfig, signer,
                    progress: bool = False) -> list[SyncSummary]:
    """Write every pending record of the department; one summary per kind of record."""
    contracts = load_contracts(w3, config.deployments_dir)
    decoder = ErrorDecoder(*(c.abi for c in contracts.values()))
    sender = TransactionSender(w3, signer, confirmations=config.confirmations)
    hasher = Hasher(config.pepper)
    summaries = []
    for mapping in spec.chains:
        sync = SyncEngine(engine, spec.name, mapping, contracts[mapping.contract], sender, decoder, hasher,
                          department_code=config.department_code, batch_size=config.batch_size,
                          pipeline=config.pipeline, block_gas_share=config.block_share)
        summaries.append(sync.run(progress=progress))
    return summaries


def follow_department(w3: Web3, engine: Engine, spec: DepartmentSpec, config: OracleConfig, signer, *,
                      interval: float = 2.0, rounds: int | None = None, progress: bool = False) -> None:
    """Keep syncing new records and following the chain until stopped (or for ``rounds``)."""
    contracts = load_contracts(w3, config.deployments_dir)
    start = load_record(config.deployments_dir, w3.eth.chain_id)["contracts"]["PropertyRegistry"]["block"]
    follower = follower_for(spec.name, config.department_code, w3, engine, contracts["PropertyRegistry"],
                            start_block=start, confirmations=config.confirmations)
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
