"""Running a department's oracle: every chain mapping of the department, in order."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from web3 import Web3

from chaincity.chain.contracts import load_contracts
from chaincity.chain.errors import ErrorDecoder
from chaincity.chain.sender import TransactionSender
from chaincity.config import OracleConfig
from chaincity.departments import DepartmentSpec
from chaincity.hashing import Hasher
from chaincity.oracle.sync import SyncEngine, SyncSummary


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
                          pipeline=config.pipeline)
        summaries.append(sync.run(progress=progress))
    return summaries
