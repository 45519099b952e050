"""Chain plumbing with no chain: calldata, typed errors, retries."""

from __future__ import annotations

import json

import pytest
import requests
from web3 import Web3

from chaincity.chain.calldata import CallEncoder
from web3.exceptions import ContractCustomError, Web3RPCError

from chaincity.chain.errors import DecodedError, ErrorDecoder
from chaincity.chain.sender import NonceTaken, OutOfGasMoney, RetryPolicy, refused_by_node, send_outcome

from conftest import ROOT

ABI = json.loads((ROOT / "build" / "contracts" / "PropertyRegistry.json").read_text())["abi"]
REGISTRY = Web3().eth.contract(address="0x" + "12" * 20, abi=ABI)
UNIT = b"431302001002GB00017F00030102".ljust(32, b"\0")


def test_calldata_equals_web3s_encoding_of_a_batch_of_structs():
    titles = [(UNIT, 1, b"\x01" * 32, [(b"\x02" * 32, 6000), (b"\x03" * 32, 4000)]),
              (UNIT[:-5] + b"9\0\0\0\0", 2, b"\x04" * 32, [(b"\x05" * 32, 10000)])]
    ours = CallEncoder(REGISTRY, "registerTitles").encode(titles)
    assert ours == bytes.fromhex(REGISTRY.encode_abi("registerTitles", args=[titles])[2:])


def test_calldata_refuses_an_unknown_function():
    with pytest.raises(ValueError, match="noSuchFunction: expected one function of that name"):
        CallEncoder(REGISTRY, "noSuchFunction")


def test_typed_errors_decode_to_name_and_arguments():
    decoder = ErrorDecoder(ABI)
    selector = Web3.keccak(text="PropertyRegistryInvalidShares(bytes32,uint256)")[:4]
    encoded = selector + UNIT + (9_999).to_bytes(32, "big")
    decoded = decoder.decode_data(encoded)
    assert (decoded.name, decoded.args) == ("PropertyRegistryInvalidShares", {"unit": UNIT, "total": 9_999})
    assert str(decoded) == f"PropertyRegistryInvalidShares(unit=0x{UNIT.hex()}, total=9999)"
    assert decoder.decode_data(b"\xde\xad\xbe\xef") is None and decoder.decode_data(None) is None


def test_typed_errors_decode_from_anvils_hex_and_ganaches_dict():
    """Anvil carries the revert data as hex; Ganache as a dict whose `result` holds it."""
    decoder = ErrorDecoder(ABI)
    encoded = "0x" + (Web3.keccak(text="PropertyRegistryTitleFrozen(bytes32,bytes32)")[:4] + UNIT + b"\x07" * 32).hex()
    anvil = ContractCustomError(encoded, data=encoded)
    ganache = ContractCustomError("VM Exception", data={"hash": None, "result": encoded, "message": "revert"})
    assert decoder.decode(anvil) == decoder.decode(ganache) == DecodedError("PropertyRegistryTitleFrozen", {"unit": UNIT, "order": b"\x07" * 32})


def test_the_node_words_for_a_sender_without_gas_money_or_with_a_taken_nonce():
    address = "0x" + "ab" * 20
    assert isinstance(refused_by_node(Exception("insufficient funds for gas * price + value"), address), OutOfGasMoney)
    assert isinstance(refused_by_node(Exception("Upfront cost exceeds account balance"), address), OutOfGasMoney)  # Besu
    assert isinstance(refused_by_node(Exception("nonce too low"), address), NonceTaken)
    assert isinstance(refused_by_node(Exception("the tx doesn't have the correct nonce"), address), NonceTaken)  # Ganache
    assert refused_by_node(Exception("execution reverted"), address) is None


def test_a_nodes_refusal_of_a_send_classified_by_what_became_of_the_transaction():
    """Ganache (vmErrorsOnRPCResponse) answers a send that ran out of gas or reverted with the
    error, mined: the receipt decides, as on any node. A transaction refused unmined for its
    gas is priced again; the sender's own refusals and anything unknown are not these."""
    ganache_out_of_gas = Web3RPCError("{'message': 'VM Exception while processing transaction: out of gas', "
                                      "'stack': 'RuntimeError: VM Exception while processing transaction: out of gas'}")
    assert send_outcome(ganache_out_of_gas) == "mined"
    assert send_outcome(Web3RPCError("VM Exception while processing transaction: revert")) == "mined"
    assert send_outcome(Web3RPCError("{'message': 'intrinsic gas too low'}")) == "gas too low"  # Ganache, geth, Besu
    assert send_outcome(Web3RPCError("intrinsic gas too low: have 66000, want 98112")) == "gas too low"  # Anvil
    assert send_outcome(Web3RPCError("already known")) == "sent"
    for theirs in ("insufficient funds for gas * price + value", "nonce too low", "exceeds block gas limit"):
        assert send_outcome(Web3RPCError(theirs)) is None


def test_retry_policy_retries_transient_failures_then_gives_up(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise requests.ConnectionError("connection refused")
        return "answer"

    resyncs = []
    assert RetryPolicy(attempts=5).run("flaky", flaky, on_retry=lambda: resyncs.append(1)) == "answer"
    assert (len(calls), len(resyncs)) == (3, 2)

    def down():
        raise requests.Timeout("timed out")

    with pytest.raises(requests.Timeout):
        RetryPolicy(attempts=3).run("down", down)


def test_retry_policy_does_not_retry_real_errors():
    calls = []

    def wrong():
        calls.append(1)
        raise ValueError("bad request")

    with pytest.raises(ValueError):
        RetryPolicy().run("wrong", wrong)
    assert len(calls) == 1


def test_fees_are_free_on_a_zero_base_fee_chain_and_eip1559_or_legacy_elsewhere():
    """A Besu QBFT network with free gas (zeroBaseFee, --min-gas-price=0) suggests a zero
    price: the sender offers exactly that, never the 1 gwei tip it adds on a priced chain."""
    from types import SimpleNamespace

    from eth_account import Account

    from chaincity.chain.sender import TransactionSender

    def sender(base_fee, gas_price):
        block = {} if base_fee is None else {"baseFeePerGas": base_fee}
        eth = SimpleNamespace(chain_id=31338, gas_price=gas_price, get_block=lambda which: block)
        return TransactionSender(SimpleNamespace(eth=eth), Account.create())

    assert sender(0, 0)._fees() == {"maxPriorityFeePerGas": 0, "maxFeePerGas": 0}
    assert sender(0, 5)._fees() == {"maxPriorityFeePerGas": 5, "maxFeePerGas": 5}  # a priced chain with no base fee
    gwei = 10**9
    assert sender(7, 0)._fees() == {"maxPriorityFeePerGas": gwei, "maxFeePerGas": 14 + gwei}
    assert sender(None, 3)._fees() == {"gasPrice": 3}
