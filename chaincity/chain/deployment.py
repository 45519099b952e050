"""The deployment record, `deployments/<chain id>.json`: where the city's contracts are.

Written by the deployment, read by every department oracle and command. One record per chain:
each contract's address, block, transaction and exported ABI, and the counties the city
declared.
"""

from __future__ import annotations

import json
from pathlib import Path

from web3 import Web3
from web3.contract import Contract


class DeploymentNotFound(RuntimeError):
    """No deployment of the city on this chain."""


def record_path(deployments_dir: Path, chain_id: int) -> Path:
    return deployments_dir / f"{chain_id}.json"


def load_record(deployments_dir: Path, chain_id: int) -> dict:
    """The deployment record of a chain, or an empty one."""
    path = record_path(deployments_dir, chain_id)
    if path.exists():
        return json.loads(path.read_text())
    return {"chainId": chain_id, "contracts": {}}


def save_record(deployments_dir: Path, record: dict) -> None:
    path = record_path(deployments_dir, record["chainId"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    tmp.replace(path)  # atomic: a crash never leaves half a record


def export_abi(deployments_dir: Path, name: str, abi: list) -> str:
    """Write a contract's ABI next to the record; returns its path relative to the record."""
    relative = f"abi/{name}.json"
    path = deployments_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(abi, indent=2) + "\n")
    return relative


class City:
    """The city's contracts on one chain, as the deployment record has them."""

    def __init__(self, w3: Web3, deployments_dir: Path):
        self.w3 = w3
        self.path = record_path(deployments_dir, w3.eth.chain_id)
        if not self.path.exists():
            raise DeploymentNotFound(f"no deployment record {self.path}: run `chaincity deploy` first")
        self.record = json.loads(self.path.read_text())
        self.contracts: dict[str, Contract] = {
            name: w3.eth.contract(address=entry["address"],
                                  abi=json.loads((deployments_dir / entry["abi"]).read_text()))
            for name, entry in self.record["contracts"].items()
        }

    def __getitem__(self, name: str) -> Contract:
        return self.contracts[name]

    def block_of(self, name: str) -> int:
        """The block the contract was deployed in: nothing of it lies before."""
        return self.record["contracts"][name]["block"]

    def name_of(self, address: str) -> str | None:
        return next((n for n, c in self.contracts.items() if c.address.lower() == address.lower()), None)


def load_contracts(w3: Web3, deployments_dir: Path) -> dict[str, Contract]:
    """Every contract of the record, by name, with its exported ABI."""
    return City(w3, deployments_dir).contracts
