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

from chaincity.chain.deployment import City, export_abi, load_record, record_path, save_record
from chaincity.chain.sender import TransactionReverted, TransactionSender
from chaincity.chain.signer import SignerError, devnet_account, from_keystore
from chaincity.config import ConfigError, city_counties
from chaincity.devnet import DEVNET_CHAIN_IDS
from chaincity.directory import Directory, run_proposal

logger = logging.getLogger(__name__)

# On a devnet the test accounts 0, 1, 2 administer the city, 2 of 3; account 0 deploys.
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
    # County-level divisions (GB/T 2260) whose real estate the city registers (CITY_COUNTIES).
    counties: tuple[str, ...] = ()


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
        admins = tuple(devnet_account(i).address for i in range(DEVNET_ADMIN_COUNT))
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
    try:
        counties = city_counties()
    except ConfigError as exc:
        raise DeploymentError(str(exc)) from None
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


def deployer_account(w3: Web3) -> LocalAccount:
    """Who signs deployments: the key in the encrypted keystore DEPLOYER_KEYSTORE, unlocked with
    DEPLOYER_PASSWORD; on a devnet without one, its first test account."""
    keystore = os.environ.get("DEPLOYER_KEYSTORE", "").strip()
    if keystore:
        password = os.environ.get("DEPLOYER_PASSWORD")
        if password is None:
            raise DeploymentError("DEPLOYER_PASSWORD must be set to unlock DEPLOYER_KEYSTORE")
        try:
            return from_keystore(keystore, password)
        except SignerError as exc:
            raise DeploymentError(f"DEPLOYER_KEYSTORE: {exc}") from None
    if w3.eth.chain_id in DEVNET_CHAIN_IDS:
        return devnet_account(0)
    raise DeploymentError(f"chain {w3.eth.chain_id} is not a devnet: set DEPLOYER_KEYSTORE and DEPLOYER_PASSWORD")


def devnet_admin_keys(w3: Web3, config: DeployConfig) -> list[LocalAccount]:
    """The administrators' keys when they are the devnet's test accounts (else none)."""
    if w3.eth.chain_id not in DEVNET_CHAIN_IDS:
        return []
    keys = {account.address: account for account in map(devnet_account, range(20))}
    return [keys[a] for a in config.admins] if all(a in keys for a in config.admins) else []


def _deploy(sender: TransactionSender, artifact: dict, args: list) -> tuple[str, int, str]:
    factory = sender.w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    data = bytes(HexBytes(factory.constructor(*args).data_in_transaction))
    try:
        receipt = sender.transact(None, data)
    except TransactionReverted as exc:
        raise DeploymentError(f"{artifact['contractName']}: deployment {exc}") from None
    return receipt["contractAddress"], receipt["blockNumber"], "0x" + bytes(receipt["transactionHash"]).hex()


def deploy_city(
    w3: Web3,
    deployer: LocalAccount,
    config: DeployConfig,
    contracts: tuple[ContractSpec, ...] = CITY_CONTRACTS,
    admin_keys: list[LocalAccount] = (),
) -> list[DeployedContract]:
    """Deploy every contract of ``contracts`` not yet in the chain's record; verify the rest;
    with the administrators' keys at hand (a devnet), set up the city's governance too.

    Raises :class:`DeploymentError` when a recorded contract's code on chain is missing or
    differs from the build: the record then belongs to another chain state or another build,
    and deploying over it silently would leave oracles pointing at two different cities.
    """
    chain_id = w3.eth.chain_id
    record = load_record(config.deployments_dir, chain_id)
    sender = TransactionSender(w3, deployer)
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
            address, block, transaction = _deploy(sender, artifact, args)
            newly = True
            logger.info("deployed %s at %s in block %s", spec.name, address, block)
        record["contracts"][spec.name] = {
            "address": address,
            "block": block,
            "transaction": transaction,
            "abi": export_abi(config.deployments_dir, spec.name, artifact["abi"]),
        }
        if newly:
            record["updatedAt"] = datetime.now(UTC).isoformat(timespec="seconds")
        save_record(config.deployments_dir, record)
        deployed[spec.name] = address
        results.append(DeployedContract(spec.name, address, block, transaction, newly))
    if len(deployed) == len(CITY_CONTRACTS):
        missing = governance_missing(City(w3, config.deployments_dir), config.counties)
        if missing and admin_keys:
            admins = [Directory(City(w3, config.deployments_dir), TransactionSender(w3, key)) for key in admin_keys]
            for target, data in missing:
                run_proposal(admins, target, data)
                logger.info("executed %s", admins[0].describe(target, data))
        elif missing:
            logger.warning("the administrators still have to propose: %s",
                           "; ".join(Directory(City(w3, config.deployments_dir)).describe(*m) for m in missing))
    return results


def governance_missing(city: City, counties: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """The proposals a new city still needs (as (target, calldata)): the registries allowed as
    proposal targets, then each county the property registry must know."""
    directory, registry = Directory(city), city["PropertyRegistry"]
    missing = []
    if not all(directory.contract.functions.isCityContract(c.address).call()
               for name, c in city.contracts.items() if name != "CityDirectory"):
        missing.append(directory.allow_city_contracts_call())
    missing += [directory.call("PropertyRegistry", "addCounty", county.encode())
                for county in counties if not registry.functions.isCounty(county.encode()).call()]
    return missing
