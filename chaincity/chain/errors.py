"""Typed contract errors, decoded to their name and arguments from the contracts' ABIs."""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector
from hexbytes import HexBytes
from web3.exceptions import ContractCustomError, ContractLogicError

from chaincity.chain.calldata import abi_type


@dataclass(frozen=True)
class DecodedError:
    """A revert as a department reads it: `PropertyRegistryUnknownCounty(0x4331…)`."""

    name: str
    args: dict

    def __str__(self) -> str:
        def show(value):
            return "0x" + value.hex() if isinstance(value, bytes) else str(value)

        return f"{self.name}({', '.join(f'{k}={show(v)}' for k, v in self.args.items())})"


class ErrorDecoder:
    """Knows every custom error of the given ABIs by its 4-byte selector."""

    def __init__(self, *abis: list[dict]):
        self._errors: dict[bytes, dict] = {}
        for abi in abis:
            for entry in abi:
                if entry.get("type") == "error":
                    signature = f"{entry['name']}({','.join(abi_type(i) for i in entry['inputs'])})"
                    self._errors[function_signature_to_4byte_selector(signature)] = entry

    def decode_data(self, data: bytes | str | None) -> DecodedError | None:
        """The error in revert ``data``, or None when it is not one of ours."""
        if not data:
            return None
        raw = bytes(HexBytes(data))
        entry = self._errors.get(raw[:4])
        if entry is None:
            return None
        values = decode([abi_type(i) for i in entry["inputs"]], raw[4:])
        return DecodedError(entry["name"], {i["name"]: v for i, v in zip(entry["inputs"], values)})

    def decode(self, exc: Exception) -> DecodedError | None:
        """The typed error carried by a web3 exception, if any."""
        if isinstance(exc, (ContractCustomError, ContractLogicError)):
            data = exc.data
            if isinstance(data, dict):  # Ganache: {"result": "0x<revert data>", "message": "revert", …}
                data = data.get("result") or data.get("data")
            return self.decode_data(data if isinstance(data, (str, bytes)) else None)
        return None
