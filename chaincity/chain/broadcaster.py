"""Sending signed transactions on a thread of their own, in the order they were signed.

A node that mines holds every send until its block is done: Anvil answers no
``eth_sendRawTransaction`` while it executes a block (1.5–2.5 s a block of 40 batches of 1,000
titles, measured at Loudi's scale), and Ganache mines each transaction inside its send. Sent
from the sync engine's own thread, those seconds were seconds in which no batch was read,
encoded or signed. Here a single worker sends, so the engine makes the next batches meanwhile
and the nonces still leave in order.

After a send fails, the later ones are not sent (their nonces would leave a gap): each raises
:class:`NotSent`, and the engine puts their records back to pending with the failed one's.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, wait

from chaincity.chain.sender import SignedTransaction, TransactionSender


class NotSent(Exception):
    """A transaction left unsent because one signed before it failed to send."""

    def __init__(self, tx_hash: str):
        super().__init__(f"{tx_hash} was not sent: a transaction signed before it failed to send")


class Broadcaster:
    """Sends through ``sender.broadcast`` on one worker thread, in submission order."""

    def __init__(self, sender: TransactionSender):
        self.sender = sender
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="broadcast")
        self._failed = False

    @property
    def failed(self) -> bool:
        """Whether a send failed since the last :meth:`settle`."""
        return self._failed

    def submit(self, signed: SignedTransaction) -> Future:
        """Queue ``signed``; the future's result is None once sent, or raises the send's error."""
        return self._worker.submit(self._send, signed)

    def _send(self, signed: SignedTransaction) -> None:
        if self._failed:
            raise NotSent(signed.hash)
        try:
            self.sender.broadcast(signed)
        except BaseException:
            self._failed = True
            raise

    def settle(self, sends: list[Future]) -> None:
        """Wait for ``sends`` (every send still queued) and send again after a failure."""
        wait(sends)
        self._failed = False

    def close(self) -> None:
        """Wait for the send under way; those still queued are cancelled and never leave."""
        self._worker.shutdown(wait=True, cancel_futures=True)
