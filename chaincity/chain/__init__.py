"""Connecting to the city's chain, shared by the CLI, the deployment and the oracles."""

from __future__ import annotations

from web3 import Web3


class ChainUnreachable(RuntimeError):
    """No JSON-RPC node answers at the configured URL."""


def connect(rpc_url: str, timeout: float = 10.0) -> Web3:
    """A web3 connection to ``rpc_url``; raises :class:`ChainUnreachable` naming the URL."""
    w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
    # web3's validation middleware asks the node for its chain id before every eth_call and
    # eth_estimateGas, to check a `chainId` field we never put in them (transactions are signed
    # locally, with the chain id read once): a second round trip for each (measured: a sixth
    # of a market-act import's time).
    w3.middleware_onion.remove("validation")
    if not w3.is_connected():
        raise ChainUnreachable(f"cannot reach the chain at {rpc_url}")
    return w3
