"""The one way a transaction leaves, for the deployment, the administrators' commands and
every oracle: signed locally, many in flight without waiting for each, or one at a time.

The nonce is kept here and re-read from the node after any failure; fees follow EIP-1559
when the chain has a base fee (a legacy gas price otherwise; on a chain whose base fee is
zero, the node's suggested price, so a free-gas consortium chain costs nothing); RPC errors
and timeouts are retried with exponential backoff. The hash of a signed transaction is known
before it is sent, so a caller can record it first and, after a crash, tell a transaction
that reached the chain from one that never left.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import requests
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import TimeExhausted, Web3RPCError

logger = logging.getLogger(__name__)
T = TypeVar("T")
TRANSIENT = (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)
# How nodes word a sender without the money for gas, and a nonce used already (Anvil and geth,
# Ganache, Besu): errors of the sender, not of what it sends.
NO_GAS_MONEY = ("insufficient funds", "enough funds", "upfront cost exceeds")
NONCE_USED = ("nonce too low", "correct nonce", "replacement transaction underpriced", "already been used",
              "known transaction with same nonce")
# How a node refuses, before mining it, a transaction given less gas than its calldata alone
# costs (geth, Anvil, Ganache, Besu): the caller priced it short; nothing was spent.
GAS_TOO_LOW = ("intrinsic gas too low", "gas too low", "intrinsic gas exceeds gas limit")
# Ganache (--chain.vmErrorsOnRPCResponse) mines a transaction as it arrives and, when it
# reverts or runs out of gas, answers the send with the error: mined, and its receipt says so.
MINED_AND_FAILED = ("vm exception",)


NONCE_RETRIES = 5  # a single transaction signed again when another process took its nonce


class SenderError(RuntimeError):
    """The node refused a transaction for a reason that belongs to the sender."""


class OutOfGasMoney(SenderError):
    """The signing account cannot pay for gas."""

    def __init__(self, address: str):
        super().__init__(f"the signing account {address} has not enough money for gas: fund it and run again")


class NonceTaken(SenderError):
    """Another process sent a transaction with this key and took the nonce."""

    def __init__(self, address: str):
        super().__init__(f"another process is sending with the key {address} (its nonce was taken): "
                         "run one process per key")


class SendLost(RuntimeError):
    """A transaction's nonce is used by a transaction the node does not know, and the node failed
    to answer since it was sent: the node took this one and lost it (a devnet restarted from a
    state saved without its transactions, seen in CI: their effects and nonces kept), or another
    process took the nonce meanwhile. Its calls may or may not be on chain: the caller reads them
    against the chain again, never simply sends them again."""

    def __init__(self, tx_hash: str):
        super().__init__(f"transaction {tx_hash}: the node failed to answer since it was sent, and now holds its "
                         "nonce but not the transaction")
        self.tx_hash = tx_hash


class TransactionReverted(RuntimeError):
    """A transaction sent on its own was mined and reverted."""


class GasTooLow(RuntimeError):
    """The node refused a transaction for too little gas before mining it: not the sender's
    fault but its pricer's, so a caller treats it as an out-of-gas receipt (price again)."""

    def __init__(self, tx_hash: str, gas: int):
        super().__init__(f"transaction {tx_hash} refused: {gas} gas is less than its calldata costs")
        self.gas = gas


def send_outcome(exc: Exception) -> str | None:
    """What a node's refusal of a send means for the transaction: ``"sent"`` (the node has it
    already: a resend after a timeout), ``"mined"`` (Ganache mined it and it failed: its
    receipt tells), ``"gas too low"`` (refused unmined: price it again), or None (anything
    else: the sender's own problem, see :func:`refused_by_node`, or a real error)."""
    message = str(exc).lower()
    if "already known" in message or "already imported" in message or (
            "known transaction" in message and "nonce" not in message):
        return "sent"
    if "mining has already started" in message:  # Ganache, resent after a timeout while it mines
        return "sent"  # the first copy: if another process's transaction took the nonce, wait() says so
    if any(words in message for words in MINED_AND_FAILED):
        return "mined"
    if any(words in message for words in GAS_TOO_LOW):
        return "gas too low"
    return None


