"""A city whose registration centre serves title owners through its gateway, for the gateway
tests and its benchmark: titles loaded and on chain, the court's encryption key registered,
the gateway running in this process (uvicorn in a thread) on a free port."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import uvicorn
from eth_utils import keccak
from web3 import Web3

from chaincity.chain.deployment import City
from chaincity.chain.enums import department_id
from chaincity.chain.sender import TransactionSender
from chaincity.cli import DEPARTMENTS
from chaincity.gateway import sealing
from chaincity.gateway.app import create_app
from chaincity.gateway.client import ask
from chaincity.gateway.service import category_key
from chaincity.gateway.wiring import gateway_for
from conftest import Oracles, free_port, make_city

REC, COURT, BANK = "LD-REC", "LD-COURT-INT", "LD-BANK-ICBC"
OWNER_1, OWNER_2 = "431302198005171236", "431302198509234528"
HEADER = "unit_code,owner_id_numbers,shares,right_type,certificate_no,registered_at\n"


def unit(n: int) -> str:
    """The n-th unit of the test titles: building 3, unit 0100 + n, in Louxing District."""
    return f"431302001002GB00017F0003{100 + n:04d}"


def titles_csv(path: Path, count: int) -> Path:
    rows = [f"{unit(n)},{OWNER_1};{OWNER_2},6000;4000,house_ownership,湘(2019)娄底市不动产权第{n + 1:07d}号,2019-03-01"
            for n in range(count)]
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


def run_in_thread(gateway, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    """A gateway served by uvicorn in a thread of this process, once it listens."""
    server = uvicorn.Server(uvicorn.Config(create_app(gateway), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread


class GatewayCity:
    def __init__(self, w3: Web3, tmp_path: Path, titles: int = 3, batch_size: int = 200, serve: bool = True):
        self.w3, self.tmp_path = w3, tmp_path
        self.city = make_city(w3, tmp_path)
        self.deployments = self.city["config"].deployments_dir
        self.contracts = City(w3, self.deployments)
        self.grants = self.contracts["DataAccessGrants"]
        self.oracles = Oracles(w3, self.city, tmp_path)
        self.oracles.load("real-estate", titles_csv(tmp_path / "titles.csv", titles), REC)
        self.oracles.sync("real-estate", REC)
        self.keys = {code: sealing.load_or_create(tmp_path / "keys" / f"{code}.x25519")[0] for code in (COURT, BANK)}
        for code, key in self.keys.items():
            self.send(code, "setEncryptionKey", bytes(key.public_key))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if serve:
            self.serve(batch_size)

    def serve(self, batch_size: int) -> None:
        """Run the registration centre's gateway in this process (uvicorn in a thread)."""
        w3 = self.w3
        config = self.oracles.config(REC, batch_size=batch_size)
        self.gateway = gateway_for(w3, self.oracles.database(REC), DEPARTMENTS["real-estate"], config,
                                   self.city["signers"][REC])
        self.server, self.thread = run_in_thread(self.gateway, self.port)

    def stop(self) -> None:
        if not hasattr(self, "server"):
            return
        self.server.should_exit = True
        self.thread.join(30)

    def serve_department(self, department: str, code: str) -> tuple[str, uvicorn.Server, threading.Thread]:
        """Another department's gateway (its database under tmp_path), in a thread: its URL and server."""
        config = self.oracles.config(code)
        service = gateway_for(self.w3, self.oracles.database(code), DEPARTMENTS[department], config,
                              self.city["signers"][code])
        port = free_port()
        return f"http://127.0.0.1:{port}", *run_in_thread(service, port)

    def send(self, code: str, function: str, *args) -> dict:
        """A DataAccessGrants transaction signed by the department ``code``."""
        sender = TransactionSender(self.w3, self.city["signers"][code])
        return sender.transact(self.grants.address, bytes.fromhex(self.grants.encode_abi(function, args=list(args))[2:]))

    def grant(self, requester: str, reference: str, subject: bytes = bytes(32), days: float = 30,
              server: str = REC, category: str = "title-owners") -> bytes:
        """A grant of ``category`` (title-owners) from ``server`` (the registration centre) to
        ``requester``, requested and granted."""
        grant_id = keccak(text=f"test:{requester}:{reference}")
        self.send(requester, "requestAccess", grant_id, department_id(server), category_key(category), subject,
                  keccak(text="enforcement"))
        expires = self.w3.eth.get_block("latest")["timestamp"] + int(days * 86_400)
        self.send(server, "grantAccess", grant_id, expires)
        return grant_id

    def ask(self, subject: str, requester: str = COURT, **options):
        return ask(self.url, self.grants, self.w3.eth.chain_id, self.city["signers"][requester], self.keys[requester],
                   requester, REC, "title-owners", subject, **options)
