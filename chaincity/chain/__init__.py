"""Connecting to the city's chain, shared by the CLI, the deployment and the oracles."""

from __future__ import annotations

import os

from eth_account.signers.local import LocalAccount
from web3 import Web3

from chaincity.chain.signer import SignerError, from_keystore
from chaincity.deploy import DEVNET_CHAIN_IDS, DeploymentError


class ChainUnreachable(RuntimeError):
    """No JSON-RPC node answers at the configured URL."""


def connect(rpc_url: str, timeout: float = 10.0) -> Web3:
    """A web3 connection to ``rpc_url``; raises :class:`ChainUnreachable` naming the URL."""
    w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
    if not w3.is_connected():
        raise ChainUnreachable(f"cannot reach the chain at {rpc_url}")
    return w3


def deployer_account(w3: Web3) -> str | LocalAccount:
    """Who signs deployments: a devnet's first unlocked account, else the key in the
    encrypted keystore DEPLOYER_KEYSTORE, unlocked with DEPLOYER_PASSWORD."""
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
        return w3.eth.accounts[0]
    raise DeploymentError(f"chain {w3.eth.chain_id} is not a devnet: set DEPLOYER_KEYSTORE and DEPLOYER_PASSWORD")
