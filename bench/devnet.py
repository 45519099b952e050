"""The one way a benchmark starts a devnet of its own: :func:`private_devnet`, a chain on a free
port (:func:`chaincity.devnet.free_port`) with a work folder, both stopped and removed
afterwards. The city is deployed on it as the Python tests deploy it (tests/python/conftest.py's
helpers, imported, not copied)."""

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

__all__ = ["ROOT", "private_devnet"]


@contextlib.contextmanager
def private_devnet(prefix: str, chain: str = "anvil", profile: str | None = None, *, timeout: float = 120,
                   **overrides) -> Iterator[tuple[Web3, devnets.Devnet, Path]]:
    """(web3, the devnet, a work folder) of a chain of our own on a free port: ``chain``
    (``DEVNETS``: anvil, ganache) or a ``profile`` (``PROFILES``: qbft), with ``overrides`` of
    its :class:`~chaincity.devnet.Devnet` fields (``block_gas_limit``, ``block_time``,
    ``extra_args``...); ``timeout`` is the HTTP provider's, in seconds. The chain keeps its state in
    ``work / "state"``; the devnet is stopped and the work folder removed on leaving, error or not."""
    base = devnets.PROFILES[profile] if profile else devnets.DEVNETS[chain]
    net = dataclasses.replace(base, port=devnets.free_port(), **overrides)
    work = Path(tempfile.mkdtemp(prefix=f"bench-{prefix}-"))
    try:
        if not devnets.up(net, ROOT, work / "state"):  # someone else's chain took the port: never measure on it
            raise devnets.DevnetError(f"a chain already answers on {net.rpc_url}")
        yield Web3(Web3.HTTPProvider(net.rpc_url, request_kwargs={"timeout": timeout})), net, work
    finally:
        devnets.down(net, work / "state")
        shutil.rmtree(work, ignore_errors=True)  # a big chain's state dump alone is GBs
