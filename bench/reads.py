"""Figure 5: reads. The bank's pre-mortgage check (a unit's title, its mortgages in rank order
and its seizures: `titleOf`, the one call `chaincity query title` makes) and finance's bidding
check (`biddingBarMaskOf`), one by one through web3.py against the batched paths: a JSON-RPC
batch (web3's `batch_requests`) of the same calls; for the pre-mortgage check, the same `titleOf`
calls in ONE `eth_call` of the registry's `multicall` (OpenZeppelin's `Multicall`: a view through
it is a read like any other); and for bidding the multi-read view `biddingBarsOfBatch` (as
`chaincity query bidding` calls it). Goal: >= 1,000 checks/s batched on Anvil (issue 16).

    python -m bench.reads          # a register of ~3,400 titles and 2,000 companies

A private Anvil, the city deployed as the Python tests deploy it; the registration centre's
titles, two banks' mortgages and a court's seizures (`chaincity datagen`'s exports), and the
company registrations, tax grades and listings (`bench.companies.company_city`, without the
market's later acts, which go one transaction each), all synced by the oracles.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from eth_abi import decode, encode
from eth_utils.abi import function_abi_to_4byte_selector, get_abi_input_types, get_abi_output_types

from bench.devnet import private_devnet
from bench.figure import Figure, percentiles
from chaincity.chain.calldata import CallEncoder

GOAL = 1_000.0  # checks/s, batched, on Anvil
GAS_LIMIT = 1_000_000_000
BATCH = 100  # calls per JSON-RPC batch, and per multicall


def timed(check: Callable[[list], list], subjects: list, chunk: int) -> tuple[float, list[float], list]:
    """Checks/s of ``check`` over ``subjects`` taken ``chunk`` at a time, each chunk's latency, the answers."""
    latencies, answers = [], []
    started = time.perf_counter()
    for start in range(0, len(subjects), chunk):
        begun = time.perf_counter()
        answers += check(subjects[start:start + chunk])
        latencies.append(time.perf_counter() - begun)
    return len(subjects) / (time.perf_counter() - started), latencies, answers


class BatchedView:
    """One view function called for many argument tuples in one JSON-RPC batch (the provider's
    ``make_batch_request`` of ``eth_call``s, web3.py 7's public batch API beneath
    ``batch_requests``): calldata encoded and results decoded with eth-abi from the function's ABI.
    web3's contract-call objects cost milliseconds of Python each (ABI look-up, validation,
    result formatting; ``w3.eth.call`` in a batch still ~2 ms), which would be the figure else."""

    def __init__(self, w3, contract, function: str):
        abi = contract.get_function_by_name(function).abi
        self.w3, self.address = w3, contract.address
        self.selector = function_abi_to_4byte_selector(abi)
        self.inputs, self.outputs = get_abi_input_types(abi), get_abi_output_types(abi)

    def calldata(self, args: tuple) -> bytes:
        return self.selector + encode(self.inputs, args)

    def answer(self, result: bytes):
        return decode(self.outputs, result)[0]

    def __call__(self, arguments: list[tuple]) -> list:
        requests = [("eth_call", [{"to": self.address, "data": "0x" + self.calldata(args).hex()}, "latest"])
                    for args in arguments]
        answers = self.w3.provider.make_batch_request(requests)
        if isinstance(answers, dict) or any("error" in answer for answer in answers):
            raise RuntimeError(f"a batched {self.selector.hex()} call failed: {answers}")
        return [self.answer(bytes.fromhex(answer["result"][2:])) for answer in answers]


class MulticallView:
    """The same calls as a :class:`BatchedView`'s in ONE ``eth_call`` of the contract's
    ``multicall(bytes[])`` (encoded by the oracles' encoder, ``chain/calldata.py``): one request,
    one EVM run, each call's answer decoded from the returned ``bytes[]``."""

    def __init__(self, view: BatchedView, contract):
        self.view, self.multicall = view, CallEncoder(contract, "multicall")

    def __call__(self, arguments: list[tuple]) -> list:
        data = self.multicall.encode([self.view.calldata(args) for args in arguments])
        answer = self.view.w3.provider.make_request("eth_call", [{"to": self.multicall.to, "data": "0x" + data.hex()},
                                                                 "latest"])
        if "error" in answer:
            raise RuntimeError(f"a multicall of {len(arguments)} {self.view.selector.hex()} calls failed: {answer}")
        return [self.view.answer(result) for result in decode(["bytes[]"], bytes.fromhex(answer["result"][2:]))[0]]


def in_order(subjects: list, answers: dict) -> list:
    """A dict of answers by subject back into the subjects' order (a subject may repeat)."""
    return [answers[subject] for subject in subjects]


def _tuples(value):
    """web3 returns arrays as lists, eth-abi as tuples: the same answer either way."""
    return tuple(map(_tuples, value)) if isinstance(value, (list, tuple)) else value


