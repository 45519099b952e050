"""The requesting side: sign a request, send it, open the sealed answer, and verify it against
its read receipt on chain (same read id, the digest of the request that was signed, the digest
of the answer that was opened)."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

import requests
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from nacl.public import PrivateKey
from web3.contract import Contract

from chaincity.chain.contracts import call_named
from chaincity.chain.enums import department_id
from chaincity.gateway.request import Request
from chaincity.gateway.sealing import unseal


class AskRefused(RuntimeError):
    """The gateway refused the request; ``code`` is its refusal code."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code


class GatewayUnreachable(RuntimeError):
    """No gateway answers at the URL."""


class NotVerified(RuntimeError):
    """An answer that does not match its receipt on chain (or whose receipt never came)."""


@dataclass(frozen=True)
class Answer:
    request: Request
    read_id: str
    grant_id: str
    answer: dict
    receipt: dict  # as getReceipt reports it

    def as_dict(self) -> dict:
        return {"server": self.request.server, "category": self.request.category, "subject": self.request.subject,
                "readId": self.read_id, "grantId": self.grant_id, "answer": self.answer, "receipt": self.receipt}


def send(url: str, request: Request, signature: str, timeout: float = 30.0,
         session: requests.Session | None = None) -> dict:
    """POST the signed request; the gateway's JSON answer, or :class:`AskRefused`."""
    try:
        response = (session or requests).post(f"{url.rstrip('/')}/v1/read", timeout=timeout,
                                              data=json.dumps({"request": json.loads(request.body), "signature": signature}),
                                              headers={"content-type": "application/json"})
    except requests.ConnectionError:
        raise GatewayUnreachable(f"no data gateway answers at {url}") from None
    try:
        body = response.json()
    except ValueError:  # not the gateway's JSON: an internal error, or not a gateway at all
        raise AskRefused(f"http-{response.status_code}", response.text[:200]) from None
    if response.status_code != 200:
        raise AskRefused(body.get("refused", str(response.status_code)), body.get("error", response.text))
    return body


def open_answer(request: Request, body: dict, private_key: PrivateKey) -> dict:
    """The answer inside the sealed box, checked against the ids the gateway sent with it."""
    if body["readId"] != "0x" + request.read_id.hex() or body["queryDigest"] != "0x" + request.digest.hex():
        raise NotVerified("the gateway answered with the ids of another request")
    plaintext = unseal(private_key, base64.b64decode(body["sealedAnswer"]))
    if "0x" + keccak(plaintext).hex() != body["answerDigest"]:
        raise NotVerified("the answer's digest is not the one the gateway sent")
    opened = json.loads(plaintext)
    if opened["readId"] != body["readId"]:
        raise NotVerified("the sealed answer names another read")
    return opened["answer"]


def await_receipt(grants: Contract, request: Request, body: dict, timeout: float = 60.0) -> dict:
    """The read's receipt once on chain, checked: it is this read, of this request, with this answer."""
    deadline = time.monotonic() + timeout
    while True:
        receipt = call_named(grants, "getReceipt", request.read_id)
        if receipt["recordedAt"]:
            break
        if time.monotonic() > deadline:
            raise NotVerified(f"no read receipt {body['readId']} on chain within {timeout:.0f} s")
        time.sleep(0.25)
    expected = {"queryDigest": body["queryDigest"], "answerDigest": body["answerDigest"],
                "requester": "0x" + department_id(request.requester).hex(),
                "server": "0x" + department_id(request.server).hex(), "category": "0x" + keccak(text=request.category).hex()}
    wrong = [k for k, v in expected.items() if receipt[k] != v]
    if wrong:
        raise NotVerified(f"the read receipt on chain differs in {', '.join(wrong)}: the answer is not the one recorded")
    return receipt


def ask(url: str, grants: Contract, chain_id: int, account: LocalAccount, private_key: PrivateKey, requester: str,
        server: str, category: str, subject: str, *, receipt_timeout: float = 60.0) -> Answer:
    """Sign, send, open, and verify against the receipt on chain."""
    request = Request.new(chain_id, server, requester, category, subject)
    body = send(url, request, request.sign(account))
    answer = open_answer(request, body, private_key)
    receipt = await_receipt(grants, request, body, receipt_timeout)
    return Answer(request, body["readId"], body["grantId"], answer, receipt)
