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


def jsonable(value):
    """A decoded ABI value as JSON can carry it: bytes as 0x-hex, sequences as lists, integers
    past 2^53 as strings (JSON readers lose precision above that)."""
    if isinstance(value, bytes):  # HexBytes included
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


def named(outputs: list[dict], values) -> dict | list:
    """A call's result with the ABI's names: structs become dicts, bytes become hex."""

    def convert(entry: dict, value):
        if entry["type"].startswith("tuple"):
            if entry["type"].endswith("[]"):
                item = {**entry, "type": entry["type"][:-2]}
                return [convert(item, v) for v in value]
            return {c["name"]: convert(c, v) for c, v in zip(entry["components"], value)}
        if entry["type"].endswith("[]"):
            item = {**entry, "type": entry["type"][:-2]}
            return [convert(item, v) for v in value]
        return jsonable(value)

    if len(outputs) == 1:
        return convert(outputs[0], values)
    return {o["name"] or str(i): convert(o, v) for i, (o, v) in enumerate(zip(outputs, values))}


def call_named(contract: Contract, function: str, *args) -> dict | list:
    """Call a view function and name its result."""
    (entry,) = [e for e in contract.abi if e.get("type") == "function" and e["name"] == function]
    return named(entry["outputs"], getattr(contract.functions, function)(*args).call())