def refused_by_node(exc: Exception, address: str) -> SenderError | None:
    """The sender's own problem in a node's error, if that is what it is."""
    message = str(exc).lower()
    if any(words in message for words in NO_GAS_MONEY):
        return OutOfGasMoney(address)
    if any(words in message for words in NONCE_USED):
        return NonceTaken(address)
    return None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8
    first_delay: float = 0.25
    max_delay: float = 8.0

    def run(self, what: str, call: Callable[[], T], on_retry: Callable[[], None] | None = None) -> T:
        """``call()``, retried on transient RPC failures with exponential backoff."""
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                return call()
            except TRANSIENT as exc:
                if attempt == self.attempts:
                    raise
                logger.warning("%s failed (%s), retry %s/%s in %.2f s", what, exc, attempt, self.attempts - 1, delay)
                time.sleep(delay)
                delay = min(delay * 2, self.max_delay)
                if on_retry is not None:
                    on_retry()
        raise AssertionError("unreachable")


@dataclass(frozen=True)
class SignedTransaction:
    hash: str
    raw: bytes
    nonce: int
    gas: int


class TransactionSender:
    """One department key's transactions: sign, send, wait for confirmations."""

    def __init__(self, w3: Web3, account: LocalAccount, *, gas_margin: float = 1.2, confirmations: int = 1,
                 retry: RetryPolicy = RetryPolicy(), receipt_timeout: float = 120.0, fees_for: float = 1.0):
        self.w3 = w3
        self.account = account
        self.gas_margin = gas_margin
        self.confirmations = confirmations
        self.retry = retry
        self.receipt_timeout = receipt_timeout
        self._chain_id = retry.run("chain id", lambda: w3.eth.chain_id)
        self._nonce: int | None = None
        # Fees are read again at most every ``fees_for`` seconds, not for every transaction (a
        # block read per change sent one by one). The cap is twice the base fee: it still
        # holds after the base fee has risen six blocks in a row.
        self.fees_for = fees_for
        self._fees_read: tuple[float, dict] | None = None
        # What was sent, till its receipt, by hash: its signed bytes, and the node's failures before it.
        self._unconfirmed: dict[str, tuple[bytes, int]] = {}

    @property
    def address(self) -> str:
        return self.account.address

    def resync_nonce(self) -> int:
        """Take the next nonce from the node (pending transactions included)."""
        self._nonce = self.retry.run("nonce", lambda: self.w3.eth.get_transaction_count(self.address, "pending"))
        return self._nonce

    def _fees(self) -> dict:
        now = time.monotonic()
        if self._fees_read is None or now - self._fees_read[0] >= self.fees_for:
            self._fees_read = (now, self._read_fees())
        return self._fees_read[1]

    def _read_fees(self) -> dict:
        block = self.retry.run("latest block", lambda: self.w3.eth.get_block("latest"))
        base_fee = block.get("baseFeePerGas")
        if base_fee is None:
            return {"gasPrice": self.retry.run("gas price", lambda: self.w3.eth.gas_price)}
        if base_fee == 0:
            # A free-gas chain (Besu's zeroBaseFee with --min-gas-price=0; the qbft devnet
            # profile): the base fee stays 0, and the node's suggested price is the whole
            # price. Paying the usual 1 gwei tip there would need money a department's key
            # does not hold: every send would be refused as "no gas money".
            tip = self.retry.run("gas price", lambda: self.w3.eth.gas_price)
            return {"maxPriorityFeePerGas": tip, "maxFeePerGas": tip}
        priority = Web3.to_wei(1, "gwei")
        return {"maxPriorityFeePerGas": priority, "maxFeePerGas": 2 * base_fee + priority}

    def estimate_gas(self, to: str | None, data: bytes) -> int:
        """Gas for a call with the margin; raises the contract's typed error if it would revert."""
        call = {"from": self.address, "data": data} | ({"to": to} if to is not None else {})
        try:
            estimate = self.retry.run("estimate gas", lambda: self.w3.eth.estimate_gas(call))
        except Web3RPCError as exc:
            raise refused_by_node(exc, self.address) or exc
        return int(estimate * self.gas_margin)

    def call(self, to: str, data: bytes) -> bytes:
        """What the call would return if this key sent it now (nothing is sent)."""
        return bytes(self.retry.run("call", lambda: self.w3.eth.call({"from": self.address, "to": to, "data": data})))

    def sign(self, to: str | None, data: bytes, gas: int, fees: dict | None = None) -> SignedTransaction:
        """Sign a call (or, with ``to`` None, a contract creation) with the next local nonce."""
        # Read once: a send on the broadcaster's thread may forget the nonce meanwhile.
        nonce = self._nonce if self._nonce is not None else self.resync_nonce()
        tx = {"data": data, "value": 0, "nonce": nonce, "gas": gas, "chainId": self._chain_id,
              **(fees or self._fees())}
        if to is not None:
            tx["to"] = to
        signed = self.account.sign_transaction(tx)
        self._nonce = nonce + 1
        return SignedTransaction("0x" + bytes(signed.hash).hex(), bytes(signed.raw_transaction), tx["nonce"], gas)

    def broadcast(self, signed: SignedTransaction) -> None:
        """Send; a transaction the node already has (a resend after a timeout) counts as sent,
        and so does one Ganache mined and failed at once (its receipt tells, as elsewhere).

        Raises :class:`OutOfGasMoney` or :class:`NonceTaken` when the node refuses the sender,
        :class:`GasTooLow` when it refuses the transaction's gas, :class:`SendLost` when its nonce
        is used by a transaction the node does not know and the node was away since the send
        began (the local nonce is re-read first in each case, so the next one signed is right).
        """
        failures = self._node_failures()

        def send():
            try:
                self.w3.eth.send_raw_transaction(signed.raw)
            except Web3RPCError as exc:
                outcome = send_outcome(exc)
                if outcome in ("sent", "mined"):
                    return
                if outcome == "gas too low":
                    self._nonce = None
                    raise GasTooLow(signed.hash, signed.gas) from None
                refused = refused_by_node(exc, self.address)
                if isinstance(refused, NonceTaken) and self.known(signed.hash):
                    # A resend after an answer lost on the way (the connection dropped): the
                    # node took the first one, and mined it already on an automining devnet.
                    return
                if isinstance(refused, NonceTaken):
                    raise self._taken_or_lost(signed.hash, failures) from None
                if refused is not None:
                    self._nonce = None
                    raise refused from None
                raise
        self.retry.run(f"send {signed.hash}", send)
        self._unconfirmed[signed.hash] = (signed.raw, failures)

    def _node_failures(self) -> int:
        """The failures so far that mean the node was away, as a PatientHTTPProvider counts them
        (its own retries; the sender's retries of a send after it gave up count through it too)."""
        return getattr(self.w3.provider, "failures", 0)

    def _taken_or_lost(self, tx_hash: str, failures_at_send: int) -> NonceTaken | SendLost:
        """The error for a transaction whose nonce is used by one the node does not know: lost
        when the node was away since it was sent, else another process's nonce. Either way the
        local nonce is read again before the next one is signed."""
        self._nonce = None
        return SendLost(tx_hash) if self._node_failures() != failures_at_send else NonceTaken(self.address)

    def transact(self, to: str | None, data: bytes) -> dict:
        """Send one transaction and wait for it: estimate (raising the contract's typed error
        if it would revert), sign, send, wait; signed again with the next nonce when another
        process sending with the key took this one (:data:`NONCE_RETRIES` times). Returns the full receipt, logs included.
        Raises :class:`TransactionReverted` if it reverts when mined."""
        gas = self.estimate_gas(to, data)
        for attempt in range(1, NONCE_RETRIES + 1):
            signed = self.sign(to, data, gas)
            try:
                self.broadcast(signed)
                self.wait(signed.hash, signed.nonce)
                break
            except NonceTaken:
                # Another process (an oracle with this key) took the nonce: this transaction was
                # refused or dropped, never mined, so signing it again with the next nonce
                # writes it once. A pipelined oracle cannot do this and stops (exit 8) instead.
                if attempt == NONCE_RETRIES:
                    raise
                logger.warning("nonce %s of %s taken by another process: signing again", signed.nonce, self.address)
        receipt = self.retry.run("receipt", lambda: self.w3.eth.get_transaction_receipt(signed.hash))
        if receipt["status"] != 1:
            raise TransactionReverted(f"transaction {signed.hash} reverted")
        return receipt

    def receipt(self, tx_hash: str) -> dict | None:
        """Status and block of a mined transaction, else None.

        Read raw: a batch's receipt carries hundreds of logs, and web3's formatting of them
        would cost more than the rest of the wait.
        """
        response = self.retry.run("receipt", lambda: self.w3.provider.make_request(
            "eth_getTransactionReceipt", [tx_hash]))
        if "error" in response:
            raise Web3RPCError(str(response["error"]))
        raw = response.get("result")
        if raw is None:
            return None
        return {"status": int(raw["status"], 16), "blockNumber": int(raw["blockNumber"], 16),
                "transactionHash": raw["transactionHash"], "gasUsed": int(raw["gasUsed"], 16)}

    def _send_again(self, tx_hash: str) -> None:
        """The node took the transaction and forgot it, its nonce still unused: a pool eviction
        (seen on an interval-mined Anvil with free gas: a batch accepted, then gone from the pool;
        Besu evicts from a full pool too). The same signed bytes again: the same hash, so it can
        never be written twice."""
        logger.warning("transaction %s: the node no longer has it and its nonce is unused; sending it again", tx_hash)
        try:
            self.w3.eth.send_raw_transaction(self._unconfirmed[tx_hash][0])
        except Web3RPCError as exc:
            if send_outcome(exc) != "sent" and refused_by_node(exc, self.address) is None:
                raise  # not a race with the block that mines it: a real refusal
            # mined meanwhile (nonce used) or already back: the next look tells

    def known(self, tx_hash: str) -> bool:
        """Whether the node has the transaction (mined or waiting in its pool)."""
        response = self.retry.run("transaction", lambda: self.w3.provider.make_request(
            "eth_getTransactionByHash", [tx_hash]))
        return response.get("result") is not None

    def wait(self, tx_hash: str, nonce: int | None = None) -> dict:
        """The receipt once the transaction has ``confirmations`` blocks on top (itself included).

        Given the transaction's ``nonce``, raises :class:`NonceTaken` when the node dropped it
        because another transaction of this key was mined with that nonce (Ganache accepts
        such a transaction silently and never mines it), or :class:`SendLost` when the node failed
        to answer since it was sent (it may have taken it and come back without it).
        """
        deadline = time.monotonic() + self.receipt_timeout
        next_check = time.monotonic() + 1.0
        while True:
            receipt = self.receipt(tx_hash)
            if receipt is not None:
                self._unconfirmed.pop(tx_hash, None)
            if receipt is not None and self.confirmations <= 1:
                return receipt  # mined is confirmed enough: no need to read the head
            if receipt is not None:
                head = self.retry.run("block number", lambda: self.w3.eth.block_number)
                if head - receipt["blockNumber"] + 1 >= self.confirmations:
                    return receipt
            elif nonce is not None and time.monotonic() > next_check:
                next_check = time.monotonic() + 1.0
                mined = self.retry.run("nonce", lambda: self.w3.eth.get_transaction_count(self.address, "latest"))
                if mined > nonce and self.receipt(tx_hash) is None and not self.known(tx_hash):
                    _, failures = self._unconfirmed.pop(tx_hash, (b"", self._node_failures()))
                    raise self._taken_or_lost(tx_hash, failures)
                if mined <= nonce and tx_hash in self._unconfirmed and not self.known(tx_hash):
                    self._send_again(tx_hash)
            if time.monotonic() > deadline:
                raise TimeExhausted(f"{tx_hash} not confirmed within {self.receipt_timeout:.0f} s")
            time.sleep(0.05)
