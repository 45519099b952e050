"""The chain as a department's checks read it: the mapping's contract and named view calls
(:class:`chaincity.oracle.spec.ChainView`)."""

from __future__ import annotations

from web3.contract import Contract

from chaincity.chain.contracts import call_named


class ChainReader:
    """Reads the contract a department's mapping writes."""

    def __init__(self, contract: Contract):
        self.contract = contract

    def call(self, function: str, *args):
        return call_named(self.contract, function, *args)
