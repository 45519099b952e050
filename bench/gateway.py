"""Benchmark: the data gateway's answers per second with read receipts batched, and the
latency of an answer (p50/p95).

    .venv/bin/python tests/bench/bench_gateway.py                     # 2,000 reads, 8 clients
    .venv/bin/python tests/bench/bench_gateway.py --reads 5000 --clients 16 --flush-ms 500
    .venv/bin/python tests/bench/bench_gateway.py --workers 2                 # gateway serve --workers 2

Starts a private Anvil, deploys, onboards a registration centre and a court, loads and syncs
`--titles` titles, grants the court `title-owners` for every title, and runs the gateway as
`chaincity gateway serve real-estate [--workers N]` in its own process(es). The court's clients (threads of this
process, one HTTP session each) then sign and send `--reads` requests for titles in turn and open
every sealed answer. An answer's latency is from signing to the opened answer; the rate counts
answers over the wall time of the whole run. Then it waits for every receipt to be on chain
(the receipt count of the grant) and prints how long after the last answer that took, and how
many transactions carried them.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests
from web3 import Web3

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

from chaincity import devnet as devnets  # noqa: E402
from chaincity.gateway.client import open_answer, send  # noqa: E402
from chaincity.gateway.request import Request  # noqa: E402
from conftest import PEPPER, free_port  # noqa: E402
from gateway_city import COURT, REC, GatewayCity, unit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=200)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent requesting threads")
    parser.add_argument("--flush-ms", type=int, default=200, help="CHAINCITY_GATEWAY_FLUSH_MS")
    parser.add_argument("--batch-size", type=int, default=200, help="receipts per transaction at most")
    parser.add_argument("--workers", type=int, default=1, help="gateway serve --workers")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    net = dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port())
    server = None
    try:
        devnets.up(net, ROOT, work / "state")
        w3 = Web3(Web3.HTTPProvider(net.rpc_url, request_kwargs={"timeout": 120}))
        town = GatewayCity(w3, work, titles=args.titles, serve=False)
        grant_id = town.grant(COURT, "bench")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CHAINCITY_RPC_URL": net.rpc_url,
               "CHAINCITY_DEPLOYMENTS_DIR": str(town.deployments), "CHAINCITY_DEPARTMENT": REC,
               "CHAINCITY_DEVNET_ACCOUNT": "3", "CHAINCITY_PEPPER": PEPPER.hex(),
               "CHAINCITY_DATABASE_URL": f"sqlite:///{work / (REC + '.db')}",
               "CHAINCITY_GATEWAY_FLUSH_MS": str(args.flush_ms), "CHAINCITY_BATCH_SIZE": str(args.batch_size)}
        server = subprocess.Popen([sys.executable, "-c", "from chaincity.cli import main; main()", "gateway", "serve",
                                   "real-estate", "--port", str(town.port), "--workers", str(args.workers)], env=env,
                                  cwd=work)
        while True:
            try:
                requests.get(f"{town.url}/v1/serves", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        account, key, chain_id = town.city["signers"][COURT], town.keys[COURT], w3.eth.chain_id
        latencies: list[float] = []
        lock = threading.Lock()

        def client(index: int) -> None:
            session = requests.Session()
            for n in range(index, args.reads, args.clients):
                started = time.perf_counter()
                request = Request.new(chain_id, REC, COURT, "title-owners", unit(n % args.titles))
                open_answer(request, send(town.url, request, request.sign(account), session=session), key)
                with lock:
                    latencies.append(time.perf_counter() - started)

        first_block = w3.eth.block_number  # Anvil mines a block per transaction: blocks = receipt batches
        gateway = psutil.Process(server.pid)

        def gateway_cpu() -> float:  # the command's process and its workers
            return sum(sum(p.cpu_times()[:2]) for p in (gateway, *gateway.children(recursive=True)))

        cpu_before, client_before, load_before = gateway_cpu(), time.process_time(), os.getloadavg()[0]
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        cpu, client_cpu = gateway_cpu() - cpu_before, time.process_time() - client_before
        block_before = w3.eth.block_number
        while town.grants.functions.receiptCount(grant_id).call() < args.reads:
            time.sleep(0.1)
        settled = time.perf_counter() - started - wall
        latencies.sort()
        print(f"reads {len(latencies)} by {args.clients} clients, {args.workers} gateway worker(s), "
              f"receipts flushed every {args.flush_ms} ms "
              f"(at most {args.batch_size} per transaction)")
        print(f"answers/s {len(latencies) / wall:.1f} (wall {wall:.1f} s)")
        print(f"latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
              f"p95 {latencies[int(0.95 * len(latencies)) - 1] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
        print(f"gateway processes' CPU {cpu * 1000 / len(latencies):.1f} ms per answer (flushes included): "
              f"{len(latencies) / cpu:.0f} answers per CPU-second; the clients' {client_cpu * 1000 / len(latencies):.1f} ms; "
              f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")
        print(f"every receipt on chain {settled:.2f} s after the last answer; "
              f"{town.grants.functions.receiptCount(grant_id).call()} receipts in {w3.eth.block_number - first_block} "
              f"transactions ({w3.eth.block_number - block_before} after the last answer)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        devnets.down(net, work / "state")


if __name__ == "__main__":
    main()
