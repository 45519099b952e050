"""Smoke test of the benchmark modules of figures 1, 5 and 7: each `measure(quick=True)` runs
end to end on its own private Anvil and returns figures with positive values, the gas figures with their storage floor and the ERC721 peer computed;
and of figure 6's live follower, beside a small import.
No wall-clock assertion: the figures themselves are `python -m bench`'s job (issue 16)."""

from __future__ import annotations

from bench import gas, gateway, reads
from bench.live import LiveFollower
from conftest import Oracles, make_city
from test_oracle_stops import titles
from test_sync_bank_court import write


def test_gas_per_record_has_a_floor_and_the_erc721_peer_for_every_registry():
    figures = gas.measure(quick=True)
    names = {f.name for f in figures}
    layouts = ("titles", "mortgages", "companies", "listings", "vouchers", "read receipts", "seizures",
               "titles as one commitment")
    for registry in layouts:
        assert {f"gas: {registry}, batch of 1", f"gas: {registry}, batch of 20"} <= names
    assert "gas: ERC721 _safeMint (peer), batch of 20" in names
    against_peer = [f for f in figures if f.unit == "x"]
    assert len(against_peer) == len(layouts) and all(f.goal == 1.0 and f.goal_is_max and "ERC721" in f.name
                                                     for f in against_peer)
    # Every layout's trace agrees with its structs (one fresh slot a title in the commitment layout).
    assert not [f.name for f in figures if "CHECK LAYOUTS" in f.note]
    for figure in figures:
        if figure.unit == "x":  # a registry's batch against the peer's: its own line, with its goal
            continue
        assert figure.number == 1 and figure.unit == "gas/record" and figure.value > 0
        assert "fresh slots/record" in figure.note
        batched_registry = "batch of 1," not in figure.name + "," and "peer" not in figure.name
        # A batch's goal is 1.15x its floor; the floor is below what the batch spent (no free storage).
        assert (figure.goal is not None) == batched_registry
        if batched_registry:
            assert figure.value > figure.goal / gas.GOAL_OF_FLOOR
            assert "ERC721 peer" in figure.note


def test_reads_batched_paths_answer_what_the_single_calls_answer():
    figures = reads.measure(quick=True)
    assert len(figures) == 6
    for figure in figures:
        assert figure.number == 5 and figure.value > 0 and figure.p50 is not None
        assert (figure.goal == reads.GOAL) == ("one by one" not in figure.name)


def test_gateway_figures_are_positive_with_every_answer_receipted():
    # The company and voucher sync figures (bench.companies, bench.vouchers) are the oracle's
    # own paths, tested by their sync suites: `python -m bench` runs them, not `make test`.
    figures = gateway.measure(quick=True)
    assert figures
    for figure in figures:
        assert figure.number == 7 and figure.unit == "answers/s" and figure.value > 0
        assert figure.success_rate == 1.0


def test_the_live_follower_counts_each_title_written_beside_it_once_with_its_latency(anvil, tmp_path):
    city = make_city(anvil, tmp_path)
    oracles = Oracles(anvil, city, tmp_path)
    oracles.load("real-estate", write(tmp_path / "t.csv", "real-estate", titles(40)), "LD-REC")
    live = LiveFollower(anvil.provider.endpoint_uri, city["contracts"]["PropertyRegistry"], tmp_path / "live.db",
                        interval=0.05)
    live.start()
    summary = oracles.engine("real-estate", "title", "LD-REC", batch_size=5, pipeline=2).run()
    live.finish()
    figure = live.figure("anvil", summary.written_now)
    assert summary.written_now == 40 and figure.records == 40 and figure.success_rate == 1.0
    assert len(live.latencies) == 40 and min(live.latencies) >= 0 and live.lags
    assert figure.number == 6 and figure.unit == "blocks" and figure.p50 is not None
