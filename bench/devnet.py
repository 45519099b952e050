"""A private Anvil for a benchmark module, with the city deployed as the Python tests deploy it
(tests/python/conftest.py's helpers, imported, not copied), stopped and cleaned up afterwards."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from web3 import Web3

from chaincity import devnet as devnets

ROOT = Path(__file__).resolve().parents[1]
# The tests' city helpers (deploy_devnet_city, make_city, onboard, GatewayCity) are the one way
# a private city is set up; the benchmarks reach them as the old tests/bench scripts did.
if str(ROOT / "tests" / "python") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "python"))


@contextlib.contextmanager
def private_anvil(prefix: str, gas_limit: int = devnets.BLOCK_GAS_LIMIT) -> Iterator[tuple[Web3, devnets.Devnet, Path]]:
    """(web3, the devnet, a work folder) of an Anvil of our own on a free port."""
    from conftest import free_port

    work = Path(tempfile.mkdtemp(prefix=f"bench-{prefix}-"))
    net = dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port(), block_gas_limit=gas_limit)
    try:
        devnets.up(net, ROOT, work / "state")
        yield Web3(Web3.HTTPProvider(net.rpc_url, request_kwargs={"timeout": 120})), net, work
    finally:
        devnets.down(net, work / "state")
        shutil.rmtree(work, ignore_errors=True)
