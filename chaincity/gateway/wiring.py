"""A department's gateway wired as `chaincity gateway serve` runs it: the department's database,
its key (for the read receipts, through the oracle engine), and the city's contracts."""

from __future__ import annotations

import os

from eth_account.signers.local import LocalAccount
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateIndex
from web3 import Web3

from chaincity.chain.deployment import City
from chaincity.chain.errors import ErrorDecoder
from chaincity.chain.sender import TransactionSender
from chaincity.config import ConfigError, OracleConfig
from chaincity.gateway.receipts import RECEIPTS, ReceiptDesk
from chaincity.gateway.request import NonceBook
from chaincity.gateway.service import Gateway
from chaincity.hashing import Hasher
from chaincity.oracle.history import ChainReader
from chaincity.oracle.spec import DepartmentSpec
from chaincity.oracle.stops import Authority
from chaincity.oracle.sync import SyncEngine


def _number(key: str, default: float) -> float:
    raw = os.environ.get(key, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = -1
    if value <= 0:
        raise ConfigError(f"{key} must be a positive number, not {raw!r}")
    return value


def gateway_for(w3: Web3, database: Engine, spec: DepartmentSpec, config: OracleConfig,
                signer: LocalAccount | None) -> Gateway:
    """The gateway of ``spec``'s department ``config.department_code``; with no ``signer``, a
    worker of several (`serve --workers`), which commits receipts and leaves them to the process
    that started it to write.

    CHAINCITY_GATEWAY_WINDOW: seconds a request's timestamp may differ from the gateway's clock
    (default 60; nonces are remembered that long); CHAINCITY_GATEWAY_FLUSH_MS: how often waiting
    receipts are written (default 200 ms; sooner when CHAINCITY_BATCH_SIZE of them wait).
    """
    if not spec.serves:
        raise ConfigError(f"the {spec.name} department declares nothing to serve through the gateway")
    if database.dialect.name == "sqlite":  # answers read while receipts commit: WAL lets them (one fsync a commit, too)
        with database.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    with database.begin() as connection:  # a database made before the index was declared lacks it
        for index in (index for serves in spec.serves for index in serves.indexes):
            connection.execute(CreateIndex(index, if_not_exists=True))
    city = City(w3, config.deployments_dir)
    sync = None
    if signer is not None:
        authority = Authority(city["CityDirectory"], signer.address, config.department_code, spec.kinds)
        authority.check()  # the key must write receipts for the department: stop now, not at the first flush
        sync = SyncEngine(database, spec.name, RECEIPTS, ChainReader(city[RECEIPTS.contract]),
                          TransactionSender(w3, signer, confirmations=config.confirmations),
                          ErrorDecoder(*(c.abi for c in city.contracts.values())), Hasher(config.pepper), authority,
                          batch_size=config.batch_size, pipeline=config.pipeline, block_gas_share=config.block_share)
    desk = ReceiptDesk(database, spec.name, sync, interval=_number("CHAINCITY_GATEWAY_FLUSH_MS", 200) / 1000,
                       batch=config.batch_size)
    return Gateway(spec, config.department_code, w3.eth.chain_id, city["CityDirectory"], city[RECEIPTS.contract],
                   database, NonceBook(int(_number("CHAINCITY_GATEWAY_WINDOW", 60))), desk)