def populate(w3, work, households: int, companies: int):
    """The register the checks read: (units with a title, USCCs of companies)."""
    from conftest import Oracles, make_city

    from bench.companies import company_city
    from chaincity.datagen import generate

    city = make_city(w3, work)
    oracles = Oracles(w3, city, work)
    files = generate(work / "estate", households, bad_share=0.0, seed=2018)
    oracles.load("real-estate", files.real_estate, "LD-REC")
    oracles.sync("real-estate", "LD-REC", batch_size=500)
    for code in ("LD-BANK-ICBC", "LD-BANK-CCB"):
        oracles.load("bank", files.banks[code], code)
        oracles.sync("bank", code, batch_size=500)
    oracles.load("court", files.courts["LD-COURT-INT"], "LD-COURT-INT")
    oracles.sync("court", "LD-COURT-INT")
    with files.real_estate.open(encoding="utf-8") as handle:
        units = [line.split(",")[0] for line in list(handle)[1:]]
    town = company_city(w3, work, city["config"].deployments_dir, companies,
                        onboarded={"LD-COURT-INT": city["signers"]["LD-COURT-INT"]}, acts=False, batch_size=500)
    return city, units, town.usccs


def measure(quick: bool = False) -> list[Figure]:
    """Checks/s one by one, in a JSON-RPC batch, and (bidding) through the multi-read view."""
    from chaincity.chain.deployment import City
    from chaincity.credit import BIDDERS_PER_CALL, Credit, company_key
    from chaincity.formats import unit_key

    households, companies, checks = (60, 60, 200) if quick else (1_500, 2_000, 2_000)
    with private_devnet("reads", block_gas_limit=GAS_LIMIT) as (w3, _net, work):
        city, units, usccs = populate(w3, work, households, companies)
        contracts = City(w3, city["config"].deployments_dir)
        registry, view = contracts["PropertyRegistry"].functions, contracts["BiddingEligibility"].functions
        credit = Credit(contracts)
        titles = BatchedView(w3, contracts["PropertyRegistry"], "titleOf")
        titles_multicall = MulticallView(titles, contracts["PropertyRegistry"])
        masks = BatchedView(w3, contracts["BiddingEligibility"], "biddingBarMaskOf")
        units = [unit_key(u) for u in (units * (checks // len(units) + 1))[:checks]]
        bidders = (usccs * (checks // len(usccs) + 1))[:checks]
        load = os.getloadavg()[0]
        rounds = {
            ("pre-mortgage check (titleOf)", "one by one"): (lambda us: [registry.titleOf(u).call() for u in us], units, 1),
            ("pre-mortgage check (titleOf)", f"JSON-RPC batch of {BATCH}"):
                (lambda us: titles([(u,) for u in us]), units, BATCH),
            ("pre-mortgage check (titleOf)", f"multicall of {BATCH} in one eth_call"):
                (lambda us: titles_multicall([(u,) for u in us]), units, BATCH),
            ("bidding check", "one by one"):
                (lambda cs: [view.biddingBarMaskOf(company_key(c)).call() for c in cs], bidders, 1),
            ("bidding check", f"JSON-RPC batch of {BATCH}"):
                (lambda cs: masks([(company_key(c),) for c in cs]), bidders, BATCH),
            ("bidding check", f"multi-read view biddingBarsOfBatch ({BIDDERS_PER_CALL} a call)"):
                (lambda cs: in_order(cs, credit.bidding(cs)), bidders, BIDDERS_PER_CALL),
        }
        measured = {key: timed(check, subjects, chunk) for key, (check, subjects, chunk) in rounds.items()}
    one_title = list(map(_tuples, measured[("pre-mortgage check (titleOf)", "one by one")][2]))
    for path in (f"JSON-RPC batch of {BATCH}", f"multicall of {BATCH} in one eth_call"):
        if list(map(_tuples, measured[("pre-mortgage check (titleOf)", path)][2])) != one_title:
            raise RuntimeError(f"the pre-mortgage check by {path} read other titles than the single calls")
    one_bids = measured[("bidding check", "one by one")][2]
    view_bids = measured[("bidding check", f"multi-read view biddingBarsOfBatch ({BIDDERS_PER_CALL} a call)")][2]
    batch_bids = measured[("bidding check", f"JSON-RPC batch of {BATCH}")][2]
    if one_bids != batch_bids or [bool(mask) for mask in one_bids] != [bool(bars) for bars in view_bids]:
        raise RuntimeError("the multi-read view and the single calls disagree on who may bid")
    figures = []
    for (check, path), (rate, latencies, _) in measured.items():
        single = measured[(check, "one by one")][0]
        batched = path != "one by one"
        figures.append(Figure(
            5, f"reads: {check}, {path}", "anvil", checks, round(rate, 1), "checks/s",
            goal=GOAL if batched else None, success_rate=1.0, **percentiles(latencies),
            note=(f"{rate / single:.1f}x one by one; " if batched else "")
            + f"latency per call/batch; {len(units)} checks over {len(set(units)) if 'titleOf' in check else len(set(bidders))} "
              f"subjects in a register of {households:,} households' titles and {companies:,} companies; load {load:.1f}"))
    return figures


if __name__ == "__main__":
    for figure in measure():
        print(figure.as_dict())
