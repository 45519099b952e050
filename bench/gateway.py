"""Figure 7: the data gateway's answers per second with read receipts batched on chain, the
latency of an answer (p50/p95/p99) and the success rate (issue 16).

    python -m bench.gateway                                # 2,000 reads, 8 clients
    python -m bench.gateway --reads 5000 --clients 16 --flush-ms 500
    python -m bench.gateway --workers 2                    # gateway serve --workers 2

Starts a private Anvil, deploys, onboards a registration centre and a court, loads and syncs
`--titles` titles, grants the court `title-owners` for every title, and runs the gateway as
`chaincity gateway serve real-estate [--workers N]` in its own process(es). The court's clients (threads of this
process, one HTTP session each) then sign and send `--reads` requests for titles in turn and open
every sealed answer. An answer's latency is from signing to the opened answer; the rate counts
answers over the wall time of the whole run. Then it waits for every receipt to be on chain
(the receipt count of the grant) and notes how long after the last answer that took, and how
many transactions carried them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time

import psutil
import requests

from bench.devnet import ROOT, private_devnet
from bench.figure import Figure, percentiles


def measure(quick: bool = False, *, titles: int = 200, reads: int = 2000, clients: int = 8, flush_ms: int = 200,
            batch_size: int = 200, workers: int = 1) -> list[Figure]:
    """Answers/s of the gateway serving ``reads`` requests from ``clients`` threads, receipts on chain."""
    from conftest import PEPPER
    from gateway_city import COURT, REC, GatewayCity, unit

    from chaincity.gateway.client import open_answer, send
    from chaincity.gateway.request import Request

    if quick:
        titles, reads, clients = 10, 40, 4
    server = None
    with private_devnet("gateway") as (w3, net, work):
        try:
            town = GatewayCity(w3, work, titles=titles, serve=False)
            grant_id = town.grant(COURT, "bench")
            env = {**os.environ, "PYTHONPATH": str(ROOT), "CHAINCITY_RPC_URL": net.rpc_url,
                   "CHAINCITY_DEPLOYMENTS_DIR": str(town.deployments), "CHAINCITY_DEPARTMENT": REC,
                   "CHAINCITY_DEVNET_ACCOUNT": "3", "CHAINCITY_PEPPER": PEPPER.hex(),
                   "CHAINCITY_DATABASE_URL": f"sqlite:///{work / (REC + '.db')}",
                   "CHAINCITY_GATEWAY_FLUSH_MS": str(flush_ms), "CHAINCITY_BATCH_SIZE": str(batch_size)}
            server = subprocess.Popen([sys.executable, "-m", "chaincity", "gateway", "serve",
                                       "real-estate", "--port", str(town.port), "--workers", str(workers)], env=env,
                                      cwd=work)
            while True:
                try:
                    requests.get(f"{town.url}/v1/serves", timeout=1)
                    break
                except requests.ConnectionError:
                    if server.poll() is not None:
                        raise RuntimeError(f"gateway serve exited with {server.returncode}") from None
                    time.sleep(0.2)
            account, key, chain_id = town.city["signers"][COURT], town.keys[COURT], w3.eth.chain_id
            latencies: list[float] = []
            failures: list[str] = []
            lock = threading.Lock()

            def client(index: int) -> None:
                session = requests.Session()
                for n in range(index, reads, clients):
                    started = time.perf_counter()
                    request = Request.new(chain_id, REC, COURT, "title-owners", unit(n % titles))
                    try:
                        open_answer(request, send(town.url, request, request.sign(account), session=session), key)
                    except Exception as exc:  # noqa: BLE001 - a failed answer counts against the success rate
                        with lock:
                            failures.append(repr(exc))
                        continue
                    with lock:
                        latencies.append(time.perf_counter() - started)

            first_block = w3.eth.block_number  # Anvil mines a block per transaction: blocks = receipt batches
            gateway = psutil.Process(server.pid)

            def gateway_cpu() -> float:  # the command's process and its workers
                return sum(sum(p.cpu_times()[:2]) for p in (gateway, *gateway.children(recursive=True)))

            cpu_before, client_before, load_before = gateway_cpu(), time.process_time(), os.getloadavg()[0]
            started = time.perf_counter()
            threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
            cpu, client_cpu = gateway_cpu() - cpu_before, time.process_time() - client_before
            block_before = w3.eth.block_number
            deadline = time.monotonic() + 120
            while town.grants.functions.receiptCount(grant_id).call() < len(latencies) and time.monotonic() < deadline:
                time.sleep(0.1)
            settled = time.perf_counter() - started - wall
            on_chain = town.grants.functions.receiptCount(grant_id).call()
            answered = len(latencies)
            note = (f"{clients} clients, {workers} gateway worker(s), receipts flushed every {flush_ms} ms (at most "
                    f"{batch_size} a transaction); {on_chain} receipts on chain {settled:.2f} s after the last answer, in "
                    f"{w3.eth.block_number - first_block} transactions ({w3.eth.block_number - block_before} after the "
                    f"last answer); gateway CPU {cpu * 1000 / max(answered, 1):.1f} ms an answer, the clients' "
                    f"{client_cpu * 1000 / max(answered, 1):.1f} ms; load {load_before:.1f} before, "
                    f"{os.getloadavg()[0]:.1f} after, {os.cpu_count()} cores")
            if failures:
                note += f"; first failure: {failures[0]}"
            return [Figure(7, "gateway: answers with read receipts", "anvil", reads, round(answered / wall, 1),
                           "answers/s", success_rate=min(answered, on_chain) / reads,  # answered, and its receipt on chain
                           **percentiles(latencies), note=note)]
        finally:
            if server is not None:
                server.terminate()
                server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=200)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent requesting threads")
    parser.add_argument("--flush-ms", type=int, default=200, help="CHAINCITY_GATEWAY_FLUSH_MS")
    parser.add_argument("--batch-size", type=int, default=200, help="receipts per transaction at most")
    parser.add_argument("--workers", type=int, default=1, help="gateway serve --workers")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for figure in measure(args.quick, titles=args.titles, reads=args.reads, clients=args.clients, flush_ms=args.flush_ms,
                          batch_size=args.batch_size, workers=args.workers):
        print(figure.as_dict())


if __name__ == "__main__":
    main()
