"""The sync survives being killed at random points and the RPC going away mid-run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from chaincity.datagen import generate
from chaincity.db import SourceRecord
from chaincity.formats import unit_key

from conftest import free_port

KILLS = 20


def load_titles(oracles, tmp_path, households: int):
    files = generate(tmp_path / "data", households=households, bad_share=0, seed=5)
    load = oracles.load("real-estate", files.real_estate, "LD-REC")
    return oracles.database("LD-REC"), tmp_path / "LD-REC.db", load


def statuses(engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(SourceRecord.status, func.count()).group_by(SourceRecord.status)).all())


class ForkedCli:
    """``chaincity ARGS`` in a forked child of this process, ``subprocess.Popen``-like (poll,
    send_signal, wait): the child has the CLI's imports already, so a kill test spends its
    time killing the oracle at work, not starting Python (about 1 s of CPU a start)."""

    def __init__(self, args: list[str], env: dict):
        self.returncode: int | None = None
        self.pid = os.fork()
        if self.pid == 0:  # the child: run the command, never return into pytest
            code = 70
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                os.environ.clear()
                os.environ.update(env)
                # tqdm's lock is a multiprocessing one, shared with the parent across the fork: a
                # child killed while holding it left pytest's next progress bar waiting forever
                # (a fresh-clone CI run hung an hour in the Ganache kill test). A lock of its own.
                tqdm.set_lock(threading.RLock())
                from chaincity.cli import main

                main.main(args, prog_name="chaincity")
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                os._exit(code)

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def wait(self) -> int:
        if self.returncode is None:
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        return self.returncode


def kill_repeatedly(command: list[str], env: dict, engine, cwd, kills: int = KILLS, seed: int = 20,
                    max_delay: float = 0.4, start=None) -> None:
    """Start the sync ``command`` and SIGKILL it ``kills`` times, each at a random moment (up to
    ``max_delay`` s) after it confirmed something new; records must be left to sync after the last kill.
    ``start(command, env)`` starts it (default: a new process, ``subprocess.Popen``; or :class:`ForkedCli`)."""
    rng = random.Random(seed)
    start = start or (lambda command, env: subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd))
    done = 0
    while done < kills:
        before = statuses(engine).get("confirmed", 0)
        process = start(command, env)
        # Wait until it is writing (something new confirmed), then a random moment more.
        deadline = time.monotonic() + 30
        while statuses(engine).get("confirmed", 0) == before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0, max_delay))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            done += 1
        process.wait()
        assert statuses(engine).get("pending", 0) + statuses(engine).get("sent", 0) > 0, f"finished before {kills} kills"


def assert_each_title_on_chain_once(engine, registry):
    with Session(engine) as session:
        units = {unit_key(p["unit_code"]) for p in session.scalars(select(SourceRecord.payload))}
    logs = registry.events.TitleRegistered().get_logs(from_block=0)
    registered = [bytes(log["args"]["unit"]) for log in logs]
    assert len(registered) == len(set(registered))  # nothing twice
    assert set(registered) == units  # nothing lost


class _Forwarder(BaseHTTPRequestHandler):
    target = ""

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = requests.post(self.target, data=body, headers={"Content-Type": "application/json"}, timeout=60)
        self.send_response(answer.status_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, *args):
        pass


def test_sync_rides_out_the_rpc_going_away_and_coming_back(anvil, anvil_net, city, oracles, tmp_path):
    engine, _, load = load_titles(oracles, tmp_path, households=300)
    port = free_port()
    _Forwarder.target = anvil_net.rpc_url

    def serve():
        server = ThreadingHTTPServer(("127.0.0.1", port), _Forwarder)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    server = serve()
    from web3 import Web3

    w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}", request_kwargs={"timeout": 10}))
    outage = {}

    def cut_and_restore():
        while statuses(engine).get("confirmed", 0) < 50:
            time.sleep(0.01)
        server.shutdown()
        server.server_close()
        outage["confirmed_at_cut"] = statuses(engine).get("confirmed", 0)
        time.sleep(2.0)  # the RPC is gone for two seconds
        outage["server"] = serve()

    cutter = threading.Thread(target=cut_and_restore)
    cutter.start()
    try:
        summary, _ = oracles.sync("real-estate", "LD-REC", w3=w3, engine=engine, batch_size=5, pipeline=3)
    finally:
        cutter.join()
        outage["server"].shutdown()
    assert 50 <= outage["confirmed_at_cut"] < load.loaded  # the outage came mid-sync
    assert (summary.confirmed, summary.pending, summary.rejected) == (load.loaded, 0, 0)
    assert_each_title_on_chain_once(engine, city["contracts"]["PropertyRegistry"])


def test_a_transaction_the_node_forgets_is_sent_again_and_mined_once(anvil):
    """A node that took a transaction and dropped it from its pool, its nonce unused (seen on
    the qbft profile's interval-mined Anvil; Besu evicts from a full pool too): the sender's
    wait sends the same signed bytes again instead of waiting out its timeout."""
    from chaincity.chain.sender import TransactionSender
    from chaincity.chain.signer import devnet_account

    sender = TransactionSender(anvil, devnet_account(17), receipt_timeout=30)
    anvil.provider.make_request("evm_setAutomine", [False])
    try:
        signed = sender.sign(sender.address, b"", 21_000)
        sender.broadcast(signed)
        assert anvil.provider.make_request("anvil_dropTransaction", [signed.hash]).get("error") is None
        assert not sender.known(signed.hash)  # gone from the pool, as the bench saw it
        anvil.provider.make_request("evm_setIntervalMining", [1])
        receipt = sender.wait(signed.hash, signed.nonce)
    finally:
        anvil.provider.make_request("evm_setIntervalMining", [0])
        anvil.provider.make_request("evm_setAutomine", [True])
    assert receipt["status"] == 1 and str(receipt["transactionHash"]).lower() == signed.hash.lower()
    assert anvil.eth.get_transaction_count(sender.address) == signed.nonce + 1  # mined once
