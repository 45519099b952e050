"""Connecting to the city's chain, shared by the CLI, the deployment and the oracles."""

from __future__ import annotations

import logging
import threading
import time

import requests
from web3 import Web3
from web3.exceptions import Web3RPCError
from web3.providers.rpc.utils import check_if_retry_on_failure

logger = logging.getLogger(__name__)

# What a node (or the proxy or load balancer in front of it) answers when it is busy, restarting
# or gone for a moment: worth asking again. A refusal of the call itself (a revert, a nonce
# too low) is never among them.
TRANSPORT_FAILURES = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                      ConnectionError, TimeoutError)
RETRIED_HTTP_STATUSES = frozenset({429, 500, 502, 503, 504})
# JSON-RPC 2.0's "Internal error", and the "limit exceeded" of EIP-1474 (rate limits).
RETRIED_RPC_CODES = frozenset({-32603, -32005})
# Ganache stopping (its state being saved) answers every call with one of the first two (as a
# -32700 "parse error": "Database is not open" once its database has closed); a node that keeps
# no past states (Anvil with --prune-history) answers a call on "latest" that a new block
# overtook with BlockOutOfRangeError (-32602, seen at Loudi's scale): asked again, it reads the
# new latest.
AWAY_RPC_MESSAGES = ("ganache is disconnected", "database is not open")
RETRIED_RPC_MESSAGES = (*AWAY_RPC_MESSAGES, "blockoutofrangeerror")


class ChainUnreachable(RuntimeError):
    """No JSON-RPC node answers at the configured URL."""


def node_away(exc: BaseException) -> bool:
    """Whether a node failure means the node (or the way to it) was down or restarting, not just
    slow or busy: no connection or a cut one, a gateway's 502/503/504, Ganache's answers on its
    way out. A node back from such a failure may have lost what it had taken."""
    if isinstance(exc, TRANSPORT_FAILURES) and not isinstance(exc, (requests.Timeout, TimeoutError)):
        return True
    if isinstance(exc, requests.HTTPError):
        return exc.response is not None and exc.response.status_code in (502, 503, 504)
    if isinstance(exc, Web3RPCError):
        message = str(((exc.rpc_response or {}).get("error") or {}).get("message", "")).lower()
        return any(words in message for words in AWAY_RPC_MESSAGES)
    return False


def node_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the node failing to answer (not the node refusing a call)."""
    if isinstance(exc, TRANSPORT_FAILURES):
        return True
    if isinstance(exc, requests.HTTPError):
        return exc.response is not None and exc.response.status_code in RETRIED_HTTP_STATUSES
    if isinstance(exc, Web3RPCError):
        error = (exc.rpc_response or {}).get("error")
        return isinstance(error, dict) and (error.get("code") in RETRIED_RPC_CODES or any(
            words in str(error.get("message", "")).lower() for words in RETRIED_RPC_MESSAGES))
    return False


class PatientHTTPProvider(Web3.HTTPProvider):
    """web3's HTTP provider, asking again, with a growing pause, when the node fails to answer:
    dropped connections, timeouts, HTTP 429/5xx and JSON-RPC internal errors. Only calls that
    are safe to repeat are asked again (web3's allow-list: reads, estimates, and sending a
    signed transaction, which the node takes once whatever the number of times it is sent).
    About ``patience`` seconds of trying before the failure is raised.

    It counts the failures that mean the node was away (:attr:`failures`, see :func:`node_away`):
    a node away since a transaction was sent may have come back without it, and the sender reads
    the node's answers accordingly."""

    def __init__(self, rpc_url: str, timeout: float = 10.0, patience: float = 12.0, first_pause: float = 0.1):
        super().__init__(rpc_url, request_kwargs={"timeout": timeout}, exception_retry_configuration=None)
        self.patience, self.first_pause = patience, first_pause
        self.failures = 0  # the node's failures that mean it was away, asked again or raised
        self._counting = threading.Lock()  # the sends' thread and the engine's both count

    def make_request(self, method, params):
        if not check_if_retry_on_failure(method):
            return super().make_request(method, params)
        deadline = time.monotonic() + self.patience
        pause = self.first_pause
        while True:
            try:
                response = super().make_request(method, params)
                if "error" not in response:
                    return response
                failure: Exception = Web3RPCError(str(response["error"]), rpc_response=response)
                if not node_failure(failure):
                    return response  # the node refuses the call itself: web3 raises it as ever
            except (requests.RequestException, ConnectionError, TimeoutError) as exc:
                if not node_failure(exc):
                    raise
                failure = exc
            if node_away(failure):
                with self._counting:
                    self.failures += 1
            if time.monotonic() + pause > deadline:
                if isinstance(failure, Web3RPCError):
                    return response  # web3 raises it as it would have
                raise failure
            logger.warning("%s: the node failed (%s), asking again in %.2f s", method, failure, pause)
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def connect(rpc_url: str, timeout: float = 10.0) -> Web3:
    """A web3 connection to ``rpc_url``; raises :class:`ChainUnreachable` naming the URL."""
    w3 = Web3(PatientHTTPProvider(rpc_url, timeout=timeout))
    # web3's validation middleware asks the node for its chain id before every eth_call and
    # eth_estimateGas, to check a `chainId` field we never put in them (transactions are signed
    # locally, with the chain id read once): a second round trip for each (measured: a sixth
    # of a market-act import's time).
    w3.middleware_onion.remove("validation")
    if not w3.is_connected():
        raise ChainUnreachable(f"cannot reach the chain at {rpc_url}")
    return w3
