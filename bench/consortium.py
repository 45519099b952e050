"""Figures 4 and 8: the city on its consortium chain, played by the qbft devnet profile
(Anvil with 2 s blocks, zero base fee and gas price, a 50M-gas block: ``chaincity devnet up
--profile qbft``, docs/consortium.md).

4. The real-estate import's records/s against the chain's own limit, gas limit / gas per
   record / block time: what the chain could take if every block were full of titles. Goal:
   at least 0.8 of it. Gas per record is the gas the import's blocks used over the titles
   written, so the transactions' own overhead counts against the oracle.
8. The bank counter: a bank clerk, the citizen at the desk, reads the title in one call
   (``chaincity query title``), registers the mortgage through the bank's oracle (``chaincity
   db load bank`` + ``oracle sync bank``) and holds the confirmed mortgage registration
   certificate (``chaincity verify certificate``), as the demo's story 3: seconds from the
   read to the verified certificate, p50/p95/p99 over the requests, beside Loudi's "5 working
   days" before the chain and "less than 6 hours" with it. Goal: under 10 s.

    python -m bench.consortium            # 10,000 titles and 20 requests (about 5 minutes)
    python -m bench.consortium --quick    # 1,000 titles and 5 requests
"""

from __future__ import annotations

import csv
import sys
import time
from datetime import date
from pathlib import Path

from web3 import Web3

from bench.devnet import private_devnet
from bench.figure import Figure, percentiles
from bench.live import LiveFollower
from chaincity import devnet as devnets
from chaincity.datagen import generate
from chaincity.demo.commands import run_command
from chaincity.departments import bank
from conftest import DEPARTMENT_SIGNERS, PEPPER, Oracles, make_city  # tests/python, on the path by bench.devnet

PROFILE = devnets.PROFILES["qbft"]
BANK = "LD-BANK-ICBC"
# The oracle's settings for the import: batches as large as half a block takes (the engine
# cuts them to that), two transactions a block, eight in flight (CHAINCITY_PIPELINE's default).
BATCH_SIZE, PIPELINE, BLOCK_SHARE = 1000, 8, 0.5


def measure(quick: bool = False) -> list[Figure]:
    """Figures 4 and 8 on a private qbft-profile chain started (and stopped) here."""
    households, requests = (430, 5) if quick else (4_300, 20)  # about 2.3 titles a household
    with private_devnet("consortium", profile="qbft") as (w3, net, work):
        city = make_city(w3, work)  # deployed and onboarded a block per transaction (not measured)
        oracles = Oracles(w3, city, work)
        import_figures, units = _import(w3, net, oracles, work, households)
        return [*import_figures, _bank_counter(net, city, work, units[:requests])]


def _import(w3: Web3, net: devnets.Devnet, oracles: Oracles, work: Path,
            households: int) -> tuple[list[Figure], list[str]]:
    """Figure 4 and a follower's lag beside it (figure 6, live); and the units written, free
    titles for the bank counter."""
    files = generate(work / "data", households=households, bad_share=0, seed=2018)
    load = oracles.load("real-estate", files.real_estate, "LD-REC")
    engine = oracles.engine("real-estate", "title", "LD-REC", batch_size=BATCH_SIZE, pipeline=PIPELINE,
                            block_gas_share=BLOCK_SHARE)
    live = LiveFollower(net.rpc_url, oracles.city["contracts"]["PropertyRegistry"], work / "live.db")
    first_block = w3.eth.block_number + 1
    live.start()
    started = time.monotonic()
    summary = engine.run()
    seconds = time.monotonic() - started
    live.finish()
    blocks = [w3.eth.get_block(n) for n in range(first_block, w3.eth.block_number + 1)]
    gas = sum(block["gasUsed"] for block in blocks)
    gas_per_record = gas / max(1, summary.written_now)
    limit = PROFILE.block_gas_limit / gas_per_record / PROFILE.block_time
    rate = summary.written_now / seconds
    used = [b["gasUsed"] / b["gasLimit"] for b in blocks if b["gasUsed"]]
    figure = Figure(
        4, "titles imported on the consortium chain, against its limit", "qbft", summary.written_now,
        round(rate, 1), "records/s", goal=round(0.8 * limit, 1), success_rate=summary.confirmed / max(1, load.loaded),
        note=(f"limit {limit:.1f} titles/s = {PROFILE.block_gas_limit / 1e6:.0f}M gas a block / "
              f"{gas_per_record:,.0f} gas a title / {PROFILE.block_time} s; {rate / limit:.2f} of it; "
              f"{summary.transactions} transactions in {len(used)} blocks {sum(used) / max(1, len(used)):.0%} full; "
              f"batch {BATCH_SIZE} cut to half a block, pipeline {PIPELINE}; {seconds:.1f} s"))
    units = [row["unit_code"] for row in csv.DictReader(files.real_estate.open(encoding="utf-8"))]
    return [figure, live.figure("qbft", summary.written_now)], units


def _bank_counter(net: devnets.Devnet, city: dict, work: Path, units: list[str]) -> Figure:
    """Figure 8: one mortgage request after another, each timed from the read to the certificate."""
    env = {"CHAINCITY_RPC_URL": net.rpc_url, "CHAINCITY_DEPLOYMENTS_DIR": str(city["config"].deployments_dir),
           "CHAINCITY_PEPPER": PEPPER.hex(), "CHAINCITY_DEPARTMENT": BANK,
           "CHAINCITY_DEVNET_ACCOUNT": str(DEPARTMENT_SIGNERS[BANK][1]),
           "CHAINCITY_DATABASE_URL": f"sqlite:///{work / 'bank.db'}", "CHAINCITY_CONFIRMATIONS": "1"}
    latencies, verified = [], 0
    for number, unit in enumerate(units, 1):
        contract = f"JD-2026-{number:07d}"
        path = work / f"mortgage-{number}.csv"
        started = time.monotonic()
        seen = run_command(("query", "title", unit), env)
        free = not seen["mortgages"] and not seen["seizures"]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, bank.SPEC.columns)
            writer.writeheader()
            writer.writerow({"unit_code": unit, "bank": BANK, "contract_no": contract, "amount": "800000.00",
                             "term_months": "240", "registered_at": date.today().isoformat()})
        run_command(("db", "load", "bank", path), env)
        run_command(("oracle", "sync", "bank"), env)
        mortgages = run_command(("query", "title", unit), env)["mortgages"]
        certificate = mortgages[0]["certificate"] if mortgages else "0x" + "00" * 32
        state = run_command(("verify", "certificate", certificate), env)["state"]
        latencies.append(time.monotonic() - started)
        verified += free and state == "valid"
    spread = percentiles(latencies)
    return Figure(
        8, "bank counter: title read to confirmed mortgage certificate", "qbft", len(units),
        round(spread["p50"], 2), "s", goal=10.0, goal_is_max=True, success_rate=verified / max(1, len(units)),
        **{key: round(value, 2) for key, value in spread.items()},
        note=(f"Loudi before the chain: 5 working days; with it: less than 6 hours; here p50 {spread['p50']:.1f} s, "
              f"p95 {spread['p95']:.1f} s ({PROFILE.block_time} s blocks, 1 confirmation, each step a chaincity command)"))


if __name__ == "__main__":
    for figure in measure(quick="--quick" in sys.argv):
        print(figure.as_dict())
