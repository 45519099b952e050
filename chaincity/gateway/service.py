"""Answering one signed request: the checks, in order, each refusing with its own code, then
the answer from the department database, sealed to the requester, with its read receipt.

Checked on chain at each request (nothing cached, so a suspension, a pause, a revocation or a
rotated-out key takes effect at the next request): the signer signs for the requesting
department (CityDirectory), and a grant of the serving department gives it access to the
category and subject now (DataAccessGrants.accessGrant, which is zero while either department
is suspended or the city paused; the refusal then says which).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import urllib3
from eth_utils import keccak
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from web3.contract import Contract

from chaincity.chain.calldata import CallEncoder
from chaincity.chain.enums import department_id
from chaincity.gateway.receipts import ReceiptDesk, ReplayedRead
from chaincity.gateway.request import BadRequest, NonceBook, Request, canonical
from chaincity.gateway.sealing import SealingError, seal
from chaincity.oracle.spec import DepartmentSpec, UnknownSubject


class Refused(Exception):
    """A request the gateway does not answer: a code a program can act on, an HTTP status, and
    a message for people. No data goes with it."""

    def __init__(self, code: str, status: int, message: str):
        super().__init__(message)
        self.code, self.status = code, status


# The refusals, by code: the HTTP status each is sent with.
REFUSALS = {
    "malformed-request": 400, "bad-signature": 401, "stale-request": 401, "replayed-request": 401,
    "not-a-signer": 403, "requester-inactive": 403, "no-grant": 403, "body-too-large": 413,
    "unknown-category": 404, "unknown-subject": 404, "wrong-server": 421, "no-encryption-key": 409,
    "server-inactive": 503, "city-paused": 503,
}


def refuse(code: str, message: str) -> Refused:
    return Refused(code, REFUSALS[code], message)


def category_key(category: str) -> bytes:
    """A category as grants name it: keccak256 of its name (`title-owners`)."""
    return keccak(text=category)


class Views:
    """The views an answer needs, in one JSON-RPC batch (one HTTP round trip), each returning
    one word. web3's contract path costs two more requests per call (its middleware), and
    requests' session machinery most of the rest of a round trip's CPU (measured): one urllib3
    connection pool (thread-safe, keep-alive, no proxies from the environment) posts the batch."""

    def __init__(self, rpc_url: str, *views: tuple[Contract, str]):
        self.encoders = {function: CallEncoder(contract, function) for contract, function in views}
        self.path = urllib3.util.parse_url(rpc_url).request_uri
        self.pool = urllib3.connection_from_url(rpc_url, maxsize=32, block=False,
                                                timeout=urllib3.Timeout(connect=10, read=30))

    def __call__(self, *calls: tuple) -> list[bytes]:
        """``calls`` as (function, *args); their results, in order."""
        batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_call",
                  "params": [{"to": self.encoders[f].to, "data": "0x" + self.encoders[f].encode(*args).hex()}, "latest"]}
                 for i, (f, *args) in enumerate(calls)]
        response = self.pool.urlopen("POST", self.path, body=json.dumps(batch).encode(),
                                     headers={"content-type": "application/json"}, retries=urllib3.Retry(2, read=0))
        if response.status != 200:
            raise RuntimeError(f"eth_call batch: HTTP {response.status} from the node")
        results = sorted(json.loads(response.data), key=lambda r: r["id"])
        for result in results:
            if "error" in result:
                raise RuntimeError(f"eth_call failed: {result['error']}")
        return [bytes.fromhex(r["result"][2:])[:32] for r in results]


@dataclass
class Gateway:
    spec: DepartmentSpec
    code: str  # the serving department's code
    chain_id: int
    directory: Contract
    grants: Contract
    database: Engine
    nonces: NonceBook
    desk: ReceiptDesk

    def __post_init__(self):
        self.views = Views(self.directory.w3.provider.endpoint_uri, (self.directory, "departmentOfSigner"),
                           (self.grants, "accessGrant"), (self.grants, "encryptionKey"))

    def answer(self, body: object, signature: object) -> dict:
        """The sealed answer and its receipt's ids, or :class:`Refused`."""
        try:
            request = Request.parse(body)
        except BadRequest as exc:
            raise refuse("malformed-request", str(exc)) from None
        if request.server != self.code or request.chainId != self.chain_id:
            raise refuse("wrong-server", f"this is {self.code} on chain {self.chain_id}, "
                         f"not {request.server} on chain {request.chainId}")
        try:
            signer = request.signer(signature)
        except BadRequest as exc:
            raise refuse("bad-signature", str(exc)) from None
        serves = next((s for s in self.spec.serves if s.category == request.category), None)
        if serves is None:
            raise refuse("unknown-category", f"{self.code} serves no {request.category!r} "
                         f"(it serves: {', '.join(s.category for s in self.spec.serves) or 'nothing'})")
        try:
            subject = serves.subject_key(request.subject)
        except ValueError as exc:
            raise refuse("malformed-request", f"request.subject: {exc}") from None
        requester = department_id(request.requester)
        signs_for, grant, public_key = self.views(
            ("departmentOfSigner", signer),
            ("accessGrant", requester, department_id(self.code), category_key(request.category), subject),
            ("encryptionKey", requester))
        if signs_for != requester:
            raise refuse("not-a-signer", f"{signer} is not a signing key of {request.requester} in the city directory")
        problem = self.nonces.problem(request)
        if problem is not None:
            raise refuse("replayed-request" if "nonce" in problem else "stale-request", problem)
        if grant == bytes(32):
            raise self._no_access(request)
        with Session(self.database) as session:
            try:
                answer = serves.answer(session, request.subject)
            except UnknownSubject as exc:
                raise refuse("unknown-subject", str(exc)) from None
        plaintext = canonical({"readId": "0x" + request.read_id.hex(), "category": request.category,
                               "subject": request.subject, "answer": answer})
        try:
            sealed = seal(public_key, plaintext)
        except SealingError as exc:
            raise refuse("no-encryption-key", f"{request.requester}: {exc}") from None
        receipt = {"readId": "0x" + request.read_id.hex(), "grantId": "0x" + grant.hex(),
                   "queryDigest": "0x" + request.digest.hex(), "answerDigest": "0x" + keccak(plaintext).hex(),
                   "requester": request.requester, "category": request.category, "subject": request.subject,
                   "nonce": request.nonce}
        try:
            self.desk.take(receipt)  # kept before the answer leaves: no read without its receipt
        except ReplayedRead as exc:  # seen by another worker, or before a restart
            raise refuse("replayed-request", str(exc)) from None
        return {"readId": receipt["readId"], "grantId": receipt["grantId"], "queryDigest": receipt["queryDigest"],
                "answerDigest": receipt["answerDigest"], "sealedAnswer": base64.b64encode(sealed).decode()}

    def _no_access(self, request: Request) -> Refused:
        """Why no grant gives access: the city paused, a department inactive, or no live grant."""
        if self.directory.functions.paused().call():
            return refuse("city-paused", "the city is paused: no department's data is served")
        if not self.directory.functions.isDepartmentActive(department_id(self.code)).call():
            return refuse("server-inactive", f"{self.code} is suspended in the city directory")
        if not self.directory.functions.isDepartmentActive(department_id(request.requester)).call():
            return refuse("requester-inactive", f"{request.requester} is suspended in the city directory")
        return refuse("no-grant", f"{request.requester} holds no live grant from {self.code} for "
                      f"{request.category} about {request.subject} (never granted, expired or revoked)")


def describe(spec: DepartmentSpec) -> list[dict]:
    return [{"category": s.category, "description": s.description} for s in spec.serves]
