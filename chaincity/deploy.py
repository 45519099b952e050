"""Deploy the city's contracts once per chain and record where they are.

The deployment record ``deployments/<chain id>.json`` is what every department oracle reads
to find the contracts: address, block, transaction and the exported ABI of each. Deploying is
idempotent: a contract already in the record is not deployed again, its code on chain is
checked against the build instead, so a second run changes nothing and a stale record (a
reset devnet, a changed build) is caught rather than silently used. The record is saved after
every contract, so a deployment cut off half-way resumes where it stopped.

Runs on web3.py alone, from Brownie's build artifacts (``brownie compile``): departments and
the ``chaincity`` CLI need no Brownie; ``scripts/deploy.py`` calls the same code under Brownie.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3 import Web3

from chaincity.formats import LOUDI_COUNTIES

logger = logging.getLogger(__name__)

# Chain ids of the local devnets (chaincity.devnet): their unlocked test accounts may deploy
# and administer; any other chain needs explicit administrators and a deployer key.
DEVNET_CHAIN_IDS = frozenset({1337, 31337})
DEVNET_ADMIN_THRESHOLD = 2
DEVNET_ADMIN_COUNT = 3


class DeploymentError(RuntimeError):
    """The deployment cannot go on; the message says which contract and why."""


@dataclass(frozen=True)
class DeployConfig:
    """Who administers the city, and where the build and the deployment record live."""

    admins: tuple[str, ...]
    threshold: int
    build_dir: Path = Path("build")
    deployments_dir: Path = Path("deployments")
    # County-level divisions (GB/T 2260) whose real estate the city registers.
    counties: tuple[str, ...] = tuple(LOUDI_COUNTIES)


@dataclass(frozen=True)
class ContractSpec:
    """One contract of the city and its constructor arguments, given the ones deployed before."""

    name: str
    constructor_args: Callable[[dict[str, str], DeployConfig], list]


# Deployment order: each registry asks the directory who may write, so the directory comes first.
def _on_directory(deployed: dict[str, str], config: DeployConfig) -> list:
    return [deployed["CityDirectory"]]


CITY_CONTRACTS: tuple[ContractSpec, ...] = (
    ContractSpec("CityDirectory", lambda deployed, config: [list(config.admins), config.threshold]),
    ContractSpec("PropertyRegistry", _on_directory),
    ContractSpec("CreditLists", _on_directory),
    ContractSpec("CompanyRegistry", lambda deployed, config: [deployed["CityDirectory"], deployed["CreditLists"]]),
    ContractSpec("BiddingEligibility", lambda deployed, config: [deployed["CompanyRegistry"]]),
    ContractSpec("VoucherRegistry", _on_directory),
    ContractSpec("DataAccessGrants", _on_directory),
)


@dataclass(frozen=True)
class DeployedContract:
    name: str
    address: str
    block: int
    transaction: str
    newly_deployed: bool


def config_from_env(w3: Web3, build_dir: Path = Path("build"), deployments_dir: Path | None = None) -> DeployConfig:
    """Administrators from CITY_ADMINS / CITY_ADMIN_THRESHOLD; on a devnet the first three
    test accounts, 2 of 3, when those are unset."""
    raw_admins = os.environ.get("CITY_ADMINS", "").strip()
    raw_threshold = os.environ.get("CITY_ADMIN_THRESHOLD", "").strip()
    if deployments_dir is None:
        deployments_dir = Path(os.environ.get("CHAINCITY_DEPLOYMENTS_DIR") or "deployments")
    if raw_admins:
        admins = tuple(Web3.to_checksum_address(a.strip()) for a in raw_admins.split(",") if a.strip())
    elif w3.eth.chain_id in DEVNET_CHAIN_IDS:
        admins = tuple(w3.eth.accounts[:DEVNET_ADMIN_COUNT])
    else:
        raise DeploymentError(f"CITY_ADMINS is not set, and chain {w3.eth.chain_id} is not a devnet")
    if raw_threshold:
        try:
            threshold = int(raw_threshold)
        except ValueError:
            raise DeploymentError(f"CITY_ADMIN_THRESHOLD must be a whole number, not {raw_threshold!r}") from None
    elif raw_admins:
        raise DeploymentError("CITY_ADMIN_THRESHOLD must be set when CITY_ADMINS is")
    else:
        threshold = DEVNET_ADMIN_THRESHOLD
    if not 1 <= threshold <= len(admins):
        raise DeploymentError(f"CITY_ADMIN_THRESHOLD {threshold} must be between 1 and the {len(admins)} admins")
    raw_counties = os.environ.get("CITY_COUNTIES", "").strip()
    counties = tuple(c.strip() for c in raw_counties.split(",") if c.strip()) if raw_counties else tuple(LOUDI_COUNTIES)
    for county in counties:
        if len(county) != 6 or not county.isdigit():
            raise DeploymentError(f"CITY_COUNTIES: {county!r} is not a six-digit division code")
    return DeployConfig(admins, threshold, build_dir, deployments_dir, counties)


def load_artifact(build_dir: Path, name: str) -> dict:
    path = build_dir / "contracts" / f"{name}.json"
    if not path.exists():
        raise DeploymentError(f"{name}: no build artifact at {path}; run `brownie compile` first")
    return json.loads(path.read_text())


def code_matches(artifact_code: str | bytes, chain_code: bytes) -> bool:
    """Whether the runtime code on chain is the artifact's.

    Brownie's artifacts do not list where a contract's immutables sit; solc leaves them as
    32-byte runs of zeros in the runtime code, filled in at deployment. So the two codes must
    have the same length and may differ only inside 32-byte zero runs of the artifact.
    """
    expected = bytes(HexBytes(artifact_code))
    actual = bytes(chain_code)
    if len(expected) != len(actual):
        return False
    run = 0
    fillable = bytearray(len(expected))
    for index, byte in enumerate(expected):
        run = run + 1 if byte == 0 else 0
        if run >= 32:
            fillable[index - 31 : index + 1] = b"\x01" * 32
    return all(e == a or fillable[i] for i, (e, a) in enumerate(zip(expected, actual)))


class Deployer:
    """Sends the deployment transactions: with an unlocked node account (devnet) or a local
    eth-account key (any other chain)."""

    def __init__(self, w3: Web3, account: str | LocalAccount):
        self.w3 = w3
        self.account = account
        self.address = account if isinstance(account, str) else account.address

    def transact(self, call) -> dict:
        """Send a contract call or constructor and wait for it; raises if it reverts."""
        if isinstance(self.account, str):
            tx_hash = call.transact({"from": self.address})
        else:
            tx = call.build_transaction(
                {"from": self.address, "nonce": self.w3.eth.get_transaction_count(self.address, "pending")}
            )
            tx_hash = self.w3.eth.send_raw_transaction(self.account.sign_transaction(tx).raw_transaction)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=180)
        if receipt["status"] != 1:
            raise DeploymentError(f"transaction 0x{bytes(tx_hash).hex()} reverted")
        return receipt

    def deploy(self, artifact: dict, args: list) -> tuple[str, int, str]:
        factory = self.w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
        try:
            receipt = self.transact(factory.constructor(*args))
        except DeploymentError as exc:
            raise DeploymentError(f"{artifact['contractName']}: deployment {exc}") from None
        return receipt["contractAddress"], receipt["blockNumber"], "0x" + bytes(receipt["transactionHash"]).hex()


def record_path(deployments_dir: Path, chain_id: int) -> Path:
    return deployments_dir / f"{chain_id}.json"


def load_record(deployments_dir: Path, chain_id: int) -> dict:
    """The deployment record of a chain (the oracles read this), or an empty one."""
    path = record_path(deployments_dir, chain_id)
    if path.exists():
        return json.loads(path.read_text())
    return {"chainId": chain_id, "contracts": {}}


def _save_record(deployments_dir: Path, record: dict) -> None:
    path = record_path(deployments_dir, record["chainId"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    tmp.replace(path)  # atomic: a crash never leaves half a record


def _export_abi(deployments_dir: Path, name: str, abi: list) -> str:
    relative = f"abi/{name}.json"
    path = deployments_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(abi, indent=2) + "\n")
    return relative


def deploy_city(
    w3: Web3,
    deployer: str | LocalAccount,
    config: DeployConfig,
    contracts: tuple[ContractSpec, ...] = CITY_CONTRACTS,
) -> list[DeployedContract]:
    """Deploy every contract of ``contracts`` not yet in the chain's record; verify the rest.

    Raises :class:`DeploymentError` when a recorded contract's code on chain is missing or
    differs from the build: the record then belongs to another chain state or another build,
    and deploying over it silently would leave oracles pointing at two different cities.
    """
    chain_id = w3.eth.chain_id
    record = load_record(config.deployments_dir, chain_id)
    sender = Deployer(w3, deployer)
    deployed: dict[str, str] = {}
    results = []
    for spec in contracts:
        artifact = load_artifact(config.build_dir, spec.name)
        entry = record["contracts"].get(spec.name)
        if entry is not None:
            code = w3.eth.get_code(Web3.to_checksum_address(entry["address"]))
            if not code_matches(artifact["deployedBytecode"], code):
                problem = "no code" if len(code) == 0 else "code that differs from build/"
                raise DeploymentError(
                    f"{spec.name}: the record {record_path(config.deployments_dir, chain_id)} points at "
                    f"{entry['address']}, which holds {problem}; move the record aside to deploy afresh"
                )
            newly = False
            address, block, transaction = entry["address"], entry["block"], entry["transaction"]
        else:
            args = spec.constructor_args(deployed, config)
            address, block, transaction = sender.deploy(artifact, args)
            newly = True
            logger.info("deployed %s at %s in block %s", spec.name, address, block)
        record["contracts"][spec.name] = {
            "address": address,
            "block": block,
            "transaction": transaction,
            "abi": _export_abi(config.deployments_dir, spec.name, artifact["abi"]),
        }
        if newly:
            record["updatedAt"] = datetime.now(UTC).isoformat(timespec="seconds")
        _save_record(config.deployments_dir, record)
        deployed[spec.name] = address
        results.append(DeployedContract(spec.name, address, block, transaction, newly))
    _declare_counties(w3, sender, config, deployed)
    return results


def _declare_counties(w3: Web3, sender: Deployer, config: DeployConfig, deployed: dict[str, str]) -> None:
    """Declare the city's counties in the property registry (a city administrator's call).

    Idempotent like every write: a declared county is skipped. Outside a devnet the deployer
    is usually not an administrator; the administrators then declare them themselves.
    """
    if "PropertyRegistry" not in deployed:
        return
    registry = w3.eth.contract(address=deployed["PropertyRegistry"],
                               abi=load_artifact(config.build_dir, "PropertyRegistry")["abi"])
    if sender.address not in config.admins:
        missing = [c for c in config.counties if not registry.functions.isCounty(c.encode()).call()]
        if missing:
            logger.warning("counties %s not declared: the deployer is not a city administrator", ", ".join(missing))
        return
    for county in config.counties:
        if not registry.functions.isCounty(county.encode()).call():
            sender.transact(registry.functions.addCounty(county.encode()))
            logger.info("declared county %s", county)
