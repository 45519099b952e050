"""Reading contracts: decoded ABI values as JSON and view calls with named results."""

from __future__ import annotations

from collections.abc import Mapping

from web3.contract import Contract

from chaincity.chain.calldata import function_abi


def jsonable(value):
    """A decoded ABI value as JSON can carry it: bytes as 0x-hex, sequences as lists, integers
    past 2^53 as strings (JSON readers lose precision above that)."""
    if isinstance(value, bytes):  # HexBytes included
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):  # web3's AttributeDict too (a decoded event's struct argument)
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
    return named(function_abi(contract, function)["outputs"], getattr(contract.functions, function)(*args).call())
