"""Fixtures for the plain-Python tests: a private devnet on a free port, so these tests never
touch a chain the user (or the contract tests) started."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import pytest
from web3 import Web3

from chaincity import devnet as devnets

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def anvil_net():
    """A private Anvil (same flags as the project's) for the session; its definition."""
    return dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port())


@pytest.fixture(scope="session")
def anvil(anvil_net, tmp_path_factory):
    """A running private Anvil; yields a web3 connection to it and stops it afterwards."""
    state_dir = tmp_path_factory.mktemp("anvil")
    devnets.up(anvil_net, ROOT, state_dir)
    yield Web3(Web3.HTTPProvider(anvil_net.rpc_url))
    devnets.down(anvil_net, state_dir)
