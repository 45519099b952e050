"""The city's contracts, found through the deployment record (deployments/<chain id>.json)."""

from __future__ import annotations

import json
from pathlib import Path

from web3 import Web3
from web3.contract import Contract


class DeploymentNotFound(RuntimeError):
    """No deployment of the city on this chain."""


def load_contracts(w3: Web3, deployments_dir: Path) -> dict[str, Contract]:
    """Every contract of the record, by name, with its exported ABI."""
    path = deployments_dir / f"{w3.eth.chain_id}.json"
    if not path.exists():
        raise DeploymentNotFound(f"no deployment record {path}: run `chaincity deploy` first")
    record = json.loads(path.read_text())
    return {
        name: w3.eth.contract(address=entry["address"], abi=json.loads((deployments_dir / entry["abi"]).read_text()))
        for name, entry in record["contracts"].items()
    }
